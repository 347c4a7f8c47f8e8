"""The run store: one folder per run under ``runs/``, append-only and resumable.

    runs/<run-id>/
        run.json        what was run: command, configuration, model name and digest, seed, tool and image
                        versions, and the status (written atomically; updated at start and end)
        events.jsonl    one JSON object per line, append-only, each fsync'd: every stage, prompt, reply,
                        thinking, verdict and counterexample, with a timestamp and a sequence number
        <problem>/...   every source file the run wrote (atomic writes), by problem and role

Resuming replays ``events.jsonl``: model replies are found by their logical key (``RunIndex.reply``) so a
resumed run never asks the model the same thing twice, and a problem with a ``problem_done`` event is never
solved again (unless the model failed it: a model error is no property of the problem, so resume retries).
A process killed in the middle of an append leaves a torn last line, which ``open`` cuts off.
Several problems share one run (contest mode): every event names its problem.

Damage is survived where the log allows: the first event (``run_start``) holds what run.json was created
with, so a truncated run.json is rebuilt from it; a line with invalid UTF-8 is read with the bad bytes
replaced (``notes`` says which lines). A failed write (disk full, no permission) becomes a ``StoreError``
naming the file and the cause; what was written before stays, a half-written line is cut off, and the run
resumes once the cause is fixed.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solver.errors import StoreError

RUN_SCHEMA = 1


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write via a temporary file in the same folder, fsync, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_all(fd: int, data: bytes) -> None:
    """The run store's one write seam for the log (tests inject disk-full and permission errors here)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def write_failed(path: Path, error: OSError, run_id: str = "") -> StoreError:
    """A failed write as one clear error: which file, why, and that the run resumes once that is fixed."""
    why = error.strerror or str(error)
    fix = {errno.ENOSPC: "free some disk space", errno.EDQUOT: "free some disk space"}.get(
        error.errno or 0, "make the folder writable"
    )
    again = f" and continue with --resume {run_id}" if run_id else ""
    return StoreError(f"cannot write {path}: {why}; what was written before is kept: {fix}{again}")


