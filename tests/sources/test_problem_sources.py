"""Problem sources chosen by name: `--source codeforces` (the pages) and `--source open-r1:DIR`.

The open-r1 copies are written in the dataset's schema by tests/sources/openr1_data.py: contest 1999 from
CodeElo's real statements, and the synthetic copy. What a stub would fail: the statements must come back
from the parquet rows into the store and out of `show`, with the local Codeforces stand-in receiving no
request at all; contest mode must combine problems from the copy with standings imported from files.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from solver.cli import build_parser, config_from_args, main
from solver.commands.solve import load_problem
from solver.config import Config
from solver.contest.run import ContestOptions, Prepared, prepare
from solver.errors import NotFoundError, UsageError
from solver.problem import ContestKind, ContestRef, ProblemId
from solver.registry import PROBLEM_SOURCES, pick
from solver.sources.cf_api import CodeforcesApi
from solver.sources.codeforces import CodeforcesSource, open_source
from solver.sources.http import new_session
from solver.sources.problem_sources import CodeforcesPages, OpenR1Problems, SourceChoice, parse_problem_source
from solver.sources.store import ProblemStore
from tests.sources import openr1_data as data
from tests.sources.cf_server import CfServer
from tests.sources.conftest import CF, FAST
from tests.sources.test_cli import solver


@pytest.fixture
def copy_1999(tmp_path: Path, shared_data: Path) -> Path:
    root = tmp_path / "open-r1"
    data.write_codeelo(root, data.codeelo_contest(shared_data, 1999))
    return root


@pytest.fixture
def synthetic(tmp_path: Path) -> Path:
    return data.write_synthetic(tmp_path / "synthetic")


def codeelo(shared: Path, pid: str) -> dict[str, str]:
    problems = json.loads((shared / "codeforces" / "codeelo_problems_2024.json").read_text(encoding="utf-8"))
    found: dict[str, str] = next(p for p in problems if p["problem_id"] == pid)
    return found


# --- the CLI, with no network ------------------------------------------------------------------------------


async def test_fetch_a_contest_from_open_r1_then_show_it_without_any_request(
    copy_1999: Path, shared_data: Path, cf_server: CfServer, tmp_path: Path
) -> None:
    store = tmp_path / "problems"
    net = ("--base-url", cf_server.url, "--api-url", cf_server.api_url, "--store", store)
    r = await solver("fetch", "1999", "--source", f"open-r1:{copy_1999}", *net, "--json", cwd=tmp_path)
    assert r.code == 0, r.err
    ids = [row["id"] for row in json.loads(r.out)]
    assert ids == ["1999A", "1999B", "1999C", "1999D", "1999E", "1999F", "1999G1", "1999G2"]
    doc = json.loads((store / "1999A" / "problem.json").read_text())
    assert doc["source"] == f"open-r1:{copy_1999}"

    r = await solver("show", "1999A", *net, cwd=tmp_path)  # from the store now: no --source needed
    assert r.code == 0, r.err
    real = codeelo(shared_data, "1999A")
    assert "A+B Again?" in r.out and real["title"] == "A+B Again?"
    assert "find the sum of its digits" in r.out
    assert cf_server.requests == []  # neither the pages nor the API were asked anything


async def test_show_reads_the_copy_directly_offline(copy_1999: Path, tmp_path: Path) -> None:
    store = tmp_path / "problems"
    r = await solver("show", "1999B", "--source", f"open-r1:{copy_1999}", "--offline", "--store", store, cwd=tmp_path)
    assert r.code == 0, r.err
    assert "1999B. Card Game" in r.out
    assert (store / "1999B" / "problem.json").is_file()  # kept: later commands find it without --source


async def test_a_problem_missing_from_the_copy_says_what_to_download(copy_1999: Path, tmp_path: Path) -> None:
    r = await solver("show", "2000A", "--source", f"open-r1:{copy_1999}", "--offline", cwd=tmp_path)
    assert r.code == 1 and "problem 2000A is not in the copy of open-r1/codeforces" in r.err
    assert "tests fetch open-r1 --contests 2000" in r.err


@pytest.mark.parametrize("command", ["fetch", "show", "solve", "contest", "practice"])
def test_every_problem_reading_command_takes_source(command: str, tmp_path: Path) -> None:
    args = build_parser().parse_args([command, "1999A" if command != "practice" else "--no-companion",
                                      "--source", f"open-r1:{tmp_path}"])
    assert config_from_args(args).source == f"open-r1:{tmp_path}"
    default = build_parser().parse_args([command, "1999A"] if command != "practice" else [command])
    assert config_from_args(default).source == "codeforces"


def test_a_bad_source_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "1999A", "--source", "codecontests:x.jsonl", "--store", str(tmp_path)]) == 2
    assert "codecontests cannot be used here; expected open-r1:DIR" in capsys.readouterr().err
    assert main(["show", "1999A", "--source", f"open-r1:{tmp_path / 'nowhere'}", "--store", str(tmp_path)]) == 2
    assert "is not a directory" in capsys.readouterr().err


# --- the protocol and the registry ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "choice"),
    [
        ("codeforces", SourceChoice("codeforces", None)),
        (" CodeForces ", SourceChoice("codeforces", None)),
        ("open-r1:/data/cf", SourceChoice("open-r1", Path("/data/cf"))),
        ("openr1:cf", SourceChoice("open-r1", Path("cf"))),
    ],
)
def test_source_specs(text: str, choice: SourceChoice) -> None:
    assert parse_problem_source(text) == choice


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("codeforces:x", "codeforces takes no path"),
        ("dir:x", "dir cannot be used here"),
        ("somewhere", "or codeforces \\(the default\\)"),
        ("open-r1:", "the DIR after open-r1: is missing"),
    ],
)
def test_bad_source_specs(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_problem_source(text)


def test_the_registry_builds_each_source(synthetic: Path) -> None:
    assert isinstance(pick(PROBLEM_SOURCES, "codeforces", "problem source")(None, pages=None), CodeforcesPages)
    built = pick(PROBLEM_SOURCES, "open-r1", "problem source")(synthetic, pages=None)
    assert isinstance(built, OpenR1Problems) and built.local
    with pytest.raises(UsageError, match="unknown problem source 'kattis'; choose one of: codeforces, open-r1"):
        pick(PROBLEM_SOURCES, "kattis", "problem source")


async def test_an_unrated_problem_from_the_copy_asks_the_api_nothing(
    synthetic: Path, cf_server: CfServer, tmp_path: Path
) -> None:
    """open-r1 is the way round a blocked Codeforces: not even the rating is looked up online."""
    async with new_session() as session:
        source = CodeforcesSource(
            ProblemStore(tmp_path / "problems"),
            None,
            CodeforcesApi(session, cf_server.api_url, policy=FAST),
            problems=OpenR1Problems(synthetic),
        )
        problem = await source.problem(ProblemId(1991, "A"))
    assert problem.name == "Guess the Number" and problem.interactive and problem.rating is None
    assert cf_server.requests == []


async def test_a_partly_stored_contest_is_completed_from_the_copy_offline(synthetic: Path, tmp_path: Path) -> None:
    store = ProblemStore(tmp_path / "problems")
    first = CodeforcesSource(store, None, None, offline=True, problems=OpenR1Problems(synthetic))
    assert [p.id.index for p in await first.contest_problems(ContestRef(1993))] == ["A", "B", "E"]
    (store.folder(ProblemId(1993, "B")) / "problem.json").unlink()
    again = CodeforcesSource(store, None, None, offline=True, problems=OpenR1Problems(synthetic))
    problems = await again.contest_problems(ContestRef(1993))
    assert [p.rating for p in problems if p.id.index == "B"] == [1200]
    assert store.has(ProblemId(1993, "B"))


async def test_gym_contests_are_not_in_the_dataset(synthetic: Path, tmp_path: Path) -> None:
    store = ProblemStore(tmp_path / "p")
    source = CodeforcesSource(store, None, None, offline=True, problems=OpenR1Problems(synthetic))
    with pytest.raises(NotFoundError, match="regular Codeforces contests only"):
        await source.contest_problems(ContestRef(103505, ContestKind.GYM))


# --- solve and contest take their problems from it -----------------------------------------------------------


async def test_solve_loads_its_problem_from_the_copy(copy_1999: Path, tmp_path: Path) -> None:
    config = Config(store=tmp_path / "problems", offline=True, source=f"open-r1:{copy_1999}")
    problem = await load_problem("1999C", config)
    assert problem.id == ProblemId(1999, "C") and problem.samples and problem.statement


def test_contest_offline_with_problems_from_the_copy_and_standings_from_files(tmp_path: Path) -> None:
    """`contest 2022 --offline --source open-r1:DIR` up to the judging: everything it reads is on disk."""
    root = tmp_path / "open-r1"
    titles = {"A": "Bus to Pénjamo", "B": "Kar Salesman", "C": "Gerrymandering"}
    data.write_problems(root, [data.row(f"2022/{i}", title=t) for i, t in titles.items()], shards=1)
    store = tmp_path / "problems"
    api = CF / "api"
    assert main(["import", str(api / "contest.standings-2022.json"), str(api / "contest.ratingChanges-2022.json"),
                 "--store", str(store)]) == 0
    config = Config(store=store, offline=True, source=f"open-r1:{root}")

    async def go() -> Prepared:
        async with open_source(config) as source:
            return await prepare(2022, source, ContestOptions(), config)

    prepared = asyncio.run(go())
    assert prepared.contest.name == "Codeforces Round 978 (Div. 2)"
    assert [p.name for p in prepared.problems] == list(titles.values())
    assert [r.rank for r in prepared.official] == [1, 2, 3]
    assert [r.handle for r in prepared.rated][:2] == ["alpha", "beta"]
