"""The pure parts of practice mode: prompts and their guard, problem choice, progress, the views, rating a
virtual contest, and the Competitive Companion listener."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest
from rich.console import Console

from sandbox.api import Source, Verdict
from sandbox.diff import first_difference
from solver.errors import NotFoundError
from solver.practice import hints, select
from solver.practice.listener import CompanionListener
from solver.practice.machine import update
from solver.practice.model import (
    BoardCell,
    CaseOutcome,
    Counterexample,
    Criteria,
    Hint,
    HintLevel,
    JudgeReport,
    ShowBoard,
    StressDone,
    StressOutcome,
    VirtualContest,
)
from solver.practice.progress import compute
from solver.practice.vc import rate
from solver.practice.view import render
from solver.problem import Contest, ContestType, Problem, ProblemId
from solver.runstore import Event, Run
from solver.sources.cf_api import RatingChange, Standings, rating_changes_from_json, standings_from_json
from solver.sources.companion import from_companion

from .data import API, BUS, REPO, WATERMELON
from .helpers import with_problem

# ------------------------------------------------------------------------------------ prompts


@pytest.mark.parametrize("level", list(HintLevel))
def test_each_hint_prompt_states_its_level_and_forbids_more(level: HintLevel) -> None:
    previous = tuple(Hint(HintLevel(lv), f"earlier hint {lv}") for lv in range(1, level))
    system, user = hints.hint_messages(WATERMELON, level, "int main(){}", previous)
    assert f"level {int(level)} ({level.label})" in system.content and "NOTHING beyond it" in system.content
    assert WATERMELON.statement[:40] in user.content and "Sample 1 input:\n8" in user.content
    assert all(f"earlier hint {lv}" in user.content for lv in range(1, level))
    if level is HintLevel.FULL:
        assert "complete program in C++17" in user.content and "Forbidden" not in user.content
    else:
        assert "Forbidden at this level" in user.content and "Do not write a code block" in user.content
    if level is HintLevel.NUDGE:
        assert "naming the algorithm" in user.content


def test_review_prompt_carries_code_limits_and_result() -> None:
    _, user = hints.review_messages(WATERMELON, Source("int main(){}", "cpp17"), JudgeReport(Verdict.WA, (), 1.0))
    assert "int main(){}" in user.content and "1.0 s, 64 MB" in user.content
    assert "Wrong answer, 0 of 0 tests passed" in user.content and "Do not rewrite the program" in user.content


def test_guard_withholds_code_below_the_full_solution() -> None:
    text = "Look at parity.\n```cpp\nint main(){}\n```\nand also\n```\nmore\n"  # the last fence never closes
    for level in (HintLevel.NUDGE, HintLevel.KEY_IDEA, HintLevel.OUTLINE):
        guarded = hints.guard(level, text)
        assert "int main" not in guarded and "more" not in guarded and guarded.startswith("Look at parity.")
    assert hints.guard(HintLevel.FULL, text) == text.strip()


# ------------------------------------------------------------------------------------ choosing


def cand(pid: str, rating: int | None, *tags: str) -> select.Candidate:
    return select.Candidate(ProblemId.parse(pid), pid, rating, tags)


POOL = [
    cand("4A", 800, "math"),
    cand("1A", 1000, "math"),
    cand("2022A", 800, "greedy", "math"),
    cand("1999G2", 2200, "interactive"),
    cand("71A", None, "strings"),
    cand("2022B", 1300, "greedy"),
]


def test_window_solved_tags_and_contest() -> None:
    c = Criteria(rating=900)  # window 800..1100
    ids = [str(x.id) for x in select.eligible(POOL, c, frozenset())]
    assert ids == ["1A", "4A", "2022A"]
    assert [str(x.id) for x in select.eligible(POOL, c, frozenset({ProblemId(4, "A")}))] == ["1A", "2022A"]
    assert [str(x.id) for x in select.eligible(POOL, replace(c, tags=("Greedy",)), frozenset())] == ["2022A"]
    assert [str(x.id) for x in select.eligible(POOL, replace(c, contest=1), frozenset())] == ["1A"]
    wide = Criteria(rating=1200, below=500, above=100)
    assert "2022B" in [str(x.id) for x in select.eligible(POOL, wide, frozenset())]


def test_choice_is_reproducible_and_says_why_when_empty() -> None:
    c = Criteria(rating=900, seed=7)
    pool = select.eligible(POOL, c, frozenset())
    assert select.choose(pool, c) == select.choose(select.eligible(list(reversed(POOL)), c, frozenset()), c)
    with pytest.raises(NotFoundError, match=r"rating 2900\.\.3200 and tags dp"):
        hard = Criteria(rating=3000, tags=("dp",))
        select.choose(select.eligible(POOL, hard, frozenset()), hard)


# ------------------------------------------------------------------------------------ progress


def ev(seq: int, ts: float, type_: str, **data: object) -> Event:
    return Event(seq, ts, type_, data)


def test_progress_counts_hints_before_solving_and_voided_solves() -> None:
    day = 1_767_225_600.0  # 2026-01-01
    events = [
        ev(1, day, "problem", problem="4A"),
        ev(
            2,
            day + 10,
            "solved",
            problem="4A",
            name="Watermelon",
            rating=800,
            tags=["math"],
            hints=0,
            attempts=1,
        ),
        ev(3, day + 20, "unsolved", problem="4A", reason="stress counterexample"),
        ev(4, day + 30, "hint", problem="4A", level=1),
        ev(5, day + 40, "hint", problem="4A", level=2),
        ev(
            6,
            day + 50,
            "solved",
            problem="4A",
            name="Watermelon",
            rating=800,
            tags=["math"],
            hints=2,
            attempts=3,
        ),
        ev(1, day + 86400 * 40, "problem", problem="2022A"),  # another session, next month
        ev(
            2,
            day + 86400 * 40 + 5,
            "solved",
            problem="2022A",
            name="Bus",
            rating=800,
            tags=["greedy", "math"],
            hints=0,
            attempts=1,
        ),
        ev(3, day + 86400 * 41, "problem", problem="1A"),  # attempted only
        ev(4, day + 86400 * 41 + 9, "hint", problem="2022A", level=1),  # a hint after solving: still unaided
        ev(5, day + 86400 * 42, "vc_result", contest=2022, sides={"you": {"performance": 1450}, "bot": {}}),
    ]
    p = compute(reversed(events))  # order of the files does not matter, timestamps do
    assert [(s.problem, s.hint_level, s.at) for s in p.solves] == [
        ("4A", 2, day + 50),
        ("2022A", 0, day + 86400 * 40 + 5),
    ]
    assert (p.totals.unaided, p.totals.with_hints, p.attempted, p.hints) == (1, 1, 3, 3)
    assert [(k, v.unaided, v.with_hints) for k, v in p.by_period] == [("2026-01", 0, 1), ("2026-02", 1, 0)]
    assert [(k, v.total) for k, v in p.by_rating] == [("800", 2)]
    assert [(k, v.unaided, v.with_hints) for k, v in p.by_tag] == [("math", 1, 1), ("greedy", 1, 0)]
    (vc,) = p.contests
    assert (vc.contest, vc.you, vc.bot) == (2022, 1450, None)
    assert json.loads(json.dumps(p.to_json()))["totals"] == {"unaided": 1, "with_hints": 1}


def test_a_stress_counterexample_voids_an_earlier_solve() -> None:
    s = replace(with_problem(), solved=True, busy=frozenset({"stress"}))
    ce = Counterexample("2\n", "NO\n", "YES\n", Verdict.WA)
    step = update(s, StressDone(StressOutcome(10, ce)))
    assert not step.session.solved
    assert [e.event for e in step.effects] == ["unsolved", "stress"]


# ------------------------------------------------------------------------------------ views


def text_of(renderable: object, width: int = 120) -> str:
    buf = io.StringIO()
    Console(file=buf, width=width, color_system=None).print(renderable)
    return buf.getvalue()


def test_wrong_answer_view_shows_first_difference_case_and_side_by_side() -> None:
    inp, ans, out = BUS.samples[0].input, BUS.samples[0].output, "4\n6\n6\n4\n"
    diff = first_difference(out.encode(), ans.encode(), inp.encode())
    r = JudgeReport(Verdict.WA, (CaseOutcome("sample 1", Verdict.WA, 0.01, 0.02, 2048, inp, ans, out, diff),), 1.0)
    text = text_of(render(r))
    assert "Wrong answer: 0/1 tests passed" in text and "0.01 / 1 s" in text
    assert "first difference at test case 4 of 4, line 4, token 4: expected 6, found 4" in text
    # The failing case's own lines side by side: its input, the answer's line and the output's line
    # (raw lines would put the expected 6 beside "3 3", the second case's input).
    rows = [line for line in text.splitlines() if line.startswith("│")]
    cells = [[c.strip() for c in row.strip("│").split("│")] for row in rows]
    assert "input of test case 4 ┃ expected (line 4) ┃ your output (line 4)" in text
    assert ["4 5", "6", "4"] in cells and ["3 1 1 3", "", ""] in cells
    assert not any(c[0] in ("4", "3 3", "2 3 1") for c in cells if len(c) == 3)


def test_a_difference_past_the_excerpt_is_shown_with_its_line_numbers() -> None:
    answer = "".join(f"{i}\n" for i in range(1, 41))
    output = answer.replace("\n30\n", "\n31\n")
    diff = first_difference(output.encode(), answer.encode(), b"1 40\n")  # one test: "count from 1 to 40"
    r = JudgeReport(
        Verdict.WA, (CaseOutcome("big", Verdict.WA, 0.01, 0.02, 2048, "1 40\n", answer, output, diff),), 1.0
    )
    text = text_of(render(r))
    # Not the first lines of each side (which agree), but the lines around line 30, numbered and marked.
    assert "> 30 | 30" in text and "> 30 | 31" in text and "  29 | 29" in text
    expected_column = [row.split("│")[2].strip() for row in text.splitlines() if row.count("│") == 4]
    assert expected_column[0] == "28 | 28" and "1" not in expected_column


def test_a_case_whose_input_lines_cannot_be_told_apart_says_so() -> None:
    # Cases of 1 and 2 lines: the input does not split evenly, the answer's lines still give the case.
    inp, ans, out = "2\n5\n1 2\n3\n", "5\n6\n", "5\n7\n"
    diff = first_difference(out.encode(), ans.encode(), inp.encode())
    assert diff is not None and diff.case == 2 and diff.case_input == ""
    r = JudgeReport(Verdict.WA, (CaseOutcome("t", Verdict.WA, 0.0, 0.0, 0, inp, ans, out, diff),), 1.0)
    text = text_of(render(r))
    assert "input (all 2 test cases) ┃ expected (line 2) ┃ your output (line 2)" in text


def test_compile_error_view_shows_the_compiler() -> None:
    text = text_of(render(JudgeReport(Verdict.CE, (), 1.0, "main.cpp:2:5: error: expected ';'")))
    assert "Compilation error" in text and "main.cpp:2:5: error: expected ';'" in text


def test_stress_view_and_board() -> None:
    ce = Counterexample("2\n", "NO\n", "YES\n", Verdict.WA, first_difference(b"YES\n", b"NO\n", b"2\n"))
    text = text_of(render(StressOutcome(17, ce, shrunk_from=300)))
    assert "counterexample after 17 tests (shrunk from 300 bytes)" in text and "expected NO, found YES" in text
    contest = Contest(2022, "Codeforces Round 978 (Div. 2)", ContestType.CF, "2", None, 7200)
    vc = VirtualContest(contest, (BUS,), 100.0, 600.0, (("A", BoardCell(1, 300.0)),), (("A", BoardCell(0, None)),))
    board = text_of(render(ShowBoard(vc, 160.0)))
    assert "contest 2022: Codeforces Round 978 (Div. 2) (0:09:00 left)" in board
    assert "+1 0:05:00" in board


# ------------------------------------------------------------------------------------ rating a virt


def fixture_standings() -> tuple[Standings, list[RatingChange]]:
    st = standings_from_json(json.loads((API / "contest.standings-2022.json").read_text())["result"])
    ch = rating_changes_from_json(json.loads((API / "contest.ratingChanges-2022.json").read_text())["result"])
    return st, ch


def test_rating_places_each_side_alone_in_the_real_standings() -> None:
    st, ch = fixture_standings()
    contest = st.contest
    a, b = (replace(BUS, id=ProblemId(2022, i)) for i in "AB")
    vc = VirtualContest(
        contest,
        (a, b),
        0.0,
        7200.0,
        user=(("A", BoardCell(0, 60.0)), ("B", BoardCell(0, 120.0))),
        bot=(("A", BoardCell(1, 600.0)), ("B", BoardCell())),
    )
    result = rate(vc, st, ch)
    you, bot = result.sides
    # CF rules: A (750) at minute 1: 750 - 750/250 = 747; B (1000) at minute 2: 992. The bot: A at minute 10
    # after one rejection: 750 - 30 - 50 = 670.
    assert (you.points, you.solved) == (747 + 992, 2) and (bot.points, bot.solved) == (670, 1)
    rows = [r.points for r in st.rows]
    assert you.rank == 1 + sum(1 for p in rows if p >= you.points)
    assert bot.rank == 1 + sum(1 for p in rows if p >= bot.points)
    assert (you.rank, bot.rank) == (2, 3)  # between beta (1642) and alpha; between gamma (480) and beta
    assert you.performance is not None and bot.performance is not None and you.performance > bot.performance


def test_rating_without_standings_says_so() -> None:
    contest = Contest(2022, "Round", ContestType.CF, "2", None, 7200)
    vc = VirtualContest(contest, (BUS,), 0.0, 600.0, (("A", BoardCell(0, 60.0)),), (("A", BoardCell()),))
    result = rate(vc, None, [], note="no real standings to compare with (offline)")
    assert all(s.rank is None and s.performance is None for s in result.sides)
    assert (
        "offline" in result.note and "ICPC" in result.note and "played 10 of the contest's 120 minutes" in result.note
    )


# ------------------------------------------------------------------------------------ Competitive Companion


async def test_listener_accepts_companion_json_and_rejects_garbage() -> None:
    got: list[Problem] = []
    bad: list[str] = []
    listener = CompanionListener(from_companion, got.append, bad.append)
    port = await listener.start(0)
    try:
        doc = (REPO / "tests" / "fixtures" / "codeforces" / "companion" / "118A.json").read_bytes()
        async with aiohttp.ClientSession() as http:
            async with http.post(f"http://127.0.0.1:{port}/", data=doc) as resp:
                assert resp.status == 200
            async with http.post(f"http://127.0.0.1:{port}/", data=b"{not json") as resp:
                assert resp.status == 400
    finally:
        await listener.close()
    (p,) = got
    assert (str(p.id), p.name, p.time_limit_s, len(p.samples)) == ("118A", "String Task", 2.0, 3)
    assert len(bad) == 1 and "could not be read" in bad[0]


async def test_listener_port_in_use_is_a_clear_error() -> None:
    first = CompanionListener(from_companion, lambda p: None, lambda m: None)
    port = await first.start(0)
    try:
        second = CompanionListener(from_companion, lambda p: None, lambda m: None)
        with pytest.raises(Exception, match="--companion-port"):
            await second.start(port)
    finally:
        await first.close()


def test_fixture_problems_are_the_store_format() -> None:
    for name in ("4A.json", "2022A.json"):
        d = json.loads((REPO / "tests" / "fixtures" / "practice" / name).read_text())
        assert Problem.from_json(d).to_json() == d
    assert isinstance(WATERMELON, Problem) and Path(REPO / "tests" / "fixtures" / "practice" / "README.md").is_file()


# ------------------------------------------------------------------------------------ `progress`


def test_progress_command_reads_practice_runs_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from solver.cli import main

    runs = tmp_path / "runs"
    assert main(["progress", "--runs", str(runs)]) == 0
    assert "no practice history" in capsys.readouterr().out
    practice = Run.create(runs, "practice", {"command": "practice"})
    practice.append("problem", problem="4A")
    practice.append("hint", problem="4A", level=1)
    practice.append("solved", problem="4A", name="Watermelon", rating=800, tags=["math"], hints=1, attempts=2)
    other = Run.create(runs, "solve-4A", {"command": "solve"})  # the bot's own runs are not the user's
    other.append("solved", problem="71A", name="Way Too Long Words", rating=800, tags=["strings"], hints=0)
    assert main(["progress", "--runs", str(runs), "--period", "day"]) == 0
    out = capsys.readouterr().out
    assert "1 problem solved (0 unaided, 1 with hints) of 1 attempted; 1 hint taken" in out
    assert "4A Watermelon" in out and "up to level 1" in out and "71A" not in out
    assert main(["progress", "--runs", str(runs), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["by_tag"] == [{"key": "math", "unaided": 0, "with_hints": 1}]


def test_import_counts_one_sample_in_the_singular(tmp_path: Path) -> None:
    # The way into practice without Codeforces: a folder with a statement and one sample.
    folder = tmp_path / "4A"
    folder.mkdir()
    (folder / "statement.md").write_text(WATERMELON.statement)
    (folder / "1.in").write_text("8\n")
    (folder / "1.out").write_text("YES\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOLVER_")}
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run(
        [sys.executable, "-m", "solver", "import", str(folder), "--store", str(tmp_path / "store")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "imported 4A (" in done.stdout and ", 1 sample) -> " in done.stdout


def test_progress_counts_one_problem_and_one_hint_in_the_singular(tmp_path: Path) -> None:
    from solver.commands.progress import show

    events = [
        Event(1, 100.0, "problem", {"problem": "4A"}),
        Event(2, 110.0, "hint", {"problem": "4A", "level": 1}),
        Event(3, 120.0, "solved", {"problem": "4A", "name": "Watermelon", "rating": 800, "hints": 1}),
    ]
    out = io.StringIO()
    show(compute(events), Console(file=out, width=120, color_system=None), tmp_path)
    assert "1 problem solved (0 unaided, 1 with hints) of 1 attempted; 1 hint taken" in out.getvalue()


def test_practice_modules_do_not_import_the_commands() -> None:
    # The commands sit on top of practice: what both need lives in solver/practice (e.g. practice_events).
    import ast

    for path in sorted((REPO / "solver" / "practice").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [a.name for a in node.names] if isinstance(node, ast.Import) else []
            assert not any(n.startswith("solver.commands") for n in names), f"{path.name} imports {names}"
