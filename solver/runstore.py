"""The run store: one folder per run under ``runs/``, append-only and resumable.

    runs/<run-id>/
        run.json        what was run: command, configuration, model name and digest, seed, tool and image
                        versions, and the status (written atomically; updated at start and end)
        events.jsonl    one JSON object per line, append-only, each fsync'd: every stage, prompt, reply,
                        thinking, verdict and counterexample, with a timestamp and a sequence number
        <problem>/...   every source file the run wrote (atomic writes), by problem and role

Resuming replays ``events.jsonl``: model replies are found by their logical key (``RunIndex.reply``) so a
resumed run never asks the model the same thing twice, and a problem with a ``problem_done`` event is never
solved again. A process killed in the middle of an append leaves a torn last line, which ``open`` cuts off.
Several problems share one run (contest mode): every event names its problem.
"""

from __future__ import annotations

import json
import os
import re
import secrets
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
                index.finished[str(e.get("problem"))] = e.data
        return index

    def reply(self, key: str) -> Mapping[str, Any] | None:
        return self.replies.get(key)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "run"


class Run:
    """An open run folder. Appends are serialised by a lock, so threads and tasks may log concurrently."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.id = path.name
        self._lock = threading.Lock()
        self._seq = 0

    # ---- creating and opening

    @staticmethod
    def create(root: Path, name: str, meta: Mapping[str, Any], now: float | None = None) -> Run:
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now if now is not None else time.time()))
        path = root / f"{stamp}-{_slug(name)}-{secrets.token_hex(2)}"
        try:
            path.mkdir(parents=True, exist_ok=False)
        except OSError as e:
            raise StoreError(f"cannot create run folder {path}: {e.strerror or e}; check --runs") from None
        run = Run(path)
        atomic_write(
            path / "run.json", _dumps({"schema": RUN_SCHEMA, "id": run.id, "status": "running", **meta})
        )
        (path / "events.jsonl").touch()
        return run

    @staticmethod
    def open(root: Path, ref: str) -> Run:
        """Open ``ref`` (a run id under ``root``, or a path to a run folder) to resume it."""
        candidates = [Path(ref), root / ref]
        path = next((p for p in candidates if (p / "run.json").is_file()), None)
        if path is None:
            raise StoreError(f"no run {ref!r} in {root} (give a folder name from {root}/ or a path to one)")
        run = Run(path)
        run.meta()  # fails clearly on a corrupt run.json
        run._repair_tail()
        run._seq = len(run.events())
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

    # ---- run.json

    def meta(self) -> dict[str, Any]:
        try:
            data = json.loads((self.path / "run.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise StoreError(
                f"{self.path / 'run.json'} is unreadable ({e}); the run cannot be resumed"
            ) from None
        if not isinstance(data, dict):
            raise StoreError(f"{self.path / 'run.json'} is not a JSON object; the run cannot be resumed")
        return data

    def update_meta(self, **changes: Any) -> None:
        with self._lock:
            atomic_write(self.path / "run.json", _dumps({**self.meta(), **changes}))

    # ---- events

    def append(self, type_: str, **data: Any) -> Event:
        """Append one event and fsync it: once this returns, the event survives a crash."""
        with self._lock:
            self._seq += 1
            event = Event(self._seq, time.time(), type_, data)
            line = json.dumps(
                {"seq": event.seq, "ts": round(event.ts, 6), "type": type_, **data},
                ensure_ascii=False,
                default=str,
            )
            with open(self.path / "events.jsonl", "a", encoding="utf-8") as f:
                f.write(line + "\n")
                f.flush()
                os.fsync(f.fileno())
        return event

    def events(self) -> list[Event]:
        out: list[Event] = []
        try:
            text = (self.path / "events.jsonl").read_text(encoding="utf-8")
        except FileNotFoundError:
            return out
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError:
                continue  # a torn line from a crash: the event never completed
            seq, ts, type_ = d.pop("seq", 0), d.pop("ts", 0.0), d.pop("type", "")
            out.append(Event(int(seq), float(ts), str(type_), d))
        return out

    def index(self) -> RunIndex:
        return RunIndex.build(self.events())

    # ---- files

    def write_file(self, relative: str, text: str) -> Path:
        path = self.path / relative
        if not path.resolve().is_relative_to(self.path.resolve()):
            raise StoreError(f"refusing to write {relative!r} outside the run folder")
        atomic_write(path, text)
        return path


def _dumps(data: Mapping[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"
