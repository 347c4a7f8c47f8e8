"""Hidden-test judging on the cluster's workers (``solver.cluster.judging``).

End to end (`rate --cluster local`, two workers, the real Docker judge): the driver's own pack judge is made
to fail, so a submission judged on the driver would fail the contest; the report must still carry the same
verdicts and details as a run without the cluster, and the run store must name the workers that judged, both
of them. A stub that judged on the driver, or always on worker 0, fails.

With fake actor handles (no Ray cluster, fast): a pack goes into the object store once per problem; the
least busy worker judges; a worker that is gone for good hands the judgment to another one; with none left
the submission is a judge error (not judged), never a verdict; an error inside the judge is the original one.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from sandbox.api import Test
from solver.cli import config_from_args
from solver.contest import testpack
from solver.contest.submit import JUDGE_TRIES, PackJudge, PackVerdict
from solver.errors import JudgeUnavailableError
from solver.problem import Problem, ProblemId
from solver.runstore import Run
from tests.cluster.conftest import SlowModel, parse, rate_argv
from tests.fakes.ollama_server import FakeOllama
from tests.sources.cf_server import CfServer

World = tuple[CfServer, FakeOllama, SlowModel]
RAY_WARNINGS = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning", "ignore::UserWarning")


async def _rate_json(
    tmp: Path, cf: CfServer, ollama: FakeOllama, capsys: pytest.CaptureFixture[str], *extra: str
) -> Any:
    args = parse(tmp, cf, ollama, rate_argv("--pretests", "2", *extra))  # pretests, then system tests
    assert await args.func(args, config_from_args(args)) == 0
    return json.loads(capsys.readouterr().out)


def _judged(doc: dict[str, Any]) -> list[tuple[int, str, list[dict[str, Any]]]]:
    """Every submission's verdicts and details (not when it was made, nor its run folder's timestamped name)."""
    return [
        (
            c["contest_id"],
            p["index"],
            [
                {k: Path(v).name if k == "source" else v for k, v in s.items() if k not in ("at_s", "minute")}
                for s in p["submissions"]
            ],
        )
        for c in doc["contests"]
        for p in c["problems"]
    ]


@pytest.mark.docker
@pytest.mark.timeout(400)
@RAY_WARNINGS
async def test_hidden_tests_are_judged_on_the_workers_with_the_same_verdicts(
    world_servers: World, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.contest import world

    cf, ollama, model = world_servers
    world.fill_store(tmp_path / "alone" / "problems")
    world.fill_store(tmp_path / "cluster" / "problems")
    alone = await _rate_json(tmp_path / "alone", cf, ollama, capsys)

    on_driver: list[str] = []

    async def not_here(self: PackJudge, problem: Problem, *_a: Any, **_k: Any) -> Any:
        on_driver.append(str(problem.id))
        raise JudgeUnavailableError("the driver's judge must not judge hidden tests on a cluster")

    monkeypatch.setattr(PackJudge, "judge_tests", not_here)  # this process only: the workers are others
    model.asked.clear()  # the scripted model's first draft of 1349A is wrong again
    spread = await _rate_json(tmp_path / "cluster", cf, ollama, capsys, "--cluster", "local", "--cluster-workers", "2")
    assert on_driver == []
    assert _judged(spread) == _judged(alone)
    assert spread["rating"] == alone["rating"]
    subs = [s for _, _, ss in _judged(spread) for s in ss]
    assert [s["verdict"] for s in _judged(spread)[0][2]] == ["WA", "AC"]  # 1349A: rejected on pretests, fixed
    pack_judged = [s for s in subs if s["judged"] == "pack"]
    assert pack_judged and any(s["system"] == "AC" for s in pack_judged)

    runs = tmp_path / "cluster" / "runs"
    judgments = [
        e
        for p in sorted(runs.glob("*-contest-*"))
        for e in Run.open(runs, p.name).events()
        if e.type == "cluster_judgment"
    ]
    # one judgment per submission judged on the pack (pretests) and per system test
    assert len(judgments) == len(pack_judged) + sum(1 for s in pack_judged if s["system"] is not None)
    by = Counter(str(e.get("worker")).split("@")[0].rsplit("-", 1)[1] for e in judgments)
    assert set(by) == {"0", "1"}, by  # both workers judged, not always the first
    assert [e.get("verdict") for e in judgments if e.get("index") == "A"][:2] == ["WA", "AC"]


# --- the driver's choices, with fake actor handles ---------------------------------------------------------


class _Method:
    def __init__(self, fn: Any) -> None:
        self.fn = fn

    def remote(self, *args: Any) -> Any:
        return self.fn(*args)


class _Worker:
    """A stand-in for a worker actor handle: ``judge_pack.remote(...)`` is awaitable."""

    def __init__(self, name: str, outcome: Any = None, gate: asyncio.Event | None = None) -> None:
        self.name = name
        self.outcome = outcome  # an exception to raise, else a verdict is returned
        self.gate = gate
        self.calls: list[tuple[Any, ...]] = []
        self.judge_pack = _Method(self._judge)

    async def _judge(self, key: str, problem: Problem, pack: Any, code: str, lang: str, count: int | None) -> Any:
        self.calls.append((key, pack, count))
        if self.gate is not None:
            await self.gate.wait()
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return PackVerdict("AC", None, "passed", count or 0), f"{self.name}@node"


class _Ref:
    def __init__(self, value: Any, n: int) -> None:
        self.value, self.n = value, n

    def hex(self) -> str:
        return f"ref{self.n}"


PROBLEM = Problem(ProblemId(1, "A"), "A", 1.0, 64, "", "", "", ())


def _pack() -> testpack.TestPack:
    return testpack.TestPack("A", (Test("1", b"1\n", b"1\n"), Test("2", b"2\n", b"2\n")), "tests")


@pytest.fixture
def puts(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    ray = pytest.importorskip("ray")  # the cluster extra

    from solver.cluster import judging

    stored: list[Any] = []

    def put(value: Any) -> _Ref:
        stored.append(value)
        return _Ref(value, len(stored))

    monkeypatch.setattr(judging.ray, "put", put)
    assert ray.put is put
    return stored


@RAY_WARNINGS
async def test_the_driver_ships_a_pack_once_picks_the_least_busy_and_never_turns_a_lost_worker_into_a_verdict(
    puts: list[Any],
) -> None:
    from ray.exceptions import RayActorError, RayTaskError

    from solver.cluster.judging import ClusterJudging

    gate = asyncio.Event()
    w0, w1 = _Worker("w0", gate=gate), _Worker("w1")
    cj = ClusterJudging([w0, w1])
    pack = _pack()
    held = asyncio.create_task(cj.verdict(PROBLEM, pack, "code", "cpp17", count=1))
    await asyncio.sleep(0)
    assert len(w0.calls) == 1  # the first goes to worker 0, which is now busy
    pv, by = await cj.verdict(PROBLEM, pack, "code", "cpp17")
    assert (pv.verdict, by) == ("AC", "w1@node") and len(w1.calls) == 1  # the busy one is passed over
    gate.set()
    assert (await held)[1] == "w0@node"
    assert len(puts) == 1 and w0.calls[0][1] is w1.calls[0][1]  # one pack in the store, for both
    assert (w0.calls[0][2], w1.calls[0][2]) == (1, None)  # pretests, then every test

    # worker 0 is gone for good (Ray's restarts spent): the judgment goes to worker 1, and 0 is left out
    w0.outcome = RayActorError()
    pv, by = await cj.verdict(PROBLEM, pack, "code", "cpp17")
    assert by == "w1@node" and pv.verdict == "AC" and cj.dead == {0}
    # no worker left: a judge error with every try spent (the contest reports "not judged"), not a verdict
    w1.outcome = RayActorError()
    pv, by = await cj.verdict(PROBLEM, pack, "code", "cpp17", count=1)
    assert (pv.verdict, pv.tries, pv.tests, by) == ("JE", JUDGE_TRIES, 1, "")
    assert "no cluster worker is left" in pv.detail

    # an error inside a worker's judge is the original error, as it would be on the driver
    boom = JudgeUnavailableError("docker is gone")
    cj2 = ClusterJudging([_Worker("w", outcome=RayTaskError("judge_pack", "tb", boom))])
    with pytest.raises(JudgeUnavailableError, match="docker is gone"):
        await cj2.verdict(PROBLEM, _pack(), "code", "cpp17")


async def test_a_testlib_checker_is_shipped_with_the_drivers_testlib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("ray")
    from solver.cluster.judging import portable

    header = tmp_path / "testlib.h"
    header.write_text("// testlib\nvoid registerTestlibCmd(int, char**);\n")
    monkeypatch.setenv("SANDBOX_TESTLIB", str(header))
    checker = '#include "testlib.h"\nint main(int c, char** v) { registerTestlibCmd(c, v); }\n'
    pack = testpack.TestPack("A", (), "tests", checker_source=checker)
    shipped = portable(pack).checker_source or ""
    assert "// testlib" in shipped and '#include "testlib.h"' not in shipped
    plain = _pack()
    assert portable(plain) is plain  # no checker: as it is
    monkeypatch.setenv("SANDBOX_TESTLIB", str(tmp_path / "missing.h"))
    assert portable(pack) == pack  # none here: the node's judge says why, as the driver's would


# --- stress batches lent to a peer's judge while the node's own is busy (SpillingJudge, fakes) --------------


class _FakeJudge:
    """A node's judge: compiles to handles, judges every test AC, says which node judged in the message."""

    def __init__(self, node: str) -> None:
        self.node = node
        self.gate: asyncio.Event | None = None
        self.sources: dict[str, Any] = {}
        self.judged: list[tuple[str, int, Any]] = []  # (source code, tests, checker program's source code)
        self.released: list[str] = []

    async def compile(self, source: Any, *args: Any) -> Any:
        from sandbox.api import Compiled

        handle = f"{self.node}-{len(self.sources)}"
        self.sources[handle] = source
        return Compiled(handle, source.lang, True)

    async def judge(self, program: Any, tests: Any, limits: Any, checker: Any) -> Any:
        from sandbox.api import JudgeResult, Verdict

        if self.gate is not None:
            await self.gate.wait()
        checker_code = self.sources[checker.program.handle].code if checker.program is not None else None
        self.judged.append((self.sources[program.handle].code, len(tests), checker_code))
        return JudgeResult(Verdict.AC, (), f"on {self.node}")

    def release(self, compiled: Any) -> None:
        self.released.append(compiled.handle)


