"""Reports: Markdown, a self-contained HTML page with inline SVG figures, and JSON with every number."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

from rich.console import Console

from solver.contest.outcome import ContestResult, Placement, ProblemOutcome, Submission
from solver.contest.present import (
    BatchSummary,
    batch_report,
    contest_report,
    describe_time_model,
    print_contest,
)
from solver.contest.report import Provenance, write_report
from solver.contest.selection import Skipped
from solver.rating.estimate import Estimate
from solver.rating.placement import TimeModel


def _result(cid: int, perf: float, verified: float | None, division: str = "2") -> ContestResult:
    a = ProblemOutcome(
        "A",
        "Sum",
        800,
        500.0,
        (
            Submission(300.0, 5, "WA", "pack", 3, "Wrong answer on test 4"),
            Submission(600.0, 10, "AC", "pack"),
        ),
        judged="pack",
        note="judged on 12 hidden tests",
    )
    b = ProblemOutcome(
        "B",
        "Paths",
        1400,
        1000.0,
        (Submission(1500.0, 25, "AC", "local"),),
        judged="local",
        note="no hidden-test pack: accepted on local tests only (optimistic)",
    )
    c = ProblemOutcome("C", "Trees", 2100, 1500.0, (), note="budget exhausted: attempts")
    pl = Placement(1306.0, 0, 2500, 2500, 9000, perf, 8000, True)
    ver = None if verified is None else Placement(440.0, 0, 6000, 6003, 9000, verified, 8000, True)
    return ContestResult(
        cid,
        f"Codeforces Round {cid} (Div. {division})",
        division,
        "CF",
        7200,
        "elapsed",
        (a, b, c),
        pl,
        ver,
        elapsed_s=1500.0,
        run_id=f"run-{cid}",
    )


PROV = Provenance("gemma4:31b", "sha256:abc123", 7, "elapsed", (1990, 1991, 1992, 1995), "0.1.0")


def test_contest_result_round_trips_and_counts_penalised_attempts() -> None:
    r = _result(1990, 1650.0, 1200.0)
    back = ContestResult.from_json(json.loads(json.dumps(r.to_json())))
    assert back == r
    a, b, c = r.problems
    assert (a.accepted, a.minute_solved, a.rejected, a.verdict) == (True, 10, 1, "AC")
    assert (b.verdict, c.verdict, c.minute_solved) == ("AC (local)", "—", None)
    assert r.optimistic and r.performance_interval == (1200.0, 1650.0)
    free = ProblemOutcome(
        "D", "", None, None, (Submission(1, 0, "CE", "pack"), Submission(2, 0, "WA", "pack", 0))
    )
    assert free.rejected == 0  # a compilation error and a failure on test 1 cost nothing on Codeforces


def test_time_models_are_described_for_the_report() -> None:
    assert "real minute" in describe_time_model(TimeModel())
    assert "CodeElo" in describe_time_model(TimeModel.parse("zero"))
    assert "minute 45" in describe_time_model(TimeModel.parse("45"))


def test_contest_report_files_are_self_contained_and_carry_provenance(tmp_path: Path) -> None:
    r = _result(1990, 1650.0, 1200.0)
    scores = {"A": "460", "B": "900", "C": "0"}
    report = contest_report(r, scores, PROV, describe_time_model(TimeModel()))
    paths = write_report(report, tmp_path)
    html = paths["html"].read_text()
    assert "<svg" in html and "sha256:abc123" in html and "seed 7" in html and "1990-1992, 1995" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing fetched from elsewhere
    assert "accepted on local tests only" in html and "optimistic" in html
    assert "internal ratings, recovered" in html  # the post-2020 displayed/internal correction is stated
    md = paths["markdown"].read_text()
    assert "| A. Sum | 800 | AC | 2 | 10 | 460 |" in md
    data = json.loads(paths["json"].read_text())
    assert data["provenance"]["model_digest"] == "sha256:abc123"
    assert data["contest"]["placement"]["performance"] == 1650.0
    assert data["contest"]["performance_interval"] == [1200.0, 1650.0]
    assert (tmp_path / "report-performance.svg").read_text().startswith("<svg")

    out = io.StringIO()
    print_contest(Console(file=out, width=140), r, scores, ["Time model — elapsed."])
    text = out.getvalue()
    assert "Performance rating: 1650" in text and "rank 2500 of 9000" in text and "AC (local)" in text


def test_batch_report_lists_used_and_unused_contests_with_reasons(tmp_path: Path) -> None:
    results = (_result(1990, 1650.0, 1200.0), _result(1991, 1400.0, None, "3"))
    summary = BatchSummary(
        results,
        (Skipped(1992, "Kotlin Heroes", "unrated: Codeforces published no rating changes"),),
        Estimate(1525.0, 1400.0, 1650.0, 2, "mean"),
        {"2": Estimate(1650, 1650, 1650, 1, "mean"), "3": Estimate(1400, 1400, 1400, 1, "mean")},
        Estimate(1480.0, 1300.0, 1700.0, 6, "fit"),
        (4, 6),
    )
    paths = write_report(batch_report(summary, PROV, "elapsed"), tmp_path, "rating")
    data = json.loads(paths["json"].read_text())
    assert data["rating"] == {
        "value": 1525.0, "ci95": [1400.0, 1650.0], "n": 2, "method": "mean", "seed": None, "notes": []
    }  # fmt: skip
    assert data["skipped"][0]["reason"].startswith("unrated")
    html = paths["html"].read_text()
    assert html.count("<svg") == 2 and "fitted rating 1480" in html and "Kotlin Heroes" in html
    assert "mean 1525 (95% CI 1400–1650)" in html
    # The headline says what the verdicts rest on; hacks are named as not modelled.
    assert data["summary"]["hidden tests (problems)"] == "6 none"
    assert data["summary"]["accepted local only (optimistic)"] == "1990B, 1991B"
    assert "Hacks are not modelled" in html and "<th>hidden tests</th>" in html
    for svg in tmp_path.glob("rating-*.svg"):
        root = ElementTree.fromstring(svg.read_text())  # well-formed, standalone SVG
        assert root.tag.endswith("svg") and "seed 7" in svg.read_text()
    assert "Div. 2" in (tmp_path / "rating-performance.svg").read_text()  # the legend names divisions


async def test_live_board_is_redrawn_until_the_contest_ends() -> None:
    import asyncio

    from rich.live import Live

    from solver.commands.contest import with_refresh
    from solver.solve.progress import Board

    board = Board()
    board("1349A", "problem", stage="drafting")
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    with Live(board.table(), console=console, transient=True) as screen:
        assert await with_refresh(asyncio.sleep(0.6, result=7), screen, board) == 7
    assert "1349A" in out.getvalue() and "drafting" in out.getvalue()


def test_brackets_in_names_notes_and_assumptions_are_printed_as_written() -> None:
    r = _result(1990, 1650.0, None)
    a, b, c = r.problems
    named = replace(
        r,
        name="Codeforces Round [Div. 2]",
        problems=(replace(a, name="Sum [easy]", note="[red]judged[/] on [12] tests"), b, c),
    )
    out = io.StringIO()
    print_contest(Console(file=out, width=200), named, {}, ["tests from [codecontests]"])
    text = out.getvalue()
    assert "Codeforces Round [Div. 2]" in text and "Sum [easy]" in text
    assert "[red]judged[/] on [12] tests" in text and "tests from [codecontests]" in text
