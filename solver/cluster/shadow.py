"""A problem solved away from the run store, and carried back to it.

A node cannot append to the driver's ``events.jsonl``: the driver alone writes the run store, so a run folder
stays one consistent log. A node therefore solves in a *shadow run*, a scratch run folder of its own seeded
with the events the driver already holds for the problem (so recorded model replies are replayed, not asked
again), and returns what the solve loop added: its events and the files it wrote. The driver appends them
once (``apply``), keyed by the job: a job that Ray ran twice (a retried task after a lost node) is applied
once, and a job that died half way added nothing, so retrying it duplicates no event and no submission.

Pure of Ray: the worker actor and the tests call it the same way.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from solver.llm.base import ChatParams, ModelBackend
from solver.problem import Problem
from solver.runstore import Event, Run
from solver.solve.loop import Env, solve_problem
from solver.solve.model import ModelCalls, Reply
from solver.solve.programs import Judge
from solver.solve.work import ProblemResult, Progress, Settings, _no_progress

Recorded = tuple[tuple[str, dict[str, Any]], ...]  # (type, data) of events, in order
_STORE_FILES = {"run.json", "events.jsonl"}


@dataclass(frozen=True)
class Job:
    """One problem attempt to solve on some node."""

    key: str  # "<run id>/<problem>": the driver applies one result per key
    problem: Problem
    settings: Settings
    prior: Recorded = ()  # the problem's events already in the run store
    order: int = 0  # the problem's place in its contest (A = 0): ranks its model requests (solve.schedule)


@dataclass(frozen=True)
class Done:
    """What a node hands back: the result, and the events and files to add to the run store."""

    key: str
    result: dict[str, Any]
    events: Recorded
    files: tuple[tuple[str, str], ...]
    worker: str = ""
    asked: int = 0  # model calls that reached the model (replayed ones excluded)


def _of_problem(e: Event, pid: str) -> bool:
    return e.get("problem") == pid or str(e.get("key", "")).startswith(f"{pid}/")


def prior_events(run: Run, problem: Problem) -> Recorded:
    """The events of ``problem`` in ``run`` (a resumed run): what a node needs to replay, not redo."""
    pid = str(problem.id)
    return tuple((e.type, dict(e.data)) for e in run.events() if _of_problem(e, pid))


def finished(run: Run, problem: Problem) -> ProblemResult | None:
    """The recorded result when the run already finished the problem (then no node is asked)."""
    done = run.index().finished.get(str(problem.id))
    return None if done is None else ProblemResult.from_json(done["result"])


async def solve_in_shadow(
    job: Job,
    judge: Judge,
    backend: ModelBackend,
    *,
    scratch: Path | None = None,
    on_reply: Callable[[Reply], None] | None = None,
    worker: str = "",
    progress: Progress = _no_progress,
) -> Done:
    """Solve ``job`` in a scratch run folder and return what the solve loop added to it; ``progress`` is
    called as a local solve calls the board (``solver.cluster.progress``)."""
    with tempfile.TemporaryDirectory(prefix="cp-shadow-", dir=scratch) as tmp:
        shadow = Run.create(Path(tmp), "shadow", {"command": "cluster-shadow", "job": job.key})
        for type_, data in job.prior:
            shadow.append(type_, **data)
        seen = max(e.seq for e in shadow.events())  # events up to here are the driver's already
        calls = ModelCalls(backend, shadow, shadow.index(), ChatParams(seed=job.settings.seed), on_reply)
        result = await solve_problem(job.problem, Env(judge, shadow, calls, job.settings, progress, order=job.order))
        added = tuple((e.type, dict(e.data)) for e in shadow.events() if e.seq > seen)
        files = tuple(
            (str(p.relative_to(shadow.path)), p.read_text(encoding="utf-8"))
            for p in sorted(shadow.path.rglob("*"))
            if p.is_file() and p.name not in _STORE_FILES and not p.name.startswith(".")
        )
        return Done(job.key, result.to_json(), added, files, worker, calls.asked)


class Applied:
    """The driver's record of applied jobs: a job's events reach the run store once."""

    def __init__(self) -> None:
        self._results: dict[str, ProblemResult] = {}

    def apply(self, run: Run, done: Done) -> ProblemResult:
        known = self._results.get(done.key)
        if known is not None:  # a second delivery of the same job (a retried task): nothing is added
            return known
        for rel, text in done.files:
            run.write_file(rel, text)
        for type_, data in done.events:
            run.append(type_, **_without_store_keys(data))
        run.append("cluster_job", problem=done.key.rpartition("/")[2], worker=done.worker, asked=done.asked)
        result = ProblemResult.from_json(done.result)
        self._results[done.key] = result
        return result


def _without_store_keys(data: Mapping[str, Any]) -> dict[str, Any]:
    """The event's own data: seq, ts and type are the run store's to assign."""
    return {k: v for k, v in data.items() if k not in ("seq", "ts", "type")}
