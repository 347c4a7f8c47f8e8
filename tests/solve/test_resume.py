"""Interrupted runs resume without redoing finished work, and finished problems are never solved again."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from solver.config import Config
from solver.llm.factory import build_backend
from solver.runstore import Run
from solver.solve.budget import Stop
from solver.solve.loop import Env, solve_problem
from solver.solve.model import ModelCalls
from solver.solve.work import Settings
from tests.fakes.ollama_server import FakeOllama, Reply
from tests.solve import programs as P
from tests.solve.conftest import Solve
from tests.solve.scripted import ScriptedModel, stage_of
from tests.solve.test_loop import KIT

pytestmark = [pytest.mark.docker, pytest.mark.timeout(120)]


async def test_cancelled_run_resumes_without_asking_again(solve: Solve, judge: Any, tmp_path: Path) -> None:
    first = ScriptedModel(solution=[P.cpp(P.SUM_ABS)], **KIT)
    reached, release = asyncio.Event(), asyncio.Event()

    async def respond(body: dict[str, Any]) -> Reply:
        prompt = body["messages"][-1]["content"]
        if stage_of(prompt) == "repair":  # the run is interrupted while the model writes the repair
            reached.set()
            await release.wait()
        return first(body)

    run = Run.create(tmp_path / "runs", "solve-9001A", {"command": "solve"})
    async with FakeOllama(responder=respond) as srv:
        backend = build_backend(Config(hosts=(srv.url,), model="gemma4:31b"))
        env = Env(judge, run, ModelCalls(backend, run, run.index()), Settings(stress_tests=100))
        task = asyncio.create_task(solve_problem(P.SUM, env))
        await asyncio.wait_for(reached.wait(), 60)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await backend.close()
        release.set()  # let the fake server finish the abandoned request
    before = [e.type for e in run.events()]
    # the draft, four helpers and the second brute force that corroborated the counterexample
    assert before.count("model_reply") == 6 and "counterexample" in before and "problem_done" not in before

    second = ScriptedModel(solution=P.cpp(P.SUM_GOOD))  # knows no kit replies: asking for one would fail
    s = await solve(P.SUM, second, run=Run.open(tmp_path / "runs", run.id))
    assert second.stages() == ["repair"]  # nothing finished was asked again
    assert s.result.stop is Stop.SOLVED and s.result.chosen == "c0-v2"
    (cx,) = s.result.counterexamples
    assert cx.fixed_by == "c0-v2"
    after = [e.type for e in s.run.events()]
    assert after[: len(before)] == before  # nothing lost: the log only grew
    assert after.count("model_reused") == 6 and after.count("problem_done") == 1

    third = ScriptedModel()
    again = await solve(P.SUM, third, run=Run.open(tmp_path / "runs", run.id))
    assert third.calls == [] and again.asked == 0  # a finished problem is never solved again
    assert again.result == s.result


async def test_several_problems_share_one_run(judge: Any, tmp_path: Path) -> None:
    from dataclasses import replace

    from solver.problem import ProblemId
    from solver.solve.loop import solve_problems

    second = replace(P.SUM, id=ProblemId(9001, "D"), name="Sum Again")
    model = ScriptedModel(solution=P.cpp(P.SUM_GOOD), **KIT)
    run = Run.create(tmp_path / "runs", "contest-9001", {"command": "contest"})
    async with FakeOllama(responder=model) as srv:
        backend = build_backend(Config(hosts=(srv.url,), model="gemma4:31b"))
        try:
            env = Env(judge, run, ModelCalls(backend, run, run.index()), Settings(stress_tests=50))
            results = await solve_problems([P.SUM, second], env, parallel=2)
        finally:
            await backend.close()
    assert [r.problem for r in results] == ["9001A", "9001D"] and all(r.solved for r in results)
    assert len(model.calls) == 10  # five calls each, none shared or repeated
    done = {e.get("problem") for e in run.events() if e.type == "problem_done"}
    assert done == {"9001A", "9001D"}
    assert (run.path / "9001A" / "c0-v1.cpp").is_file() and (run.path / "9001D" / "c0-v1.cpp").is_file()
