"""Every request and reply in the caller's JSONL transcript, and the run's totals."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from solver.config import Config
from solver.llm.base import ChatParams, Message
from solver.llm.errors import ModelNotFound, ThinkingExhausted
from solver.llm.factory import build_backend, recorded
from solver.llm.ollama_backend import OllamaBackend
from solver.llm.transcript import RecordingBackend, Transcript, totals_of
from tests.fakes.ollama_server import FakeOllama, Reply


async def test_transcript_records_requests_replies_and_failures(
    fake_ollama: FakeOllama, make_ollama: Callable[..., OllamaBackend], tmp_path: Path
) -> None:
    path = tmp_path / "run" / "model.jsonl"
    transcript = Transcript(path, clock=lambda: 1_775_000_000.0)
    backend = RecordingBackend(make_ollama(fake_ollama.url), transcript, label="1999A")
    fake_ollama.script(
        Reply(thinking="I think 3.", content="3"),
        Reply.busy(),
        Reply(thinking="Then 5.", content="5"),
        Reply(thinking="x" * 400, content="never"),
    )
    await backend.chat([Message("system", "solve"), Message("user", "1+2")])
    await backend.labelled("1999B").chat([Message("user", "2+3")], ChatParams(seed=1))
    with pytest.raises(ThinkingExhausted):
        await backend.chat([Message("user", "think long")], ChatParams(num_predict=20))

    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 3
    first, second, failed = lines
    assert first["ts"] == "2026-03-31T23:33:20.000+00:00"
    assert first["label"] == "1999A" and second["label"] == "1999B"
    assert first["messages"] == [{"role": "system", "content": "solve"}, {"role": "user", "content": "1+2"}]
    sent = dict(first["params"])
    assert 0 < sent.pop("num_predict") < 32768  # as sent: the reply's cap fitted to the window
    assert sent == {"temperature": 1.0, "top_p": 0.95, "top_k": 64, "think": True}
    assert (first["ok"], first["content"], first["thinking"], first["done_reason"]) == (
        True,
        "3",
        "I think 3.",
        "stop",
    )
    assert first["prompt_tokens"] > 0 and first["output_tokens"] == 4 and first["load_s"] == 0.002
    assert first["endpoint"] == fake_ollama.url and first["model"] == "gemma4:31b"
    assert second["attempts"] == 2 and second["params"]["seed"] == 1
    assert [c["options"].get("seed") for c in fake_ollama.chats] == [None, 1, 1, None]  # the retry too
    assert failed["ok"] is False and failed["error_kind"] == "ThinkingExhausted"
    assert failed["error"].startswith("thinking used the whole output budget")
    assert len(failed["thinking"]) == 70 and failed["output_tokens"] == 20  # the refused reply still cost

    totals = transcript.totals
    assert (totals.requests, totals.failures, totals.retries) == (3, 1, 1)
    assert totals.output_tokens == sum(e["output_tokens"] for e in lines)
    assert totals.prompt_tokens == sum(e["prompt_tokens"] for e in lines)
    assert totals.thinking_chars == len("I think 3.") + len("Then 5.") + 70
    assert totals.load_s == pytest.approx(0.006)
    assert totals_of(path) == totals  # the same figures, recomputed from the file


async def test_transcript_appends_across_runs_and_records_unreached_models(
    fake_ollama: FakeOllama, tmp_path: Path
) -> None:
    path = tmp_path / "model.jsonl"
    path.write_text(
        json.dumps({"ok": True, "prompt_tokens": 10, "output_tokens": 5}) + "\n", encoding="utf-8"
    )
    config = Config(hosts=(fake_ollama.url,), model="gemma4:e4b")
    inner = build_backend(config)
    backend = recorded(inner, Transcript(path))
    try:
        with pytest.raises(ModelNotFound):
            await backend.chat([Message("user", "hi")])
    finally:
        await backend.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    entry = json.loads(lines[1])
    assert entry["error_kind"] == "ModelNotFound" and "ollama pull gemma4:e4b" in entry["error"]
    assert entry["model"] == "gemma4:e4b"
    assert totals_of(path).requests == 2 and totals_of(path).prompt_tokens == 10


def test_without_a_file_totals_are_still_kept() -> None:
    t = Transcript(None)
    assert t.totals.requests == 0 and t.totals.tokens == 0
