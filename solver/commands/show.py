"""`python -m solver show`: not built yet."""

from __future__ import annotations

import argparse
from typing import Any

from solver.config import Config
from solver.errors import UsageError


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser("show", parents=[parent], help="(not built yet)")
    p.set_defaults(func=run)


async def run(args: argparse.Namespace, config: Config) -> int:
    raise UsageError("'show' is not built yet")
