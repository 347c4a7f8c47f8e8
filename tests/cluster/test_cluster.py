"""`rate --cluster local`: a Ray cluster on this machine, the fake model server, the contest test world and
the real Docker judge.

What a stub would fail: the cluster's report must carry the same numbers as a run without it (the 32-bit
first draft of 1349A rejected on hidden tests, then fixed); both workers must have solved problems; the
model must never see more requests at once than its slots although every worker has its own backend; the
run store must hold each problem's events once, with the worker that solved it.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from solver.cli import config_from_args
from solver.runstore import Run
from tests.cluster.conftest import SlowModel, parse, rate_argv
from tests.fakes.ollama_server import FakeOllama
from tests.sources.cf_server import CfServer

pytestmark = [
    pytest.mark.docker,
    pytest.mark.timeout(400),
    pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning", "ignore::UserWarning"),
]

World = tuple[CfServer, FakeOllama, SlowModel]


async def _rate(tmp: Path, cf: CfServer, ollama: FakeOllama, *extra: str) -> dict[str, Any]:
    args = parse(tmp, cf, ollama, rate_argv(*extra))
    assert await args.func(args, config_from_args(args)) == 0
    return args  # type: ignore[no-any-return]


def _doc(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    out = capsys.readouterr().out
    doc: dict[str, Any] = json.loads(out)
    return doc


def _numbers(doc: dict[str, Any]) -> dict[str, Any]:
    """What the report says, without where and when it was made."""
    return {
        "rating": doc["rating"],
        "divisions": doc["divisions"],
        "problem_rating_estimate": doc["problem_rating_estimate"],
        "contests": [
            (c["contest_id"], c["placement"], [[s["verdict"] for s in p["submissions"]] for p in c["problems"]])
            for c in doc["contests"]
        ],
    }


def _contest_runs(runs: Path) -> list[Run]:
    return [Run.open(runs, p.name) for p in sorted(runs.iterdir()) if "-contest-" in p.name]


async def test_rate_on_a_local_cluster_reports_the_same_numbers(
    world_servers: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cf, ollama, model = world_servers
    from tests.contest import world

    world.fill_store(tmp_path / "alone" / "problems")
    world.fill_store(tmp_path / "cluster" / "problems")
    await _rate(tmp_path / "alone", cf, ollama)
    alone = _doc(capsys)

    model.asked.clear()  # the scripted model's first draft of 1349A is wrong again
    ollama.max_in_flight = 0
    asked_before = len(ollama.chats)
    await _rate(tmp_path / "cluster", cf, ollama, "--cluster", "local", "--cluster-workers", "2")
    spread = _doc(capsys)
    assert _numbers(spread) == _numbers(alone)
    verdicts = spread["contests"][0]["problems"][0]["submissions"]
    assert [s["verdict"] for s in verdicts] == ["WA", "AC"]  # the world's script really ran on the cluster
    assert len(ollama.chats) > asked_before
    assert ollama.max_in_flight == 1  # one slot per endpoint (the default), for the whole cluster

    runs = _contest_runs(tmp_path / "cluster" / "runs")
    workers: set[str] = set()
    for run in runs:
        for child in [run, *(Run.open(run.path, str(p.relative_to(run.path))) for p in _attempts(run))]:
            events = child.events()
            done = Counter(e.get("problem") for e in events if e.type == "problem_done")
            assert done and max(done.values()) == 1, (child.path, done)  # each problem's events once
            jobs = [e for e in events if e.type == "cluster_job"]
            assert sorted(e.get("problem") for e in jobs) == sorted(done)
            workers |= {str(e.get("worker")) for e in jobs}
            for e in events:  # every source file the loop wrote came back to the driver's run folder
                if e.type == "program" and e.get("path"):
                    assert (child.path / str(e.get("path"))).is_file()
    assert len({w.split("@")[0] for w in workers}) == 2, workers  # both workers solved problems


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (from /proc), children first found first."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
    found: list[int] = []
    frontier = [pid]
    while frontier:
        kids = [c for c, p in parents.items() if p in frontier]
        found += kids
        frontier = kids
    return found


def _attempts(run: Run) -> list[Path]:
    folder = run.path / "attempts"
    return sorted(p for p in folder.iterdir() if (p / "run.json").is_file()) if folder.is_dir() else []


async def test_a_killed_worker_is_survived_and_nothing_is_duplicated(
    world_servers: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SIGKILL one worker process while it solves: Ray restarts it and sends its problem again; the batch
    rates every contest once and the run store holds each problem's events once."""
    import asyncio
    import os
    import signal

    import ray

    from tests.contest import world

    cf, ollama, model = world_servers
    model.delay = 0.4  # replies take a while: the kill lands in the middle of a solve
    world.fill_store(tmp_path / "problems")
    args = parse(tmp_path, cf, ollama, rate_argv("--cluster", "local", "--cluster-workers", "2", "--parallel", "2"))
    task = asyncio.create_task(args.func(args, config_from_args(args)))
    while len(ollama.chats) < 3 and not task.done():
        await asyncio.sleep(0.1)
    assert not task.done()
    names = [n for n in ray.util.list_named_actors() if n.startswith("cp-solver-worker-")]
    assert len(names) == 2
    where = await ray.get_actor(names[0]).where.remote()
    os.kill(int(where["pid"]), signal.SIGKILL)
    assert await asyncio.wait_for(task, timeout=300) == 0
    doc = _doc(capsys)
    assert [c["contest_id"] for c in doc["contests"]] == [1349, 1350] and doc["rating"]["n"] == 2

    batch = Run.open(tmp_path / "runs", Path(doc["run"]).name)
    done = Counter(int(e.get("contest_id")) for e in batch.events() if e.type == "batch_contest_done")
    assert done == {1349: 1, 1350: 1}
    assert not [e for e in batch.events() if e.type == "batch_contest_failed"]
    for run in _contest_runs(tmp_path / "runs"):
        for child in [run, *(Run.open(run.path, str(p.relative_to(run.path))) for p in _attempts(run))]:
            problems = Counter(e.get("problem") for e in child.events() if e.type == "problem_done")
            assert problems and max(problems.values()) == 1, (child.path, problems)
        subs = Counter(
            (e.get("index"), e.get("attempt")) for e in run.events() if e.type == "contest_submission"
        )
        assert subs and max(subs.values()) == 1, subs


