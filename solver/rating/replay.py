"""Replay a real contest's rating changes: parse a standings-with-ratings file, recompute, compare.

Accepted inputs (parsed tolerantly; the first that fits wins):

- carrot's test rows: a list of ``[handle, points, penalty, rating, delta]`` lists (the format of
  ``rounds/*-data.json``);
- a list of objects with ``handle`` (or ``party.members[0].handle``), ``oldRating``, ``newRating`` (or a
  ``delta``), and ``points``/``penalty`` and/or ``rank``;
- a ``contest.ratingChanges`` API response ``{"status": "OK", "result": [RatingChange, ...]}`` (or its
  bare list): rank, oldRating and newRating are enough, since equal ranks are ties.

Displayed versus internal ratings (contest id >= 1360): a displayed oldRating of 0 is a new account,
rated by the algorithm at 1400, whose displayed change carries the +500 promotion. Other accounts in their
first six contests cannot be recognised from one contest's file; they are taken at their displayed
rating (as carrot does), which is reported as an assumption.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from solver.rating.codeforces import (
    MAX_RATING,
    MIN_RATING,
    NEW_ACCOUNT_RATING,
    PROMOTION,
    Contestant,
    Field,
    adjustment,
    check_field,
    compute,
    contests_before_from_displayed,
    displayed_delta,
    internal_rating,
    raw_deltas_at,
    uses_new_system,
)
from solver.rating.performance import performances

PerfMode = Literal["fast", "exact", "none"]


class ReplayFormatError(ValueError):
    """The file is not one of the standings-with-ratings formats."""


# What ``replay`` reads, for every message about a file it cannot read.
KINDS = (
    "replay reads one contest's rows with ratings: carrot's rows [handle, points, penalty, rating, delta] "
    "(rounds/*-data.json), a list of objects with handle, oldRating, newRating and rank or "
    "points/penalty, or a contest.ratingChanges answer"
)


@dataclass(frozen=True)
class ReplayRow:
    handle: str
    old_rating: int  # as shown by the API (displayed)
    real_delta: int | None  # newRating - oldRating, when known
    points: float | None = None
    penalty: int | None = None
    rank: int | None = None


@dataclass(frozen=True)
class ReplayInput:
    contest_id: int | None
    source_format: Literal["carrot-rows", "rows", "ratingChanges"]
    rows: tuple[ReplayRow, ...]


@dataclass(frozen=True)
class RowOutcome:
    handle: str
    rank: int  # the place the algorithm used (worst of a tie group)
    old_rating: int  # displayed
    internal_rating: int  # what the algorithm used
    delta: int  # computed, as displayed (promotion included)
    real_delta: int | None
    performance: float | None
    history_inferred: bool = False  # internal rating/promotion guessed from this row's own change

    @property
    def matches(self) -> bool | None:
        return None if self.real_delta is None else self.delta == self.real_delta


@dataclass(frozen=True)
class ReplayReport:
    contest_id: int | None
    source_format: str
    rows: tuple[RowOutcome, ...]
    new_system: bool  # the displayed/internal correction applied (contest id >= 1360)
    new_accounts: int  # rows corrected from displayed 0 to internal 1400
    performance_method: PerfMode
    notes: tuple[str, ...]

    @property
    def compared(self) -> int:
        return sum(1 for r in self.rows if r.real_delta is not None)

    @property
    def matched(self) -> int:
        return sum(1 for r in self.rows if r.matches)

    @property
    def inferred(self) -> int:
        return sum(1 for r in self.rows if r.history_inferred)

    @property
    def matched_without_inference(self) -> int:
        return sum(1 for r in self.rows if r.matches and not r.history_inferred)

    @property
    def match_rate(self) -> float | None:
        return self.matched / self.compared if self.compared else None

    def to_json(self) -> dict[str, Any]:
        return {
            "contest_id": self.contest_id,
            "source_format": self.source_format,
            "rows": len(self.rows),
            "compared": self.compared,
            "matched": self.matched,
            "matched_without_inference": self.matched_without_inference,
            "history_inferred": self.inferred,
            "match_rate": self.match_rate,
            "new_rating_system_correction": self.new_system,
            "new_accounts_corrected": self.new_accounts,
            "performance_method": self.performance_method,
            "notes": list(self.notes),
            "results": [
                {
                    "handle": r.handle,
                    "rank": r.rank,
                    "old_rating": r.old_rating,
                    "internal_rating": r.internal_rating,
                    "delta": r.delta,
                    "real_delta": r.real_delta,
                    "matches": r.matches,
                    "history_inferred": r.history_inferred,
                    "performance": _perf_json(r.performance),
                }
                for r in self.rows
            ],
        }


def _perf_json(p: float | None) -> float | str | None:
    if p is None:
        return None
    return "Infinity" if math.isinf(p) else p


_ID_IN_NAME = re.compile(r"(?:round-|ratingChanges_|contest[._-]?)(\d{1,5})", re.IGNORECASE)


def contest_id_from_name(name: str) -> int | None:
    m = _ID_IN_NAME.search(name)
    return int(m.group(1)) if m else None


def _int(v: Any, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int | float) or (isinstance(v, float) and not v.is_integer()):
        raise ReplayFormatError(f"{what} should be an integer, got {v!r}")
    return int(v)


def _num(v: Any, what: str) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise ReplayFormatError(f"{what} should be a number, got {v!r:.40}")
    return float(v)


def _handle(obj: Mapping[str, Any]) -> str:
    if isinstance(obj.get("handle"), str):
        return str(obj["handle"])
    party = obj.get("party")
    if isinstance(party, Mapping):
        members = party.get("members")
        if isinstance(members, list) and members and isinstance(members[0], Mapping):
            h = members[0].get("handle")
            if isinstance(h, str):
                return h
    raise ReplayFormatError(f"a row without a handle: {dict(obj)!r:.120}")


def _object_row(obj: Mapping[str, Any]) -> ReplayRow:
    handle = _handle(obj)
    old = obj.get("oldRating", obj.get("old_rating", obj.get("rating")))
    if old is None:
        raise ReplayFormatError(f"row {handle!r} has no oldRating")
    old_i = _int(old, f"oldRating of {handle!r}")
    real: int | None = None
    if obj.get("newRating") is not None:
        real = _int(obj["newRating"], f"newRating of {handle!r}") - old_i
    elif obj.get("delta") is not None:
        real = _int(obj["delta"], f"delta of {handle!r}")
    points = obj.get("points")
    penalty = obj.get("penalty")
    rank = obj.get("rank")
    return ReplayRow(
        handle=handle,
        old_rating=old_i,
        real_delta=real,
        points=_num(points, f"points of {handle!r}") if points is not None else None,
        penalty=_int(penalty, f"penalty of {handle!r}") if penalty is not None else None,
        rank=_int(rank, f"rank of {handle!r}") if rank is not None else None,
    )


def wrong_kind(data: Any) -> str | None:
    """What a known Codeforces answer that ``replay`` does not read is, and what to pass instead."""
    if isinstance(data, Mapping) and data.get("status") == "OK" and "result" in data:
        data = data["result"]
    if isinstance(data, Mapping):
        if isinstance(data.get("rows"), list) and "contest" in data:
            cid = data["contest"].get("id") if isinstance(data["contest"], Mapping) else None
            return (
                "this is a contest.standings answer: places without ratings; pass the contest.ratingChanges "
                f"answer of contest {cid if cid is not None else 'N'} instead (it has ranks and ratings)"
            )
        if "problems" in data:
            return "this is a problemset.problems answer (problems, not participants)"
        return None
    if not isinstance(data, list) or not data or not all(isinstance(r, Mapping) for r in data):
        return None
    if all("phase" in r and "name" in r and "handle" not in r for r in data):
        return "this is a contest.list answer (contests, not participants)"
    handles = {r.get("handle") for r in data}
    contests = {r.get("contestId") for r in data}
    if len(handles) == 1 and len(contests) > 1 and all("oldRating" in r for r in data):
        return (
            f"this is a user.rating answer: one account ({next(iter(handles))}) across {len(contests)} "
            "contests; replay recomputes one contest: pass that contest's contest.ratingChanges answer"
        )
    return None


def parse_replay(data: Any, name: str = "", contest_id: int | None = None) -> ReplayInput:
    """Rows of one contest from any accepted format; ``contest_id`` overrides what the data/name say.

    Anything else raises ReplayFormatError saying what the data is (when it is a known Codeforces answer)
    or what is wrong with it; ``KINDS`` says what is read.
    """
    kind = wrong_kind(data)
    if kind is not None:
        raise ReplayFormatError(kind)
    found_id: int | None = None
    if isinstance(data, Mapping):
        if data.get("status") not in (None, "OK"):
            raise ReplayFormatError(f"API response status {data.get('status')!r}: {data.get('comment', '')}")
        inner = data.get("result", data.get("rows"))
        if isinstance(data.get("contestId"), int):
            found_id = int(data["contestId"])
        data = inner
    if not isinstance(data, list) or not data:
        raise ReplayFormatError("expected a non-empty list of rows (or an API answer with a result list)")
    rows: list[ReplayRow]
    fmt: Literal["carrot-rows", "rows", "ratingChanges"]
    if all(isinstance(r, list) for r in data):
        rows = []
        for r in data:
            if len(r) != 5 or not isinstance(r[0], str):
                raise ReplayFormatError(f"expected [handle, points, penalty, rating, delta], got {r!r:.120}")
            rating = None if r[3] is None else _int(r[3], f"rating of {r[0]!r}")
            rows.append(
                ReplayRow(
                    handle=r[0],
                    old_rating=1400 if rating is None else rating,  # carrot's default for an unrated account
                    real_delta=None if r[4] is None else _int(r[4], f"delta of {r[0]!r}"),
                    points=_num(r[1], f"points of {r[0]!r}"),
                    penalty=_int(r[2], f"penalty of {r[0]!r}"),
                )
            )
        fmt = "carrot-rows"
    elif all(isinstance(r, Mapping) for r in data):
        rows = [_object_row(r) for r in data]
        ids = {r.get("contestId") for r in data if isinstance(r.get("contestId"), int)}
        if len(ids) > 1:
            raise ReplayFormatError(f"the rows are from {len(ids)} contests; replay recomputes one contest")
        if len(ids) == 1:
            found_id = int(next(iter(ids)))
        is_api = all("contestId" in r and "rank" in r for r in data)
        fmt = "ratingChanges" if is_api else "rows"
        if is_api:
            rows = [ReplayRow(r.handle, r.old_rating, r.real_delta, None, None, r.rank) for r in rows]
    else:
        odd = next((r for r in data if not isinstance(r, list | Mapping)), None)
        raise ReplayFormatError(
            "each row should be a list or an object with a handle, all of one shape"
            + (f"; got {odd!r:.60}" if odd is not None else "")
        )
    _check_rows(rows)
    cid = (
        contest_id
        if contest_id is not None
        else found_id
        if found_id is not None
        else contest_id_from_name(name)
    )
    return ReplayInput(cid, fmt, tuple(rows))


def _check_rows(rows: list[ReplayRow]) -> None:
    """What the rating algorithm needs of the rows, checked here so that a bad file gets a message."""
    has_order = all(r.rank is not None for r in rows) or all(r.points is not None for r in rows)
    if not has_order:
        raise ReplayFormatError("the rows need either a rank or points (and penalty) to be ordered")
    try:
        check_field([(r.handle, r.old_rating) for r in rows])
    except ValueError as e:
        raise ReplayFormatError(str(e)) from None


INFER_ROUNDS = 30
INFER_MARGIN = 5  # a hypothesis must explain the change this much better than the current one


def _contestants(inp: ReplayInput, history: Mapping[str, int | None]) -> list[Contestant]:
    by_rank = all(r.rank is not None for r in inp.rows)
    return [
        Contestant(
            handle=r.handle,
            rating=internal_rating(r.old_rating, inp.contest_id, history[r.handle]),
            points=r.points if r.points is not None else 0.0,
            penalty=r.penalty if r.penalty is not None else 0,
            rank=r.rank if by_rank else None,
        )
        for r in inp.rows
    ]


# Displayed rating = internal - OFFSETS[k] before an account's (k+1)-th contest (k = 0: established here, as
# displayed-0 first contests are settled before any hypothesis is weighed); 1400 - promotions so far.
OFFSETS = (0, *(NEW_ACCOUNT_RATING - sum(PROMOTION[:k]) for k in range(1, len(PROMOTION))))


def history_misses(
    inp: ReplayInput, history: Mapping[str, int | None], handles: list[str], recentre: bool = False
) -> npt.NDArray[np.int64]:
    """How far each history hypothesis misses each account's real change, with the field as ``history`` says.

    Row k of the result is the hypothesis "k contests before" (0: established); column j is ``handles[j]``.
    An account k contests old shows oldRating = internal - OFFSETS[k] and a change that carries PROMOTION[k]:
    the prediction is its own delta at that internal rating (the others as currently assumed) plus the
    promotion, less (``recentre``) the median miss of the current hypotheses: the shared adjustment's
    shift. A hypothesis that puts the rating outside the table misses by int32 max.
    """
    real = {r.handle: r.real_delta for r in inp.rows}
    f = Field(_contestants(inp, history))
    inc = adjustment(f.raw_deltas(), f.top_order)
    pos = {h: i for i, h in enumerate(f.handles)}
    at = np.array([pos[h] for h in handles], dtype=np.int64)
    target = np.array([real[h] or 0 for h in handles], dtype=np.int64)
    current = np.array([history[h] or 0 for h in handles], dtype=np.int64)
    shown_old = f.ratings[at] - np.array([OFFSETS[k] for k in current], dtype=np.int64)
    predicted = []
    for k, off in enumerate(OFFSETS):
        assumed = shown_old + off
        ok = (assumed >= MIN_RATING) & (assumed < MAX_RATING)
        assumed = np.clip(assumed, MIN_RATING, MAX_RATING - 1)
        bonus = PROMOTION[k] if k else 0
        shown = raw_deltas_at(f.table, f.ratings[at], assumed, f.ranks[at]) + inc + bonus
        predicted.append((shown, ok))
    # Every delta carries the same sum adjustment, which a few wrong histories anywhere shift for all: the
    # typical miss of the current hypotheses is that shift, and is taken out before hypotheses are compared.
    now = np.stack([s for s, _ in predicted])[current, np.arange(len(handles))] - target
    shift = int(np.round(np.median(now))) if recentre and len(handles) else 0
    diffs = [np.where(ok, np.abs(s - target - shift), np.iinfo(np.int32).max) for s, ok in predicted]
    out: npt.NDArray[np.int64] = np.stack(diffs).astype(np.int64)
    return out


def infer_histories(inp: ReplayInput, history: dict[str, int | None], recentre: bool = False) -> set[str]:
    """Guess which accounts were in their 2nd-6th rated contest from the changes themselves.

    An account k contests old shows oldRating = internal - (1400 - promotions so far) and a change that
    carries PROMOTION[k]. For each row (other than displayed-0 new accounts) every hypothesis, established
    or k = 1..5, is scored by how far its predicted change is from the real one: the row's own delta at
    that internal rating, the others as currently assumed, plus the promotion. A row moves to a hypothesis
    that is the unique best and beats its current one by a margin; rounds repeat until nothing moves,
    since every move shifts the others' seeds. Returns the handles whose history was inferred (a fit:
    reports count these rows apart from rows matched without inference).

    ``recentre``: compare hypotheses with the shared sum adjustment's shift taken out (``history_misses``).
    More robust when many histories start wrong (on constructed fields: at most 9 of 1,200 left wrong,
    against up to 54 without), but it gives up the exact fit the shift alone decides: ``replay``, which
    checks exact changes, does not use it; placing the bot among internal ratings does.
    """
    real = {r.handle: r.real_delta for r in inp.rows}
    cands = [h for h, b in history.items() if b != 0 and real[h] is not None]
    if not cands:
        return set()
    phases = [INFER_MARGIN, 1]  # large improvements first; once settled, any strict improvement
    for _ in range(INFER_ROUNDS):
        margin = phases[0]
        d = history_misses(inp, history, cands, recentre)  # (hypothesis, row): 0 = established, k = k before
        current = np.array([history[h] or 0 for h in cands], dtype=np.int64)
        best = d.argmin(axis=0)
        best_diff = d.min(axis=0)
        unique = (d == best_diff).sum(axis=0) == 1
        now = d[current, np.arange(len(cands))]
        move = unique & (best != current) & (best_diff + margin <= now)
        if not move.any():
            if len(phases) == 1:
                break
            phases.pop(0)  # the field has settled: now any strict improvement counts
            continue
        for j in np.flatnonzero(move):
            history[cands[j]] = int(best[j]) or None
    return {h for h in cands if history[h] is not None}


def replay(inp: ReplayInput, perf: PerfMode = "fast", infer: bool = True) -> ReplayReport:
    """Recompute the contest's changes and (optionally) every participant's performance.

    ``infer``: in a new-system contest, guess the history of accounts in their 2nd-6th contest (see
    ``infer_histories``); rows matched that way are counted in ``inferred``.
    """
    new_system = uses_new_system(inp.contest_id)
    history: dict[str, int | None] = {
        r.handle: contests_before_from_displayed(r.old_rating, inp.contest_id) for r in inp.rows
    }
    inferred = infer_histories(inp, history) if new_system and infer else set()
    contestants = _contestants(inp, history)
    result = compute(contestants)
    perfs = performances(contestants, exact=perf == "exact") if perf != "none" else {}
    internal = {c.handle: c.rating for c in contestants}
    outcomes = tuple(
        RowOutcome(
            handle=r.handle,
            rank=result.ranks[r.handle],
            old_rating=r.old_rating,
            internal_rating=internal[r.handle],
            delta=displayed_delta(result.deltas[r.handle], inp.contest_id, history[r.handle]),
            real_delta=r.real_delta,
            performance=perfs.get(r.handle),
            history_inferred=r.handle in inferred,
        )
        for r in sorted(inp.rows, key=lambda r: result.ranks[r.handle])
    )
    new_accounts = sum(1 for b in history.values() if b == 0) if new_system else 0
    notes: list[str] = []
    if inp.contest_id is None:
        notes.append("contest id unknown: the 2020 displayed/internal rating correction was not applied")
    elif new_system:
        notes.append(
            f"contest {inp.contest_id} >= 1360: displayed oldRating 0 taken as internal 1400 with the +500 "
            f"promotion ({new_accounts} rows)"
        )
        if infer:
            notes.append(
                f"{len(inferred)} accounts taken to be in their 2nd-6th contest (internal rating and "
                f"promotion inferred from their change: those rows are fitted, not validated)"
            )
        else:
            notes.append("accounts in their 2nd-6th contest were taken at their displayed rating")
    if perf == "fast":
        notes.append(
            "performance: fixed-adjustment search (carrot's in-browser method; at most a few above exact)"
        )
    elif perf == "exact":
        notes.append("performance: exact (full recomputation near each decision)")
    return ReplayReport(
        inp.contest_id, inp.source_format, outcomes, new_system, new_accounts, perf, tuple(notes)
    )
