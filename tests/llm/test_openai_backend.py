"""The OpenAI-compatible backend, through the ``openai`` client, against the fake OpenAI server."""

from __future__ import annotations

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
from solver.llm.openai_backend import OpenAIBackend, base_url
from solver.llm.retry import RetryPolicy
from solver.llm.streaming import Timeouts
from tests.fakes.ollama_server import FakeOllama, Reply
from tests.fakes.openai_server import FakeOpenAI, FakeServedModel
from tests.llm.conftest import SleepLog
from tests.llm.test_ollama_backend import free_port

Make = Callable[..., OpenAIBackend]
HI = [Message("user", "hi")]


async def test_streams_reasoning_content_and_answer(fake_openai: FakeOpenAI, make_openai: Make) -> None:
    fake_openai.script(Reply(thinking="Two plus two is four.", content="4", chunk_chars=4))
    seen: list[Chunk] = []
    c = await make_openai(fake_openai.url).chat([Message("user", "2+2?")], on_chunk=seen.append)
    assert (c.content, c.thinking, c.done_reason) == ("4", "Two plus two is four.", "stop")
    assert "".join(ch.thinking for ch in seen) == c.thinking and len(seen) == 6 + 1
    assert c.prompt_tokens == 7 and c.output_tokens == 7  # from the usage chunk
    assert c.endpoint == fake_openai.url + "/v1" and c.wall_s >= c.gen_s >= 0


async def test_reasoning_field_of_newer_servers(make_openai: Make) -> None:
    async with FakeOpenAI(reasoning_field="reasoning") as srv:
        srv.script(Reply(thinking="hmm", content="yes"))
        c = await make_openai(srv.url).chat(HI)
        assert (c.thinking, c.content) == ("hmm", "yes")


async def test_request_carries_preset_and_budget(fake_openai: FakeOpenAI, make_openai: Make) -> None:
    await make_openai(fake_openai.url, model="google/gemma-4-31b-it").chat(
        HI, ChatParams(num_predict=300, seed=3)
    )
    body = fake_openai.chats[0]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert (body["max_tokens"], body["seed"]) == (300, 3)
    # not a gemma4 Ollama tag: the default sampling (stated, not the server's unknown own), thinking not forced
    assert (body["temperature"], body["top_p"]) == (0.6, 0.95) and "chat_template_kwargs" not in body


async def test_gemma4_preset_reaches_an_openai_server(make_openai: Make) -> None:
    async with FakeOpenAI(models=[FakeServedModel("gemma4:31b")]) as srv:
        await make_openai(srv.url, model="gemma4:31b").chat(HI, ChatParams(think=False))
        body = srv.chats[0]
        assert (body["temperature"], body["top_p"], body["top_k"]) == (1.0, 0.95, 64)
        assert body["chat_template_kwargs"] == {"enable_thinking": False}


async def test_missing_model_lists_what_is_served(fake_openai: FakeOpenAI, make_openai: Make) -> None:
    with pytest.raises(ModelNotFound) as e:
        await make_openai(fake_openai.url, model="qwen3-32b").chat(HI)
    assert str(e.value) == (
        f"the OpenAI-compatible server at {fake_openai.url}/v1 does not have the model 'qwen3-32b' "
        f"(it has: google/gemma-4-31b-it); pick one it lists at {fake_openai.url}/v1/models with --model, "
        "or start the server with that model"
    )


async def test_preflight_reads_max_model_len(fake_openai: FakeOpenAI, make_openai: Make) -> None:
    backend = make_openai(fake_openai.url)
    [info] = await backend.preflight()
    assert (info.name, info.context_length) == ("google/gemma-4-31b-it", 32768)
    assert await backend.model_info() == info and info.digest == ""  # the OpenAI API names no digest


@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        (Reply.busy(), ServerBusy),
        (Reply(status=429, error="rate limited"), ServerBusy),
        (Reply.error_mid_stream(after=1, content="x" * 40), StreamError),
        (Reply.dropped(after=1, content="x" * 40), StreamError),
        (Reply(stall_after=1, stall=1.0, content="y" * 40), ModelTimeout),
    ],
    ids=["503", "429", "error-event", "dropped", "stall"],
)
async def test_transient_failures_are_retried(
    fake_openai: FakeOpenAI, make_openai: Make, failure: Reply, kind: type[Exception]
) -> None:
    fake_openai.script(failure, Reply(content="recovered"))
    retried: list[Exception] = []
    timeouts = Timeouts(connect_s=2, warmup_s=5, first_chunk_s=5, idle_s=0.3)
    b = make_openai(fake_openai.url, timeouts=timeouts, on_retry=lambda e, n, w: retried.append(e))
    c = await b.chat(HI)
    assert (c.content, c.attempts) == ("recovered", 2)
    assert [type(e) for e in retried] == [kind]


