"""Which contests a batch runs: finished ones, by id, division and date, rated only.

Pure: a ``contest.list`` response (or Contest values) in, a Selection out that names every contest left
out and why, so the report can say which contests were used and why the others were not.

Contests are parsed as the Codeforces source parses them (``cf_api.contest_from_json``): the division from
the name by the one classifier (``solver.divisions``), the rules from the API's ``type`` ("CF" or "ICPC"),
which Codeforces sets per contest (Educational, Div. 3 and Div. 4 rounds are ICPC-ruled).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from solver.divisions import DIVISIONS, classify_division, division_key
from solver.errors import UsageError
from solver.problem import Contest, ContestType
from solver.sources.cf_api import contest_from_json


def contests_from_list_response(payload: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> list[Contest]:
    """A whole ``contest.list`` response (the envelope or its ``result`` list), parsed as the source does."""
    rows = payload["result"] if isinstance(payload, Mapping) else payload
    return [contest_from_json(r) for r in rows]


def parse_divisions(text: str | None) -> frozenset[str] | None:
    """``--division 2,3,4`` (also ``edu``, ``global``, ``1+2``); None means every division."""
    if not text:
        return None
    out: set[str] = set()
    for part in text.split(","):
        p = division_key(part)
        if p is None:
            raise UsageError(f"unknown division {part.strip()!r}; choose from {', '.join(DIVISIONS)}")
        out.add(p)
    return frozenset(out)


def parse_after(text: str | None) -> int | None:
    """``--after 2026-04-02`` as unix seconds at 00:00 UTC of that day."""
    if not text:
        return None
    try:
        d = date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--after {text!r} is not a date; write it as YYYY-MM-DD") from None
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


def parse_contest_ids(spec: str) -> tuple[int, ...]:
    """``1990-2010``, ``1990,1995,2001-2003`` or a file of ids (one or more per line, ``#`` comments)."""
    text = spec
    path = Path(spec)
    if not re.fullmatch(r"[\d,\s-]+", spec):
        if not path.is_file():
            raise UsageError(
                f"--contests {spec!r} is neither a range like 1990-2010 nor an existing file of ids"
            )
        text = " ".join(line.split("#", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())
    ids: list[int] = []
    for token in re.split(r"[,\s]+", text.strip()):
        if not token:
            continue
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", token)
        if not m:
            raise UsageError(f"{token!r} in --contests is not a contest id or a range like 1990-2010")
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        if hi < lo:
            raise UsageError(f"range {token!r} in --contests runs backwards")
        if hi - lo > 5000:
            raise UsageError(f"range {token!r} in --contests spans more than 5000 contests")
        ids.extend(range(lo, hi + 1))
    if not ids:
        raise UsageError(f"--contests {spec!r} names no contest")
    return tuple(dict.fromkeys(ids))


@dataclass(frozen=True)
class Skipped:
    contest_id: int
    name: str
    reason: str


@dataclass(frozen=True)
class Selection:
    chosen: tuple[Contest, ...]
    skipped: tuple[Skipped, ...]

    def without_unrated(self, rated: Mapping[int, bool]) -> Selection:
        """Drop the contests whose rating changes are empty (unrated), naming them."""
        keep = [c for c in self.chosen if rated.get(c.id, True)]
        dropped = [
            Skipped(c.id, c.name, "unrated: Codeforces published no rating changes")
            for c in self.chosen
            if not rated.get(c.id, True)
        ]
        return Selection(tuple(keep), self.skipped + tuple(dropped))


def select(
    contests: Iterable[Contest],
    *,
    ids: Sequence[int] | None = None,
    divisions: frozenset[str] | None = None,
    after: int | None = None,
) -> Selection:
    """Keep finished contests matching ids, divisions and start date; every other named one gets a reason.

    Contests outside ``ids`` are not mentioned (the user did not ask for them); ids the list does not know
    are reported as skipped.
    """
    wanted = set(ids) if ids is not None else None
    chosen: list[Contest] = []
    skipped: list[Skipped] = []
    seen: set[int] = set()
    for c in sorted(contests, key=lambda c: c.id):
        if wanted is not None and c.id not in wanted:
            continue
        seen.add(c.id)
        if c.name and classify_division(c.name) != c.division:  # e.g. a contest stored by an older version
            c = replace(c, division=classify_division(c.name))
        if c.phase != "FINISHED":
            skipped.append(Skipped(c.id, c.name, f"not finished (phase {c.phase})"))
        elif divisions is not None and c.division not in divisions:
            div = c.division or "unknown"
            skipped.append(Skipped(c.id, c.name, f"division {div} not selected"))
        elif after is not None and (c.start_time is None or c.start_time < after):
            when = "unknown" if c.start_time is None else datetime.fromtimestamp(c.start_time, UTC).date()
            skipped.append(Skipped(c.id, c.name, f"started {when}, before --after"))
        elif c.type is ContestType.IOI:
            skipped.append(Skipped(c.id, c.name, "IOI rules: no Codeforces rating"))
        else:
            chosen.append(c)
    for missing in sorted((wanted or set()) - seen):
        skipped.append(Skipped(missing, "", "not in contest.list (no such contest, or a gym contest)"))
    return Selection(tuple(chosen), tuple(skipped))
