"""Accounting: every request and its reply (thinking included) appended to a JSONL transcript.

The caller owns the file (a run directory's ``model.jsonl``, say) and wraps any backend in a
``RecordingBackend``; failures are recorded too, so a transcript explains a run that went wrong.
``Transcript.totals`` sums tokens and durations for the run; ``totals_of(path)`` recomputes them from a file
(e.g. when a run is resumed).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from solver.errors import ModelError
from solver.llm.base import ChatParams, Completion, Message, ModelBackend, OnChunk
from solver.llm.limits import estimate_text_tokens, estimate_tokens
from solver.llm.streaming import Collected


@dataclass(frozen=True)
class UsageTotals:
    requests: int = 0
    failures: int = 0
    prompt_tokens: int = 0
    output_tokens: int = 0
    thinking_chars: int = 0
    load_s: float = 0.0
    prompt_s: float = 0.0
    gen_s: float = 0.0
    wall_s: float = 0.0
    retries: int = 0

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.output_tokens

    def plus_entry(self, e: dict[str, Any]) -> UsageTotals:
        ok = bool(e.get("ok"))
        return UsageTotals(
            requests=self.requests + 1,
            failures=self.failures + (0 if ok else 1),
            prompt_tokens=self.prompt_tokens + int(e.get("prompt_tokens") or 0),
            output_tokens=self.output_tokens + int(e.get("output_tokens") or 0),
            thinking_chars=self.thinking_chars + len(e.get("thinking") or ""),
            load_s=self.load_s + float(e.get("load_s") or 0.0),
            prompt_s=self.prompt_s + float(e.get("prompt_s") or 0.0),
            gen_s=self.gen_s + float(e.get("gen_s") or 0.0),
            wall_s=self.wall_s + float(e.get("wall_s") or 0.0),
            retries=self.retries + max(0, int(e.get("attempts") or 1) - 1),
        )


def _params_dict(params: ChatParams | None) -> dict[str, Any]:
    if params is None:
        return {}
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in dataclasses.asdict(params).items()
            if v is not None and v != ()}


class Transcript:
    """Appends one JSON line per request to ``path`` (None: keep totals only)."""

    def __init__(self, path: Path | None, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock
        self._totals = UsageTotals()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)

    @property
    def totals(self) -> UsageTotals:
        return self._totals

    def _append(self, entry: dict[str, Any]) -> None:
        self._totals = self._totals.plus_entry(entry)
        if self.path is None:
            return
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        # One write on an O_APPEND file: a line is never interleaved with another writer's.
        with self.path.open("a", encoding="utf-8") as f:
            f.write(line)

    def _base(self, label: str, backend: str, messages: Sequence[Message], params: ChatParams | None
              ) -> dict[str, Any]:
        return {
            "ts": datetime.fromtimestamp(self._clock(), UTC).isoformat(timespec="milliseconds"),
            "label": label,
            "backend": backend,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "params": _params_dict(params),
        }

    def record(self, label: str, backend: str, messages: Sequence[Message], params: ChatParams | None,
               completion: Completion) -> None:
        entry = self._base(label, backend, messages, params)
        entry.update(ok=True, error=None, error_kind=None, **dataclasses.asdict(completion))
        self._append(entry)

    def record_failure(self, label: str, backend: str, model: str, messages: Sequence[Message],
                       params: ChatParams | None, error: ModelError, wall_s: float) -> None:
        entry = self._base(label, backend, messages, params)
        rejected = getattr(error, "completion", None)
        if isinstance(rejected, Completion):  # a refused reply (cut prompt, thinking only) still cost tokens
            entry.update(dataclasses.asdict(rejected))
        entry.update(ok=False, model=model, error=str(error), error_kind=type(error).__name__,
                     attempts=getattr(error, "attempts", 1), wall_s=wall_s,
                     endpoint=getattr(error, "host", ""))
        self._append(entry)

    def record_cancelled(self, label: str, backend: str, model: str, messages: Sequence[Message],
                         params: ChatParams | None, content: str, thinking: str, wall_s: float) -> None:
        """A reply the caller cancelled while it streamed: the text that arrived, its size estimated."""
        entry = self._base(label, backend, messages, params)
        entry.update(ok=False, cancelled=True, model=model, error="cancelled by the caller while streaming",
                     error_kind="Cancelled", content=content, thinking=thinking, done_reason="cancelled",
                     prompt_tokens=estimate_tokens(messages),
                     output_tokens=estimate_text_tokens(thinking + content), usage="estimated", wall_s=wall_s)
        self._append(entry)


def read_transcript(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def totals_of(path: Path) -> UsageTotals:
    totals = UsageTotals()
    for entry in read_transcript(path):
        totals = totals.plus_entry(entry)
    return totals


class RecordingBackend:
    """A ModelBackend that records every call of the backend it wraps.

    ``labelled()`` gives a view with another label (e.g. per problem) sharing the backend and transcript.
    """

    def __init__(self, inner: ModelBackend, transcript: Transcript, label: str = "") -> None:
        self.inner = inner
        self.transcript = transcript
        self.label = label
        self.name = inner.name

    def labelled(self, label: str) -> RecordingBackend:
        return RecordingBackend(self.inner, self.transcript, label)

    async def chat(
        self, messages: Sequence[Message], params: ChatParams | None = None, on_chunk: OnChunk | None = None
    ) -> Completion:
        start = time.monotonic()
        arrived = Collected(on_chunk)  # what streamed, kept for a reply cancelled half way
        model = str(getattr(self.inner, "model", ""))
        try:
            completion = await self.inner.chat(messages, params, arrived.add)
        except ModelError as e:
            self.transcript.record_failure(self.label, self.name, model, messages, self._sent(params, messages),
                                           e, time.monotonic() - start)
            raise
        except asyncio.CancelledError:  # the caller gave up (a wall-time budget, Ctrl-C): keep what arrived
            self.transcript.record_cancelled(self.label, self.name, model, messages,
                                             self._sent(params, messages), arrived.content, arrived.thinking,
                                             time.monotonic() - start)
            raise
        self.transcript.record(self.label, self.name, messages, self._sent(params, messages), completion)
        return completion

    def _sent(self, params: ChatParams | None, messages: Sequence[Message]) -> ChatParams | None:
        """The parameters as the backend sends them (presets applied, the reply's cap), where it can say."""
        effective = getattr(self.inner, "effective_params", None)
        if not callable(effective):
            return params
        return effective(params, messages)  # type: ignore[no-any-return]

    async def preflight(self) -> Any:
        """The wrapped backend's preflight, where it has one (the built-in backends do)."""
        check = getattr(self.inner, "preflight", None)
        return await check() if callable(check) else None

    async def close(self) -> None:
        await self.inner.close()


__all__ = ["RecordingBackend", "Transcript", "UsageTotals", "read_transcript", "totals_of"]