async def test_resume_after_the_driver_is_killed_redoes_nothing_finished(
    world_servers: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The driver (a `rate --cluster local` process) is SIGKILLed once contest 1349 is rated; `--resume`
    asks the model nothing about 1349 and rates each contest once."""
    import asyncio
    import os
    import signal
    import sys

    from tests.contest import world

    cf, ollama, model = world_servers
    model.delay = 0.5
    world.fill_store(tmp_path / "problems")
    argv = [*rate_argv("--cluster", "local", "--cluster-workers", "2", "--parallel", "1")]
    from tests.cluster.conftest import common_argv

    root = Path(__file__).resolve().parents[2]
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "solver", *argv, *common_argv(tmp_path, cf, ollama),
        cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    runs = tmp_path / "runs"

    def batch_run() -> Run | None:
        found = [p for p in runs.glob("*-rate-*") if (p / "run.json").is_file()] if runs.is_dir() else []
        return Run.open(runs, found[0].name) if found else None

    batch = None
    for _ in range(1200):
        batch = batch_run()
        if batch is not None and any(e.type == "batch_contest_done" for e in batch.events()):
            break
        assert proc.returncode is None, (await proc.stderr.read()).decode()[-3000:] if proc.stderr else ""
        await asyncio.sleep(0.1)
    assert batch is not None
    ray_processes = _descendants(proc.pid)  # the local cluster the driver started: ended below, by pid
    os.kill(proc.pid, signal.SIGKILL)
    await proc.wait()
    await asyncio.sleep(5)  # Ray's own processes notice the driver's death
    for pid in ray_processes:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    finished = {int(e.get("contest_id")) for e in batch.events() if e.type == "batch_contest_done"}
    assert finished == {1349}, "the driver was killed too late to test anything"

    model.asked.clear()
    args = parse(tmp_path, cf, ollama, ["rate", "--resume", batch.id, "--json", "--cluster", "local"])
    assert await args.func(args, config_from_args(args)) == 0
    doc = _doc(capsys)
    assert [c["contest_id"] for c in doc["contests"]] == [1349, 1350]
    assert not [key for key in model.asked if key[0].startswith("1349")]  # nothing of 1349 asked again
    events = Run.open(runs, batch.id).events()
    done = Counter(int(e.get("contest_id")) for e in events if e.type == "batch_contest_done")
    assert done == {1349: 1, 1350: 1}
    for run in _contest_runs(runs):
        problems = Counter(e.get("problem") for e in run.events() if e.type == "problem_done")
        assert problems and max(problems.values()) == 1, (run.path, problems)
