"""Configuration, layered: defaults < file < environment < command-line flags.

The result is one frozen Config passed explicitly to whatever needs it; nothing reads settings globally.
File: ``--config FILE`` or ``$SOLVER_CONFIG`` or ``./solver.toml`` (TOML, keys as the field names below).
Environment: ``SOLVER_<FIELD>`` upper-cased (e.g. SOLVER_STORE, SOLVER_MODEL), and ``OLLAMA_HOST``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from solver.errors import UsageError

DEFAULT_BASE_URLS = ("https://codeforces.com",)
DEFAULT_API_URL = "https://codeforces.com/api"


@dataclass(frozen=True)
class Config:
    store: Path = Path("problems")
    runs: Path = Path("runs")
    base_urls: tuple[str, ...] = DEFAULT_BASE_URLS
    api_url: str = DEFAULT_API_URL
    offline: bool = False
    refresh: bool = False
    source: str = "codeforces"  # where problems missing from the store come from: codeforces or open-r1:DIR
    json: bool = False
    # model layer
    backend: str = "ollama"
    model: str = "gemma4:31b"
    hosts: tuple[str, ...] = ("http://127.0.0.1:11434",)
    num_ctx: int | None = None
    slots_per_host: int = 1
    max_tokens: int | None = None  # output budget of one reply, thinking included (num_predict); `ask`
    # judge
    sandbox: str = "docker"
    image: str = "cp-solver-judge:latest"
    workers: int = 2
    # solve loop
    lang: str = "cpp17"
    candidates: int = 1
    attempts: int = 8
    stress_tests: int = 200
    token_budget: int | None = None  # per problem: prompts and replies of every model call together
    wall_time_s: float | None = None
    seed: int = 0


_TUPLE_FIELDS = {"base_urls", "hosts"}


def _coerce(name: str, value: Any, default: Any) -> Any:
    if name in _TUPLE_FIELDS:
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        return tuple(value)
    if isinstance(default, Path) or name in {"store", "runs"}:
        return Path(value)
    if isinstance(default, bool):
        if isinstance(value, str):
            return value.strip().lower() in {"1", "true", "yes", "on"}
        return bool(value)
    try:
        if isinstance(default, int) or name in {"num_ctx", "max_tokens", "token_budget"}:
            return int(value)
        if isinstance(default, float) or name == "wall_time_s":
            return float(value)
    except (TypeError, ValueError):
        raise UsageError(f"configuration {name}={value!r} is not a number") from None
    return value


def _apply(cfg: Config, values: Mapping[str, Any], where: str) -> Config:
    known = {f.name: f for f in fields(Config)}
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if key not in known:
            raise UsageError(f"unknown configuration key {key!r} in {where} (known: {', '.join(sorted(known))})")
        changes[key] = _coerce(key, value, getattr(cfg, key))
    return replace(cfg, **changes)


def load_config(
    flags: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    file: Path | None = None,
) -> Config:
    """Build the Config: defaults, then the file, then the environment, then flags (None = not given)."""
    env = os.environ if env is None else env
    cfg = Config()
    path = file or (Path(env["SOLVER_CONFIG"]) if env.get("SOLVER_CONFIG") else None)
    if path is None and Path("solver.toml").is_file():
        path = Path("solver.toml")
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UsageError(f"config file {path} does not exist") from None
        except tomllib.TOMLDecodeError as e:
            raise UsageError(f"config file {path} is not valid TOML: {e}") from None
        cfg = _apply(cfg, data, str(path))
    env_values: dict[str, Any] = {}
    for f in fields(Config):
        v = env.get(f"SOLVER_{f.name.upper()}")
        if v is not None:
            env_values[f.name] = v
    if env.get("OLLAMA_HOST") and "hosts" not in env_values:
        host = env["OLLAMA_HOST"]
        env_values["hosts"] = host if "://" in host else f"http://{host}"
    cfg = _apply(cfg, env_values, "the environment")
    return _apply(cfg, dict(flags or {}), "the command line")


__all__ = ["Config", "field", "load_config"]
