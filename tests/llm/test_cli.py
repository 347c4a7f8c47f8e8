"""`python -m solver ask` and `python -m solver models` as a user runs them, against the standalone fakes."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from solver.cli import main
from tests.fakes.ollama_server import Reply
from tests.fakes.process import fake_process, received, run_solver
from tests.llm.test_ollama_backend import free_port

SCRIPT = {
    "replies": [{"thinking": "Six sevens are forty-two.", "content": "The answer is 42.", "chunk_chars": 6}],
}


def test_ask_streams_thinking_then_the_answer(tmp_path: Path) -> None:
    with fake_process("ollama", tmp_path, SCRIPT) as (url, record):
        r = run_solver("ask", "what is 6*7?", "--host", url, cwd=tmp_path)
        sent = received(record)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "thinking…\nSix sevens are forty-two.\n\nThe answer is 42.\n"
    assert f"gemma4:31b at {url}:" in r.stderr and "done: stop" in r.stderr
    chat = next(e["body"] for e in sent if e["path"] == "/api/chat" and e["body"].get("messages"))
    assert chat["messages"] == [{"role": "user", "content": "what is 6*7?"}]
    assert chat["think"] is True and chat["options"]["num_ctx"] == 32768 and chat["options"]["top_k"] == 64
    assert [e["path"] for e in sent][:3] == ["/api/version", "/api/tags", "/api/show"]


def test_ask_reads_ollama_host_and_stdin_and_writes_a_transcript(tmp_path: Path) -> None:
    with fake_process("ollama", tmp_path) as (url, _):
        r = run_solver(
            "ask",
            "-",
            "--no-think",
            "--transcript",
            "t.jsonl",
            cwd=tmp_path,
            env={"OLLAMA_HOST": url.removeprefix("http://")},
            stdin="hello from stdin\n",
        )
    assert r.returncode == 0, r.stderr
    assert r.stdout == "echo: hello from stdin\n\n"  # no thinking when told not to think
    [entry] = [json.loads(line) for line in (tmp_path / "t.jsonl").read_text().splitlines()]
    assert entry["ok"] and entry["params"]["think"] is False and entry["label"] == "ask"


def test_ask_json(tmp_path: Path) -> None:
    with fake_process("ollama", tmp_path, SCRIPT) as (url, _):
        r = run_solver("ask", "q", "--host", url, "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["content"], out["thinking"], out["done_reason"]) == (
        "The answer is 42.",
        "Six sevens are forty-two.",
        "stop",
    )


def test_ask_for_a_missing_model_says_how_to_pull_it(tmp_path: Path) -> None:
    with fake_process("ollama", tmp_path) as (url, _):
        r = run_solver("ask", "hi", "--host", url, "--model", "gemma4:26b", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.startswith(f"error: the Ollama server at {url} does not have the model 'gemma4:26b'")
    assert "download it with `ollama pull gemma4:26b` on that machine" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def timed_main(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
               ) -> tuple[int, str, float]:
    """``solver.cli.main`` in this process: the time to fail without Python's start-up (seconds under load)."""
    monkeypatch.setenv("COLUMNS", "200")
    for name in [k for k in os.environ if k.startswith(("SOLVER_", "OLLAMA_"))]:  # as run_solver does
        monkeypatch.delenv(name)
    start = time.monotonic()
    code = main(list(args))
    took = time.monotonic() - start
    return code, capsys.readouterr().err, took


def test_ask_with_nothing_listening_retries_once_briefly_and_says_so_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"http://127.0.0.1:{free_port()}"
    code, err, took = timed_main(capsys, monkeypatch, "ask", "hi", "--host", url)
    assert code == 1
    assert err.splitlines() == [
        f"attempt 1 failed: connection refused at {url}; retrying in 1 s",
        f"error: cannot reach the Ollama server at {url} (connection refused); start it there with "
        "`ollama serve`, or point --host / OLLAMA_HOST at it (gave up after 2 attempts)",
    ]
    assert took < 3  # one retry after 1 s; four tries took 8-10 s


def test_ask_with_an_unknown_host_name_fails_at_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    url = "http://no-such-model-server.invalid:11434"
    code, err, took = timed_main(capsys, monkeypatch, "ask", "hi", "--host", url)
    assert code == 1
    assert err.splitlines() == [
        f"error: cannot reach the Ollama server at {url}: the host name does not resolve (DNS lookup failed); "
        "check --host / OLLAMA_HOST for a typo"
    ]
    assert took < 3


