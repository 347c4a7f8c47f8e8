"""Live progress of problems solved on the cluster: the board shows a remote solve as it shows a local one.

What a stub would fail: the plain progress lines (output not a terminal) of each problem must appear while
the worker is still solving it (the run store, written by the driver when a job ends, holds no
``problem_done`` of it yet), and be the very lines a run without the cluster prints; a worker process that
restarts must not make the driver show a line twice or skip the retried solve's lines.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from solver.cli import config_from_args
from solver.cluster.progress import Feed, Follow, Page
from solver.solve.model import Reply
from tests.cluster.conftest import SlowModel, parse
from tests.fakes.ollama_server import FakeOllama
from tests.sources.cf_server import CfServer

World = tuple[CfServer, FakeOllama, SlowModel]
LINE = re.compile(r"^\s*\d+\.\d s  (\S+) (\S+): (.*)$")  # solver.solve.progress.Board.line


def _lines(text: str) -> list[tuple[str, str, str]]:
    """The board's plain lines: (problem, who, what), without the seconds."""
    return [m.groups() for m in map(LINE.match, text.splitlines()) if m]  # type: ignore[misc]


def _by_row(lines: list[tuple[str, str, str]]) -> dict[tuple[str, str], list[str]]:
    """Each board row's lines in order (rows of one problem run at once, so only a row's own order is
    fixed); the kit's row says what its helpers are doing, which depends on timing."""
    rows: dict[tuple[str, str], list[str]] = defaultdict(list)
    for problem, who, what in lines:
        if who != "kit":
            rows[(problem, who)].append(what)
    return dict(rows)


def _done_in_store(runs: Path) -> set[str]:
    """Problems with a ``problem_done`` in any events.jsonl under ``runs`` (the driver may be mid-write)."""
    done: set[str] = set()
    for log in runs.rglob("events.jsonl") if runs.is_dir() else []:
        for raw in log.read_text(encoding="utf-8").splitlines():
            try:
                event: dict[str, Any] = json.loads(raw)
            except ValueError:
                continue
            if event.get("type") == "problem_done":
                done.add(str(event.get("problem")))
    return done


def test_a_restarted_worker_is_shown_from_its_start_and_nothing_twice() -> None:
    """Pure: the worker's Feed and the driver's Follow, with a worker process that dies half way."""
    shown: list[tuple[str, str, dict[str, Any]]] = []
    tokens: list[int] = []
    old, new = Feed(), Feed()
    feeds = {"now": old}

    async def ask(key: str, process: str, after: int, last: bool) -> Page:
        return feeds["now"].since(key, process, after, last)

    follow = Follow("run/1349A", ask, lambda p, w, **f: shown.append((p, w, f)), lambda r: tokens.append(r.tokens))

    async def play() -> None:
        progress, on_reply = old.open("run/1349A")
        progress("1349A", "c0", stage="draft", attempt=1)
        on_reply(Reply("1349A/c0/draft", "int main(){}", "thinking", "stop", 10, 5, 1.0, False))
        await follow._take(False)
        stale = old.since("run/1349A", follow.process, 0)  # an answer that arrives after a newer one
        await follow._take(False)  # nothing new: nothing shown again
        follow.show(stale)
        progress("1349A", "c0", stage="compile", attempt=1)  # recorded, then the process dies
        feeds["now"] = new  # the restarted worker solves the job again, from its start
        progress, on_reply = new.open("run/1349A")
        progress("1349A", "c0", stage="draft", attempt=1)
        progress("1349A", "problem", stage="done", note="accepted")
        new.end("run/1349A")
        await follow.finish()

    asyncio.run(play())
    assert [(w, f["stage"]) for _, w, f in shown] == [("c0", "draft"), ("c0", "draft"), ("problem", "done")]
    assert tokens == [15]
    assert new.since("run/1349A", "", 0).shown == ()  # the last question let the worker forget the job


@pytest.mark.docker
@pytest.mark.timeout(400)
@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning", "ignore::UserWarning")
async def test_remote_problems_show_their_stages_while_they_are_solved(
    world_servers: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.contest import world

    cf, ollama, model = world_servers
    argv = ["contest", "1349", "--time-model", "zero", "--tests-dir", str(world.PACKS)]
    world.fill_store(tmp_path / "alone" / "problems")
    world.fill_store(tmp_path / "cluster" / "problems")
    args = parse(tmp_path / "alone", cf, ollama, argv)
    assert await args.func(args, config_from_args(args)) == 0
    alone = _lines(capsys.readouterr().out)
    assert {p for p, _, _ in alone} == {"1349A", "1349B"}

    model.asked.clear()  # the scripted model's first draft of 1349A is wrong again
    model.delay = 0.5  # each reply takes a while: a problem takes seconds on the worker
    runs = tmp_path / "cluster" / "runs"
    args = parse(tmp_path / "cluster", cf, ollama, [*argv, "--cluster", "local", "--cluster-workers", "1"])
    task = asyncio.create_task(args.func(args, config_from_args(args)))
    out = ""
    early: dict[str, int] = defaultdict(int)  # lines shown while the store held no problem_done of it
    while not task.done():
        await asyncio.sleep(0.1)
        new = capsys.readouterr().out
        done = _done_in_store(runs)  # read after the output: a problem not done now was not done then
        out += new
        for problem, _, _ in _lines(new):
            if problem not in done:
                early[problem] += 1
    assert await task == 0
    out += capsys.readouterr().out
    assert early["1349A"] >= 3 and early["1349B"] >= 3, (dict(early), out[-3000:])
    assert _by_row(_lines(out)) == _by_row(alone)
