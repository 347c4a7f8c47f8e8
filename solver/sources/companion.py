"""Problems that did not come over HTTP: Competitive Companion JSON, saved pages, sample folders.

- Competitive Companion (https://github.com/jmerle/competitive-companion) sends one JSON document per
  problem: name, url, timeLimit (ms), memoryLimit (MB), tests [{input, output}], interactive, input/output.
- A saved Codeforces page (``.html``): parsed like a fetched one (this is the way round a Cloudflare
  challenge: open the page in a browser, save it, import it).
- A folder: a statement (``statement.md``/``.txt``, or a saved ``.html`` page) and samples as
  ``NAME.in`` + ``NAME.out`` (or ``.ans``) pairs; or a folder of this store (with problem.json).

Pure apart from reading the given files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from solver.errors import ParseError, UsageError
from solver.problem import INDEX, ContestRef, Problem, ProblemId, Sample, parse_ref
from solver.sources import cf_html
from solver.sources.cf_html import normalize_sample
from solver.sources.store import SCHEMA_VERSION, pid_from_slug

DEFAULT_TIME_LIMIT_S = 2.0
DEFAULT_MEMORY_LIMIT_MB = 256
_STATEMENT_TEXT = ("statement.md", "statement.txt", "problem.md", "README.md")
_STATEMENT_HTML = ("statement.html", "problem.html", "index.html")


def _id_from_url(url: str) -> ProblemId | None:
    try:
        ref = parse_ref(url)
    except UsageError:
        return None
    return ref if isinstance(ref, ProblemId) else None


def from_companion(doc: Mapping[str, Any], pid: ProblemId | None = None) -> Problem:
    """One Competitive Companion document -> Problem (the statement is not part of the format)."""
    if not isinstance(doc, Mapping) or "tests" not in doc or "name" not in doc:
        raise ParseError("not a Competitive Companion document (it needs at least name and tests)")
    url = str(doc.get("url", ""))
    pid = pid or _id_from_url(url)
    if pid is None:
        raise UsageError(f"cannot tell the problem id from the URL {url!r}: give --id (e.g. --id 1999A)")
    name = re.sub(rf"^\s*{INDEX}\s*\.\s*", "", str(doc["name"])).strip() or str(doc["name"])
    try:
        samples = tuple(
            Sample(normalize_sample(str(t["input"])), normalize_sample(str(t.get("output", ""))))
            for t in doc["tests"]
        )
        time_limit = float(doc.get("timeLimit", DEFAULT_TIME_LIMIT_S * 1000)) / 1000
        memory_limit = round(float(doc.get("memoryLimit", DEFAULT_MEMORY_LIMIT_MB)))
    except (KeyError, TypeError, ValueError) as e:
        raise ParseError(f"malformed Competitive Companion document ({e})") from None
    io_in = doc.get("input") or {}
    io_out = doc.get("output") or {}
    input_file = str(io_in.get("fileName")) if io_in.get("type") == "file" else "standard input"
    output_file = str(io_out.get("fileName")) if io_out.get("type") == "file" else "standard output"
    clean_url = url.split("?")[0]
    return Problem(
        id=pid,
        name=name,
        time_limit_s=time_limit,
        memory_limit_mb=memory_limit,
        statement="",
        input_spec="",
        output_spec="",
        samples=samples,
        interactive=bool(doc.get("interactive", False)),
        input_file=input_file,
        output_file=output_file,
        url=clean_url,
    )


def load_companion_file(path: Path, target: ProblemId | ContestRef | None = None) -> list[Problem]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as e:
        raise ParseError(f"{path} is not JSON ({e})") from None
    if isinstance(doc, dict) and "result" in doc and "tests" not in doc:
        doc = doc["result"]  # the shape Competitive Companion's own test data uses
    docs = doc if isinstance(doc, list) else [doc]
    if isinstance(target, ProblemId) and len(docs) > 1:
        raise UsageError(f"{path} holds {len(docs)} problems; --id names only one (or give the contest)")
    if isinstance(target, ContestRef):
        return [from_companion(d, _in_contest(d, target)) for d in docs]
    return [from_companion(d, target) for d in docs]


def _in_contest(doc: Any, ref: ContestRef) -> ProblemId:
    """The problem of contest ``ref`` a Companion document is: its URL's index, else its name's ("A. ...")."""
    if not isinstance(doc, Mapping):
        raise ParseError("not a Competitive Companion document (it needs at least name and tests)")
    from_url = _id_from_url(str(doc.get("url", "")))
    if from_url is not None:
        return ref.problem(from_url.index)
    m = re.match(rf"\s*({INDEX})\s*\.", str(doc.get("name", "")))
    if m is None:
        raise UsageError(
            f"cannot tell which problem of contest {ref} {doc.get('name')!r} is: give its id, e.g. --id {ref}A"
        )
    return ref.problem(m.group(1).upper())


def _natural(name: str) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def samples_from_dir(folder: Path) -> tuple[Sample, ...]:
    samples = []
    for inp in sorted(folder.glob("*.in"), key=lambda p: _natural(p.name)):
        out = next((p for p in (inp.with_suffix(".out"), inp.with_suffix(".ans")) if p.is_file()), None)
        if out is None:
            raise UsageError(f"sample {inp} has no {inp.with_suffix('.out').name} (or .ans) beside it")
        samples.append(
            Sample(
                normalize_sample(inp.read_text(encoding="utf-8")),
                normalize_sample(out.read_text(encoding="utf-8")),
            )
        )
    return tuple(samples)


def from_directory(
    folder: Path,
    pid: ProblemId | None = None,
    *,
    time_limit_s: float | None = None,
    memory_limit_mb: int | None = None,
) -> Problem:
    """A folder with a statement and ``*.in``/``*.out`` samples (or a store folder with problem.json)."""
    meta = folder / "problem.json"
    if meta.is_file():
        try:
            doc = json.loads(meta.read_text(encoding="utf-8"))
            if doc.get("schema") != SCHEMA_VERSION:
                raise ParseError(f"{meta} has schema {doc.get('schema')!r}, expected {SCHEMA_VERSION}")
            problem = Problem.from_json(doc["problem"])
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise ParseError(f"{meta} is corrupt ({e})") from None
        return problem if pid is None else _with_id(problem, pid)
    pid = pid or pid_from_slug(folder.name) or _id_from_url(folder.name)
    samples = samples_from_dir(folder)
    html = next((folder / n for n in _STATEMENT_HTML if (folder / n).is_file()), None)
    if html is not None:
        problem = cf_html.parse_problem(html.read_bytes(), pid)
        if samples:
            problem = replace(problem, samples=samples)
        return _with_limits(problem, time_limit_s, memory_limit_mb)
    if pid is None:
        raise UsageError(
            f"cannot tell the problem id from the folder name {folder.name!r}: give --id (e.g. --id 1999A)"
        )
    text_file = next((folder / n for n in _STATEMENT_TEXT if (folder / n).is_file()), None)
    if text_file is None and not samples:
        raise UsageError(
            f"{folder} has no statement ({', '.join(_STATEMENT_TEXT)}) and no *.in/*.out samples"
        )
    statement = text_file.read_text(encoding="utf-8").strip() if text_file else ""
    heading = re.match(r"#\s+(.+)", statement)
    name = heading.group(1).strip() if heading else folder.name
    return Problem(
        id=pid,
        name=name,
        time_limit_s=time_limit_s or DEFAULT_TIME_LIMIT_S,
        memory_limit_mb=memory_limit_mb or DEFAULT_MEMORY_LIMIT_MB,
        statement=statement,
        input_spec="",
        output_spec="",
        samples=samples,
        several_answers=cf_html.several_answers_in(statement),
        interactive=cf_html.interactive_in(statement),
    )


Target = ProblemId | ContestRef  # what `import --id` may name: one problem or a whole contest


def load_path(
    path: Path,
    target: Target | None = None,
    *,
    time_limit_s: float | None = None,
    memory_limit_mb: int | None = None,
) -> list[Problem]:
    """Whatever the user pointed `import` at -> problems. ``target`` files them under a problem (one
    problem of the file) or a contest (every problem of the file)."""
    if path.is_dir():
        if isinstance(target, ContestRef):
            raise UsageError(f"{path} is a folder of one problem: give the problem id, e.g. --id {target}A")
        return [from_directory(path, target, time_limit_s=time_limit_s, memory_limit_mb=memory_limit_mb)]
    if not path.is_file():
        raise UsageError(f"{path} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".json":
        problems = load_companion_file(path, target)
    elif suffix in {".html", ".htm"}:
        raw = path.read_bytes()
        # The page's own address comes first; a browser's file name ("contest1715_problems.html",
        # "1999A.html") is the last resort for pages saved without one.
        fallback = ref_from_file_name(path.name)
        if isinstance(target, ProblemId):
            problems = [cf_html.parse_problem(raw, target)]
        else:
            problems = cf_html.parse_problems(raw, target, fallback=fallback)
    else:
        raise UsageError(
            f"{path}: import takes a Competitive Companion .json file, a saved Codeforces API answer "
            "(.json: contest.standings, contest.ratingChanges, contest.list, user.rating, problemset.problems), "
            "a saved Codeforces .html page or a folder with a statement and *.in/*.out samples"
        )
    return [_with_limits(p, time_limit_s, memory_limit_mb) for p in problems]


def whole_contest(path: Path, problems: list[Problem]) -> ContestRef | None:
    """The contest whose problems page ``path`` is (every problem of it), None for anything else."""
    if path.suffix.lower() not in {".html", ".htm"} or not problems:
        return None
    contests = {p.id.contest() for p in problems}
    if len(contests) != 1 or not cf_html.is_contest_page(path.read_bytes()):
        return None
    return contests.pop()


def ref_from_file_name(name: str) -> Target | None:
    """What a saved page's file name says: "contest1715_problems.html", "Contest 1715.html",
    "1999A.html", "gym103505A.html", "gym-103505A.html"; None when it says nothing."""
    stem = name.rsplit(".", 1)[0].strip().lower()
    stem = re.sub(r"^contest[\s_-]*", "", stem)
    stem = re.sub(r"[\s_-]*problems$", "", stem)
    stem = re.sub(r"^gym[\s_-]*", "gym/", stem)
    if not re.fullmatch(rf"(?:gym/)?\d+(?:{INDEX})?", stem):
        return None
    try:
        return parse_ref(stem)
    except UsageError:
        return None


def _with_id(problem: Problem, pid: ProblemId) -> Problem:
    return replace(problem, id=pid)


def _with_limits(problem: Problem, time_limit_s: float | None, memory_limit_mb: int | None) -> Problem:
    changes: dict[str, Any] = {}
    if time_limit_s:
        changes["time_limit_s"] = time_limit_s
    if memory_limit_mb:
        changes["memory_limit_mb"] = memory_limit_mb
    return replace(problem, **changes) if changes else problem
