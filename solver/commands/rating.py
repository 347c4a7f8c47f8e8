"""`python -m solver rating replay FILE...`: recompute real rating changes and performances.

Each FILE is a standings-with-ratings rows file (carrot's ``*-data.json`` rows, or objects with handle,
rank/points/penalty, oldRating, newRating) or a ``contest.ratingChanges`` API response. Prints how many
rows match the real changes and the performance ratings; ``--json`` prints everything as JSON.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from solver.config import Config
from solver.errors import UsageError
from solver.rating.replay import KINDS, ReplayFormatError, ReplayReport, parse_replay, replay

SHOWN_ROWS = 20


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("rating", help="Codeforces rating tools (replay a real contest's rating changes)")
    inner = p.add_subparsers(dest="rating_command", required=True, metavar="ACTION")
    r = inner.add_parser(
        "replay",
        parents=[parent],
        help="recompute a contest's rating changes and performances from a standings-with-ratings file",
    )
    r.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="rows file (*-data.json) or contest.ratingChanges response",
    )
    r.add_argument("--contest-id", type=int, default=None, help="contest id (default: from the file)")
    r.add_argument(
        "--perf",
        choices=("fast", "exact", "none"),
        default="fast",
        help="performance ratings: fast (adjustment held fixed; default), exact (the reference definition: "
        "about 1.5 s for 1,250 rows, a minute for 15,000), none",
    )
    r.add_argument("--rows", type=int, default=SHOWN_ROWS, help="table rows to show (0: all)")
    p.set_defaults(func=run)


def load(path: Path, contest_id: int | None) -> Any:
    """One file's rows; a file replay cannot read is a usage error naming what replay reads."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a directory; {KINDS}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not a text file; {KINDS}") from None
    except OSError as e:
        raise UsageError(f"{path} cannot be read ({e.strerror or e})") from None
    if not text.strip():
        raise UsageError(f"{path} is empty; {KINDS}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise UsageError(f"{path} is not JSON ({e}); {KINDS}") from None
    try:
        return parse_replay(data, path.name, contest_id)
    except ReplayFormatError as e:
        raise UsageError(f"{path}: {e}; {KINDS}") from None


def _perf(p: float | None) -> str:
    if p is None:
        return "-"
    return "∞" if math.isinf(p) else f"{p:.0f}"


def render(report: ReplayReport, name: str, console: Console, rows: int) -> None:
    rate = report.match_rate
    contest = f"contest {report.contest_id}" if report.contest_id is not None else "contest ?"
    summary = f"{contest} ({name}): {report.matched}/{report.compared} rating changes match" + (
        f" ({rate:.2%})" if rate is not None else ""
    )
    if report.inferred:
        summary += f"; {report.matched_without_inference} without inferred histories"
    # File names, notes and handles are printed as written (markup=False / escape): brackets stay.
    console.print(summary, style="bold green" if rate == 1.0 else "bold yellow", highlight=False, markup=False)
    console.print(
        "2020 displayed/internal rating correction: "
        + (f"applied ({report.new_accounts} new accounts)" if report.new_system else "not applicable"),
        highlight=False,
    )
    for note in report.notes:
        console.print(f"note: {note}", style="dim", highlight=False, markup=False)
    table = Table(title=None, show_lines=False)
    for col, just in (
        ("rank", "right"),
        ("handle", "left"),
        ("old", "right"),
        ("delta", "right"),
        ("real", "right"),
        ("", "left"),
        ("performance", "right"),
    ):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    shown = report.rows if rows <= 0 else report.rows[:rows]
    for r in shown:
        mark = "" if r.matches is None else ("ok" if r.matches else "DIFF")
        if r.history_inferred:
            mark += " (k?)"
        table.add_row(
            str(r.rank),
            escape(r.handle),
            str(r.old_rating),
            f"{r.delta:+d}",
            "-" if r.real_delta is None else f"{r.real_delta:+d}",
            mark,
            _perf(r.performance),
        )
    console.print(table)
    if len(shown) < len(report.rows):
        console.print(f"... {len(report.rows) - len(shown)} more rows (--rows 0 shows all)", style="dim")
    mismatched = [r for r in report.rows if r.matches is False]
    if mismatched:
        first = ", ".join(f"{r.handle} ({r.delta:+d} vs {r.real_delta:+d})" for r in mismatched[:5])
        console.print(
            f"mismatches: {len(mismatched)}; first: {first}", style="yellow", highlight=False, markup=False
        )


async def run(args: argparse.Namespace, config: Config) -> int:
    if args.rows < 0:
        raise UsageError("--rows must be 0 (all) or a positive number")
    reports = [(path, replay(load(path, args.contest_id), args.perf)) for path in args.files]
    if config.json:
        out = [dict(rep.to_json(), file=str(path)) for path, rep in reports]
        sys.stdout.write(json.dumps(out if len(out) > 1 else out[0], indent=1) + "\n")
    else:
        console = Console()
        for path, rep in reports:
            render(rep, path.name, console, args.rows)
    all_match = all(rep.match_rate in (None, 1.0) for _, rep in reports)
    return 0 if all_match else 1
