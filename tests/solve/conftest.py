"""Fixtures of the solve-loop tests: the real sandbox, a fake Ollama server scripted per test, a run."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from solver.config import Config
from solver.llm.factory import build_backend
from solver.problem import Problem
from solver.runstore import Run
from solver.solve.loop import Env, solve_problem
from solver.solve.model import ModelCalls
from solver.solve.work import ProblemResult, Settings
from tests.fakes.ollama_server import FakeOllama
from tests.solve.scripted import ScriptedModel


@dataclass
class Solved:
    result: ProblemResult
    run: Run
    model: ScriptedModel
    asked: int  # requests that reached the fake server
    max_in_flight: int  # the most requests the server answered at once (the model layer's limiter: 1 slot)
    events: list[str] = field(default_factory=list)

    def files(self) -> list[str]:
        return sorted(str(p.relative_to(self.run.path)) for p in self.run.path.rglob("*") if p.is_file())


Solve = Callable[..., Awaitable[Solved]]


@pytest.fixture
def solve(judge: object, tmp_path: Path) -> Solve:  # the session's real sandbox (tests/conftest.py)
    """``await solve(problem, model, **settings)``: one problem through the real loop, and what happened."""

    async def go(
        problem: Problem, model: ScriptedModel, run: Run | None = None, **settings: object
    ) -> Solved:
        opts: dict[str, object] = {"stress_tests": 100, **settings}
        async with FakeOllama(responder=model) as srv:
            backend = build_backend(Config(hosts=(srv.url,), model="gemma4:31b"))
            try:
                run = run or Run.create(tmp_path / "runs", f"solve-{problem.id.slug}", {"command": "solve"})
                calls = ModelCalls(backend, run, run.index())
                env = Env(judge, run, calls, Settings(**opts))  # type: ignore[arg-type]
                result = await solve_problem(problem, env)
            finally:
                await backend.close()
            asked, most = len(srv.chats), srv.max_in_flight
        return Solved(result, run, model, asked, most, [e.type for e in run.events()])

    return go
