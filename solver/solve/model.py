"""One model call, logged and cached in the run store.

Every call has a logical key (``problem/who/stage/n``). Before asking the model, the run's index is consulted:
a reply recorded under the same key in an earlier (interrupted) session of this run is reused, so a resumed
run never asks the model twice for the same thing. Prompts, replies and thinking go to ``events.jsonl``.
Concurrency and quick retries are the model layer's business (its limiter bounds requests in flight).

A server that is away longer than the model layer's quick retries (restarting, reloading a model, a host
rebooting) is waited for here, with the same retry table and backoff code but a patient policy
(``PATIENCE``): waits of 15 s, 30 s, 1, 2, 4 minutes, then every 5 minutes, about an hour in all; each wait
is one line (``on_wait``) and a ``model_wait`` event. When even that is spent the error propagates: the
caller records nothing as done, so the run stays resumable and a resume asks again.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from solver.llm.base import ChatParams, Completion, Message, ModelBackend
from solver.llm.errors import ModelLayerError, ThinkingExhausted
from solver.llm.limits import estimate_tokens
from solver.llm.retry import kind_of
from solver.llm.streaming import Collected
from solver.retry import Kind, RetryPolicy, retrying
from solver.runstore import Run, RunIndex

# The cap on one reply (thinking included) unless the caller's parameters set one: enough for a long think and
# a program; a model stuck in a loop stops here instead of streaming until the context is full. The backend
# lowers it further to the room the prompt leaves in the context window, and ``ask`` to the token budget left.
REPLY_CAP = 16384
MIN_REPLY_CAP = 256  # below this a program cannot fit: a budget this nearly spent still gets one short try

# 16 tries: waits 15, 30, 60, 120, 240, then 10 x 300 s = 3465 s (58 min) before the run is left to resume.
PATIENCE = RetryPolicy(attempts=16, backoff_s=15.0, max_backoff_s=300.0)


def _patient_kind(error: ModelLayerError) -> Kind:
    """The model layer's table, except that a refused connection is waited out like any outage: mid-run, a
    server that answered before and refuses now is restarting, not misconfigured."""
    kind = kind_of(error)
    return Kind.TRANSIENT if kind is Kind.STARTING else kind


@dataclass(frozen=True)
class Reply:
    key: str
    content: str
    thinking: str
    done_reason: str
    prompt_tokens: int
    output_tokens: int
    seconds: float
    cached: bool  # replayed from the run store, not asked again
    usage: str = "reported"  # where the token counts come from: reported, counted, estimated

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.output_tokens

    @staticmethod
    def from_event(data: Mapping[str, Any]) -> Reply:
        return Reply(
            key=str(data["key"]),
            content=str(data.get("content", "")),
            thinking=str(data.get("thinking", "")),
            done_reason=str(data.get("done_reason", "stop")),
            prompt_tokens=int(data.get("prompt_tokens", 0)),
            output_tokens=int(data.get("output_tokens", 0)),
            seconds=float(data.get("seconds", 0.0)),
            cached=True,
            usage=str(data.get("usage", "reported")),
        )


def prompt_digest(messages: Sequence[Message]) -> str:
    h = hashlib.sha256()
    for m in messages:
        h.update(m.role.encode() + b"\0" + m.content.encode() + b"\0")
    return h.hexdigest()[:16]


class ModelCalls:
    """The solve loop's door to the model: cached by key, logged, counted."""

    def __init__(
        self,
        backend: ModelBackend,
        run: Run,
        index: RunIndex,
        params: ChatParams | None = None,
        on_reply: Callable[[Reply], None] | None = None,
        on_wait: Callable[[str], None] | None = None,
        patience: RetryPolicy = PATIENCE,
        reply_cap: int = REPLY_CAP,
    ) -> None:
        self.backend = backend
        self.run = run
        self.index = index
        self.params = params
        self.on_reply = on_reply
        self.on_wait = on_wait
        self.patience = patience
        self.reply_cap = reply_cap
        self.asked = 0  # calls that reached the model in this session (cached ones excluded)

    def params_for(self, messages: Sequence[Message], variant: int = 0, tokens_left: int | None = None
                   ) -> ChatParams:
        """The parameters of one call: the run's, the seed shifted by ``variant``, the reply capped by
        ``reply_cap`` (unless the run's parameters set a cap) and by the token budget left after the prompt."""
        params = self.params or ChatParams()
        if params.seed is not None and variant:
            params = replace(params, seed=params.seed + variant)
        cap = params.num_predict if params.num_predict is not None else self.reply_cap
        if tokens_left is not None:
            cap = min(cap, max(MIN_REPLY_CAP, tokens_left - estimate_tokens(messages)))
        return replace(params, num_predict=cap)

    async def ask(self, key: str, messages: Sequence[Message], variant: int = 0, *,
                  tokens_left: int | None = None, **tags: Any) -> Reply:
        """The reply for ``key``; ``variant`` shifts a fixed sampling seed, so parallel candidates differ;
        ``tokens_left`` (the problem's token budget not yet spent) lowers the reply's cap."""
        recorded = self.index.reply(key)
        if recorded is not None:
            reply = Reply.from_event(recorded)
            self.run.append("model_reused", key=key, **tags)
        else:
            self.run.append(
                "model_request",
                key=key,
                digest=prompt_digest(messages),
                messages=[{"role": m.role, "content": m.content} for m in messages],
                **tags,
            )
            t0 = time.monotonic()
            arrived = Collected(None)  # what streamed, for a reply cancelled half way
            try:
                params = self.params_for(messages, variant, tokens_left)
                done = await self._patiently(key, messages, params, arrived)
            except ThinkingExhausted as e:  # a reply without an answer: a failed attempt, not a failed run
                self.run.append("thinking_exhausted", key=key, error=str(e), **tags)
                spent = e.completion
                done = spent if isinstance(spent, Completion) else Completion("", "", "length", 0, e.limit or 0,
                                                                              usage="estimated")
            except asyncio.CancelledError:  # a wall-time budget or Ctrl-C: the partial reply stays on record
                self.run.append("model_cancelled", key=key, content=arrived.content, thinking=arrived.thinking,
                                seconds=round(time.monotonic() - t0, 3), **tags)
                raise
            self.asked += 1
            reply = Reply(
                key,
                done.content,
                done.thinking,
                done.done_reason,
                done.prompt_tokens,
                done.output_tokens,
                time.monotonic() - t0,
                cached=False,
                usage=done.usage,
            )
            event = self.run.append(
                "model_reply",
                key=key,
                content=reply.content,
                thinking=reply.thinking,
                done_reason=reply.done_reason,
                prompt_tokens=reply.prompt_tokens,
                output_tokens=reply.output_tokens,
                usage=reply.usage,
                seconds=round(reply.seconds, 3),
                model=done.model,
                **tags,
            )
            self.index.replies[key] = {"key": key, **event.data}
        if self.on_reply is not None:
            self.on_reply(reply)
        return reply

    async def _patiently(self, key: str, messages: Sequence[Message], params: ChatParams | None,
                         arrived: Collected) -> Completion:
        """``backend.chat``, waiting out a server that is away (see PATIENCE); other errors pass at once."""

        def waiting(error: ModelLayerError, attempt: int, wait: float) -> None:
            reason = (error.detail or type(error).__name__).splitlines()[0][:120]
            where = f" at {error.host}" if error.host else ""
            line = (
                f"{key}: the model server{where} is not answering ({reason}); "
                f"retry {attempt} of {self.patience.attempts - 1} in {wait:.0f} s"
            )
            self.run.append("model_wait", key=key, error=str(error), retry=attempt, wait_s=wait)
            if self.on_wait is not None:
                self.on_wait(line)

        return await retrying(
            lambda _n: self.backend.chat(messages, params, arrived.restarted().add),
            self.patience,
            errors=ModelLayerError,
            kind_of=_patient_kind,
            on_retry=waiting,
        )
