"""Placing the bot in real standings: Codeforces Round 641 (Div. 1), contest 1349, every official row.

The rows (handle, points, penalty, old rating, delta) and carrot's performance values are the rating
helper's fixtures (tests/fixtures/rating/), real data of that contest.
"""

from __future__ import annotations

import json
import math
import random

import pytest

from solver.contest.outcome import ProblemOutcome, Submission
from solver.contest.placing import OfficialRow, Rated, bot_score, place_bot, problem_scores
from solver.practice.model import BoardCell, VirtualContest
from solver.practice.vc import rate
from solver.problem import ContestType, Problem, ProblemId
from solver.rating.placement import Score, TimeModel, standing_places
from solver.sources.cf_api import rating_changes_from_json, standings_from_json
from tests.conftest import FIXTURES

DATA = FIXTURES / "rating" / "round-1349-641-div1-data.json"
PERFS = FIXTURES / "rating" / "round-1349-641-div1-perfs.json"


@pytest.fixture(scope="module")
def field() -> tuple[list[OfficialRow], list[Rated], list[list]]:  # type: ignore[type-arg]
    rows = json.loads(DATA.read_text())
    places = standing_places([(float(r[1]), int(r[2])) for r in rows])
    official = [OfficialRow(p.best, float(r[1]), int(r[2])) for r, p in zip(rows, places, strict=True)]
    rated = [Rated(r[0], p.best, int(r[3])) for r, p in zip(rows, places, strict=True)]
    return official, rated, rows


def test_the_bot_with_a_real_rows_score_gets_that_rows_standings_rank(field) -> None:  # type: ignore[no-untyped-def]
    official, _, rows = field
    for i in range(0, len(rows), 37):
        pl = place_bot(1349, Score(float(rows[i][1]), int(rows[i][2]), ()), official, [])
        assert pl.rank == official[i].rank, rows[i]
        group = sum(
            1 for o in official if o.points == official[i].points and o.penalty == official[i].penalty
        )
        assert pl.rank_worst == official[i].rank + group  # tied with the whole group, the bot included
        assert pl.participants == len(rows) and pl.performance is None


def test_the_bots_performance_at_a_real_rows_place_is_that_rows_performance(field) -> None:  # type: ignore[no-untyped-def]
    official, rated, rows = field
    carrot = {h: (math.inf if v == "Infinity" else float(v)) for h, v in json.loads(PERFS.read_text())}
    # A bot tied with a participant pushes that tie group one place down: its performance is the
    # participant's performance one place lower, so a few points below carrot's value, never above it.
    for i in (30, 200, 600, 1000):
        pl = place_bot(1349, Score(float(rows[i][1]), int(rows[i][2]), ()), official, rated)
        assert pl.performance is not None and pl.rated_participants == len(rows)
        assert carrot[rows[i][0]] - 30 <= pl.performance <= carrot[rows[i][0]] + 1, (rows[i], pl.performance)
    top = place_bot(1349, Score(float(rows[0][1]) + 1, 0, ()), official, rated)
    assert top.rank == 1 and top.performance == math.inf
    last = place_bot(1349, Score(0.0, 0, ()), official, rated)
    assert last.performance is not None and last.performance <= min(carrot.values())  # with the zeros


