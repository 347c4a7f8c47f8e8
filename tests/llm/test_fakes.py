"""The fake servers speak the real protocols: the official clients parse every answer they give."""

from __future__ import annotations

import json

import aiohttp
import ollama
import openai
import pytest

from solver.llm.ollama_backend import context_length
from tests.conftest import FIXTURES
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


# ---- the fake against the examples of Ollama's own API reference ------------------------------------------

EXAMPLES = json.loads((FIXTURES / "llm" / "ollama_api_examples.json").read_text(encoding="utf-8"))


def assert_has_fields_of(real: object, fake: object, where: str) -> None:
    """Every field of the real example (nulls aside) is in the fake's answer, recursively."""
    if isinstance(real, dict):
        assert isinstance(fake, dict), where
        for key, value in real.items():
            if value is None or where.endswith("model_info"):
                continue
            assert key in fake, f"{where}.{key} missing from the fake"
            assert_has_fields_of(value, fake[key], f"{where}.{key}")
    elif isinstance(real, list) and real:
        assert isinstance(fake, list) and fake, where
        assert_has_fields_of(real[0], fake[0], f"{where}[0]")
    else:
        assert type(fake) is type(real) or {type(fake), type(real)} <= {int, float}, where


async def test_fake_answers_carry_every_field_of_the_real_examples(fake_ollama: FakeOllama) -> None:
    async with aiohttp.ClientSession() as s:

        async def get(path: str, body: dict[str, object] | None = None) -> list[dict[str, object]]:
            method = s.post if body is not None else s.get
            async with method(f"{fake_ollama.url}{path}", json=body) as r:
                return [json.loads(line) for line in (await r.text()).splitlines()]

        [load] = await get("/api/chat", {"model": "gemma4:31b", "messages": []})
        user = [{"role": "user", "content": "x"}]
        stream = await get("/api/chat", {"model": "gemma4:31b", "messages": user})
        [tags] = await get("/api/tags")
        [show] = await get("/api/show", {"model": "gemma4:31b"})
        [ps] = await get("/api/ps")
    assert_has_fields_of(EXAMPLES["chat_load"], load, "load")
    assert_has_fields_of(EXAMPLES["chat_chunk"], stream[0], "chunk")
    assert_has_fields_of(EXAMPLES["chat_final"], stream[-1], "final")
    assert_has_fields_of(EXAMPLES["tags"], tags, "tags")
    assert_has_fields_of(EXAMPLES["show"], show, "show")
    assert_has_fields_of(EXAMPLES["ps"], ps, "ps")
    model_info = show["model_info"]
    assert isinstance(model_info, dict)
    arch = model_info["general.architecture"]
    assert isinstance(model_info[f"{arch}.context_length"], int)


def test_context_length_is_read_from_a_real_show_answer() -> None:
    assert context_length(EXAMPLES["show"]["model_info"]) == 8192
    assert context_length({"general.architecture": "gemma4", "gemma4.context_length": 131072}) == 131072
    assert context_length({}) is None