async def test_bad_request_is_not_retried(fake_openai: FakeOpenAI, make_openai: Make) -> None:
    fake_openai.script(Reply.bad_request("temperature must be non-negative"))
    with pytest.raises(BadRequest, match="refused the request: HTTP 400: temperature must be non-negative"):
        await make_openai(fake_openai.url).chat(HI)
    assert len(fake_openai.chats) == 1


async def test_context_overflow_400_is_a_truncation_error(make_openai: Make) -> None:
    async with FakeOpenAI(models=[FakeServedModel("m", max_model_len=1024)]) as srv:
        with pytest.raises(PromptTruncated) as e:
            await make_openai(srv.url, model="m", num_ctx=4096).chat([Message("user", "w " * 2000)])
        assert str(e.value) == (
            "the prompt (about 1004 tokens) does not fit the context window of 4096 tokens: the OpenAI-compatible "
            f"server at {srv.url}/v1 said: This model's maximum context length is 1024 tokens. However, you "
            "requested 1148 tokens in the messages., so the model would answer a truncated prompt; start the "
            "server with a longer context (vLLM --max-model-len, llama.cpp --ctx-size) and give it to --num-ctx, "
            "or shorten the prompt"
        )
        assert len(srv.chats) == 1


async def test_thinking_exhausted(fake_openai: FakeOpenAI, make_openai: Make) -> None:
    fake_openai.script(Reply(thinking="thinking hard " * 40, content="done"))
    with pytest.raises(
        ThinkingExhausted,
        match=r"^thinking used the whole output budget; raise the token limit "
        r"\(max_tokens=30\)",
    ):
        await make_openai(fake_openai.url).chat(HI, ChatParams(num_predict=30))


async def test_unreachable_says_what_to_do_for_an_openai_server(make_openai: Make, sleeps: SleepLog) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ModelUnreachable) as e:
        await make_openai(url, retry=RetryPolicy(attempts=4, backoff_s=0.01)).chat(HI)
    assert str(e.value) == (
        f"cannot reach the OpenAI-compatible server at {url}/v1 (connection refused); start your server "
        f"(vLLM, SGLang, llama.cpp, LM Studio) so that it listens at {url}/v1, or point --host at it "
        "(gave up after 2 attempts)"
    )
    assert "ollama" not in str(e.value).lower() and sleeps.delays == [0.01]


async def test_unknown_host_is_not_retried(make_openai: Make, sleeps: SleepLog) -> None:
    url = "http://no-such-model-server.invalid:8000"
    with pytest.raises(UnknownHost) as e:
        await make_openai(url).chat(HI)
    assert str(e.value) == (
        f"cannot reach the OpenAI-compatible server at {url}/v1: the host name does not resolve "
        "(DNS lookup failed); check --host for a typo"
    )
    assert e.value.attempts == 1 and sleeps.delays == []


async def test_pointing_at_an_ollama_server_says_so(fake_ollama: FakeOllama, make_openai: Make) -> None:
    with pytest.raises(WrongServer) as e:
        await make_openai(fake_ollama.url).list_models()
    assert str(e.value) == (
        f"the server at {fake_ollama.url}/v1 does not answer like an OpenAI-compatible server "
        "(/models answered HTTP 404); check --host, or use --backend ollama for an Ollama server"
    )


def test_base_url() -> None:
    assert base_url("localhost:8000") == "http://localhost:8000/v1"
    assert base_url("http://gpu:11434/v1/") == "http://gpu:11434/v1"


async def test_list_models(make_openai: Make) -> None:
    models = [FakeServedModel("a", max_model_len=8192), FakeServedModel("b", max_model_len=4096)]
    async with FakeOpenAI(models=models) as srv:
        infos = await make_openai(srv.url).list_models()
    assert [(i.name, i.context_length, i.thinks, i.host) for i in infos] == [
        ("a", 8192, None, srv.url + "/v1"),
        ("b", 4096, None, srv.url + "/v1"),
    ]
