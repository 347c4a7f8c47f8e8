"""Loading real rating data: the vendored fixture and, where present, the shared data folder."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from solver.rating.codeforces import Contestant
from tests.conftest import FIXTURES

ROUND_1349 = FIXTURES / "rating" / "round-1349-641-div1-data.json"
PERFS_1349 = FIXTURES / "rating" / "round-1349-641-div1-perfs.json"


def load_rows(path: Path) -> list[list[Any]]:
    """carrot's rows: [handle, points, penalty, oldRating, realDelta]."""
    rows: list[list[Any]] = json.loads(path.read_text(encoding="utf-8"))
    return rows


def contestants(rows: list[list[Any]]) -> list[Contestant]:
    return [Contestant(h, 1400 if r is None else int(r), float(p), int(q)) for h, p, q, r, _ in rows]


def load_perfs(path: Path) -> dict[str, float]:
    return {
        h: math.inf if v == "Infinity" else float(v) for h, v in json.loads(path.read_text(encoding="utf-8"))
    }


def as_rating_changes(rows: list[list[Any]], contest_id: int) -> dict[str, Any]:
    """The rows as a contest.ratingChanges response: rank only, ties sharing the best place (as the API)."""
    order = sorted(range(len(rows)), key=lambda i: (-rows[i][1], rows[i][2]))
    result = []
    place = 0
    for pos, i in enumerate(order):
        if pos == 0 or (rows[i][1], rows[i][2]) != (rows[order[pos - 1]][1], rows[order[pos - 1]][2]):
            place = pos + 1
        h, _, _, old, delta = rows[i]
        result.append(
            {
                "contestId": contest_id,
                "contestName": "",
                "handle": h,
                "rank": place,
                "ratingUpdateTimeSeconds": 0,
                "oldRating": old,
                "newRating": old + delta,
            }
        )
    return {"status": "OK", "result": result}
