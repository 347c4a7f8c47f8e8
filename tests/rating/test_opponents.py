"""Opponents at internal ratings since 2020: recovered from displayed ratings and each account's own change.

No real ``contest.ratingChanges`` of a contest from 1360 on is available to the tests (searched: public test
data stops at 1352), so the recovery is checked for what it finds on constructed fields, where the histories
are known, and for what it must NOT find on five real pre-2020 rounds, where every account is established:
run there as if the split applied, it recognises nobody as in their 2nd-6th contest and every real change is
reproduced at the displayed rating.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from solver.contest.placing import OfficialRow, Rated, place_bot
from solver.rating.codeforces import (
    NEW_ACCOUNT_RATING,
    PROMOTION,
    Contestant,
    compute,
    displayed_delta,
)
from solver.rating.opponents import RatedRow, opponent_field
from solver.rating.placement import Score, place_result, standing_places
from tests.rating.realdata import ROUND_1349, ROUNDS, load_rows, shared_round

CID = 1400  # any contest from 1360 on


def _offset(k: int | None) -> int:
    return 0 if k is None else NEW_ACCOUNT_RATING - sum(PROMOTION[:k])


def _field(n: int, seed: int) -> tuple[list[Contestant], dict[str, int | None], list[RatedRow]]:
    """A field with known histories: 10% first contests, 20% in their 2nd-6th, the rest established.

    Ranked by a noisy performance; the real changes are the algorithm's at the internal ratings, shown as
    the API shows them (displayed ratings, promotions included).
    """
    rng = random.Random(seed)
    internal: dict[str, int] = {}
    history: dict[str, int | None] = {}
    for i in range(n):
        u = rng.random()
        k: int | None
        if u < 0.1:
            k, r = 0, NEW_ACCOUNT_RATING
        elif u < 0.3:
            k, r = rng.randint(1, 5), int(rng.gauss(1350, 150))
        else:
            k, r = None, int(rng.gauss(1500, 350))
        internal[f"u{i}"], history[f"u{i}"] = max(0, min(3800, r)), k
    perf = {h: r + rng.gauss(0, 300) for h, r in internal.items()}
    order = sorted(internal, key=lambda h: -perf[h])
    truth = [Contestant(h, internal[h], rank=i + 1) for i, h in enumerate(order)]
    deltas = compute(truth).deltas
    rows = []
    for c in truth:
        shown = c.rating - _offset(history[c.handle])
        rows.append(
            RatedRow(c.handle, c.rank, shown, shown + displayed_delta(deltas[c.handle], CID, history[c.handle]))
        )
    return truth, history, rows


@pytest.mark.parametrize("seed", [1, 3, 7])
def test_internal_ratings_are_recovered_from_displayed_ones_and_changes(seed: int) -> None:
    truth, history, rows = _field(1500, seed)
    field = opponent_field(rows, CID)
    got = {c.handle: c.rating for c in field.contestants}
    wrong = [c.handle for c in truth if got[c.handle] != c.rating]
    in_2_to_6 = sum(1 for k in history.values() if k not in (None, 0))
    assert field.corrected and field.new_accounts == sum(1 for k in history.values() if k == 0)
    # Nearly every 2nd-6th contest account is recognised; the few left are the ones two histories explain.
    assert len(wrong) <= 0.01 * len(truth), wrong
    assert field.inferred >= in_2_to_6 - len(wrong)
    assert len(wrong) <= field.ambiguous + field.unexplained
    assert sum(got.values()) - sum(r.old_rating for r in rows) == field.shifted_points > 100_000
    note = field.note()
    assert f"{field.new_accounts} new accounts" in note and f"{field.inferred} accounts" in note


def test_the_bot_is_placed_among_internal_ratings_not_displayed_ones() -> None:
    truth, _, rows = _field(1200, 3)
    official = [OfficialRow(r.rank, float(10_000 - r.rank), 0) for r in rows]
    bot = Score(10_000 - 600.5, 0, ())  # between ranks 600 and 601
    rated = [Rated(r.handle, r.rank, r.old_rating, r.new_rating) for r in rows]
    placed = place_bot(CID, bot, official, rated)
    at_truth = place_result(bot.points, 0, [(o.points, o.penalty) for o in official], truth).performance
    shown = [Contestant(r.handle, r.old_rating if r.old_rating else 1400, rank=r.rank) for r in rows]
    at_shown = place_result(bot.points, 0, [(o.points, o.penalty) for o in official], shown).performance
    assert placed.performance is not None and at_truth is not None and at_shown is not None
    # The displayed field (new accounts at 1400 only, as before) is weaker: the bot's performance was ~90 high.
    assert at_truth - at_shown > 50
    assert abs(placed.performance - at_truth) <= 10  # the few ambiguous histories left
    assert placed.new_account_correction and "internal ratings" in placed.opponent_note


def test_before_1360_displayed_ratings_are_the_ones_used() -> None:
    _, _, rows = _field(300, 4)
    field = opponent_field(rows, 1359)
    assert not field.corrected and field.note() == ""
    assert [c.rating for c in field.contestants] == [r.old_rating for r in rows]


def test_rows_without_a_new_rating_are_taken_at_their_displayed_rating() -> None:
    _, _, rows = _field(400, 5)
    bare = [RatedRow(r.handle, r.rank, r.old_rating) for r in rows]
    field = opponent_field(bare, CID)
    assert field.without_change == len(rows) and field.inferred == 0
    pairs = zip(field.contestants, bare, strict=True)
    assert all(c.rating == (1400 if r.old_rating == 0 else r.old_rating) for c, r in pairs)
    assert f"{len(rows)} without a new rating" in field.note()


def _real_rows(path: Path) -> list[RatedRow]:
    rows = load_rows(path)
    ranks = [p.best for p in standing_places([(float(r[1]), int(r[2])) for r in rows])]
    return [RatedRow(r[0], k, int(r[3]), int(r[3]) + int(r[4])) for r, k in zip(rows, ranks, strict=True)]


def test_on_a_real_round_of_established_accounts_nobody_is_taken_for_a_new_one() -> None:
    # Contest 1349 predates the split: every account is established. Treated as if from 1360 on, the
    # recovery must find every real change explained as it is, and invent no history.
    field = opponent_field(_real_rows(ROUND_1349), 1360)
    assert field.size == 1248
    assert (field.new_accounts, field.inferred, field.unexplained, field.shifted_points) == (0, 0, 0, 0)


@pytest.mark.parametrize("stem", ROUNDS)
def test_on_the_shared_real_rounds_nobody_is_taken_for_a_new_account(shared_data: Path, stem: str) -> None:
    field = opponent_field(_real_rows(shared_round(shared_data, stem, "data")), 1360)
    assert (field.new_accounts, field.inferred, field.unexplained, field.shifted_points) == (0, 0, 0, 0)
