"""`contest` and `rate` end to end: fake model server, local Codeforces stand-in, the real Docker judge.

What a stub would fail: the bot must be rejected once on the hidden tests of 1349A (32-bit sum), try
again and be accepted; 1349B has no hidden tests and must be reported as accepted on local tests only;
its rank must be the one the real standings give its score; a resumed run or batch must not ask the
model anything again.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from solver.cli import build_parser, config_from_args
from solver.sources import cf_api
from tests.contest import world
from tests.fakes.ollama_server import FakeOllama, digest_of
from tests.sources.cf_server import CfServer

pytestmark = [pytest.mark.docker, pytest.mark.timeout(240)]


@pytest.fixture
async def world_servers(
    monkeypatch: pytest.MonkeyPatch, judge: object  # judge: only to skip where the sandbox cannot run
) -> AsyncIterator[tuple[CfServer, FakeOllama, Any]]:
    # The API's 2-second spacing is the sources' business (tested there); here it would only add waiting.
    monkeypatch.setattr(cf_api, "_DEFAULT_LIMITER", cf_api.RateLimiter(0.0))
    model = world.ScriptedModel()
    async with CfServer() as cf, FakeOllama(responder=model) as ollama:
        world.serve(cf)
        yield cf, ollama, model


def _args(tmp: Path, cf: CfServer, ollama: FakeOllama, *argv: str) -> argparse.Namespace:
    return build_parser().parse_args(
        [
            *argv,
            "--store",
            str(tmp / "problems"),
            "--runs",
            str(tmp / "runs"),
            "--base-url",
            cf.url,
            "--host",
            ollama.url,
            "--model",
            "gemma4:31b",
            "--stress-tests",
            "6",
            "--attempts",
            "3",
        ]
    )


async def _run(args: argparse.Namespace) -> int:
    result: int = await args.func(args, config_from_args(args))
    return result


def _expected_rank(points: float) -> int:
    return 1 + sum(1 for r in world.ROWS if float(r[1]) > points)


async def test_contest_solves_submits_places_and_reports(
    world_servers: tuple[CfServer, FakeOllama, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cf, ollama, model = world_servers
    world.fill_store(tmp_path / "problems")
    args = _args(tmp_path, cf, ollama, "contest", "1349", "--tests-dir", str(world.PACKS), "--json")
    assert await _run(args) == 0
    doc = json.loads(capsys.readouterr().out)

    a, b = doc["problems"]
    why = json.dumps(doc["problems"], indent=1)[:3000]
    assert [s["verdict"] for s in a["submissions"]] == ["WA", "AC"], why  # 32-bit sum rejected, then fixed
    assert a["submissions"][0]["failed_test"] == 1 and a["judged"] == "pack" and a["rejected_attempts"] == 1
    assert b["judged"] == "local" and "local tests only" in b["note"] and doc["optimistic"]
    pl = doc["placement"]
    minute_a, minute_b = a["minute_solved"], b["minute_solved"]
    expected = (500 - 2 * minute_a - 50) + (1000 - 4 * minute_b)  # CF rules, 2-hour round
    assert pl["points"] == pytest.approx(expected)
    assert pl["rank"] == _expected_rank(pl["points"]) and pl["participants"] == len(world.ROWS)
    assert isinstance(pl["performance"], float) and 0 < pl["performance"] < 4000
    assert doc["verified"]["points"] == pytest.approx(500 - 2 * minute_a - 50)  # only the pack-judged solve
    assert doc["verified"]["performance"] < pl["performance"]

    run_dir = Path(doc["run"])
    for kind in ("markdown", "html", "json"):
        assert Path(doc["report"][kind]).is_file()
    html = Path(doc["report"]["html"]).read_text()
    assert "<svg" in html and "gemma4:31b" in html and "elapsed" in html and "1349" in html
    digest = digest_of("gemma4:31b")  # what the fake server lists in /api/tags
    assert doc["provenance"]["model_digest"] == digest and digest in html
    assert "accepted on local tests only" in html
    report = json.loads(Path(doc["report"]["json"]).read_text())
    assert report["contest"]["placement"]["rank"] == pl["rank"]
    assert (run_dir / "events.jsonl").read_text().count('"type": "contest_submission"') == 3

    # Resumed: nothing is asked again, the same result comes back.
    asked = model.total
    resumed = _args(tmp_path, cf, ollama, "contest", "1349", "--resume", run_dir.name, "--json")
    assert await _run(resumed) == 0
    again = json.loads(capsys.readouterr().out)
    assert model.total == asked and again["placement"] == pl

    # The same run as a person sees it: the table and the performance with its assumptions.
    plain = _args(tmp_path, cf, ollama, "contest", "1349", "--resume", run_dir.name)
    assert await _run(plain) == 0
    text = capsys.readouterr().out
    assert "Sum" in text and "Maximum" in text and "AC (local)" in text
    assert f"Performance rating: {pl['performance']:.0f}" in text and "Assumptions" in text


async def test_rate_selects_runs_reports_and_resumes_without_redoing(
    world_servers: tuple[CfServer, FakeOllama, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cf, ollama, model = world_servers
    world.fill_store(tmp_path / "problems")
    args = _args(
        tmp_path,
        cf,
        ollama,
        "rate",
        "--contests",
        "1348-1351",
        "--division",
        "1,2,4",
        "--time-model",
        "zero",
        "--tests-dir",
        str(world.PACKS),
        "--json",
    )
    assert await _run(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [c["contest_id"] for c in doc["contests"]] == [1349, 1350]
    reasons = {s["contest_id"]: s["reason"] for s in doc["skipped"]}
    assert reasons[1348].startswith("unrated") and "not finished" in reasons[1351]
    assert (
        doc["rating"]["n"] == 2
        and doc["rating"]["ci95"][0] <= doc["rating"]["value"] <= doc["rating"]["ci95"][1]
    )
    assert set(doc["divisions"]) == {"1", "2"}
    assert doc["problem_rating_estimate"]["n"] == 3
    assert doc["provenance"]["time_model"] == "zero" and doc["provenance"]["contests"] == [1349, 1350]
    first = {c["contest_id"]: c["placement"] for c in doc["contests"]}
    # Under the zero time model every submission is at minute 0: 1349 scores 450 + 1000 exactly.
    why = json.dumps(doc["contests"][0]["problems"], indent=1)[:3000]
    assert first[1349]["points"] == 1450 and first[1349]["rank"] == _expected_rank(1450), why
    html = Path(doc["report"]["html"]).read_text()
    assert html.count("<svg") == 2 and "Contests not used" in html and "unrated" in html

    asked = model.total
    resumed = _args(tmp_path, cf, ollama, "rate", "--resume", Path(doc["run"]).name, "--json")
    assert await _run(resumed) == 0
    again = json.loads(capsys.readouterr().out)
    assert model.total == asked  # finished contests are not run again
    assert {c["contest_id"]: c["placement"] for c in again["contests"]} == first
    assert again["rating"] == doc["rating"]


def _open_r1_1349(root: Path) -> Path:
    """Contest 1349 as the open-r1/codeforces dataset ships it (its parquet schema and layout):
    A with complete official tests, the second one too big for 32-bit ints; B with one official test
    (incomplete) and generated tests in the contest's generated-tests file."""
    from tests.sources import openr1_data

    big = 10_000_000_000
    rows = [
        openr1_data.row(
            "1349/A",
            title="Sum",
            official_tests=[
                {"input": "1 2\n", "output": "3\n"},
                {"input": f"{big} {big}\n", "output": f"{2 * big}\n"},
                {"input": "10 -4\n", "output": "6\n"},
            ],
        ),
        openr1_data.row(
            "1349/B",
            title="Maximum",
            official_tests=[{"input": "3\n1 5 2\n", "output": "5\n"}],
            official_tests_complete=False,
            generated_tests=2,
        ),
    ]
    openr1_data.write_problems(root, rows, shards=1)
    openr1_data.write_generated(
        root, 1349, [("1349/B", 0, "2\n7 7\n", "7\n"), ("1349/B", 1, "4\n1 1000 3 999\n", "1000\n")]
    )
    return root


