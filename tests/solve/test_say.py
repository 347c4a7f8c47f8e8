"""Say what happens: plain progress lines without a terminal, the sampling in run.json, a statement-less
problem refused with the way to get it, a cancelled reply kept with what arrived."""

from __future__ import annotations

import asyncio
import io
import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sandbox.api import RunResult, TestResult, Verdict
from solver.config import Config
from solver.llm.base import ChatParams, Message
from solver.llm.factory import build_backend, recorded
from solver.llm.transcript import Transcript, read_transcript
from solver.runstore import Run
from solver.solve import evidence
from solver.solve.model import REPLY_CAP, ModelCalls
from solver.solve.progress import Board
from solver.sources.store import ProblemStore
from tests.conftest import REPO
from tests.fakes.ollama_server import FakeOllama, Reply
from tests.solve import programs as P
from tests.solve.test_cli import fake_model


def test_without_a_terminal_each_stage_is_one_plain_flushed_line() -> None:
    now = [0.0]

    class Flushed(io.StringIO):
        flushes = 0

        def flush(self) -> None:
            self.flushes += 1

    out = Flushed()
    board = Board(clock=lambda: now[0], plain=out)
    board("1999A", "c0", stage="draft", attempt=1)
    now[0] = 12.25
    board("1999A", "c0", stage="tests", attempt=1)
    board("1999A", "c0", passed=1, total=3)
    board("1999A", "c0", passed=1, total=3)  # nothing changed: no line
    now[0] = 153.0
    board("1999A", "problem", stage="done", note="solved: c0-v2 passes every local test")
    assert out.getvalue().splitlines() == [
        "    0.0 s  1999A c0: draft (attempt 1)",
        "   12.2 s  1999A c0: tests (attempt 1)",
        "   12.2 s  1999A c0: tests passed 1/3",
        "  153.0 s  1999A problem: done: solved: c0-v2 passes every local test",
    ]
    assert out.flushes == 4


async def test_a_cancelled_reply_is_kept_with_what_arrived(tmp_path: Path) -> None:
    async with FakeOllama() as srv:
        srv.script(Reply(thinking="Let me see. " * 20, content="```cpp\nint main(){", chunk_chars=8, delay=0.02,
                         stall_after=30, stall=30.0))
        backend = build_backend(Config(hosts=(srv.url,), model="gemma4:31b"))
        try:
            run = Run.create(tmp_path / "runs", "cancel", {"command": "solve"})
            transcript = tmp_path / "transcript.jsonl"
            calls = ModelCalls(recorded(backend, Transcript(transcript), "1999E"), run, run.index())
            task = asyncio.create_task(calls.ask("1999E/kit/brute/1", [Message("user", "brute force")]))
            await asyncio.sleep(1.5)  # the wall time of the problem runs out while the reply streams
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        finally:
            await backend.close()
    (event,) = [e for e in run.events() if e.type == "model_cancelled"]
    assert event.get("key") == "1999E/kit/brute/1" and event.get("thinking", "").startswith("Let me see.")
    (entry,) = list(read_transcript(transcript))
    assert entry["cancelled"] is True and entry["ok"] is False and entry["done_reason"] == "cancelled"
    assert entry["thinking"] == event.get("thinking") and entry["output_tokens"] > 0
    assert entry["usage"] == "estimated"


async def test_every_call_is_capped_by_the_reply_cap_and_the_budget_left(tmp_path: Path) -> None:
    run = Run.create(tmp_path / "runs", "cap", {"command": "solve"})
    calls = ModelCalls(None, run, run.index(), ChatParams(seed=3))  # type: ignore[arg-type]
    prompt = [Message("user", "x" * 4000)]  # about 1000 tokens
    assert calls.params_for(prompt).num_predict == REPLY_CAP
    assert calls.params_for(prompt, tokens_left=3000).num_predict == 3000 - 1004  # prompt: 4000 chars / 4 + 4
    assert calls.params_for(prompt, tokens_left=100).num_predict == 256  # one short last try
    assert calls.params_for(prompt, variant=2).seed == 5
    calls.params = replace(calls.params or ChatParams(), num_predict=500)
    assert calls.params_for(prompt).num_predict == 500


