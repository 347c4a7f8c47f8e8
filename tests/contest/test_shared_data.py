"""Contest mode on the shared real data (``../shared/data``), where it exists; skipped elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from solver.contest.placing import OfficialRow, place_bot
from solver.rating.placement import Score


def test_placement_matches_every_real_standings_file(shared_data: Path) -> None:
    files = sorted((shared_data / "codeforces" / "rounds").glob("*-data.json"))
    if not files:
        pytest.skip("no codeforces/rounds/*-data.json in the shared data")
    for f in files:
        rows = json.loads(f.read_text())  # [handle, points, penalty, old rating, delta], standings order
        official = [OfficialRow(0, float(r[1]), int(r[2])) for r in rows]
        step = max(1, len(rows) // 150)
        for i in range(0, len(rows), step):
            others = official[:i] + official[i + 1 :]
            pl = place_bot(0, Score(float(rows[i][1]), int(rows[i][2]), ()), others, [])
            assert pl.rank <= i + 1 <= pl.rank_worst, (f.name, i, rows[i])
