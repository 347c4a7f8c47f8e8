"""The Ray actor on a node: the node's warm judge workers and a model backend, one problem per call.

An actor rather than a task per problem, so the judge's containers are started once per node, not per
problem. Several problems share a worker at once (the driver sends at most ``per_worker``); the actor is
async, so they interleave while the model thinks. The worker never writes the run store: it solves in a
shadow run (``solver.cluster.shadow``) and returns the events.

Fault tolerance: the actor restarts when its process dies (``max_restarts``) and the call in flight is sent
again (``max_task_retries``); a restarted worker releases the model slots its predecessor held and its judge
sweeps the containers the dead process left (``sandbox.docker_backend``).
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import ray

from sandbox.api import Checker, JudgeConfig, JudgeResult, Limits, Source, Test
from solver.cluster.judging import NodeJudging, SpillingJudge
from solver.cluster.limiter import ClusterPool
from solver.cluster.progress import Feed, Page
from solver.cluster.shadow import Done, Job, solve_in_shadow
from solver.config import Config
from solver.contest.submit import PackVerdict
from solver.contest.testpack import TestPack
from solver.errors import JudgeUnavailableError
from solver.llm.base import ModelBackend
from solver.llm.pooled import PooledBackend
from solver.problem import Problem
from solver.solve.programs import Judge

RESTARTS = 4  # a worker process that dies more often than this fails its problem (a crash it causes)


class ProblemWorker:
    def __init__(self, config: Config, name: str, limiter: Any | None) -> None:
        self.config = config
        self.name = name
        self.limiter = limiter
        self._lock = asyncio.Lock()
        self._judge: Judge | None = None
        self._backend: ModelBackend | None = None
        self._close: list[Any] = []
        self.feed = Feed()  # what each job in progress has shown, for the driver's board
        self._judging: NodeJudging | None = None
        self._spill: SpillingJudge | None = None
        self._peer_handles: list[Any] | None = None

    async def _services(self) -> tuple[Judge, ModelBackend]:
        async with self._lock:
            if self._judge is None or self._backend is None:
                from sandbox.judge import open_judge
                from solver.llm.factory import build_backend

                if self.limiter is not None:  # frees the slots a dead predecessor of this worker held
                    await self.limiter.register.remote(self.name, os.getpid())
                cfg = self.config
                judge = await _opened(lambda: open_judge(JudgeConfig(cfg.sandbox, cfg.image, cfg.workers)))
                backend = build_backend(cfg)
                if self.limiter is not None and isinstance(backend, PooledBackend):
                    backend.pool = ClusterPool(cfg.hosts, cfg.slots_per_host, self.limiter, self.name)
                self._judge, self._backend = judge, backend
                self._close = [judge, backend]
            return self._judge, self._backend

    async def where(self) -> dict[str, Any]:
        """Which process and node this worker is (tests kill it by pid)."""
        return {"name": self.name, "pid": os.getpid(), "host": socket.gethostname()}

    async def warm(self) -> None:
        """Start the judge's workers and check the model now, not on the first problem."""
        await self._services()

    async def solve(self, job: Job) -> Done:
        judge, backend = await self._services()
        spilling = self._spilling(judge)  # a batch may go to a peer's judge while this one is busy
        progress, on_reply = self.feed.open(job.key)
        try:
            where = f"{self.name}@{socket.gethostname()}"
            return await solve_in_shadow(
                job, spilling, backend, worker=where, progress=progress, on_reply=on_reply
            )
        finally:
            self.feed.end(job.key)

    async def progress(self, key: str, process: str, after: int, last: bool = False) -> Page:
        """What the job ``key`` has shown since the driver last asked (``solver.cluster.progress``)."""
        return self.feed.since(key, process, after, last)

    async def judge_pack(
        self, key: str, problem: Problem, pack: TestPack, code: str, lang: str, count: int | None
    ) -> tuple[PackVerdict, str]:
        """A submission judged on this node's judge (``solver.cluster.judging``), and who judged it."""
        judge, _ = await self._services()
        if self._judging is None or self._judging.judge is not judge:
            self._judging = NodeJudging(judge)
        pv = await self._spilling(judge).here(self._judging.verdict(key, problem, pack, code, lang, count))
        return pv, f"{self.name}@{socket.gethostname()}"

    async def judge_for_peer(
        self, source: Source, checker_source: Source | None, tests: tuple[Test, ...], limits: Limits, checker: Checker
    ) -> JudgeResult | None:
        """A batch of another worker's problem on this node's judge; None when this one is busy too."""
        judge, _ = await self._services()
        return await self._spilling(judge).for_peer(source, checker_source, tests, limits, checker)

    def _spilling(self, judge: Judge) -> SpillingJudge:
        if self._spill is None or self._spill.local is not judge:
            self._spill = SpillingJudge(judge, self._peers)
        return self._spill

    async def _peers(self, refresh: bool = False) -> list[Any]:
        """The other workers of this run (named like this one, another number), found on first need."""
        if self._peer_handles is None or refresh:
            prefix = self.name.rsplit("-", 1)[0] + "-"
            names = sorted(n for n in ray.util.list_named_actors() if n.startswith(prefix) and n != self.name)
            self._peer_handles = [ray.get_actor(n) for n in names]
        return self._peer_handles

    async def close(self) -> None:
        for thing in self._close:
            await thing.close()
        self._close = []
        self._judge = self._backend = None


async def _opened(start: Callable[[], Awaitable[Judge]], tries: int = 3) -> Judge:
    """The judge, tried again a few times: a restarted worker's judge sweeps the containers its dead
    predecessor left while other judges on the node start and stop theirs, and Docker may answer 404 for a
    container listed a moment before."""
    for n in range(tries):
        try:
            return await start()
        except Exception as e:
            if n == tries - 1:
                raise JudgeUnavailableError(f"the judge on this cluster node could not start: {e}") from None
            await asyncio.sleep(1.0 + n)
    raise AssertionError("unreachable")


def worker_actor(config: Config, name: str, limiter: Any | None, node: str | None = None) -> Any:
    """Start one worker, on ``node`` where given: softly, so that a worker whose node is lost restarts on
    another node (Ray's SPREAD, used without a node, may put two workers on one node and none on another)."""
    cls = ray.remote(num_cpus=0, max_restarts=RESTARTS, max_task_retries=RESTARTS)(ProblemWorker)
    where: Any = "SPREAD"
    if node is not None:
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        where = NodeAffinitySchedulingStrategy(node, soft=True)
    return cls.options(name=name, scheduling_strategy=where, max_concurrency=1000).remote(config, name, limiter)
