"""Contest mode on the shared real data (``../shared/data``): the fixture skips only where it is absent."""

from __future__ import annotations

import json
import random
from pathlib import Path

from solver.contest.placing import OfficialRow, Rated, place_bot
from solver.rating.placement import Score, standing_places
from tests.rating.realdata import ROUNDS, load_perfs, shared_round

PLACED_PER_ROUND = 150  # placements are linear in the field: a spread of rows per round, every round
PERFORMANCE_PER_ROUND = 6  # an exact performance costs ~0.03 s in a 15,000-row contest


def test_placement_matches_every_real_standings_file(shared_data: Path) -> None:
    """A real row's (points, penalty) placed among the others gets that row's standings place; placed back
    into the real rated field (re-ranked without it), it gets carrot's exact performance for that row."""
    rng = random.Random(1305)
    for stem in ROUNDS:
        rows = json.loads(shared_round(shared_data, stem, "data").read_text())  # standings order
        carrot = load_perfs(shared_round(shared_data, stem, "perfs"))
        places = standing_places([(float(r[1]), int(r[2])) for r in rows])
        official = [OfficialRow(p.best, float(r[1]), int(r[2])) for r, p in zip(rows, places, strict=True)]
        step = max(1, len(rows) // PLACED_PER_ROUND)
        for i in range(0, len(rows), step):
            others = official[:i] + official[i + 1 :]
            pl = place_bot(0, Score(float(rows[i][1]), int(rows[i][2]), ()), others, [])
            assert (pl.rank, pl.rank_worst) == (places[i].best, places[i].worst), (stem, i, rows[i])
        for i in rng.sample(range(1, len(rows)), PERFORMANCE_PER_ROUND):
            rest = rows[:i] + rows[i + 1 :]
            ranks = [p.best for p in standing_places([(float(r[1]), int(r[2])) for r in rest])]
            pl = place_bot(
                int(stem.split("-")[1]),
                Score(float(rows[i][1]), int(rows[i][2]), ()),
                [OfficialRow(k, float(r[1]), int(r[2])) for r, k in zip(rest, ranks, strict=True)],
                [Rated(r[0], k, 1400 if r[3] is None else int(r[3])) for r, k in zip(rest, ranks, strict=True)],
            )
            assert pl.performance == carrot[rows[i][0]], (stem, rows[i], pl.performance)
