"""A model server that goes away: waited for patiently, one line per retry, and never a finished problem.

The fake Ollama server is really stopped and started again on the same port.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from solver.config import Config
from solver.errors import ModelError
from solver.llm.base import Message
from solver.llm.factory import build_backend
from solver.llm.retry import RetryPolicy
from solver.runstore import Run, RunIndex
from solver.solve.budget import Stop
from solver.solve.loop import Env, solve_problem
from solver.solve.model import PATIENCE, ModelCalls
from solver.solve.work import Settings
from tests.fakes.ollama_server import FakeOllama
from tests.solve import programs as P
from tests.solve.conftest import Solve
from tests.solve.scripted import ScriptedModel
from tests.solve.test_loop import KIT

QUICK = RetryPolicy(attempts=1)  # the model layer's own quick retries, off: the loop's patience is tested
SHORT = RetryPolicy(attempts=8, backoff_s=0.2, max_backoff_s=0.8)


def test_patience_grows_to_minutes_and_is_bounded() -> None:
    waits = [PATIENCE.delay(n) for n in range(1, PATIENCE.attempts)]
    assert waits[:5] == [15, 30, 60, 120, 240] and max(waits) == 300  # grows to minutes, capped
    assert 45 * 60 <= sum(waits) <= 75 * 60  # about an hour in all, then the run is left to resume


async def test_a_server_away_for_a_while_is_waited_for(tmp_path: Path) -> None:
    srv = await FakeOllama().start()
    port = srv.port
    backend = build_backend(Config(hosts=(srv.url,), model="gemma4:31b"), retry=QUICK)
    lines: list[str] = []
    try:
        await backend.preflight()
        await srv.stop()  # the server goes away
        run = Run.create(tmp_path, "x", {})
        calls = ModelCalls(backend, run, run.index(), on_wait=lines.append, patience=SHORT)
        task = asyncio.create_task(calls.ask("9001A/c0/solution/1", [Message("user", "hello")]))
        await asyncio.sleep(1.0)  # longer than the model layer's own retries would wait
        assert not task.done()
        back = await FakeOllama(port=port).start()
        try:
            reply = await asyncio.wait_for(task, 10)
        finally:
            await back.stop()
    finally:
        await backend.close()
    assert reply.content == "echo: hello" and len(back.chats) == 1
    assert len(lines) >= 2 and all("\n" not in line for line in lines)
    assert all(f"127.0.0.1:{port}" in line and "retry" in line for line in lines)
    waits = [e for e in run.events() if e.type == "model_wait"]
    assert len(waits) == len(lines) and [e.get("retry") for e in waits] == list(range(1, len(lines) + 1))


@pytest.mark.docker
@pytest.mark.timeout(120)
async def test_model_error_leaves_the_problem_resumable(judge: Any, solve: Solve, tmp_path: Path) -> None:
    srv = await FakeOllama().start()
    backend = build_backend(Config(hosts=(srv.url,), model="gemma4:31b"), retry=QUICK)
    run = Run.create(tmp_path / "runs", "solve-9001A", {"command": "solve"})
    try:
        await backend.preflight()
        await srv.stop()  # away for longer than the patience
        calls = ModelCalls(backend, run, run.index(), patience=RetryPolicy(attempts=3, backoff_s=0.1))
        with pytest.raises(ModelError, match="cannot reach"):
            await solve_problem(P.SUM, Env(judge, run, calls, Settings(stress_tests=20)))
    finally:
        await backend.close()
    types = [e.type for e in run.events()]
    assert "problem_done" not in types and "model_wait" in types
    assert Run.open(tmp_path / "runs", run.id).index().finished == {}

    model = ScriptedModel(solution=P.cpp(P.SUM_GOOD), **KIT)  # the server is back
    s = await solve(P.SUM, model, run=Run.open(tmp_path / "runs", run.id), stress_tests=20)
    assert s.asked > 0 and s.result.stop is Stop.SOLVED


def test_an_old_model_error_problem_done_is_not_finished() -> None:
    from solver.runstore import Event

    events = [
        Event(1, 0.0, "problem_done", {"problem": "9001A", "result": {"stop": "model_error"}}),
        Event(2, 0.0, "problem_done", {"problem": "9001B", "result": {"stop": "solved"}}),
    ]
    assert set(RunIndex.build(events).finished) == {"9001B"}


@pytest.mark.docker
@pytest.mark.timeout(120)
async def test_the_run_seed_reaches_every_request(solve: Solve) -> None:
    model = ScriptedModel(solution=P.cpp(P.SUM_GOOD), **KIT)
    seeds: list[object] = []

    def respond(body: dict[str, Any]) -> Any:
        seeds.append(body.get("options", {}).get("seed"))
        return model(body)

    s = await solve(P.SUM, respond, seed=7, candidates=2, stress_tests=20)  # type: ignore[arg-type]
    assert s.result.stop is Stop.SOLVED and len(seeds) == s.asked >= 5
    assert set(seeds) <= {7, 8} and seeds.count(8) >= 1  # candidate 1 samples with seed + 1
