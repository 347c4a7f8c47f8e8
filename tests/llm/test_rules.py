"""The pure rules: presets, context windows, truncation, the retry table and backoff."""

from __future__ import annotations

import pytest

from solver.errors import ModelError, SolverError
from solver.llm.base import ChatParams, Message
from solver.llm.errors import (
    BadRequest,
    ModelLayerError,
    ModelNotFound,
    ModelTimeout,
    ModelUnreachable,
    PromptTruncated,
    ServerBusy,
    StreamError,
    ThinkingExhausted,
    UnknownHost,
    WrongServer,
)
from solver.llm.limits import cannot_fit, choose_num_ctx, estimate_tokens, thinking_exhausted, was_truncated
from solver.llm.pooled import from_status
from solver.llm.presets import DEFAULT, PRESETS, merge, preset_for
from solver.llm.retry import RetryPolicy, kind_of, retrying
from solver.llm.streaming import normalize_host
from solver.retry import Kind, kind_of_status


@pytest.mark.parametrize("name", ["gemma4:31b", "gemma4:26b", "gemma4:e4b", "gemma4:e2b"])
def test_gemma4_presets(name: str) -> None:
    p = PRESETS[name]
    assert (p.temperature, p.top_p, p.top_k, p.think) == (1.0, 0.95, 64, True)
    assert preset_for(name) == p


def test_other_models_get_the_default_sampling() -> None:
    assert preset_for("qwen3:32b") == DEFAULT == ChatParams(temperature=0.6, top_p=0.95)
    assert preset_for("gemma3:27b") == DEFAULT
    assert preset_for("gemma4:31b-it-qat").top_k == 64


def test_merge_keeps_what_the_caller_did_not_set() -> None:
    merged = merge(PRESETS["gemma4:31b"], ChatParams(temperature=0.0, think=False, stop=("x",)))
    assert merged == ChatParams(temperature=0.0, top_p=0.95, top_k=64, think=False, stop=("x",))
    assert merge(PRESETS["gemma4:31b"], None) == PRESETS["gemma4:31b"]


def test_num_ctx_choice() -> None:
    assert choose_num_ctx(None, None) == 32768
    assert choose_num_ctx(131072, None) == 32768
    assert choose_num_ctx(8192, None) == 8192
    assert choose_num_ctx(131072, 100000) == 100000
    assert choose_num_ctx(65536, 100000) == 65536


def test_estimate() -> None:
    assert estimate_tokens([Message("user", "x" * 400)]) == 104
    assert estimate_tokens([Message("system", ""), Message("user", "abcd")]) == 9


@pytest.mark.parametrize(
    ("estimated", "reported", "num_ctx", "cut"),
    [
        (1000, 980, 4096, False),  # a normal prompt
        (1000, 1300, 4096, False),  # the template adds tokens
        (1000, 0, 4096, False),  # not reported
        (1000, None, 4096, False),
        (5000, 300, 4096, True),  # messages dropped
        (5000, 4096, 4096, True),  # cut to the window
        (4200, 4000, 4096, True),  # fills the window: no room to answer
        (3000, 3900, 4096, False),  # our estimate was low; the prompt is whole (3900 < 95 % of the window)
        (5000, 6000, 4096, False),  # above the window: cannot be a cut to it
    ],
)
def test_truncation_rule(estimated: int, reported: int | None, num_ctx: int, cut: bool) -> None:
    assert was_truncated(estimated, reported, num_ctx) is cut


def test_cannot_fit_only_when_even_the_lenient_bound_exceeds_the_window() -> None:
    assert not cannot_fit(1000, 1000)
    assert not cannot_fit(1000, 600)  # 60 % of the estimate still fits: the estimate may be high
    assert cannot_fit(1000, 599)


def test_host_normalisation() -> None:
    assert normalize_host("localhost") == "http://localhost:11434"
    assert normalize_host(" http://gpu1/ ") == "http://gpu1:11434"
    assert normalize_host("https://example.org") == "https://example.org"  # no port guessed for https
    assert normalize_host("http://h:8080/v1") == "http://h:8080/v1"
    assert normalize_host("h/v1") == "http://h/v1"  # a path: kept as given
    assert normalize_host("h", default_port=None) == "http://h"


