"""The Ollama backend, through the official client, against the fake Ollama server."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import pytest

from solver.llm.base import ChatParams, Chunk, Message
from solver.llm.errors import (
    BadRequest,
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
from solver.llm.ollama_backend import OllamaBackend
from solver.llm.retry import RetryPolicy
from solver.llm.streaming import Timeouts
from tests.fakes.ollama_server import BUSY, FakeModel, FakeOllama, Reply, digest_of
from tests.fakes.openai_server import FakeOpenAI
from tests.llm.conftest import FAST_RETRY, SleepLog

Make = Callable[..., OllamaBackend]
HI = [Message("user", "hi")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---- streaming and the request we send ------------------------------------------------------------------


async def test_streams_thinking_and_answer_separately(fake_ollama: FakeOllama, make_ollama: Make) -> None:
    fake_ollama.script(
        Reply(thinking="Six times seven. That is 42.", content="The answer is 42.", chunk_chars=5)
    )
    seen: list[Chunk] = []
    c = await make_ollama(fake_ollama.url).chat([Message("user", "what is 6*7?")], on_chunk=seen.append)
    assert c.content == "The answer is 42."
    assert c.thinking == "Six times seven. That is 42."
    assert c.done_reason == "stop"
    assert "".join(ch.thinking for ch in seen) == c.thinking
    assert "".join(ch.content for ch in seen) == c.content
    assert len(seen) == 6 + 4  # pieces of 5 characters, as streamed
    assert all(not (ch.thinking and ch.content) for ch in seen)
    # counts and durations come from the final chunk; nanoseconds become seconds
    assert c.prompt_tokens > 0 and c.output_tokens == 13
    assert c.load_s == pytest.approx(0.002)
    assert c.prompt_s == pytest.approx(0.003)
    assert c.gen_s == pytest.approx(0.005 * 13)
    assert c.endpoint == fake_ollama.url and c.model == "gemma4:31b" and c.attempts == 1


async def test_async_chunk_callback_is_awaited(fake_ollama: FakeOllama, make_ollama: Make) -> None:
    got: list[str] = []

    async def on_chunk(ch: Chunk) -> None:
        await asyncio.sleep(0)
        got.append(ch.content)

    fake_ollama.script(Reply(content="abcdefgh", chunk_chars=2))
    await make_ollama(fake_ollama.url).chat(HI, on_chunk=on_chunk)
    assert got == ["ab", "cd", "ef", "gh"]


async def test_gemma4_preset_num_ctx_keep_alive_and_think_are_sent(
    fake_ollama: FakeOllama, make_ollama: Make
) -> None:
    await make_ollama(fake_ollama.url).chat([Message("system", "be brief"), Message("user", "hi")])
    body = fake_ollama.chats[0]
    assert body["model"] == "gemma4:31b" and body["stream"] is True and body["think"] is True
    assert body["messages"] == [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}]
    options = dict(body["options"])
    cap = options.pop("num_predict")  # every reply is capped: at most the room the prompt leaves in num_ctx
    assert options == {"num_ctx": 32768, "temperature": 1.0, "top_p": 0.95, "top_k": 64}
    assert 32000 < cap < 32768
    assert body["keep_alive"] == "1h"


async def test_caller_params_override_the_preset(fake_ollama: FakeOllama, make_ollama: Make) -> None:
    params = ChatParams(temperature=0.2, num_predict=500, seed=7, stop=("END",), think=False)
    c = await make_ollama(fake_ollama.url).chat(HI, params)
    body = fake_ollama.chats[0]
    assert body["options"] == {
        "num_ctx": 32768,
        "temperature": 0.2,
        "top_p": 0.95,
        "top_k": 64,
        "num_predict": 500,
        "seed": 7,
        "stop": ["END"],
    }
    assert body["think"] is False
    assert c.thinking == ""  # the fake, like Ollama, does not think when told not to


async def test_other_models_get_the_default_sampling_and_do_not_force_thinking(
    fake_ollama: FakeOllama, make_ollama: Make
) -> None:
    b = make_ollama(fake_ollama.url, model="llama3.2:3b")
    c = await b.chat(HI)
    options = dict(fake_ollama.chats[0]["options"])
    assert options.pop("num_predict") < 32768  # capped to the room the prompt leaves
    assert options == {"num_ctx": 32768, "temperature": 0.6, "top_p": 0.95}
    assert "think" not in fake_ollama.chats[0]
    # think=True for a model without the capability would be a 400 from Ollama; it is dropped instead
    c = await b.chat(HI, ChatParams(think=True))
    assert "think" not in fake_ollama.chats[1] and c.content == "echo: hi"


async def test_gemma4_family_tags_share_the_preset(make_ollama: Make) -> None:
    async with FakeOllama(models=[FakeModel("gemma4:31b-it-q8_0")]) as srv:
        await make_ollama(srv.url, model="gemma4:31b-it-q8_0").chat(HI)
        assert srv.chats[0]["options"]["top_k"] == 64 and srv.chats[0]["think"] is True


# ---- preflight, num_ctx, warm-up ------------------------------------------------------------------------


async def test_preflight_then_warm_up_once_for_concurrent_chats(
    fake_ollama: FakeOllama, make_ollama: Make
) -> None:
    b = make_ollama(fake_ollama.url, slots_per_host=4)
    await asyncio.gather(*(b.chat([Message("user", f"q{i}")]) for i in range(4)))
    paths = fake_ollama.paths()
    assert paths[:4] == ["/api/version", "/api/tags", "/api/show", "/api/chat"]
    assert paths.count("/api/version") == paths.count("/api/tags") == paths.count("/api/show") == 1
    warm = fake_ollama.received[3].body
    assert warm["messages"] == [] and warm["options"] == {"num_ctx": 32768} and warm["keep_alive"] == "1h"
    assert len(fake_ollama.chats) == 4
    assert fake_ollama.loads == 1  # loaded by the warm-up, never reloaded: num_ctx never changed


async def test_preflight_reports_the_model(fake_ollama: FakeOllama, make_ollama: Make) -> None:
    infos = await make_ollama(fake_ollama.url).preflight()
    assert len(infos) == 1
    info = infos[0]
    assert (info.name, info.host, info.context_length, info.thinks) == (
        "gemma4:31b",
        fake_ollama.url,
        131072,
        True,
    )
    assert "thinking" in info.capabilities
    assert info.digest == digest_of("gemma4:31b")  # from /api/tags, so a run names the exact weights


async def test_model_info_is_the_first_hosts_model_with_its_digest(
    fake_ollama: FakeOllama, make_ollama: Make
) -> None:
    backend = make_ollama(fake_ollama.url)
    info = await backend.model_info()
    assert (info.name, info.host, info.digest) == ("gemma4:31b", fake_ollama.url, digest_of("gemma4:31b"))
    await backend.model_info()
    assert fake_ollama.paths().count("/api/tags") == 1  # the preflight's answer, not a second listing


@pytest.mark.parametrize(
    ("model_ctx", "configured", "expected"),
    [(131072, None, 32768), (8192, None, 8192), (131072, 65536, 65536), (16384, 65536, 16384)],
)
async def test_num_ctx_from_model_context_and_budget(
    make_ollama: Make, model_ctx: int, configured: int | None, expected: int
) -> None:
    async with FakeOllama(models=[FakeModel("gemma4:31b", context_length=model_ctx)]) as srv:
        b = make_ollama(srv.url, num_ctx=configured)
        for i in range(3):
            await b.chat([Message("user", f"q{i}")])
        assert b.num_ctx == expected
        assert {c["options"]["num_ctx"] for c in srv.chats} == {expected}
        assert srv.loads == 1


async def test_slow_model_load_is_waited_for_by_the_warm_up(make_ollama: Make) -> None:
    timeouts = Timeouts(connect_s=2, warmup_s=5, first_chunk_s=0.3, idle_s=0.3)
    async with FakeOllama(load_delay=0.8) as srv:  # loading takes longer than a chunk may
        c = await make_ollama(srv.url, timeouts=timeouts).chat(HI)
        assert c.content == "echo: hi"


async def test_warm_up_that_never_finishes_times_out_clearly(make_ollama: Make) -> None:
    timeouts = Timeouts(connect_s=2, warmup_s=0.3, first_chunk_s=5, idle_s=5)
    async with FakeOllama(load_delay=3) as srv:
        with pytest.raises(ModelTimeout) as e:
            await make_ollama(srv.url, timeouts=timeouts, retry=RetryPolicy(attempts=1)).chat(HI)
    assert str(e.value) == (
        f"the Ollama server at {srv.url} sent nothing for 0.3 s while loading the model (warm-up); "
        "the machine may be overloaded or the model too large for it (check `ollama ps`)"
    )


async def test_missing_model_says_how_to_pull_it(fake_ollama: FakeOllama, make_ollama: Make) -> None:
    with pytest.raises(ModelNotFound) as e:
        await make_ollama(fake_ollama.url, model="gemma4:26b").chat(HI)
    msg = str(e.value)
    assert "`ollama pull gemma4:26b`" in msg
    assert fake_ollama.url in msg
    assert "gemma4:31b, gemma4:e2b, llama3.2:3b" in msg  # what the server does have
    assert fake_ollama.paths().count("/api/tags") == 1  # not retried
    assert fake_ollama.chats == []


async def test_model_name_without_tag_means_latest(make_ollama: Make) -> None:
    async with FakeOllama(models=[FakeModel("qwen3:latest")]) as srv:
        c = await make_ollama(srv.url, model="qwen3:latest").chat(HI)
        assert c.content == "echo: hi"
        info = await make_ollama(srv.url, model="qwen3").preflight()
        assert info[0].host == srv.url


async def test_model_removed_after_preflight_is_404_not_retried(
    fake_ollama: FakeOllama, make_ollama: Make
) -> None:
    b = make_ollama(fake_ollama.url)
    await b.chat(HI)
    del fake_ollama.models["gemma4:31b"]
    with pytest.raises(ModelNotFound) as e:
        await b.chat(HI)
    assert "`ollama pull gemma4:31b`" in str(e.value)
    assert len(fake_ollama.chats) == 2 and e.value.attempts == 1


# ---- retries --------------------------------------------------------------------------------------------


async def test_refused_connection_is_retried_once_then_explained(make_ollama: Make, sleeps: SleepLog) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ModelUnreachable) as e:
        await make_ollama(url).chat(HI)
    assert e.value.attempts == 2  # one brief retry for a server still starting, not the whole backoff
    assert sleeps.delays == [0.01]
    assert str(e.value) == (
        f"cannot reach the Ollama server at {url} (connection refused); start it there with `ollama serve`, "
        "or point --host / OLLAMA_HOST at it (gave up after 2 attempts)"
    )


async def test_unknown_host_name_is_not_retried(make_ollama: Make, sleeps: SleepLog) -> None:
    url = "http://no-such-model-server.invalid:11434"
    with pytest.raises(UnknownHost) as e:
        await make_ollama(url).chat(HI)
    assert e.value.attempts == 1 and sleeps.delays == []
    assert str(e.value) == (
        f"cannot reach the Ollama server at {url}: the host name does not resolve (DNS lookup failed); "
        "check --host / OLLAMA_HOST for a typo"
    )


async def test_server_that_comes_up_during_the_retries_is_used(make_ollama: Make) -> None:
    port = free_port()
    srv = FakeOllama(port=port)

    async def start_on_first_retry(_s: float) -> None:
        if srv._runner is None:
            await srv.start()

    b = make_ollama(f"http://127.0.0.1:{port}", sleep=start_on_first_retry)
    try:
        c = await b.chat(HI)
    finally:
        await srv.stop()
    assert c.content == "echo: hi"


@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        (Reply.busy(), ServerBusy),
        (Reply.error_mid_stream(after=2, content="partial answer that breaks", chunk_chars=4), StreamError),
        (Reply.dropped(after=2, content="partial answer that drops", chunk_chars=4), StreamError),
        (
            Reply(stall_after=1, stall=1.0, content="stalls after the first piece", chunk_chars=4),
            ModelTimeout,
        ),
    ],
    ids=["503-busy", "error-line-mid-stream", "connection-closed-mid-stream", "idle-timeout"],
)
async def test_transient_failures_are_retried(
    fake_ollama: FakeOllama, make_ollama: Make, sleeps: SleepLog, failure: Reply, kind: type[Exception]
) -> None:
    timeouts = Timeouts(connect_s=2, warmup_s=5, first_chunk_s=5, idle_s=0.3)
    fake_ollama.script(failure, Reply(content="fine now", thinking="retry"))
    retried: list[Exception] = []
    b = make_ollama(fake_ollama.url, timeouts=timeouts, on_retry=lambda e, n, wait: retried.append(e))
    c = await b.chat(HI)
    assert (c.content, c.thinking, c.attempts) == ("fine now", "retry", 2)
    assert [type(e) for e in retried] == [kind]
    assert len(fake_ollama.chats) == 2 and sleeps.delays == [0.01]


@pytest.mark.parametrize(
    ("failure", "kind", "text"),
    [
        (Reply.busy(), ServerBusy, f"is busy: {BUSY}; lower the parallel requests"),
        (
            Reply.error_mid_stream(after=1, content="x" * 40, error="llama runner process has terminated"),
            StreamError,
            "broke off its answer: error in the stream: llama runner process has terminated",
        ),
        (
            Reply.dropped(after=1, content="x" * 40),
            StreamError,
            "broke off its answer: the connection closed in the middle of the reply",
        ),
    ],
)
async def test_transient_failures_give_up_after_the_attempts(
    fake_ollama: FakeOllama, make_ollama: Make, failure: Reply, kind: type[Exception], text: str
) -> None:
    fake_ollama.script(failure, failure, failure)
    with pytest.raises(kind) as e:
        await make_ollama(fake_ollama.url).chat(HI)
    assert text in str(e.value) and fake_ollama.url in str(e.value)
    assert str(e.value).endswith("(gave up after 3 attempts)")
    assert len(fake_ollama.chats) == 3


async def test_bad_request_is_not_retried(fake_ollama: FakeOllama, make_ollama: Make) -> None:
    fake_ollama.script(Reply.bad_request("invalid options: bogus"))
    with pytest.raises(BadRequest) as e:
        await make_ollama(fake_ollama.url).chat(HI)
    assert str(e.value) == (
        f"the Ollama server at {fake_ollama.url} refused the request: HTTP 400: invalid options: bogus; "
        "the same request would fail again: check the model options (--model, --max-tokens, --no-think)"
    )
    assert len(fake_ollama.chats) == 1


# ---- timeouts: idle between chunks, not total -----------------------------------------------------------


async def test_slow_first_chunk_is_not_aborted(fake_ollama: FakeOllama, make_ollama: Make) -> None:
    timeouts = Timeouts(connect_s=2, warmup_s=5, first_chunk_s=3, idle_s=0.2)
    fake_ollama.script(Reply(first_delay=0.6, content="after a long prompt evaluation"))
    c = await make_ollama(fake_ollama.url, timeouts=timeouts).chat(HI)
    assert c.content == "after a long prompt evaluation" and c.attempts == 1


async def test_long_answer_is_fine_while_chunks_keep_coming(
    fake_ollama: FakeOllama, make_ollama: Make
) -> None:
    # 12 pieces 0.1 s apart: 1.1 s in all, far above the 0.5 s idle timeout, never silent for 0.5 s
    timeouts = Timeouts(connect_s=2, warmup_s=5, first_chunk_s=5, idle_s=0.5)
    fake_ollama.script(Reply(content="x" * 48, chunk_chars=4, delay=0.1))
    c = await make_ollama(fake_ollama.url, timeouts=timeouts).chat(HI)
    assert c.content == "x" * 48 and c.wall_s > 1.0 and c.attempts == 1


async def test_stall_between_chunks_times_out_with_a_clear_message(
    fake_ollama: FakeOllama, make_ollama: Make
) -> None:
    timeouts = Timeouts(connect_s=2, warmup_s=5, first_chunk_s=5, idle_s=0.2)
    fake_ollama.script(Reply(content="abcdefgh", chunk_chars=2, stall_after=2, stall=2))
    with pytest.raises(ModelTimeout) as e:
        await make_ollama(fake_ollama.url, timeouts=timeouts, retry=RetryPolicy(attempts=1)).chat(HI)
    assert str(e.value).startswith(
        f"the Ollama server at {fake_ollama.url} sent nothing for 0.2 s between two chunks of the reply"
    )


# ---- truncation and the output budget -------------------------------------------------------------------


async def test_prompt_cut_to_the_window_is_detected(make_ollama: Make) -> None:
    async with FakeOllama(models=[FakeModel("gemma4:31b", context_length=8192)]) as srv:
        prompt = "word " * 2000  # 10000 characters: about 2500 tokens, more than a 2048 window holds
        with pytest.raises(PromptTruncated) as e:
            await make_ollama(srv.url, num_ctx=2048).chat([Message("user", prompt)])
        assert srv.chats[0]["options"]["num_ctx"] == 2048  # it was sent: the cut is seen in the reply
    assert str(e.value) == (
        "the prompt (about 2504 tokens) does not fit the context window of num_ctx=2048 tokens: "
        f"the Ollama server at {srv.url} read only 2048 tokens of it, so the model would answer a truncated prompt; "
        "raise the context with --num-ctx or SOLVER_NUM_CTX (the model allows up to 8192), "
        "or shorten the prompt"
    )
    assert e.value.attempts == 1 and e.value.completion is not None


async def test_dropped_messages_are_detected(fake_ollama: FakeOllama, make_ollama: Make) -> None:
    # Ollama drops whole old messages to fit: the count falls far below what was sent
    fake_ollama.script(Reply(prompt_eval_count=300))
    history = [Message("user", "a" * 4000), Message("assistant", "b" * 4000), Message("user", "c" * 400)]
    with pytest.raises(PromptTruncated, match=r"the Ollama server at .* read only 300 tokens"):
        await make_ollama(fake_ollama.url).chat(history)


async def test_prompt_far_too_long_is_refused_before_sending(
    fake_ollama: FakeOllama, make_ollama: Make
) -> None:
    with pytest.raises(
        PromptTruncated, match=r"does not fit the context window of num_ctx=4096 tokens: it cannot"
    ):
        await make_ollama(fake_ollama.url, num_ctx=4096).chat([Message("user", "z" * 60000)])
    assert fake_ollama.chats == []


async def test_full_prompts_that_fit_and_cache_hits_are_not_truncations(
    fake_ollama: FakeOllama, make_ollama: Make
) -> None:
    b = make_ollama(fake_ollama.url, num_ctx=4096)
    c = await b.chat([Message("user", "q " * 3000)])  # about 1500 tokens of 4096
    assert c.prompt_tokens > 1500
    fake_ollama.script(Reply(prompt_eval_count=0))  # not reported (prompt cache hit on old servers)
    assert (await b.chat([Message("user", "q " * 3000)])).prompt_tokens == 0


async def test_thinking_that_eats_the_budget_is_its_own_error(
    fake_ollama: FakeOllama, make_ollama: Make
) -> None:
    fake_ollama.script(Reply(thinking="Let me consider every case. " * 20, content="42"))
    with pytest.raises(ThinkingExhausted) as e:
        await make_ollama(fake_ollama.url).chat(HI, ChatParams(num_predict=50))
    msg = str(e.value)
    assert msg.startswith("thinking used the whole output budget; raise the token limit (num_predict=50)")
    assert len(fake_ollama.chats) == 1  # not retried: the same budget would run out again
    assert e.value.completion is not None and e.value.completion.done_reason == "length"


async def test_answer_cut_by_the_budget_is_returned_as_length(
    fake_ollama: FakeOllama, make_ollama: Make
) -> None:
    fake_ollama.script(Reply(thinking="short", content="a long answer " * 30))
    c = await make_ollama(fake_ollama.url).chat(HI, ChatParams(num_predict=40))
    assert c.done_reason == "length" and c.content.startswith("a long answer") and len(c.content) < 140


# ---- several hosts --------------------------------------------------------------------------------------


async def test_model_missing_on_one_of_several_hosts_names_that_host(make_ollama: Make) -> None:
    async with FakeOllama() as a, FakeOllama(models=[FakeModel("llama3.2:3b")]) as b:
        with pytest.raises(ModelNotFound) as e:
            await make_ollama(a.url, b.url).chat(HI)
        assert f"the Ollama server at {b.url} does not have the model 'gemma4:31b'" in str(e.value)


def test_hosts_are_normalised() -> None:
    b = OllamaBackend(hosts=["localhost", "10.0.0.5:11500/", "https://gpu.example"], retry=FAST_RETRY)
    assert b.hosts == ("http://localhost:11434", "http://10.0.0.5:11500", "https://gpu.example")


async def test_pointing_at_an_openai_server_says_so(make_ollama: Make, sleeps: SleepLog) -> None:
    async with FakeOpenAI() as srv:
        with pytest.raises(WrongServer) as e:
            await make_ollama(srv.url).chat(HI)
    assert str(e.value) == (
        f"the server at {srv.url} does not answer like an Ollama server (/api/version answered HTTP 404); "
        "check --host / OLLAMA_HOST, or use --backend openai for an OpenAI-compatible server "
        "(vLLM, SGLang, llama.cpp, LM Studio)"
    )
    assert sleeps.delays == []  # not retried


async def test_concurrent_requests_share_one_failed_preflight(make_ollama: Make, sleeps: SleepLog) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    b = make_ollama(url, slots_per_host=4)
    results = await asyncio.gather(*(b.chat(HI) for _ in range(5)), return_exceptions=True)
    assert all(isinstance(r, ModelUnreachable) for r in results)
    assert sleeps.delays == [0.01]  # one preflight with its one retry, not one per request
    async with FakeOllama(port=int(url.rsplit(":", 1)[1])) as srv:
        assert (await b.chat(HI)).content == "echo: hi"  # the next request checks again
        assert srv.paths()[:3] == ["/api/version", "/api/tags", "/api/show"]