class _Peer:
    """A peer worker's handle: ``judge_for_peer.remote`` reaches its SpillingJudge, or fails as told."""

    def __init__(self, spill: Any = None, error: BaseException | None = None) -> None:
        self.spill, self.error, self.asked = spill, error, 0

        async def call(*args: Any) -> Any:
            self.asked += 1
            if self.error is not None:
                raise self.error
            return await self.spill.for_peer(*args)

        self.judge_for_peer = _Method(call)


async def test_a_busy_nodes_stress_batch_is_judged_by_an_idle_peer_and_never_lost() -> None:
    pytest.importorskip("ray")
    from ray.exceptions import RayActorError

    from sandbox.api import Checker, Limits, Source
    from solver.cluster.judging import SPILL_MIN_TESTS, SpillingJudge

    here, there = _FakeJudge("a"), _FakeJudge("b")
    peers: list[Any] = []
    refreshed: list[bool] = []

    async def find(refresh: bool = False) -> list[Any]:
        refreshed.append(refresh)
        return peers

    a, b = SpillingJudge(here, find), SpillingJudge(there, find)
    peers.append(_Peer(b))
    prog = await a.compile(Source("int main(){}", "cpp17"))
    check = await a.compile(Source("checker", "cpp17"))
    checker = Checker.from_program(check)
    batch = [Test(f"t{i}", b"1\n", b"1\n") for i in range(SPILL_MIN_TESTS)]
    limits = Limits(time_s=1.0)

    assert (await a.judge(prog, batch, limits, checker)).compile_message == "on a"  # idle: judged here
    here.gate = asyncio.Event()
    running = asyncio.create_task(a.judge(prog, batch, limits, checker))  # a batch keeps this judge busy
    await asyncio.sleep(0)
    assert a.busy
    lent = await a.judge(prog, batch, limits, checker)
    assert lent.compile_message == "on b" and a.lent == 1
    assert there.judged == [("int main(){}", SPILL_MIN_TESTS, "checker")]  # compiled there, from the source
    assert sorted(there.released) == ["b-0", "b-1"]  # the peer forgets both programs afterwards
    small = asyncio.create_task(a.judge(prog, batch[:2], limits, checker))  # too small to lend: waits here
    await asyncio.sleep(0)
    assert not small.done() and peers[0].asked == 1

    b.in_flight = 1  # the peer is busy itself: it declines and the batch stays here
    declined = asyncio.create_task(a.judge(prog, batch, limits, checker))
    await asyncio.sleep(0.01)
    assert peers[0].asked == 2 and not declined.done()
    peers[0] = _Peer(error=RayActorError())  # the peer is gone: judged here, the peers looked up again
    gone = asyncio.create_task(a.judge(prog, batch, limits, checker))
    await asyncio.sleep(0.01)
    assert not gone.done() and refreshed[-1] is True
    here.gate.set()
    for t in (running, small, declined, gone):
        assert (await t).compile_message == "on a"
    assert a.lent == 1 and not a.busy