def test_thinking_exhausted_rule() -> None:
    assert thinking_exhausted("", "long thought", "length")
    assert thinking_exhausted("  \n", "long thought", "length")
    assert not thinking_exhausted("42", "long thought", "length")
    assert not thinking_exhausted("", "long thought", "stop")
    assert not thinking_exhausted("", "", "length")


def test_retry_table() -> None:
    transient = [
        ServerBusy("h", backend="ollama"),
        StreamError("h", "x", backend="ollama"),
        ModelTimeout("h", waited_s=1, phase="p", backend="ollama"),
    ]
    final = [
        UnknownHost("h", "DNS lookup failed", backend="ollama"),
        ModelNotFound("m", "h", backend="ollama"),
        BadRequest("h", "x", backend="ollama"),
        WrongServer("h", "x", backend="ollama"),
        PromptTruncated("h", estimated=1, reported=1, limit=1, backend="ollama"),
        ThinkingExhausted("h", limit=1, limit_name="num_predict", thinking_chars=1, backend="ollama"),
    ]
    assert [kind_of(e) for e in transient] == [Kind.TRANSIENT] * 3
    assert kind_of(ModelUnreachable("h", "connection refused", backend="ollama")) is Kind.STARTING
    assert all(kind_of(e) is Kind.FINAL for e in final)
    assert all(isinstance(e, ModelError) and isinstance(e, SolverError) for e in transient + final)


def test_each_kind_gets_its_number_of_tries() -> None:
    p = RetryPolicy(attempts=5)
    assert (p.tries(Kind.TRANSIENT), p.tries(Kind.STARTING), p.tries(Kind.FINAL)) == (5, 2, 1)
    assert p.may_retry(Kind.STARTING, 1) and not p.may_retry(Kind.STARTING, 2)
    assert not p.may_retry(Kind.FINAL, 1)
    assert RetryPolicy(attempts=1).tries(Kind.STARTING) == 1


@pytest.mark.parametrize(
    ("status", "kind"),
    [(400, Kind.FINAL), (401, Kind.FINAL), (404, Kind.FINAL), (408, Kind.TRANSIENT), (429, Kind.TRANSIENT),
     (500, Kind.TRANSIENT), (503, Kind.TRANSIENT)],
)
def test_status_kinds(status: int, kind: Kind) -> None:
    assert kind_of_status(status) is kind


def test_backoff_grows_and_is_capped() -> None:
    p = RetryPolicy(attempts=6, backoff_s=1, max_backoff_s=5)
    assert [p.delay(i) for i in range(1, 6)] == [1, 2, 4, 5, 5]


async def test_retrying_stops_on_a_final_error_and_counts_attempts() -> None:
    calls: list[int] = []
    slept: list[float] = []

    async def sleep(s: float) -> None:
        slept.append(s)

    async def op(n: int) -> str:
        calls.append(n)
        if n < 3:
            raise ServerBusy("h", "busy", backend="ollama")
        raise BadRequest("h", "nope", backend="ollama")

    with pytest.raises(BadRequest) as e:
        await retrying(op, RetryPolicy(attempts=5, backoff_s=0.5), sleep=sleep)
    assert calls == [1, 2, 3] and slept == [0.5, 1.0] and e.value.attempts == 3
    assert str(e.value).startswith("the Ollama server at h refused the request: nope; ")
    assert str(e.value).endswith(" (gave up after 3 attempts)")


async def test_connection_refused_is_retried_once() -> None:
    calls: list[int] = []

    async def op(n: int) -> str:
        calls.append(n)
        raise ModelUnreachable("h", "connection refused", backend="openai")

    async def sleep(s: float) -> None:
        pass

    with pytest.raises(ModelUnreachable) as e:
        await retrying(op, RetryPolicy(attempts=4), sleep=sleep)
    assert calls == [1, 2] and e.value.attempts == 2


@pytest.mark.parametrize(
    ("status", "kind", "retried"),
    [(400, BadRequest, False), (401, BadRequest, False), (403, BadRequest, False), (404, ModelNotFound, False),
     (408, ServerBusy, True), (429, ServerBusy, True), (503, ServerBusy, True), (500, StreamError, True),
     (502, StreamError, True)],
)
def test_http_statuses_of_both_backends(status: int, kind: type[ModelLayerError], retried: bool) -> None:
    e = from_status(status, "said", "h", "m", "openai")
    assert type(e) is kind and (kind_of(e) is not Kind.FINAL) is retried