async def test_contest_on_open_r1_hidden_tests_under_codeforces_rules(
    world_servers: tuple[CfServer, FakeOllama, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`contest --hidden-tests open-r1:DIR` with one pretest: the 32-bit first draft of 1349A passes the
    pretest, fails the system tests and scores 0 with no second submission; B is judged on its official and
    generated tests; the printout leads with the tests each problem had, and names rules and hacks."""
    cf, ollama, _model = world_servers
    world.fill_store(tmp_path / "problems")
    copy = _open_r1_1349(tmp_path / "open-r1")
    argv = ("contest", "1349", "--hidden-tests", f"open-r1:{copy}", "--pretests", "1", "--json")
    assert await _run(_args(tmp_path, cf, ollama, *argv)) == 0
    doc = json.loads(capsys.readouterr().out)
    a, b = doc["problems"]
    why = json.dumps(doc["problems"], indent=1)[:3000]
    assert [(s["verdict"], s["pretests"], s["system"]) for s in a["submissions"]] == [("AC", 1, "WA")], why
    assert a["failed_system_tests"] and not a["accepted"] and a["coverage"] == "complete"
    assert [(s["verdict"], s["system"]) for s in b["submissions"]] == [("AC", "AC")], why
    assert b["accepted"] and b["judged"] == "pack" and b["coverage"] == "partial"
    assert "1 official (incomplete) + 2 generated" in b["tests"]
    assert doc["scores"]["A"] == "0"
    assert doc["placement"]["points"] == pytest.approx(1000 - 4 * b["minute_solved"])
    assert doc["judging"] == {"kind": "CF", "pretests": 1} and not doc["optimistic"]

    monkeypatch.setenv("COLUMNS", "240")  # a wide terminal: table cells are not folded
    plain = _args(tmp_path, cf, ollama, "contest", "1349", "--resume", Path(doc["run"]).name)
    assert await _run(plain) == 0
    text = " ".join(capsys.readouterr().out.split())  # rich wraps long lines
    assert "Hidden tests — complete official tests: A; generated or incomplete tests only: B" in text
    assert text.index("Hidden tests") < text.index("Contest 1349")  # the headline leads
    assert "WA on system tests" in text and "Maximum" in text
    assert f"Performance rating: {doc['placement']['performance']:.0f}" in text
    assert "Rules — Codeforces rules: during the round a submission is judged on pretests only" in text
    assert "Hacks are not modelled" in text and "failed system tests" in text