def _sub(t: float, verdict: str, judged: str = "pack", failed: int | None = 5) -> Submission:
    return Submission(t, int(t // 60), verdict, judged, None if verdict == "AC" else failed)  # type: ignore[arg-type]


def test_bot_score_counts_penalised_rejections_and_can_drop_local_acceptances() -> None:
    a = ProblemOutcome(
        "A",
        "",
        800,
        500.0,
        (_sub(60, "CE"), _sub(120, "WA", failed=0), _sub(300, "WA"), _sub(600, "AC")),
        judged="pack",
    )
    b = ProblemOutcome("B", "", 1200, 1000.0, (_sub(1800, "AC", "local"),), judged="local")
    c = ProblemOutcome("C", "", 1900, 1500.0, ())
    cf = bot_score([a, b, c], ContestType.CF, 7200, TimeModel())
    # A: 500 - 500*10/250 - 50 (one penalised WA; the CE and the test-1 failure are free);
    # B: 1000 - 1000*30/250
    assert [round(p.points) for p in cf.problems] == [430, 880]
    assert problem_scores(cf, [a, b, c], ContestType.CF) == {"A": "430", "B": "880", "C": "0"}
    verified = bot_score([a, b, c], ContestType.CF, 7200, TimeModel(), verified_only=True)
    assert verified.points == 430
    icpc = bot_score([a, b, c], ContestType.ICPC, 7200, TimeModel())
    assert (icpc.points, icpc.penalty) == (2, 10 + 10 + 30)
    zero = bot_score([a, b, c], ContestType.ICPC, 7200, TimeModel.parse("zero"))
    assert zero.penalty == 10
    late = ProblemOutcome("D", "", None, 500.0, (_sub(7300, "AC"),))
    assert bot_score([late], ContestType.CF, 7200, TimeModel()).points == 0  # after the end: does not count


def test_new_accounts_are_rated_at_their_internal_1400_since_contest_1360() -> None:
    official = [OfficialRow(i + 1, float(2000 - 50 * i), 0) for i in range(40)]
    shown = [Rated(f"u{i}", i + 1, 0 if i % 3 == 0 else 1500 + 10 * i) for i in range(40)]
    internal = [Rated(r.handle, r.rank, 1400 if r.old_rating == 0 else r.old_rating) for r in shown]
    bot = Score(1010.0, 0, ())
    new = place_bot(1400, bot, official, shown)
    assert new.new_account_correction and new.rank == 21
    # The same field with the displayed zeros replaced by 1400 by hand, in a pre-2020 contest: same number.
    assert new.performance == place_bot(1300, bot, official, internal).performance
    old = place_bot(1300, bot, official, shown)
    assert not old.new_account_correction and old.performance != new.performance


# --- one placement for contest mode and the virtual contest -----------------------------------------------


def _without(rows: list[list], i: int) -> tuple[list[list], list[int]]:  # type: ignore[type-arg]
    """The real rows without participant i, ranked as standings show them to someone who was not there."""
    others = rows[:i] + rows[i + 1 :]
    return others, [p.best for p in standing_places([(float(r[1]), int(r[2])) for r in others])]


def _sample(rows: list[list]) -> list[int]:  # type: ignore[type-arg]
    # Fixed-seed sample: rows alone on their score and rows inside a tie group, plus the last row.
    rng = random.Random(1349)
    return sorted({*rng.sample(range(1, len(rows)), 12), 1, 2, len(rows) - 1})


def test_a_real_participants_result_placed_back_gets_its_real_rank_and_carrots_performance() -> None:
    # Take a participant out of the real field, re-rank the rest (no gap left where it was: the standings
    # a virtual participant sees), and place its (points, penalty) back: the rank is its real rank, and
    # the performance is carrot's exact value for it, to the point (the field is the real one again).
    rows = json.loads(DATA.read_text())
    carrot = {h: (math.inf if v == "Infinity" else float(v)) for h, v in json.loads(PERFS.read_text())}
    real = standing_places([(float(r[1]), int(r[2])) for r in rows])
    for i in _sample(rows):
        others, ranks = _without(rows, i)
        official = [OfficialRow(k, float(r[1]), int(r[2])) for r, k in zip(others, ranks, strict=True)]
        rated = [Rated(r[0], k, int(r[3])) for r, k in zip(others, ranks, strict=True)]
        pl = place_bot(1349, Score(float(rows[i][1]), int(rows[i][2]), ()), official, rated)
        assert (pl.rank, pl.rank_worst) == (real[i].best, real[i].worst), rows[i]
        assert pl.performance == carrot[rows[i][0]], (rows[i], pl.performance)


def _vc_world(others: list[list], ranks: list[int], points: float):  # type: ignore[no-untyped-def,type-arg]
    """A contest 1349 whose standings and rating changes are ``others``, with one problem worth ``points``."""
    contest = {"id": 1349, "name": "Codeforces Round 641 (Div. 1)", "type": "CF", "phase": "FINISHED",
               "durationSeconds": 7200, "startTimeSeconds": 1589286900}  # fmt: skip
    standings = standings_from_json(
        {
            "contest": contest,
            "problems": [{"contestId": 1349, "index": "A", "name": "Sum", "points": points, "tags": []}],
            "rows": [
                {
                    "party": {"members": [{"handle": r[0]}], "participantType": "CONTESTANT"},
                    "rank": k,
                    "points": float(r[1]),
                    "penalty": int(r[2]),
                    "problemResults": [],
                }
                for r, k in zip(others, ranks, strict=True)
            ],
        }
    )
    changes = rating_changes_from_json(
        {"contestId": 1349, "handle": r[0], "rank": k, "oldRating": int(r[3]), "newRating": int(r[3]) + r[4]}
        for r, k in zip(others, ranks, strict=True)
    )
    problem = Problem(ProblemId(1349, "A"), "Sum", 1.0, 256, "", "", "", ())
    return standings, changes, problem


def test_the_virtual_contest_places_as_contest_mode_does() -> None:
    # The virtual participant scores exactly what a real participant scored (one problem worth that many
    # points, accepted at second 0): it must get that participant's rank and carrot's performance. It used
    # to tie with the next row (rank 102 for 101 in the rating) and came out a few points low.
    rows = json.loads(DATA.read_text())
    carrot = {h: (math.inf if v == "Infinity" else float(v)) for h, v in json.loads(PERFS.read_text())}
    real = standing_places([(float(r[1]), int(r[2])) for r in rows])
    checked = 0
    for i in _sample(rows):
        if rows[i][1] <= 0:
            continue  # a zero score cannot be made by solving a problem
        others, ranks = _without(rows, i)
        standings, changes, problem = _vc_world(others, ranks, float(rows[i][1]))
        vc = VirtualContest(
            standings.contest, (problem,), 0.0, 7200.0, (("A", BoardCell(0, 0.0)),), (("A", BoardCell()),)
        )
        you, bot = rate(vc, standings, changes).sides
        assert you.points == rows[i][1] and you.rank == real[i].best, rows[i]
        expected = carrot[rows[i][0]]
        assert you.performance == (None if math.isinf(expected) else int(expected)), (rows[i], you)
        # ... and contest mode gives the same place and performance for the same field.
        official = [OfficialRow(k, float(r[1]), int(r[2])) for r, k in zip(others, ranks, strict=True)]
        rated = [Rated(r[0], k, int(r[3])) for r, k in zip(others, ranks, strict=True)]
        pl = place_bot(1349, Score(you.points, you.penalty, ()), official, rated)
        assert (pl.rank, pl.performance) == (you.rank, expected)
        assert bot.points == 0 and bot.rank == 1 + sum(1 for r in others if r[1] > 0)
        checked += 1
    assert checked >= 10
