"""Command line: ``python -m solver COMMAND``.

Commands live one per module in ``solver/commands``; each exposes ``register(subparsers)`` that adds its
parser and sets ``func`` (an ``async def run(args, config) -> int``). The list below is the one explicit
registry: no command registers itself by being imported.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from solver import __version__
from solver.config import Config, load_config
from solver.errors import SolverError

COMMANDS = (
    "fetch",
    "show",
    "import_",
    "models",
    "ask",
    "solve",
    "contest",
    "rate",
    "rating",
    "practice",
    "progress",
    "tests_fetch",
)


def common_parser() -> argparse.ArgumentParser:
    """Options every command takes; flags left unset (None) do not override file or environment."""
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("common options")
    g.add_argument("--store", type=Path, default=None, help="problem store directory (default: problems/)")
    g.add_argument("--runs", type=Path, default=None, help="run store directory (default: runs/)")
    g.add_argument(
        "--base-url",
        action="append",
        dest="base_urls",
        default=None,
        metavar="URL",
        help="where Codeforces is reached; repeat for mirrors, tried in order",
    )
    g.add_argument("--api-url", default=None, help="Codeforces API root (default: BASE/api)")
    g.add_argument("--json", action="store_true", default=None, help="machine-readable output on stdout")
    g.add_argument("--offline", action="store_true", default=None, help="use the store only, never the network")
    g.add_argument("--config", type=Path, default=None, help="TOML configuration file")
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m solver",
        description="Fetch Codeforces problems, solve them with a local model, judge in a sandbox, rate.",
    )
    parser.add_argument("--version", action="version", version=f"cp-solver {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parent = common_parser()
    for name in COMMANDS:
        module = importlib.import_module(f"solver.commands.{name}")
        module.register(sub, parent)
    return parser


_CONFIG_FLAGS = ("store", "runs", "base_urls", "api_url", "json", "offline")


def config_from_args(args: argparse.Namespace) -> Config:
    flags: dict[str, Any] = {k: getattr(args, k, None) for k in _CONFIG_FLAGS}
    for k in ("model", "backend", "hosts", "lang", "candidates", "attempts", "seed", "image", "workers",
              "refresh", "source", "num_ctx", "max_tokens", "token_budget", "wall_time_s", "stress_tests", "sandbox"):
        if hasattr(args, k):
            flags[k] = getattr(args, k)
    if flags.get("base_urls") and not flags.get("api_url"):
        flags["api_url"] = flags["base_urls"][0].rstrip("/") + "/api"
    return load_config(flags=flags, file=getattr(args, "config", None))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    err = Console(stderr=True)
    try:
        config = config_from_args(args)
        result: int = asyncio.run(args.func(args, config))
        return result
    except SolverError as e:
        err.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False, soft_wrap=True)
        return e.exit_code
    except KeyboardInterrupt:
        err.print("interrupted; the run can be resumed (see --resume)")
        return 130


if __name__ == "__main__":
    sys.exit(main())
