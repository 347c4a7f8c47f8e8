"""Hidden-test judging on the cluster's workers, not on the driver's node.

A contest's submissions (pretests during the round, system tests after it) are judged by the same code as
without a cluster, ``solver.contest.submit.PackJudge``, but on a worker's warm judge: with many contests the
driver's one judge would otherwise judge every submission of the batch.

    driver  ``ClusterJudging``: ships each test pack once into Ray's object store (``ray.put``; every later
            submission of the problem passes the reference), sends a judgment to the least busy worker (the
            fewest judgments in flight, then the fewest so far: the work alternates), and records in the
            contest run which worker judged which submission (``cluster_judgment``)
    worker  ``NodeJudging``: one ``PackJudge`` per shipped pack, so a pack's checker is compiled once per
            node; the judge-error retry (``JUDGE_TRIES``) happens there, as it would on the driver

A worker that dies while judging is restarted by Ray and the judgment sent again (judging has no side
effect, so a second delivery is harmless); a worker that does not come back is left out and the judgment goes
to another one; with no worker left the submission is a judge error ("not judged"), never a verdict.

The solve loop's own batches (stress tests, a helper's inputs) go through ``SpillingJudge``: while a node's
judge is busy with one batch, the next one of at least ``SPILL_MIN_TESTS`` tests is lent to a peer worker
whose judge is idle (it compiles the program from its source, cached per node); a peer that is busy, fails or
is gone leaves the batch to the local judge. A worker finds its peers by name (``ProblemWorker._peers``).

Imported only with ``--cluster`` (it imports Ray).
"""

from __future__ import annotations

import contextlib
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import ray
from ray.exceptions import RayActorError, RayTaskError

from sandbox.api import Checker, Compiled, JudgeResult, Limits, RunResult, Source, Test, TestResult, Verdict
from sandbox.testlib import TestlibMissing, needs_testlib, with_testlib
from solver.contest.submit import JUDGE_TRIES, PackJudge, PackJudgeBackend, PackVerdict
from solver.contest.testpack import TestPack
from solver.problem import Problem
from solver.runstore import Run

T = TypeVar("T")
_LIMITS = Limits()
_TOKENS = Checker.tokens()
PACKS_PER_NODE = 64  # packs whose compiled checker a worker keeps (a batch judges a few contests at a time)


def portable(pack: TestPack) -> TestPack:
    """The pack as a node needs it: a testlib checker gets the driver's testlib.h pasted in here, so the
    nodes need no copy of it and judge with the header the driver's judge would use. Without one here the
    pack goes as it is, and the node's judge says why its checker cannot run, as the driver's would."""
    src = pack.checker_source
    if pack.checker_lang != "cpp" or not src or not needs_testlib(src):
        return pack
    try:
        return replace(pack, checker_source=with_testlib(src))
    except TestlibMissing:
        return pack


class NodeJudging:
    """A worker's side: a ``PackJudge`` on the node's judge per shipped pack (by its object's id)."""

    def __init__(self, judge: PackJudgeBackend) -> None:
        self.judge = judge
        self._by_pack: OrderedDict[str, PackJudge] = OrderedDict()

    async def verdict(
        self, key: str, problem: Problem, pack: TestPack, code: str, lang: str, count: int | None
    ) -> PackVerdict:
        """``PackJudge.verdict`` on this node; ``key`` names the shipped pack (its object id)."""
        pj = self._by_pack.pop(key, None) or PackJudge(self.judge)
        self._by_pack[key] = pj  # most recently used last
        while len(self._by_pack) > PACKS_PER_NODE:
            self._by_pack.popitem(last=False)
        return await pj.verdict(problem, pack, code, lang, count=count)


