"""The solve loop's options, shared by every command that solves (solve, contest, rate, practice).

One place turns flags into Config fields and Config into the loop's Settings, so the commands stay in step.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from solver.config import Config
from solver.errors import UsageError
from solver.solve.budget import Budget
from solver.solve.languages import PROMPT_STYLES
from solver.solve.work import Settings


def add_solve_options(p: argparse.ArgumentParser, *, per: str = "problem") -> None:
    """Add --lang, --candidates, --attempts, --token-budget, --wall-time, --stress-tests, --seed."""
    g = p.add_argument_group("solve options")
    g.add_argument("--lang", default=None, choices=sorted(PROMPT_STYLES), help="language of the solutions (cpp17)")
    g.add_argument("--candidates", type=int, default=None, metavar="N", help="candidates drafted in parallel (1)")
    g.add_argument(
        "--attempts",
        type=int,
        default=None,
        metavar="N",
        help=f"solution programs asked of the model per {per}, drafts and repairs (8)",
    )
    g.add_argument(
        "--token-budget",
        type=int,
        default=None,
        dest="token_budget",
        metavar="N",
        help=f"token budget per {per}, prompts and replies of every call (unlimited)",
    )
    g.add_argument(
        "--wall-time",
        type=float,
        default=None,
        dest="wall_time_s",
        metavar="SECONDS",
        help=f"wall-time budget per {per} (unlimited)",
    )
    g.add_argument(
        "--stress-tests",
        type=int,
        default=None,
        dest="stress_tests",
        metavar="K",
        help="seeded random tests against the brute force (200); 0 asks for no stress helper, and a program "
        "that passes the local tests is then 'examples only', not solved",
    )
    g.add_argument("--seed", type=int, default=None, help="seed of generated tests and model sampling (0)")


def settings_from(config: Config) -> Settings:
    if config.candidates < 1 or config.attempts < 1 or config.stress_tests < 0:
        raise UsageError("--candidates and --attempts must be at least 1, --stress-tests at least 0")
    return Settings(
        lang=config.lang,
        candidates=config.candidates,
        stress_tests=config.stress_tests,
        seed=config.seed,
        budget=Budget(attempts=config.attempts, tokens=config.token_budget, wall_s=config.wall_time_s),
    )


def config_json(config: Config) -> dict[str, Any]:
    """The configuration as run.json records it."""
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(config).items()}


def _field(d: Mapping[str, Any], name: str, kind: type, default: Any, optional: bool = False) -> Any:
    """``d[name]`` checked against ``kind`` (an int is a float too); missing: ``default``."""
    if name not in d:
        return default
    v = d[name]
    if v is None and optional:
        return None
    ok = not isinstance(v, bool) and (isinstance(v, kind) or (kind is float and isinstance(v, int)))
    if not ok:
        want = f"{kind.__name__}{' or null' if optional else ''}"
        raise ValueError(f"{name!r} is {json_type(v)}, expected {want}")
    return float(v) if kind is float else v


def json_type(v: Any) -> str:
    return "null" if v is None else {bool: "a boolean", int: "a number", float: "a number", str: "a string",
                                     list: "a list", dict: "an object"}.get(type(v), type(v).__name__)


def settings_from_json(d: Any) -> Settings:
    """The Settings a run recorded (run.json's ``settings``); ValueError says which field is wrong and how."""
    if not isinstance(d, Mapping):
        raise ValueError(f"'settings' is {json_type(d)}, expected an object")
    base, budget = Settings(), Budget()
    b = d.get("budget", {})
    if not isinstance(b, Mapping):
        raise ValueError(f"'settings.budget' is {json_type(b)}, expected an object")
    try:
        spent = Budget(
            attempts=_field(b, "attempts", int, budget.attempts),
            tokens=_field(b, "tokens", int, budget.tokens, optional=True),
            wall_s=_field(b, "wall_s", float, budget.wall_s, optional=True),
        )
    except ValueError as e:
        raise ValueError(f"settings.budget: {e}") from None
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name == "budget":
            continue
        default = getattr(base, f.name)
        values[f.name] = _field(d, f.name, type(default), default)
    settings = Settings(**values, budget=spent)
    if settings.lang not in PROMPT_STYLES or settings.helper_lang not in PROMPT_STYLES:
        raise ValueError(f"unknown language {settings.lang!r} or {settings.helper_lang!r}")
    if settings.candidates < 1 or spent.attempts < 1 or settings.stress_tests < 0:
        raise ValueError("candidates and budget.attempts must be at least 1, stress_tests at least 0")
    return settings
