"""Command line: ``python -m solver COMMAND``.

Commands live one per module in ``solver/commands``; each exposes ``register(subparsers)`` that adds its
parser and sets ``func`` (an ``async def run(args, config) -> int``). The list below is the one explicit
registry: no command registers itself by being imported.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import signal
import sys
import threading
import time
from collections.abc import Coroutine, Sequence
from pathlib import Path
from types import FrameType
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
    "judge",
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


class Interrupts:
    """Ctrl-C (SIGINT) and SIGTERM end a command the way one Ctrl-C does, however many arrive.

    The first signal cancels the command's main task, so its ``finally`` blocks and context managers clean
    up (judge containers removed, files closed, the run left resumable); signals that follow within
    ``grace_s`` are ignored, since a second Ctrl-C would otherwise abort that cleanup half-way with a
    traceback (asyncio raises KeyboardInterrupt on the second one). After the grace period a further signal
    ends the process at once, for a cleanup that hangs. Once a signal was received the handlers stay
    installed as "ignore" until the process exits: a late Ctrl-C must not break into the interpreter's join
    of worker threads ("Exception ignored in: <module 'threading'>").
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, grace_s: float = 10.0) -> None:
        self.grace_s = grace_s
        self.received: int | None = None
        self._at = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[Any] | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> Interrupts:
        if threading.current_thread() is threading.main_thread():  # signal handlers live in the main thread
            for sig in self.SIGNALS:
                self._previous[sig] = signal.signal(sig, self._on_signal)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous if self.received is None else signal.SIG_IGN)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if self.received is not None:
            if time.monotonic() - self._at > self.grace_s:
                os._exit(128 + self.received)  # the cleanup hangs and the user insists
            return
        self.received, self._at = signum, time.monotonic()
        if self._task is None or self._loop is None:
            raise KeyboardInterrupt  # the command has not started: nothing to clean up
        if not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._task.cancel)

    async def run(self, command: Coroutine[Any, Any, int]) -> int:
        """Run ``command`` as the task the first signal cancels."""
        self._loop, self._task = asyncio.get_running_loop(), asyncio.current_task()
        return await command


def interrupted_message(signum: int, args: argparse.Namespace) -> str:
    what = "interrupted" if signum == signal.SIGINT else f"stopped by {signal.Signals(signum).name}"
    if not hasattr(args, "resume"):
        return what
    run = args.resume or "RUN"
    hint = "" if args.resume else " (the run folder is printed above)"
    return f"{what}; resume with `python -m solver {args.command} --resume {run}`{hint}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    err = Console(stderr=True)
    with Interrupts() as interrupts:
        try:
            config = config_from_args(args)
            result: int = asyncio.run(interrupts.run(args.func(args, config)))
        except (KeyboardInterrupt, asyncio.CancelledError):
            if interrupts.received is None:
                interrupts.received = signal.SIGINT  # raised where our handler was not installed
        except SolverError as e:
            if interrupts.received is None:  # else the error is the interruption's doing: say that instead
                err.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False, soft_wrap=True)
                return e.exit_code
        if interrupts.received is not None:
            err.print(interrupted_message(interrupts.received, args), highlight=False, soft_wrap=True, markup=False)
            return 128 + interrupts.received  # 130 for SIGINT, 143 for SIGTERM, as shells report them
        return result


if __name__ == "__main__":
    sys.exit(main())
