"""Opponents at the ratings Codeforces' algorithm used: internal ratings recovered from displayed ones.

Since 2020 (contest id >= 1360) ``contest.ratingChanges`` shows every account's *displayed* rating. An
account before its (k+1)-th rated contest (k = 0..5) shows its internal rating minus
1400 - (500 + 350 + ... the first k promotions): 1400, 900, 550, 300, 150, 50 below; from the 7th contest
on the two agree (``solver.rating.codeforces.internal_rating``). The bot is placed, and its expected rank
(seed) and performance computed, among the internal ratings, as Codeforces computed its opponents' own.

How many contests an account had played is not in one contest's answer. It is recovered here as follows:

- a displayed oldRating of 0 is a first contest (internal 1400): unambiguous;
- the other accounts' real changes in this very contest decide: an account k contests old shows a change
  of (the algorithm's delta at internal rating displayed + offset(k)) + promotion(k), so each hypothesis
  (established, or k = 1..5) predicts a different change; ``solver.rating.replay.infer_histories`` moves an
  account to the hypothesis that alone reproduces its change best, repeating until the field settles;
- the recovered field is then checked: an account whose real change its chosen history misses by more
  than a point is counted as ``unexplained``, one whose change two histories reproduce as ``ambiguous``
  (their internal ratings then differ by 50 to 850; the fit's choice is kept). Both go into the report;
- without the change (no newRating), the account is taken at its displayed rating, as carrot does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from solver.rating.codeforces import (
    Contestant,
    contests_before_from_displayed,
    internal_rating,
    uses_new_system,
)
from solver.rating.replay import ReplayInput, ReplayRow, history_misses, infer_histories

# A change off by one point is explained: one wrong rating anywhere moves the sum adjustment every delta
# shares by a point (seen on constructed fields: with every history right, every change is exact).
MISS_TOLERANCE = 1


@dataclass(frozen=True)
class RatedRow:
    """One row of ``contest.ratingChanges``: the standings rank it was rated at, displayed old and new."""

    handle: str
    rank: int
    old_rating: int
    new_rating: int | None = None


@dataclass(frozen=True)
class OpponentField:
    """The rated field at the ratings the algorithm used, and how they were recovered."""

    contestants: tuple[Contestant, ...]  # internal ratings, standings ranks
    contest_id: int | None
    corrected: bool  # the displayed/internal split applies (contest id >= 1360)
    new_accounts: int = 0  # displayed 0: a first contest, internal 1400
    inferred: int = 0  # in their 2nd-6th contest, recognised by their change
    shifted_points: int = 0  # sum over the field of internal - displayed
    unexplained: int = 0  # the chosen history misses the real change by more than a point (closest fit)
    ambiguous: int = 0  # two histories reproduce it: the fit's choice is used
    without_change: int = 0  # no newRating: taken at the displayed rating

    @property
    def size(self) -> int:
        return len(self.contestants)

    def note(self) -> str:
        """What the report says about the opponents' ratings (empty before 2020: nothing to correct)."""
        if not self.corrected or not self.contestants:
            return ""
        parts = [
            f"Opponents placed at the internal ratings Codeforces' algorithm used (contest {self.contest_id} "
            ">= 1360 shows displayed ratings): "
            f"{self.new_accounts} new accounts (displayed 0) at 1400; {self.inferred} accounts recognised by "
            "their own rating change as being in their 2nd to 6th contest, at displayed + 900/550/300/150/50"
        ]
        rest = []
        if self.ambiguous:
            rest.append(
                f"{self.ambiguous} whose change two histories explain equally well (one was chosen; the "
                "internal ratings they imply differ by 50 to 850)"
            )
        if self.unexplained:
            rest.append(f"{self.unexplained} whose change no history reproduces (closest fit used)")
        if self.without_change:
            rest.append(f"{self.without_change} without a new rating were kept at their displayed rating")
        text = parts[0] + ("; " + "; ".join(rest) if rest else "") + "."
        return text

    def to_json(self) -> dict[str, object]:
        return {
            "corrected": self.corrected,
            "rated": self.size,
            "new_accounts": self.new_accounts,
            "inferred_2nd_to_6th": self.inferred,
            "unexplained": self.unexplained,
            "ambiguous": self.ambiguous,
            "without_change": self.without_change,
            "internal_minus_displayed_total": self.shifted_points,
        }


def opponent_field(rows: Sequence[RatedRow], contest_id: int | None) -> OpponentField:
    """The rated field at internal ratings (see the module's docstring for how they are recovered)."""
    if not uses_new_system(contest_id):
        return OpponentField(
            tuple(Contestant(r.handle, r.old_rating, rank=r.rank) for r in rows), contest_id, False
        )
    replay_rows = tuple(
        ReplayRow(
            r.handle,
            r.old_rating,
            None if r.new_rating is None else r.new_rating - r.old_rating,
            rank=r.rank,
        )
        for r in rows
    )
    inp = ReplayInput(contest_id, "ratingChanges", replay_rows)
    history: dict[str, int | None] = {
        r.handle: contests_before_from_displayed(r.old_rating, contest_id) for r in rows
    }
    inferred = infer_histories(inp, history, recentre=True)
    contestants = tuple(
        Contestant(r.handle, internal_rating(r.old_rating, contest_id, history[r.handle]), rank=r.rank)
        for r in rows
    )
    # How well the recovered field explains each real change, within MISS_TOLERANCE: the chosen history
    # misses it (unexplained), or another history explains it as well (ambiguous: the fit's choice stands).
    checked = [r.handle for r in replay_rows if r.real_delta is not None and history[r.handle] != 0]
    unexplained = ambiguous = 0
    if checked:
        misses = history_misses(inp, history, checked, recentre=True)
        chosen = misses[[history[h] or 0 for h in checked], np.arange(len(checked))]
        unexplained = int((chosen > MISS_TOLERANCE).sum())
        close = (misses <= MISS_TOLERANCE).sum(axis=0)
        ambiguous = int(((chosen <= MISS_TOLERANCE) & (close > 1)).sum())
    return OpponentField(
        contestants,
        contest_id,
        True,
        new_accounts=sum(1 for b in history.values() if b == 0),
        inferred=len(inferred),
        shifted_points=sum(c.rating - r.old_rating for c, r in zip(contestants, rows, strict=True)),
        unexplained=unexplained,
        ambiguous=ambiguous,
        without_change=sum(1 for r in rows if r.new_rating is None),
    )
