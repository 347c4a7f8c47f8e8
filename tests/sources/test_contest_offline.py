"""`contest N --offline` with everything on disk: problems from an open-r1 copy (`--source open-r1:DIR`),
standings and rating changes from saved API answers (`import`), hidden tests from a folder.

The contest world of tests/contest/world.py (real standings of round 1349, a scripted model, the real
Docker judge), but no Codeforces: the stand-in given as --base-url must receive no request at all.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from solver.cli import build_parser, config_from_args
from tests.contest import world
from tests.fakes.ollama_server import FakeOllama
from tests.sources import openr1_data as data
from tests.sources.cf_server import CfServer

pytestmark = [pytest.mark.docker, pytest.mark.timeout(240)]


@pytest.fixture
async def servers(judge: object) -> AsyncIterator[tuple[CfServer, FakeOllama]]:  # judge: skips without Docker
    async with CfServer() as cf, FakeOllama(responder=world.ScriptedModel()) as ollama:
        yield cf, ollama


def write_copy(root: Path) -> Path:
    """Contest 1349's problems as open-r1 rows (the dataset's schema)."""
    rows = [
        data.row(
            f"{p.id.contest_id}/{p.id.index}",
            title=p.name,
            description=p.statement,
            input_format=p.input_spec,
            output_format=p.output_spec,
            examples=[{"input": s.input, "output": s.output} for s in p.samples],
            time_limit=p.time_limit_s,
            memory_limit=float(p.memory_limit_mb),
            rating=p.rating,
        )
        for p in world.problems()[1349]
    ]
    data.write_problems(root, rows, shards=1)
    return root


async def run(argv: list[str]) -> int:
    args: argparse.Namespace = build_parser().parse_args(argv)
    code: int = await args.func(args, config_from_args(args))
    return code


async def test_contest_offline_from_an_open_r1_copy_and_saved_api_answers(
    servers: tuple[CfServer, FakeOllama], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cf, ollama = servers
    copy = write_copy(tmp_path / "open-r1")
    standings = tmp_path / "contest.standings.json"  # as a browser saves it: the whole envelope
    standings.write_text(json.dumps({"status": "OK", "result": world.standings(1349)}))
    changes = tmp_path / "ratingChanges-1349.json"  # as some tools save it: the bare result
    changes.write_text(json.dumps(world.rating_changes(1349)))
    store = ["--store", str(tmp_path / "problems")]
    assert await run(["import", str(standings), str(changes), *store]) == 0
    capsys.readouterr()

    argv = [
        "contest", "1349", "--offline", "--source", f"open-r1:{copy}", "--tests-dir", str(world.PACKS),
        *store, "--runs", str(tmp_path / "runs"), "--base-url", cf.url, "--host", ollama.url,
        "--model", "gemma4:31b", "--stress-tests", "6", "--attempts", "3", "--json",
    ]  # fmt: skip
    assert await run(argv) == 0
    doc: dict[str, Any] = json.loads(capsys.readouterr().out)
    a, _ = doc["problems"]
    assert [s["verdict"] for s in a["submissions"]] == ["WA", "AC"]  # judged on the hidden tests
    assert doc["placement"]["participants"] == len(world.ROWS)  # placed in the imported standings
    assert isinstance(doc["placement"]["performance"], float)
    assert cf.requests == []  # Codeforces was never asked anything
