"""An OpenAI-compatible server that behaves like llama.cpp's (or llama-cpp-python's): the window from /props,
usage only when asked or never, counts from the server's tokenizer, estimates marked as such."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from solver.llm.base import ChatParams, Message
from solver.llm.openai_backend import OpenAIBackend
from solver.llm.transcript import RecordingBackend, Transcript
from tests.fakes.ollama_server import Reply
from tests.fakes.openai_server import FakeOpenAI, FakeServedModel
from tests.fakes.process import fake_process, run_solver
from tests.fakes.server import CHARS_PER_TOKEN

Make = Callable[..., OpenAIBackend]
MODEL = "qwen2.5-coder-1.5b-instruct"
PROMPT = [Message("system", "You write C++."), Message("user", "Sum two numbers a and b.")]
ANSWER = "```cpp\n#include <cstdio>\nint main(){long long a,b;scanf(\"%lld %lld\",&a,&b);printf(\"%lld\",a+b);}\n```"


def llama(**kw: object) -> FakeOpenAI:
    return FakeOpenAI(models=[FakeServedModel(MODEL, max_model_len=32768)], llama_cpp=True, **kw)  # type: ignore[arg-type]


async def test_usage_is_asked_for_in_the_stream_and_reported(make_openai: Make) -> None:
    async with llama(usage="asked") as srv:
        srv.script(Reply(content=ANSWER))
        c = await make_openai(srv.url, model=MODEL).chat(PROMPT)
        assert srv.chats[0]["stream_options"] == {"include_usage": True}
        assert c.usage == "reported" and c.output_tokens > 0 and c.prompt_tokens > 0
        assert srv.tokenized == []  # no need to count


@pytest.mark.parametrize("tokenizer", ["tokenize", "extras"])
async def test_no_usage_is_counted_with_the_servers_tokenizer(make_openai: Make, tokenizer: str) -> None:
    async with llama(usage="never", tokenizer=tokenizer) as srv:
        srv.script(Reply(content=ANSWER, thinking="sum it"))
        c = await make_openai(srv.url, model=MODEL).chat(PROMPT)
        assert c.usage == "counted"
        # the fake's tokenizer rule (3.5 characters a token), not the client's estimate (4)
        assert c.output_tokens == -(-len("sum it" + ANSWER) // CHARS_PER_TOKEN)
        assert c.prompt_tokens == sum(-(-len(m.content) // CHARS_PER_TOKEN) for m in PROMPT) + 4 * len(PROMPT)
        assert len(srv.tokenized) == 1 + len(PROMPT)


async def test_no_usage_and_no_tokenizer_is_estimated_and_marked(make_openai: Make, tmp_path: Path) -> None:
    async with llama(usage="never", tokenizer=None) as srv:
        srv.script(Reply(content=ANSWER))
        path = tmp_path / "t.jsonl"
        backend = RecordingBackend(make_openai(srv.url, model=MODEL), Transcript(path), "1999A")
        c = await backend.chat(PROMPT)
        assert c.usage == "estimated" and c.output_tokens == -(-len(ANSWER) // 4) and c.prompt_tokens > 0
        (entry,) = [json.loads(line) for line in path.read_text().splitlines()]
        assert entry["usage"] == "estimated" and entry["output_tokens"] == c.output_tokens


async def test_the_window_comes_from_props_and_caps_each_reply(make_openai: Make) -> None:
    async with llama(n_ctx=2048) as srv:
        b = make_openai(srv.url, model=MODEL)
        await b.chat(PROMPT, ChatParams(num_predict=16384))
        (info,) = await b.preflight()
        assert info.context_length == 2048  # the server's window, not the model's training context (32768)
        cap = srv.chats[0]["max_tokens"]
        assert 1900 < cap < 2048  # the requested 16384 lowered to the room the prompt leaves


async def test_a_vllm_style_server_gets_a_cap_that_fits_with_the_prompt(make_openai: Make) -> None:
    # vLLM refuses prompt + max_tokens above max_model_len: the cap leaves a margin for a dense prompt
    long = [Message("user", "1 2 3 4 5 6 7 8 9 " * 300)]
    async with FakeOpenAI(models=[FakeServedModel(MODEL, max_model_len=4096)]) as srv:
        c = await make_openai(srv.url, model=MODEL).chat(long, ChatParams(num_predict=100000))
        assert c.done_reason == "stop" and srv.chats[0]["max_tokens"] < 4096


def test_models_shows_the_window_of_a_llama_cpp_server(tmp_path: Path) -> None:
    with fake_process("openai", tmp_path, extra=["--llama-cpp", "--n-ctx", "8192"]) as (url, _):
        r = run_solver("models", "--backend", "openai", "--host", url, "--json", cwd=tmp_path)
        t = run_solver("models", "--backend", "openai", "--host", url, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert [m["context_length"] for m in json.loads(r.stdout)] == [8192]
    row = t.stdout.splitlines()[1].split()
    assert row[1:3] == ["google/gemma-4-31b-it", "8192"]  # the context column, not "?"


def test_models_shows_the_max_model_len_of_a_vllm_server(tmp_path: Path) -> None:
    with fake_process("openai", tmp_path) as (url, _):
        r = run_solver("models", "--backend", "openai", "--host", url, "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert [m["context_length"] for m in json.loads(r.stdout)] == [32768]
