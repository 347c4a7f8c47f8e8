"""Turning contest and batch results into what a user sees: rich tables and Report values.

Pure apart from writing to the Console it is handed (tests pass ``Console(file=StringIO())``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from solver.contest.contamination import ModelDate, contest_date_text, of_provenance, status_text
from solver.contest.outcome import ContestResult, ProblemOutcome
from solver.contest.plots import PerfPoint, RatingBin, performance_plot, solve_rate_plot
from solver.contest.report import Figure, Provenance, Report, Table
from solver.contest.rules import HACKS_NOTE
from solver.contest.selection import Skipped
from solver.rating.codeforces import MAX_RATING
from solver.rating.estimate import Estimate
from solver.rating.placement import TimeModel

NEW_ACCOUNT_NOTE = (
    "Since 2020 (contest id >= 1360) Codeforces shows displayed ratings (a new account starts at 0 and "
    "climbs over its first six contests) while its algorithm uses internal ones (starting at 1400); the bot "
    "was placed, and its expected rank and performance computed, among the opponents' internal ratings, "
    "recovered from each account's displayed rating and its own change in the contest (per contest: the "
    "placement's opponent_note)."
)


def _plotted(value: float) -> float:
    # A winner's infinite performance is drawn at the top of the rating scale, as the estimate counts it.
    return min(value, float(MAX_RATING))


def perf_text(value: float | None) -> str:
    if value is None:
        return "not computed"
    return "∞ (first place: rank 1 always gains)" if math.isinf(value) else f"{value:.0f}"


def describe_time_model(tm: TimeModel) -> str:
    if tm.kind == "elapsed":
        return (
            "elapsed: each submission at the real minute since the bot started the contest; "
            "problems not solved within the contest's duration do not count"
        )
    if tm.kind == "zero":
        return "zero: every submission at minute 0 (as CodeElo does); solving is not limited by the duration"
    return f"fixed: every submission at minute {tm.fixed_minute}; solving is not limited by the duration"


# --- hidden-test coverage: the headline says what every verdict rests on -----------------------------------

LOCAL_ONLY = "local only (optimistic)"


def _ids(problems: Sequence[ProblemOutcome]) -> str:
    return ", ".join(p.index for p in problems)


def coverage_lines(problems: Sequence[ProblemOutcome]) -> list[str]:
    """Which problems had the complete official tests, which only generated or incomplete ones, which none;
    which acceptances rest on local tests only, and which problems could not be judged."""
    groups = (
        ("complete official tests", [p for p in problems if p.coverage == "complete"]),
        ("generated or incomplete tests only", [p for p in problems if p.coverage == "partial"]),
        ("no hidden tests", [p for p in problems if p.coverage == "none"]),
    )
    out = [f"{what}: {_ids(ps)}" for what, ps in groups if ps]
    local = [p for p in problems if p.accepted and p.judged == "local"]
    if local:
        out.append(f"accepted {LOCAL_ONLY}: {_ids(local)}")
    unjudged = [p for p in problems if p.unjudged]
    if unjudged:
        out.append(f"not judged, excluded from the score: {_ids(unjudged)}")
    return out


def coverage_text(problems: Sequence[ProblemOutcome]) -> str:
    return "; ".join(coverage_lines(problems)) or "no problems"


def coverage_counts(problems: Sequence[ProblemOutcome]) -> str:
    """Short form for a table cell: "3 complete · 1 partial · 2 none · 1 not judged"."""
    parts = [
        f"{n} {what}"
        for what, n in (
            ("complete", sum(p.coverage == "complete" for p in problems)),
            ("partial", sum(p.coverage == "partial" for p in problems)),
            ("none", sum(p.coverage == "none" for p in problems)),
            ("not judged", sum(p.unjudged for p in problems)),
        )
        if n
    ]
    return " · ".join(parts) or "—"


def coverage_assumptions(result: ContestResult) -> list[str]:
    """What the hidden tests and the round's rules mean for the number, in words."""
    out: list[str] = []
    if result.judging is not None:
        out.append(f"Rules — {result.judging.describe()}")
    out.append(HACKS_NOTE)
    local = [p for p in result.problems if p.accepted and p.judged == "local"]
    if local:
        out.append(
            f"Problems {_ids(local)} were accepted on local tests only (no usable hidden tests): "
            f"{LOCAL_ONLY}; the performance is an upper estimate."
        )
    partial = [p for p in result.problems if p.coverage == "partial" and p.accepted]
    if partial:
        out.append(
            f"Problems {_ids(partial)} were accepted on generated or incomplete official tests only: a solution "
            "the full official tests would reject may have passed them (optimistic)."
        )
    for p in result.problems:
        if p.unjudged:
            out.append(f"Problem {p.index} not judged, counted as unsolved — {p.note}.")
    failed = [p for p in result.problems if p.failed_system_tests]
    if failed:
        out.append(f"Problems {_ids(failed)} passed pretests and failed system tests: 0 points, final.")
    return out


