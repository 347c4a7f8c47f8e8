"""`rate --cluster local`: a Ray cluster on this machine, the fake model server, the contest test world and
the real Docker judge.

What a stub would fail: the cluster's report must carry the same numbers as a run without it (the 32-bit
first draft of 1349A rejected on hidden tests, then fixed); both workers must have solved problems; the
model must never see more requests at once than its slots although every worker has its own backend; the
run store must hold each problem's events once, with the worker that solved it.
"""

from __future__ import annotations

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


def _attempts(run: Run) -> list[Path]:
    folder = run.path / "attempts"
    return sorted(p for p in folder.iterdir() if (p / "run.json").is_file()) if folder.is_dir() else []