@pytest.mark.parametrize("command", ["ask", "models"])
def test_an_openai_server_that_is_down_is_not_called_ollama(tmp_path: Path, command: str) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    args = ["hi"] if command == "ask" else []
    r = run_solver(command, *args, "--backend", "openai", "--host", url, "--model", "m", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.splitlines()[-1] == (
        f"error: cannot reach the OpenAI-compatible server at {url}/v1 (connection refused); start your server "
        f"(vLLM, SGLang, llama.cpp, LM Studio) so that it listens at {url}/v1, or point --host at it"
        + (" (gave up after 2 attempts)" if command == "ask" else "")
    )
    assert "ollama" not in r.stderr.lower()


def test_models_on_an_ollama_server_that_is_down_says_how_to_start_it(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    r = run_solver("models", "--host", url, cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        f"error: cannot reach the Ollama server at {url} (connection refused); start it there with "
        "`ollama serve`, or point --host / OLLAMA_HOST at it"
    ]


def test_ask_with_too_small_a_budget_says_to_raise_it(tmp_path: Path) -> None:
    script = {"default": {"thinking": "Consider all cases carefully. " * 30, "content": "done"}}
    with fake_process("ollama", tmp_path, script) as (url, _):
        r = run_solver("ask", "hard question", "--host", url, "--max-tokens", "40", cwd=tmp_path)
    assert r.returncode == 1
    assert "error: thinking used the whole output budget; raise the token limit (num_predict=40)" in r.stderr


def test_ask_through_an_openai_compatible_server(tmp_path: Path) -> None:
    with fake_process("openai", tmp_path, SCRIPT) as (url, _):
        r = run_solver(
            "ask", "q", "--backend", "openai", "--host", url, "--model", "google/gemma-4-31b-it", cwd=tmp_path
        )
    assert r.returncode == 0, r.stderr
    assert r.stdout == "thinking…\nSix sevens are forty-two.\n\nThe answer is 42.\n"


def test_models_lists_context_and_thinking(tmp_path: Path) -> None:
    with fake_process("ollama", tmp_path) as (url, _):
        r = run_solver("models", "--host", url, cwd=tmp_path)
        j = run_solver("models", "--host", url, "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rows = {line.split()[1]: line.split() for line in r.stdout.splitlines()[1:] if line.strip()}
    assert rows["gemma4:31b"][2:5] == ["*", "131072", "yes"]  # * marks the configured model
    assert rows["llama3.2:3b"][2:4] == ["131072", "no"]
    models = json.loads(j.stdout)
    assert {m["name"]: m["thinks"] for m in models} == {
        "gemma4:31b": True,
        "gemma4:e2b": True,
        "llama3.2:3b": False,
    }
    assert all(m["host"] == url and m["context_length"] == 131072 for m in models)


def test_models_points_out_a_missing_configured_model(tmp_path: Path) -> None:
    with fake_process("ollama", tmp_path) as (url, _):
        r = run_solver("models", "--host", url, "--model", "gemma4:e4b", cwd=tmp_path)
    assert r.returncode == 0
    assert (
        f"the configured model gemma4:e4b (*) is missing on {url}: download it with `ollama pull gemma4:e4b` "
        "on that machine, or pick another with --model"
        in r.stdout
    )


def test_models_on_two_hosts(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with fake_process("ollama", tmp_path / "a") as (a, _), fake_process("ollama", tmp_path / "b") as (b, _):
        r = run_solver("models", "--host", a, "--host", b, "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert [m["host"] for m in json.loads(r.stdout)] == [a] * 3 + [b] * 3


def test_ask_after_a_broken_stream_shows_the_retry(tmp_path: Path) -> None:
    script = {
        "replies": [
            {"thinking": "first try", "content": "x" * 40, "chunk_chars": 8, "close_after": 3},
            {"thinking": "second try", "content": "whole answer"},
        ]
    }
    with fake_process("ollama", tmp_path, script) as (url, _):
        r = run_solver("ask", "q", "--host", url, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith("thinking…\nsecond try\n\nwhole answer\n")
    assert r.stdout.startswith("thinking…\nfirst try\n\nxxxx")
    assert (f"attempt 1 failed: the connection closed in the middle of the reply at {url}; retrying in 1 s"
            in r.stderr.splitlines())
    assert "done: stop, 1 retry" in r.stderr


def shout(body: dict[str, Any]) -> Reply:
    """A responder for the standalone fake: answers by looking at the prompt."""
    return Reply(content=body["messages"][-1]["content"].upper())


def test_standalone_fake_with_a_responder(tmp_path: Path) -> None:
    with fake_process("ollama", tmp_path, responder="tests.llm.test_cli:shout") as (url, _):
        r = run_solver("ask", "make", "me", "loud", "--host", url, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "MAKE ME LOUD\n"
