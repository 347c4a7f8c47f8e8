"""The fake servers speak the real protocols: the official clients parse every answer they give."""

from __future__ import annotations

import json

import aiohttp
import ollama
import openai
import pytest

from tests.fakes.ollama_server import FakeOllama, Reply
from tests.fakes.openai_server import FakeOpenAI


async def test_ollama_fake_through_the_official_client(fake_ollama: FakeOllama) -> None:
    client = ollama.AsyncClient(host=fake_ollama.url)
    try:
        tags = await client.list()
        assert [m.model for m in tags.models] == ["gemma4:31b", "gemma4:e2b", "llama3.2:3b"]
        assert tags.models[0].details is not None and tags.models[0].details.family == "gemma4"
        shown = await client.show("gemma4:31b")
        assert shown.modelinfo is not None and shown.modelinfo["gemma4.context_length"] == 131072
        assert shown.capabilities == ["completion", "thinking"]
        loaded = await client.chat(model="gemma4:31b", messages=[], options={"num_ctx": 8192})
        assert (loaded.done, loaded.done_reason) == (True, "load")
        ps = await client.ps()
        assert [(m.model, m.context_length) for m in ps.models] == [("gemma4:31b", 8192)]

        fake_ollama.script(Reply(thinking="because", content="whole answer"))
        whole = await client.chat(
            model="gemma4:31b",
            messages=[{"role": "user", "content": "x"}],
            think=True,
            options={"num_ctx": 8192},
        )
        assert (whole.message.content, whole.message.thinking, whole.done_reason) == (
            "whole answer",
            "because",
            "stop",
        )
        assert whole.eval_count == 6 and whole.eval_duration == 30_000_000 and whole.prompt_eval_count == 6

        with pytest.raises(ollama.ResponseError) as e:
            await client.chat(model="nope:1b", messages=[{"role": "user", "content": "x"}])
        assert (e.value.status_code, e.value.error) == (404, "model 'nope:1b' not found")
        with pytest.raises(ollama.ResponseError) as e:
            await client.chat(model="llama3.2:3b", messages=[{"role": "user", "content": "x"}], think=True)
        assert (e.value.status_code, e.value.error) == (400, '"llama3.2:3b" does not support thinking')
    finally:
        await client.close()  # type: ignore[no-untyped-call]


async def test_ollama_fake_stream_lines(fake_ollama: FakeOllama) -> None:
    fake_ollama.script(Reply(thinking="ab", content="cd", chunk_chars=1))
    async with (
        aiohttp.ClientSession() as s,
        s.post(
            f"{fake_ollama.url}/api/chat",
            json={"model": "gemma4:31b", "messages": [{"role": "user", "content": "x"}]},
        ) as r,
    ):
        assert r.headers["Content-Type"] == "application/x-ndjson"
        lines = [json.loads(line) for line in (await r.text()).splitlines()]
    assert [ln["message"].get("thinking", "") for ln in lines[:-1]] == ["a", "b", "", ""]
    assert [ln["message"]["content"] for ln in lines[:-1]] == ["", "", "c", "d"]
    final = lines[-1]
    assert final["done"] is True and final["done_reason"] == "stop"
    assert set(final) >= {
        "total_duration",
        "load_duration",
        "prompt_eval_count",
        "prompt_eval_duration",
        "eval_count",
        "eval_duration",
    }
    assert not any(ln["done"] for ln in lines[:-1])


async def test_ollama_fake_error_line_and_responder(fake_ollama: FakeOllama) -> None:
    fake_ollama.responder = lambda body: Reply(
        content=body["messages"][-1]["content"].upper(), chunk_chars=2, error_after=1, error="boom"
    )
    async with (
        aiohttp.ClientSession() as s,
        s.post(
            f"{fake_ollama.url}/api/chat",
            json={"model": "gemma4:31b", "messages": [{"role": "user", "content": "abcdef"}]},
        ) as r,
    ):
        lines = [json.loads(line) for line in (await r.text()).splitlines()]
    assert r.status == 200
    assert lines == [lines[0], {"error": "boom"}] and lines[0]["message"]["content"] == "AB"


async def test_openai_fake_through_the_official_client(fake_openai: FakeOpenAI) -> None:
    client = openai.AsyncOpenAI(base_url=fake_openai.url + "/v1", api_key="x", max_retries=0)
    try:
        models = await client.models.list()
        assert [m.id for m in models.data] == ["google/gemma-4-31b-it"]
        fake_openai.script(Reply(thinking="hmm", content="hi there"))
        whole = await client.chat.completions.create(
            model="google/gemma-4-31b-it", messages=[{"role": "user", "content": "x"}]
        )
        msg = whole.choices[0].message
        assert msg.content == "hi there" and getattr(msg, "reasoning_content", None) == "hmm"
        assert whole.usage is not None and whole.usage.completion_tokens == 4
        with pytest.raises(openai.NotFoundError):
            await client.chat.completions.create(model="gpt-9", messages=[{"role": "user", "content": "x"}])
    finally:
        await client.close()