class ClusterJudging:
    """The driver's side: which worker judges a submission, and the packs already in the object store."""

    def __init__(self, workers: Sequence[Any]) -> None:
        self.workers = list(workers)
        self.in_flight = [0] * len(self.workers)
        self.judged = [0] * len(self.workers)
        self.dead: set[int] = set()
        self._refs: dict[int, Any] = {}  # id(pack) -> its ObjectRef, dropped when the pack is

    def _ref(self, pack: TestPack) -> Any:
        """The pack in the object store, put there on its first submission: a pack is freed from the store
        once the driver drops it (its contest is over)."""
        key = id(pack)
        ref = self._refs.get(key)
        if ref is None:
            ref = ray.put(portable(pack))
            self._refs[key] = ref
            weakref.finalize(pack, self._refs.pop, key, None)
        return ref

    def _pick(self) -> int | None:
        alive = [w for w in range(len(self.workers)) if w not in self.dead]
        return min(alive, key=lambda w: (self.in_flight[w], self.judged[w], w)) if alive else None

    async def verdict(
        self, problem: Problem, pack: TestPack, code: str, lang: str, *, count: int | None = None
    ) -> tuple[PackVerdict, str]:
        """``PackJudge.verdict`` on some worker, and that worker's name ("" when none could judge)."""
        ref = self._ref(pack)
        lost: list[str] = []
        pv: PackVerdict
        while (w := self._pick()) is not None:
            self.in_flight[w] += 1
            try:
                pv, by = await self.workers[w].judge_pack.remote(ref.hex(), problem, ref, code, lang, count)
            except RayActorError as e:  # restarted and retried by Ray already: this one is gone for good
                self.dead.add(w)
                lost.append(f"worker {w}: {e}")
                continue
            except RayTaskError as e:  # an error inside the judge: the original one, as on the driver
                cause = getattr(e, "cause", None)
                if isinstance(cause, BaseException):
                    raise cause from None
                raise
            finally:
                self.in_flight[w] -= 1
            self.judged[w] += 1
            return pv, str(by)
        why = "no cluster worker is left to judge" + (f" ({'; '.join(lost)[:300]})" if lost else "")
        return PackVerdict(Verdict.JE.value, None, why, len(pack.tests if count is None else pack.tests[:count]),
                           JUDGE_TRIES), ""  # fmt: skip

    def for_run(self, run: Run) -> RunJudging:
        """Judging for one contest run: the same verdicts, each noted in the run as judged by a worker."""
        return RunJudging(self, run)


class RunJudging:
    """What a contest run calls in place of its own ``PackJudge`` (``Services.judge_remote``)."""

    def __init__(self, cluster: ClusterJudging, run: Run) -> None:
        self.cluster = cluster
        self.run = run

    async def verdict(
        self, problem: Problem, pack: TestPack, code: str, lang: str, *, count: int | None = None
    ) -> PackVerdict:
        pv, worker = await self.cluster.verdict(problem, pack, code, lang, count=count)
        self.run.append(
            "cluster_judgment",
            index=problem.id.index,
            tests=pv.tests,
            verdict=pv.verdict,
            worker=worker,
        )
        return pv


# --- stress batches lent to a peer's judge (item: judge work on nodes other than the one waiting) ----------

SPILL_MIN_TESTS = 8  # a smaller batch is over before a peer would have compiled the program
SPILL_MAX_BYTES = 8 * 1024 * 1024  # inputs shipped per batch at most (max-size inputs stay on their node)
SOURCES_KEPT = 2048  # programs whose source is remembered for lending (the judge itself keeps fewer compiled)
BUSY_AT = 1  # batches running on a node's judge that make it busy: one batch already fills every worker