@dataclass(frozen=True)
class Event:
    seq: int
    ts: float  # unix seconds
    type: str
    data: Mapping[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


@dataclass
class RunIndex:
    """What a run's events say was already done."""

    replies: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # model call key -> reply event data
    finished: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # problem -> problem_done event data

    @staticmethod
    def build(events: Iterable[Event]) -> RunIndex:
        index = RunIndex()
        for e in events:
            if e.type == "model_reply" and e.get("key"):
                index.replies[str(e.get("key"))] = e.data
            elif e.type == "problem_done" and e.get("problem"):
                if _model_failed(e.data):  # written before model errors left runs resumable: retry it
                    index.finished.pop(str(e.get("problem")), None)
                else:
                    index.finished[str(e.get("problem"))] = e.data
        return index

    def reply(self, key: str) -> Mapping[str, Any] | None:
        return self.replies.get(key)


def _model_failed(data: Mapping[str, Any]) -> bool:
    result = data.get("result")
    return isinstance(result, Mapping) and result.get("stop") == "model_error"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "run"


class Run:
    """An open run folder. Appends are serialised by a lock, so threads and tasks may log concurrently."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.id = path.name
        self._lock = threading.Lock()
        self._seq = 0
        self.notes: list[str] = []  # damage found and repaired on open, for the user to read

    # ---- creating and opening

    @staticmethod
    def create(root: Path, name: str, meta: Mapping[str, Any], now: float | None = None) -> Run:
        """Make a new run folder, whole or not at all.

        The folder is filled under a hidden staging name and renamed into place, so a process killed at any
        moment leaves either no run or one with run.json and its ``run_start`` event (never a bare folder
        that ``--resume`` and the listings would trip on).
        """
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now if now is not None else time.time()))
        path = root / f"{stamp}-{_slug(name)}-{secrets.token_hex(2)}"
        staging = root / f".creating-{secrets.token_hex(6)}"
        try:
            staging.mkdir(parents=True, exist_ok=False)
        except OSError as e:
            raise StoreError(f"cannot create run folder {path}: {e.strerror or e}; check --runs") from None
        run = Run(staging)
        run.id = path.name
        first = {"schema": RUN_SCHEMA, "id": run.id, "status": "running", **meta}
        try:
            atomic_write(staging / "run.json", _dumps(first))
            (staging / "events.jsonl").touch()
            run.append("run_start", meta=first)  # run.json can be rebuilt from the log if it is ever lost
            if path.exists():
                raise FileExistsError(errno.EEXIST, "already exists", str(path))
            staging.rename(path)
        except OSError as e:
            shutil.rmtree(staging, ignore_errors=True)
            raise write_failed(path, e) from None
        except StoreError:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        run.path = path
        return run

    @staticmethod
    def open(root: Path, ref: str) -> Run:
        """Open ``ref`` (a run id under ``root``, or a path to a run folder) to resume it."""
        candidates = [Path(ref), root / ref]
        path = next((p for p in candidates if (p / "run.json").is_file()), None)
        if path is None:
            raise StoreError(f"no run {ref!r} in {root} (give a folder name from {root}/ or a path to one)")
        run = Run(path)
        try:
            run._repair_tail()
        except OSError as e:
            raise write_failed(path / "events.jsonl", e, run.id) from None
        events = run.events()
        run._seq = max((e.seq for e in events), default=0)
        try:
            run.meta()
        except StoreError as broken:
            run._rebuild_meta(events, broken)
        return run

    def _repair_tail(self) -> None:
        """Cut a torn last line left by a process killed mid-append, so new events start on a fresh line."""
        log = self.path / "events.jsonl"
        if not log.exists():
            log.touch()
            return
        raw = log.read_bytes()
        if raw and not raw.endswith(b"\n"):
            with open(log, "r+b") as f:
                f.truncate(raw.rfind(b"\n") + 1)
                f.flush()
                os.fsync(f.fileno())

    def _rebuild_meta(self, events: list[Event], broken: StoreError) -> None:
        """Write run.json again from the log's ``run_start`` event; without one the run cannot be resumed."""
        start = next((e for e in events if e.type == "run_start" and isinstance(e.get("meta"), Mapping)), None)
        if start is None:
            raise StoreError(f"{broken}; its events.jsonl has no run_start event to rebuild it from") from None
        try:
            atomic_write(self.path / "run.json", _dumps({**start.data["meta"], "status": "interrupted"}))
        except OSError as e:
            raise write_failed(self.path / "run.json", e, self.id) from None
        self.notes.append(f"{self.path / 'run.json'} was unreadable; rebuilt it from events.jsonl")

    # ---- run.json

    def meta(self) -> dict[str, Any]:
        try:
            data = json.loads((self.path / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:  # ValueError: bad JSON and bad UTF-8 alike
            raise StoreError(
                f"{self.path / 'run.json'} is unreadable ({e}); the run cannot be resumed"
            ) from None
        if not isinstance(data, dict):
            raise StoreError(f"{self.path / 'run.json'} is not a JSON object; the run cannot be resumed")
        return data

    def update_meta(self, **changes: Any) -> None:
        with self._lock:
            try:
                atomic_write(self.path / "run.json", _dumps({**self.meta(), **changes}))
            except OSError as e:
                raise write_failed(self.path / "run.json", e, self.id) from None

    # ---- events

    def append(self, type_: str, **data: Any) -> Event:
        """Append one event and fsync it: once this returns, the event survives a crash.

        A failed write (disk full, no permission) cuts off the part of the line it wrote, so the log ends on
        a whole event, and raises a ``StoreError`` saying what failed and where.
        """
        log = self.path / "events.jsonl"
        with self._lock:
            event = Event(self._seq + 1, time.time(), type_, data)
            line = json.dumps(
                {"seq": event.seq, "ts": round(event.ts, 6), "type": type_, **data},
                ensure_ascii=False,
                default=str,
            )
            try:
                fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            except OSError as e:
                raise write_failed(log, e, self.id) from None
            try:
                size = os.fstat(fd).st_size
                try:
                    _write_all(fd, (line + "\n").encode("utf-8"))
                    os.fsync(fd)
                except OSError as e:
                    with contextlib.suppress(OSError):  # keep the log whole; if even this fails, open cuts it
                        os.ftruncate(fd, size)
                    raise write_failed(log, e, self.id) from None
            finally:
                os.close(fd)
            self._seq = event.seq
        return event

    def events(self) -> list[Event]:
        out: list[Event] = []
        log = self.path / "events.jsonl"
        try:
            raw = log.read_bytes()
        except FileNotFoundError:
            return out
        except OSError as e:
            raise StoreError(f"cannot read {log}: {e.strerror or e}") from None
        damaged: list[int] = []
        for n, chunk in enumerate(raw.split(b"\n"), start=1):
            if not chunk.strip():
                continue
            try:
                line = chunk.decode("utf-8")
            except UnicodeDecodeError:  # a damaged byte: keep the event, with the bad bytes replaced
                line = chunk.decode("utf-8", errors="replace")
                damaged.append(n)
            try:
                d = json.loads(line)
                seq, ts, type_ = d.pop("seq", 0), d.pop("ts", 0.0), d.pop("type", "")
                event = Event(int(seq), float(ts), str(type_), d)
            except (ValueError, TypeError, AttributeError):
                continue  # a torn or damaged line: the event never completed
            out.append(event)
        if damaged:
            note = f"{log}: invalid UTF-8 on line(s) {', '.join(map(str, damaged[:5]))}, read with it replaced"
            if note not in self.notes:
                self.notes.append(note)
        return out

    def index(self) -> RunIndex:
        return RunIndex.build(self.events())

    # ---- files

    def write_file(self, relative: str, text: str) -> Path:
        path = self.path / relative
        if not path.resolve().is_relative_to(self.path.resolve()):
            raise StoreError(f"refusing to write {relative!r} outside the run folder")
        try:
            atomic_write(path, text)
        except OSError as e:
            raise write_failed(path, e, self.id) from None
        return path


def _dumps(data: Mapping[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