def solve_cli(*args: str, stdin: Any = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "solver", "solve", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=150)


def test_solve_refuses_a_problem_without_a_statement(tmp_path: Path) -> None:
    store = tmp_path / "store"
    ProblemStore(store).save(replace(P.SUM, statement="", input_spec="", output_spec=""))
    r = solve_cli("9001A", "--store", str(store), "--runs", str(tmp_path / "runs"), "--offline",
                  "--host", "http://127.0.0.1:9")
    assert r.returncode == 2, r.stderr
    assert "9001A has no statement" in r.stderr and "Competitive Companion" in r.stderr
    for way in ("solver fetch 9001A --refresh", "solver import PAGE.html", "--source open-r1:DIR"):
        assert way in r.stderr
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


@pytest.mark.docker
@pytest.mark.timeout(180)
def test_piped_solve_prints_stage_lines_and_states_its_sampling(tmp_path: Path, judge: Any) -> None:
    store = tmp_path / "store"
    ProblemStore(store).save(P.SUM)
    with fake_model("--scenario", "sum-first-try") as url:
        r = solve_cli("9001A", "--store", str(store), "--runs", str(tmp_path / "runs"), "--host", url,
                      "--offline", "--stress-tests", "20", "--seed", "4", "--model", "llama3.2:3b")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert any(line.endswith("9001A c0: draft (attempt 1)") for line in lines)
    # the example and the inputs derived from it (solver/solve/derive.py), all passed
    assert any(re.search(r"9001A c0: tests passed (\d+)/\1$", line) for line in lines)
    assert any("9001A problem: done: solved" in line for line in lines)
    (run,) = (tmp_path / "runs").iterdir()
    meta = json.loads((run / "run.json").read_text())
    assert meta["sampling"] == {"temperature": 0.6, "top_p": 0.95, "seed": 4}  # no preset: the defaults
    assert meta["reply_cap"] == REPLY_CAP
    sent = [e for e in read_transcript(run / "transcript.jsonl")]
    assert sent and all(e["params"]["seed"] in (4, 5) and e["params"]["temperature"] == 0.6 for e in sent)
    assert all(0 < e["params"]["num_predict"] <= REPLY_CAP for e in sent)


# ---- failure notes name the right program, and keep the compiler's first error


def test_a_compile_failure_note_keeps_the_compilers_first_error_whole() -> None:
    long_error = "brute-1.cpp:3:5: error: 'vector' was not declared in this scope; did you mean " + "x" * 250
    message = "brute-1.cpp: In function 'int main()':\n" + long_error + "\n   3 |     vector<int> v;\n"
    assert evidence.headline(evidence.compile_error(message)) == "does not compile: " + long_error
    assert evidence.headline("It rejects Example 1, which is valid.\nInput: ...") == (
        "It rejects Example 1, which is valid."
    )


def _run(verdict: Verdict, signal: int | None = None, exit_code: int | None = 1) -> TestResult:
    run = RunResult(verdict, exit_code, signal, 0.1, 0.1, 1000, b"", b"", "")
    return TestResult("in-0", verdict, run)


def test_a_validator_that_crashes_or_runs_out_of_time_is_at_fault_not_its_input() -> None:
    assert evidence.validator_fault(_run(Verdict.RE, signal=11)) == (
        "the validator itself crashed on it (killed by SIGSEGV)"
    )
    assert (evidence.validator_fault(_run(Verdict.TLE)) or "").startswith("the validator itself failed")
    assert evidence.validator_fault(_run(Verdict.RE, exit_code=3)) is None  # testlib's rejection
    assert evidence.validator_fault(_run(Verdict.RE, signal=6)) is None  # assert(): a rejection too


