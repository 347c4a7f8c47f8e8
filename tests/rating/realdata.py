"""Loading real rating data: the vendored fixture and, where present, the shared data folder."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

from solver.rating.codeforces import Contestant, compute_deltas
from tests.conftest import FIXTURES

ROUND_1349 = FIXTURES / "rating" / "round-1349-641-div1-data.json"
PERFS_1349 = FIXTURES / "rating" / "round-1349-641-div1-perfs.json"

# carrot's four real rounds (rows in standings order with the real change) and two real API answers.
ROUNDS = ("round-1305-ozon-2020-div1+2", "round-1326-global-7", "round-1342-edu-86", "round-1350-641-div2")
RATING_CHANGES = (908, 911)


def shared_round(shared: Path, stem: str, kind: str) -> Path:
    """A round file of the shared data; a missing one fails (the layout is known, nothing to guess)."""
    path = shared / "codeforces" / "rounds" / f"{stem}-{kind}.json"
    assert path.is_file(), f"{path} is missing from the shared data"
    return path


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


def refit_places(
    rows: list[Contestant], real: dict[str, int], far: int = 5
) -> tuple[dict[str, int], dict[str, int]]:
    """Diagnose rows rated at a place other than the one their file gives: ({handle: rank that fits}, deltas).

    Every row whose real change is more than ``far`` from the recomputed one is moved, alone (the others
    as given), to the smallest rank value of the field at which its recomputed change is no larger than
    the real one (a change falls as the place worsens), found by bisection; then the whole field is
    recomputed with every such row at its fitted rank. Returns the fitted ranks and the new deltas.
    """
    deltas = compute_deltas(rows)
    far_off = [c.handle for c in rows if abs(deltas[c.handle] - real[c.handle]) > far]
    values = sorted({c.rank for c in rows if c.rank is not None})
    fitted: dict[str, int] = {}
    for handle in far_off:

        def delta_at(rank: int, handle: str = handle) -> int:
            return compute_deltas([replace(c, rank=rank) if c.handle == handle else c for c in rows])[handle]

        lo, hi = 0, len(values) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if delta_at(values[mid]) <= real[handle]:
                hi = mid
            else:
                lo = mid + 1
        fitted[handle] = values[lo]
    moved = [replace(c, rank=fitted[c.handle]) if c.handle in fitted else c for c in rows]
    return fitted, compute_deltas(moved)
