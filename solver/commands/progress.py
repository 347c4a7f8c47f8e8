"""`python -m solver progress`: practice progress over time, by rating and tag, with hints or unaided."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from solver.config import Config
from solver.practice.progress import Progress, Split, compute, practice_events
from solver.practice.text import plural


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "progress",
        parents=[parent],
        help="your practice progress: solved problems over time, by rating and tag, with hints or unaided",
    )
    p.add_argument("--period", choices=("day", "week", "month"), default="month", help="time buckets")
    p.set_defaults(func=run)


async def run(args: argparse.Namespace, config: Config) -> int:
    progress = compute(practice_events(config.runs), args.period)
    if config.json:
        sys.stdout.write(json.dumps(progress.to_json(), indent=2) + "\n")
        return 0
    show(progress, Console(), config.runs)
    return 0


def _split_table(title: str, key: str, rows: tuple[tuple[str, Split], ...]) -> Table:
    t = Table(title=title)
    t.add_column(key)
    t.add_column("unaided", justify="right", style="green")
    t.add_column("with hints", justify="right", style="yellow")
    t.add_column("total", justify="right")
    for k, v in rows:
        t.add_row(k, str(v.unaided), str(v.with_hints), str(v.total))
    return t


def show(p: Progress, console: Console, runs: Path) -> None:
    if not p.solves and not p.attempted:
        console.print(f"no practice history in {runs} yet: start with `python -m solver practice --rating R`")
        return
    total = p.totals
    console.print(
        f"[bold]{plural(total.total, 'problem')}[/] solved ([green]{total.unaided} unaided[/], "
        f"[yellow]{total.with_hints} with hints[/]) of {p.attempted} attempted; {plural(p.hints, 'hint')} taken"
    )
    if p.solves:
        console.print(_split_table("solved over time", "period", p.by_period))
        console.print(_split_table("by problem rating", "rating", p.by_rating))
        console.print(_split_table("by tag", "tag", p.by_tag))
        t = Table(title="solved problems")
        for col in ("when", "problem", "rating", "hints", "tests run"):
            t.add_column(col)
        for s in p.solves:
            hint = "unaided" if not s.aided else f"up to level {s.hint_level}"
            when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(s.at))
            t.add_row(when, f"{s.problem} {s.name}", str(s.rating or "-"), hint, str(s.attempts))
        console.print(t)
    if p.contests:
        t = Table(title="virtual contests against the bot")
        for col in ("when", "contest", "your performance", "bot's performance"):
            t.add_column(col)
        for c in p.contests:
            when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(c.at))
            t.add_row(
                when,
                str(c.contest),
                str(c.you if c.you is not None else "-"),
                str(c.bot if c.bot is not None else "-"),
            )
        console.print(t)