def _minute(p: ProblemOutcome) -> str:
    m = p.minute_solved
    return "—" if m is None else str(m)


def problem_rows(result: ContestResult, scores: Mapping[str, str]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for p in result.problems:
        rows.append(
            (
                f"{p.index}. {p.name}",
                "—" if p.rating is None else str(p.rating),
                p.verdict,
                str(len(p.submissions)),
                _minute(p),
                scores.get(p.index, "—"),
                p.note,
                p.coverage,
            )
        )
    return rows


def score_column(rules: str) -> str:
    return "points" if rules == "CF" else "penalty"


def problem_columns(rules: str) -> tuple[str, ...]:
    return ("problem", "rating", "verdict", "attempts", "minute", score_column(rules), "note", "hidden tests")


def print_contest(
    console: Console,
    result: ContestResult,
    scores: Mapping[str, str],
    assumptions: Sequence[str],
    provenance: Provenance | None = None,
) -> None:
    # Names, notes and assumptions are external text: escaped, so brackets in them print as written.
    console.print(f"[bold]Hidden tests[/] — {escape(coverage_text(result.problems))}", highlight=False)
    t = RichTable(title=f"Contest {result.contest_id}: {escape(result.name)}", show_lines=False)
    # The terminal table leaves out the per-problem coverage column: the headline above says it.
    for col in problem_columns(result.rules)[:-1]:
        t.add_column(col, overflow="fold")
    for row in problem_rows(result, scores):
        t.add_row(*(escape(cell) for cell in row[:-1]))
    console.print(t)
    pl = result.placement
    score = f"{pl.points:g} points" if result.rules == "CF" else f"{pl.points:g} solved, penalty {pl.penalty}"
    if provenance is not None:
        md = of_provenance(provenance)
        console.print(
            f"Model released: {escape(md.text())}; contest {escape(status_text(md, result.start_time))}",
            highlight=False,
        )
    console.print(f"Score: {score}; rank {pl.rank:g} of {pl.participants} official contestants")
    if pl.performance is None:
        console.print("Performance: not computed (no rating changes for this contest)")
    else:
        line = f"Performance rating: [bold]{perf_text(pl.performance)}[/]"
        iv = result.performance_interval
        if iv and iv[0] != iv[1]:
            line += f" (counting only hidden-test-verified solves: {iv[0]:.0f})"
        console.print(line)
    console.print("Assumptions:")
    for a in assumptions:
        console.print(f"  - {escape(a)}", highlight=False)


def contest_assumptions(result: ContestResult, time_model_text: str) -> list[str]:
    out = [
        f"Time model — {time_model_text}.",
        f"Scoring: {'Codeforces points' if result.rules == 'CF' else 'ICPC (solved, then penalty minutes)'}.",
        *coverage_assumptions(result),
    ]
    if result.placement.new_account_correction:
        out.append(result.placement.opponent_note or NEW_ACCOUNT_NOTE)
    out.append("The rank is among the real final standings' official contestants; ties share the worst rank.")
    out.extend(result.notes)
    return out


def contest_report(
    result: ContestResult, scores: Mapping[str, str], provenance: Provenance, time_model_text: str
) -> Report:
    pl = result.placement
    md = of_provenance(provenance)
    summary = [
        ("contest", f"{result.contest_id} — {result.name}"),
        ("hidden tests", coverage_text(result.problems)),
        ("contest date", contest_date_text(result.start_time)),
        ("model release", md.text()),
        ("training data", status_text(md, result.start_time)),
        ("division", result.division or "unknown"),
        ("rules", result.rules),
        ("score", f"{pl.points:g}" + ("" if result.rules == "CF" else f" solved, penalty {pl.penalty}")),
        ("rank", f"{pl.rank:g} of {pl.participants}"),
        ("performance", perf_text(pl.performance)),
        ("elapsed", f"{result.elapsed_s / 60:.1f} min of {result.duration_s // 60} min"),
    ]
    iv = result.performance_interval
    points = (
        []
        if pl.performance is None
        else [
            PerfPoint(
                str(result.contest_id),
                _plotted(pl.performance),
                _plotted(iv[0] if iv else pl.performance),
                _plotted(iv[1] if iv else pl.performance),
                result.division,
            )
        ]
    )
    figures = [
        Figure("performance", "Performance", performance_plot(points, None, None, provenance.caption()))
    ]
    bins = rating_bins([result])
    if bins:
        figures.append(
            Figure(
                "solve-rate",
                "Solve rate against problem rating",
                solve_rate_plot(bins, None, None, provenance.caption()),
            )
        )
    cols = problem_columns(result.rules)
    return Report(
        title=f"cp-solver contest {result.contest_id}",
        provenance=provenance,
        summary=tuple(summary),
        assumptions=tuple(contest_assumptions(result, time_model_text)),
        tables=(Table("Problems", cols, tuple(problem_rows(result, scores))),),
        figures=tuple(figures),
        data={
            "contest": result.to_json(),
            "scores": dict(scores),
            "contamination": contamination_json(md, [result])[0],
        },
    )


def contamination_json(md: ModelDate, results: Sequence[ContestResult]) -> list[dict[str, object]]:
    return [
        {
            "contest_id": r.contest_id,
            "contest_date": None if r.start_time is None else contest_date_text(r.start_time),
            "model_date": md.day.isoformat() if md.day else None,
            "model_date_source": md.source or None,
            "status": md.status(r.start_time),
        }
        for r in results
    ]


def rating_bins(results: Sequence[ContestResult], width: int = 200) -> list[RatingBin]:
    acc: dict[int, list[int]] = {}
    for r in results:
        for p in r.problems:
            if p.rating is None:
                continue
            b = acc.setdefault(int(p.rating // width), [0, 0])
            b[0] += p.accepted
            b[1] += 1
    return [RatingBin(k * width + width / 2, v[0], v[1]) for k, v in sorted(acc.items())]


@dataclass(frozen=True)
class BatchSummary:
    results: tuple[ContestResult, ...]
    skipped: tuple[Skipped, ...]
    overall: Estimate | None
    divisions: dict[str, Estimate]
    problem_rating: Estimate | None
    problem_counts: tuple[int, int]  # solved, attempted (problems with a known rating)
    unseen: Estimate | None = None  # over the contests that began on or after the model's release


def batch_report(b: BatchSummary, provenance: Provenance, time_model_text: str, parallel: int = 1) -> Report:
    cap = provenance.caption()
    used = [r for r in b.results if r.placement.performance is not None]
    points = []
    for r in used:
        perf = r.placement.performance
        if perf is None:
            continue
        iv = r.performance_interval or (perf, perf)
        points.append(
            PerfPoint(str(r.contest_id), _plotted(perf), _plotted(iv[0]), _plotted(iv[1]), r.division)
        )
    ov = b.overall
    figures = [
        Figure(
            "performance",
            "Performance per contest",
            performance_plot(points, ov.value if ov else None, (ov.low, ov.high) if ov else None, cap),
        )
    ]
    pr = b.problem_rating
    figures.append(
        Figure(
            "solve-rate",
            "Solve rate against problem rating",
            solve_rate_plot(
                rating_bins(b.results), pr.value if pr else None, (pr.low, pr.high) if pr else None, cap
            ),
        )
    )
    every = [p for r in b.results for p in r.problems]
    local = [f"{r.contest_id}{p.index}" for r in b.results for p in r.problems if p.accepted and p.judged == "local"]
    md = of_provenance(provenance)
    status = {r.contest_id: md.status(r.start_time) for r in used}
    n_unseen = sum(1 for s in status.values() if s == "unseen")
    n_seen = sum(1 for s in status.values() if s == "possibly seen")
    if md.day is None:
        unseen_text = "unknown: the model's release date is unknown (give --model-date YYYY-MM-DD)"
    elif b.unseen is None:
        unseen_text = f"no contest used began on or after the model's release ({md.day})"
    else:
        unseen_text = b.unseen.text()
    summary = [
        ("model release", md.text()),
        (f"Elo-equivalent rating, unseen contests (on or after the release; {n_unseen})", unseen_text),
        (
            f"Elo-equivalent rating, all contests ({n_seen} possibly seen in training)",
            ov.text() if ov else "not enough contests",
        ),
        ("hidden tests (problems)", coverage_counts(every)),
        *([(f"accepted {LOCAL_ONLY}", ", ".join(local))] if local else []),
        ("estimate from problem ratings", pr.text() if pr else "no rated problems"),
        ("contests used", str(len(used))),
        ("contests not used", str(len(b.skipped) + len(b.results) - len(used))),
    ]
    for div, est in sorted(b.divisions.items()):
        summary.append((f"division {div}", est.text()))
    assumptions = [
        f"Time model — {time_model_text}.",
        "Rating: mean of per-contest performance ratings (Codeforces' algorithm, the rating at which the "
        "bot's rating change would be zero); 95% CI by bootstrap over contests.",
        "Second estimate: maximum likelihood of solve/fail against problem ratings with "
        "P = 1 / (1 + 10^((d - r) / 400)), profile-likelihood 95% interval.",
    ]
    kinds = {r.judging.describe() for r in b.results if r.judging is not None}
    assumptions += [f"Rules — {k}" for k in sorted(kinds)]
    assumptions.append(HACKS_NOTE)
    unjudged = [f"{r.contest_id}{i}" for r in b.results for i in r.unjudged]
    if unjudged:
        assumptions.append(
            f"Problems {', '.join(unjudged)} could not be judged on their hidden tests (see each contest's "
            "report): excluded from the score, counted as unsolved."
        )
    if parallel > 1:
        assumptions.append(
            f"Up to {parallel} contests ran at the same time, sharing the model: under the elapsed "
            "time model each saw a slower bot than it would alone."
        )
    optimistic = [str(r.contest_id) for r in b.results if r.optimistic]
    if optimistic:
        assumptions.append(
            f"Contests {', '.join(optimistic)} include problems accepted on local tests only ({LOCAL_ONLY}): "
            "their performances are optimistic (the plotted bar reaches down to the "
            "performance counting only hidden-test-verified solves)."
        )
    if any(r.placement.new_account_correction for r in b.results):
        assumptions.append(NEW_ACCOUNT_NOTE)
    assumptions.append(
        "Contamination: a contest that began before the model's release may be in its training data "
        "(marked possibly seen); the first rating counts only the contests that began on or after it."
    )
    rows = []
    for r in b.results:
        pl = r.placement
        solved = sum(p.accepted for p in r.problems)
        rows.append(
            (
                str(r.contest_id),
                r.name,
                contest_date_text(r.start_time),
                md.status(r.start_time),
                r.division or "?",
                r.rules,
                f"{solved}/{len(r.problems)}",
                f"{pl.rank:g}/{pl.participants}",
                coverage_counts(r.problems),
                "—" if pl.performance is None else perf_text(pl.performance),
                "yes" if r.optimistic else "no",
                "used" if pl.performance is not None else "not used: no rating changes",
            )
        )
    skipped_rows = tuple((str(s.contest_id), s.name, s.reason) for s in b.skipped)
    tables = [
        Table(
            "Contests used",
            (
                "contest",
                "name",
                "date",
                "training data",
                "division",
                "rules",
                "solved",
                "rank",
                "hidden tests",
                "performance",
                "optimistic",
                "status",
            ),
            tuple(rows),
        )
    ]
    if skipped_rows:
        tables.append(Table("Contests not used, and why", ("contest", "name", "reason"), skipped_rows))
    data = {
        "rating_unseen": b.unseen.to_json() if b.unseen else None,
        "rating": ov.to_json() if ov else None,
        "contamination": contamination_json(md, b.results),
        "divisions": {k: v.to_json() for k, v in b.divisions.items()},
        "problem_rating_estimate": pr.to_json() if pr else None,
        "problems_solved": b.problem_counts[0],
        "problems_attempted": b.problem_counts[1],
        "contests": [r.to_json() for r in b.results],
        "skipped": [{"contest_id": s.contest_id, "name": s.name, "reason": s.reason} for s in b.skipped],
    }
    return Report(
        "cp-solver rating",
        provenance,
        tuple(summary),
        tuple(assumptions),
        tuple(tables),
        tuple(figures),
        data,
    )
