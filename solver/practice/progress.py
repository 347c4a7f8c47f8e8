"""The user's progress, from the practice history in the run store (pure over events).

A problem counts as solved when every local test passed (`solved` event), unless a counterexample later
showed that program wrong (`unsolved`); then the next `solved` counts. It counts as solved with hints when
any hint for it was shown before that moment, in any session; otherwise unaided.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solver.errors import StoreError
from solver.runstore import Event, Run

PRACTICE_COMMAND = "practice"


@dataclass(frozen=True)
class Solve:
    problem: str
    name: str
    rating: int | None
    tags: tuple[str, ...]
    at: float  # unix seconds
    hint_level: int  # highest hint level seen before solving; 0 = unaided
    attempts: int

    @property
    def aided(self) -> bool:
        return self.hint_level > 0


@dataclass(frozen=True)
class Split:
    unaided: int = 0
    with_hints: int = 0

    @property
    def total(self) -> int:
        return self.unaided + self.with_hints

    def add(self, s: Solve) -> Split:
        return Split(self.unaided + (not s.aided), self.with_hints + s.aided)


@dataclass(frozen=True)
class VcLine:
    contest: int
    at: float
    you: int | None  # performance rating
    bot: int | None


@dataclass(frozen=True)
class Progress:
    solves: tuple[Solve, ...]
    attempted: int  # problems opened at least once
    hints: int  # hints shown, all levels
    by_period: tuple[tuple[str, Split], ...]
    by_rating: tuple[tuple[str, Split], ...]
    by_tag: tuple[tuple[str, Split], ...]
    contests: tuple[VcLine, ...] = field(default_factory=tuple)

    @property
    def totals(self) -> Split:
        total = Split()
        for s in self.solves:
            total = total.add(s)
        return total

    def to_json(self) -> dict[str, Any]:
        def splits(rows: tuple[tuple[str, Split], ...]) -> list[dict[str, Any]]:
            return [{"key": k, "unaided": v.unaided, "with_hints": v.with_hints} for k, v in rows]

        return {
            "solved": [
                {
                    "problem": s.problem,
                    "name": s.name,
                    "rating": s.rating,
                    "tags": list(s.tags),
                    "at": s.at,
                    "hint_level": s.hint_level,
                    "attempts": s.attempts,
                }
                for s in self.solves
            ],
            "attempted": self.attempted,
            "hints": self.hints,
            "totals": {"unaided": self.totals.unaided, "with_hints": self.totals.with_hints},
            "by_period": splits(self.by_period),
            "by_rating": splits(self.by_rating),
            "by_tag": splits(self.by_tag),
            "virtual_contests": [
                {"contest": c.contest, "at": c.at, "you": c.you, "bot": c.bot} for c in self.contests
            ],
        }


def period_of(ts: float, period: str) -> str:
    t = time.gmtime(ts)
    if period == "day":
        return time.strftime("%Y-%m-%d", t)
    if period == "week":
        y, w, _ = datetime.date(t.tm_year, t.tm_mon, t.tm_mday).isocalendar()
        return f"{y}-W{w:02d}"
    return time.strftime("%Y-%m", t)


def compute(events: Iterable[Event], period: str = "month") -> Progress:
    """Aggregate the practice events of every session (in any order) into the user's progress."""
    ordered = sorted(events, key=lambda e: (e.ts, e.seq))
    hint_at: dict[str, list[tuple[float, int]]] = defaultdict(list)
    opened: set[str] = set()
    first_solve: dict[str, Event] = {}
    hints = 0
    contests: list[VcLine] = []
    for e in ordered:
        pid = str(e.get("problem", ""))
        if e.type == "problem" and pid:
            opened.add(pid)
        elif e.type == "hint" and pid:
            hints += 1
            hint_at[pid].append((e.ts, int(e.get("level", 0))))
        elif e.type == "solved" and pid and pid not in first_solve:
            first_solve[pid] = e
        elif e.type == "unsolved" and pid:
            first_solve.pop(pid, None)  # a counterexample showed the accepted program wrong
        elif e.type == "vc_result":
            sides = e.get("sides", {}) or {}
            contests.append(
                VcLine(
                    int(e.get("contest", 0)),
                    e.ts,
                    (sides.get("you") or {}).get("performance"),
                    (sides.get("bot") or {}).get("performance"),
                )
            )
    solves = []
    for pid, e in first_solve.items():
        before = [lv for ts, lv in hint_at.get(pid, []) if ts <= e.ts]
        level = max([int(e.get("hints", 0) or 0), *before])
        rating = e.get("rating")
        solves.append(
            Solve(
                pid,
                str(e.get("name", "")),
                int(rating) if rating is not None else None,
                tuple(e.get("tags", []) or ()),
                e.ts,
                level,
                int(e.get("attempts", 0) or 0),
            )
        )
    solves.sort(key=lambda s: s.at)
    by_period: dict[str, Split] = defaultdict(Split)
    by_rating: dict[str, Split] = defaultdict(Split)
    by_tag: dict[str, Split] = defaultdict(Split)
    for s in solves:
        by_period[period_of(s.at, period)] = by_period[period_of(s.at, period)].add(s)
        key = str(s.rating) if s.rating is not None else "unrated"
        by_rating[key] = by_rating[key].add(s)
        for tag in s.tags or ("(no tags)",):
            by_tag[tag] = by_tag[tag].add(s)
    rating_order = sorted(
        by_rating.items(), key=lambda kv: (kv[0] == "unrated", int(kv[0]) if kv[0].isdigit() else 0)
    )
    tag_order = sorted(by_tag.items(), key=lambda kv: (-kv[1].total, kv[0]))
    return Progress(
        solves=tuple(solves),
        attempted=len(opened | set(first_solve)),
        hints=hints,
        by_period=tuple(sorted(by_period.items())),
        by_rating=tuple(rating_order),
        by_tag=tuple(tag_order),
        contests=tuple(contests),
    )


def practice_events(runs: Path) -> list[Event]:
    """Every event of every practice session under ``runs`` (other runs are skipped)."""
    events: list[Event] = []
    if not runs.is_dir():
        return events
    for folder in sorted(runs.iterdir()):
        if not (folder / "run.json").is_file():
            continue
        run = Run(folder)
        try:
            meta = run.meta()
        except StoreError:
            continue  # a broken run folder is its own command's business; it must not hide the progress
        if meta.get("command") == PRACTICE_COMMAND:
            events.extend(run.events())
    return events