@pytest.mark.timeout(180)
@RAY_WARNINGS
async def test_workers_find_each_other_over_ray_and_lend_a_batch() -> None:
    """The real wiring: two worker actors on a local Ray cluster (fake judges), the busy one finds its peer
    by name and the peer judges the batch from the program's source."""
    pytest.importorskip("ray")
    import ray

    from sandbox.api import Checker, Limits, Source
    from solver.cluster.executor import connect
    from solver.cluster.judging import SPILL_MIN_TESTS
    from solver.cluster.options import ClusterSpec
    from solver.cluster.worker import ProblemWorker
    from solver.config import Config

    class Lending(ProblemWorker):
        async def _services(self) -> Any:
            if self._judge is None:
                self._judge = _FakeJudge(self.name[-1])  # type: ignore[assignment]
            return self._judge, None

        async def busy_batch(self, n: int) -> tuple[str, int, list[Any]]:
            judge, _ = await self._services()
            spill = self._spilling(judge)
            spill.in_flight += 1  # as if another batch were running on this node's judge
            try:
                prog = await spill.compile(Source("int main(){}", "cpp17"))
                tests = [Test(f"t{i}", b"1\n", b"1\n") for i in range(n)]
                result = await spill.judge(prog, tests, Limits(time_s=1.0), Checker.tokens())
            finally:
                spill.in_flight -= 1
            return result.compile_message, spill.lent, judge.judged  # type: ignore[attr-defined]

        async def judged(self) -> list[Any]:
            judge, _ = await self._services()
            return list(judge.judged)  # type: ignore[attr-defined]

    started = connect(ClusterSpec("local", None, 1))
    try:
        cls = ray.remote(num_cpus=0, max_concurrency=100)(Lending)
        names = [f"cp-solver-worker-lend-{i}" for i in range(2)]
        w0, w1 = (cls.options(name=n).remote(Config(), n, None) for n in names)  # type: ignore[attr-defined]
        message, lent, here = await w0.busy_batch.remote(SPILL_MIN_TESTS)
        assert (message, lent, here) == ("on 1", 1, [])  # judged by worker 1, nothing on worker 0's judge
        assert await w1.judged.remote() == [("int main(){}", SPILL_MIN_TESTS, None)]
        message, lent, here = await w0.busy_batch.remote(2)  # a small batch stays home
        assert (message, lent, len(here)) == ("on 0", 1, 1)
    finally:
        if started:
            ray.shutdown()
