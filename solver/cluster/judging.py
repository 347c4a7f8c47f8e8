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

Imported only with ``--cluster`` (it imports Ray).
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import ray
from ray.exceptions import RayActorError, RayTaskError

from sandbox.api import Verdict
from sandbox.testlib import TestlibMissing, needs_testlib, with_testlib
from solver.contest.submit import JUDGE_TRIES, PackJudge, PackJudgeBackend, PackVerdict
from solver.contest.testpack import TestPack
from solver.problem import Problem
from solver.runstore import Run

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
