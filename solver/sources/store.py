"""The problem store: one folder per problem, plus a cache of Codeforces API answers.

    problems/                       (``--store``; default ``problems/``)
      1999A/                        ProblemId.slug
        problem.json                {"schema": 1, "problem": {...}, "saved_at": ..., "source": ...}
        statement.md                the statement for people (problem.json is the source of truth)
        01.in  01.out  ...          the samples, one file each
      _contests/1999.json           which problems a contest has (so --offline can list what is missing)
      _api/contest.standings/...    cached API answers with their expiry (None = keep forever)

Every file is written atomically (temporary file + rename); problem.json is written last, so a
crash leaves the previous problem intact. Nothing here touches the network.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from solver.errors import StoreError
from solver.problem import DIGIT_INDEX, LETTER_INDEX, ContestKind, ContestRef, Problem, ProblemId
from solver.runstore import atomic_write

SCHEMA_VERSION = 1


_SLUG = re.compile(
    rf"(?:(gym)-|group-([A-Za-z0-9]+)-)?(\d+)(?:({LETTER_INDEX})|-({DIGIT_INDEX}))"
)


def pid_from_slug(slug: str) -> ProblemId | None:
    """The inverse of ProblemId.slug (``1999A``, ``921-01``, ``gym-103505A``, ``group-abc-123B``)."""
    m = _SLUG.fullmatch(slug)
    if not m:
        return None
    index = (m.group(4) or m.group(5)).upper()
    if m.group(2):
        return ProblemId(int(m.group(3)), index, ContestKind.GROUP, m.group(2))
    kind = ContestKind.GYM if m.group(1) else ContestKind.CONTEST
    return ProblemId(int(m.group(3)), index, kind)


def statement_markdown(p: Problem) -> str:
    """The statement as a Markdown document (TeX left as $...$)."""
    limits = f"time limit {p.time_limit_s:g} s · memory limit {p.memory_limit_mb} MB"
    if (p.input_file, p.output_file) != ("standard input", "standard output"):
        limits += f" · input {p.input_file} · output {p.output_file}"
    flags = [f for f, on in (("interactive", p.interactive), ("several answers", p.several_answers)) if on]
    parts = [f"# {p.id}. {p.name}", limits + (" · " + ", ".join(flags) if flags else "")]
    if p.url:
        parts.append(f"<{p.url}>")
    parts.append(p.statement)
    for title, body in (("Input", p.input_spec), ("Output", p.output_spec), ("Interaction", p.interaction)):
        if body:
            parts.append(f"## {title}\n\n{body}")
    for i, s in enumerate(p.samples, 1):
        parts.append(f"## Example {i}\n\nInput:\n\n```\n{s.input}```\n\nOutput:\n\n```\n{s.output}```")
    if p.notes:
        parts.append(f"## Note\n\n{p.notes}")
    return "\n\n".join(x for x in parts if x) + "\n"


@dataclass(frozen=True)
class CachedAnswer:
    result: Any
    saved_at: float
    expires_at: float | None  # None: never expires

    def fresh(self, now: float) -> bool:
        return self.expires_at is None or now < self.expires_at


class ProblemStore:
    def __init__(self, root: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.root = Path(root)
        self._clock = clock

    # --- problems -------------------------------------------------------------------------------------

    def folder(self, pid: ProblemId) -> Path:
        return self.root / pid.slug

    def has(self, pid: ProblemId) -> bool:
        return (self.folder(pid) / "problem.json").is_file()

    def load(self, pid: ProblemId) -> Problem | None:
        """The stored problem, None when absent; StoreError when problem.json cannot be trusted."""
        path = self.folder(pid) / "problem.json"
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as e:
            raise StoreError(f"cannot read {path}: {e.strerror}") from None
        fix = f"delete {path.parent} or run `python -m solver fetch {pid} --refresh`"
        try:
            doc = json.loads(raw)
        except json.JSONDecodeError as e:
            raise StoreError(f"{path} is corrupt ({e.msg} at line {e.lineno}): {fix}") from None
        except ValueError as e:
            raise StoreError(f"{path} is corrupt ({e}): {fix}") from None
        if not isinstance(doc, dict) or "schema" not in doc or "problem" not in doc:
            raise StoreError(f"{path} is not a problem file of this store (no schema/problem keys): {fix}")
        if doc["schema"] != SCHEMA_VERSION:
            raise StoreError(
                f"{path} has schema version {doc['schema']!r}, this cp-solver reads {SCHEMA_VERSION}: {fix}"
            )
        try:
            problem = Problem.from_json(doc["problem"])
        except (KeyError, TypeError, ValueError) as e:
            raise StoreError(f"{path} is corrupt (bad or missing field {e}): {fix}") from None
        if problem.id != pid:
            raise StoreError(f"{path} holds problem {problem.id}, not {pid}: {fix}")
        return problem

    def save(self, problem: Problem, *, source: str = "") -> Path:
        """Write (or overwrite) a problem's folder; problem.json goes last."""
        folder = self.folder(problem.id)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write(folder / "statement.md", statement_markdown(problem))
            width = max(2, len(str(len(problem.samples))))
            keep = set()
            for i, sample in enumerate(problem.samples, 1):
                stem = f"{i:0{width}d}"
                atomic_write(folder / f"{stem}.in", sample.input)
                atomic_write(folder / f"{stem}.out", sample.output)
                keep |= {f"{stem}.in", f"{stem}.out"}
            doc = {
                "schema": SCHEMA_VERSION,
                "problem": problem.to_json(),
                "saved_at": self._clock(),
                "source": source,
            }
            atomic_write(folder / "problem.json", json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
            for old in folder.iterdir():
                if re.fullmatch(r"\d+\.(in|out)", old.name) and old.name not in keep:
                    old.unlink()
        except OSError as e:
            raise StoreError(f"cannot write the problem store at {folder}: {e.strerror or e}") from None
        return folder

    def problems(self) -> list[ProblemId]:
        """Every problem folder in the store (by its name), sorted."""
        if not self.root.is_dir():
            return []
        found = [pid_from_slug(d.name) for d in self.root.iterdir() if (d / "problem.json").is_file()]
        return sorted(p for p in found if p is not None)

    # --- contests -------------------------------------------------------------------------------------

    def contest_path(self, ref: ContestRef) -> Path:
        return self.root / "_contests" / f"{ref.slug}.json"

    def save_contest(self, ref: ContestRef, indices: list[str]) -> None:
        doc = {"schema": SCHEMA_VERSION, "contest": str(ref), "indices": indices, "saved_at": self._clock()}
        try:
            atomic_write(self.contest_path(ref), json.dumps(doc, indent=2) + "\n")
        except OSError as e:
            raise StoreError(f"cannot write the problem store at {self.root}: {e.strerror or e}") from None

    def contest_indices(self, ref: ContestRef) -> list[str] | None:
        path = self.contest_path(ref)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            return [str(i) for i in doc["indices"]]
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError):
            raise StoreError(f"{path} is corrupt: delete it and fetch contest {ref} again") from None

    # --- API answers ----------------------------------------------------------------------------------

    def api_path(self, method: str, params: Mapping[str, str]) -> Path:
        key = "&".join(f"{k}={params[k]}" for k in sorted(params)) or "_"
        safe = re.sub(r"[^A-Za-z0-9=&.,_-]", "_", key)
        if safe != key or len(safe) > 120:
            safe = safe[:80] + "-" + hashlib.sha256(key.encode()).hexdigest()[:16]
        return self.root / "_api" / method / f"{safe}.json"

    def api_get(self, method: str, params: Mapping[str, str]) -> CachedAnswer | None:
        """The cached answer, fresh or not (the caller decides); None when absent or unreadable."""
        path = self.api_path(method, params)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if doc.get("schema") != SCHEMA_VERSION or doc.get("params") != dict(params):
                return None
            return CachedAnswer(doc["result"], float(doc["saved_at"]), doc["expires_at"])
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError, AttributeError):
            return None  # a damaged cache entry is only a cache miss

    def api_put(
        self,
        method: str,
        params: Mapping[str, str],
        result: Any,
        ttl_s: float | None,
        *,
        saved_at: float | None = None,
    ) -> None:
        """Cache an answer; ``saved_at`` is when it was had (an imported file's time), default now."""
        now = self._clock() if saved_at is None else saved_at
        doc = {
            "schema": SCHEMA_VERSION,
            "method": method,
            "params": dict(params),
            "saved_at": now,
            "expires_at": None if ttl_s is None else now + ttl_s,
            "result": result,
        }
        try:
            atomic_write(self.api_path(method, params), json.dumps(doc, ensure_ascii=False))
        except OSError as e:
            raise StoreError(f"cannot write the API cache under {self.root}: {e.strerror or e}") from None