class SpillingJudge:
    """A worker's judge for the problems it solves: a batch of tests (a stress batch, a helper's inputs) is
    judged on a peer worker's judge when this node's judge is already judging another batch and the peer's is
    not. The peer compiles the program from its source (once per node: the judge caches compiles) and
    returns the whole ``JudgeResult``, as this judge would have. Anything else, a small or large batch, a
    program not compiled here, or a peer that is busy, fails or is gone, is judged here: lending is an
    optimisation, never a different answer."""

    def __init__(self, local: Any, peers: Any, *, busy_at: int = BUSY_AT) -> None:
        self.local = local
        self.peers = peers  # async () -> the peer worker handles (found lazily, refreshed when one is lost)
        self.busy_at = busy_at
        self.in_flight = 0  # batches on the local judge now (this problem's and peers')
        self.lent = 0  # batches judged by a peer (for tests and diagnostics)
        self._sources: OrderedDict[str, Source] = OrderedDict()  # handle -> its source (a peer compiles it)
        self._turn = 0

    def __getattr__(self, name: str) -> Any:  # workers, close, ...: the local judge's
        return getattr(self.local, name)

    @property
    def busy(self) -> bool:
        return self.in_flight >= self.busy_at

    async def compile(self, source: Source, *args: Any, **kwargs: Any) -> Compiled:
        compiled: Compiled = await self.local.compile(source, *args, **kwargs)
        if compiled.ok and not args and not kwargs:  # default compile limits: a peer compiles it the same way
            self._sources[compiled.handle] = source
            while len(self._sources) > SOURCES_KEPT:  # a program never released is lent no more, not leaked
                self._sources.popitem(last=False)
        return compiled

    def release(self, compiled: Compiled) -> None:
        self._sources.pop(compiled.handle, None)
        self.local.release(compiled)

    async def run(self, program: Compiled, input: bytes, limits: Limits) -> RunResult:
        result: RunResult = await self.local.run(program, input, limits)
        return result

    async def interact(self, solution: Compiled, interactor: Compiled, test: Test, limits: Limits) -> TestResult:
        result: TestResult = await self.local.interact(solution, interactor, test, limits)
        return result

    async def judge(
        self, program: Compiled, tests: Sequence[Test], limits: Limits = _LIMITS, checker: Checker = _TOKENS,
        **kwargs: Any,
    ) -> JudgeResult:  # fmt: skip
        compiled = program
        shipped = self._lendable(compiled, tests, checker) if self.busy and not kwargs else None
        if shipped is not None:
            lent = await self._lend(shipped[0], shipped[1], tests, limits, checker)
            if lent is not None:
                self.lent += 1
                return lent
        return await self.here(self.local.judge(compiled, tests, limits, checker, **kwargs))

    async def here(self, work: Awaitable[T]) -> T:
        """Work on the local judge (a batch, a hidden-test judgment), counted while it runs."""
        self.in_flight += 1
        try:
            return await work
        finally:
            self.in_flight -= 1

    def _lendable(
        self, compiled: Compiled, tests: Sequence[Test], checker: Checker
    ) -> tuple[Source, Source | None] | None:
        """(program source, checker source) when the batch may go to a peer, else None."""
        if not compiled.ok or len(tests) < SPILL_MIN_TESTS:
            return None
        if sum(len(t.input) + len(t.answer or b"") for t in tests) > SPILL_MAX_BYTES:
            return None
        source = self._sources.get(compiled.handle)
        checker_source = None
        if checker.program is not None:
            checker_source = self._sources.get(checker.program.handle)
            if checker_source is None:
                return None
        return None if source is None else (source, checker_source)

    async def _lend(
        self, source: Source, checker_source: Source | None, tests: Sequence[Test], limits: Limits, checker: Checker
    ) -> JudgeResult | None:
        """The batch judged by the first peer that is not busy itself; None when none would or could."""
        try:
            peers = list(await self.peers())
        except Exception:  # no peer to be found (Ray's directory unreachable): judged here
            return None
        for k in range(len(peers)):
            peer = peers[(self._turn + k) % len(peers)]
            try:
                result: JudgeResult | None = await peer.judge_for_peer.remote(
                    source, checker_source, tuple(tests), limits, replace(checker, program=None)
                )
            except Exception:  # gone (RayActorError) or failing there: this node judges it; any error, as
                # lending is an optimisation and must never fail the problem it was meant to speed up
                with contextlib.suppress(Exception):
                    await self.peers(refresh=True)
                continue
            if result is not None:
                self._turn = (self._turn + k + 1) % max(1, len(peers))
                return result
        return None

    async def for_peer(
        self, source: Source, checker_source: Source | None, tests: Sequence[Test], limits: Limits, checker: Checker
    ) -> JudgeResult | None:
        """A peer's batch on this node's judge; None when this judge is busy (the peer judges it itself)."""
        if self.busy:
            return None
        self.in_flight += 1  # taken now: a second peer asking meanwhile is told busy
        try:
            program = await self.local.compile(source)
            if not program.ok:  # compiled on the peer, not here: let the peer judge it
                return None
            try:
                if checker_source is not None:
                    exe = await self.local.compile(checker_source)
                    if not exe.ok:
                        return None
                    checker = replace(checker, program=exe)
                    try:
                        result: JudgeResult = await self.local.judge(program, tests, limits, checker)
                    finally:
                        self.local.release(exe)
                    return result
                result = await self.local.judge(program, tests, limits, checker)
                return result
            finally:
                self.local.release(program)
        finally:
            self.in_flight -= 1
