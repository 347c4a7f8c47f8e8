"""The one explicit registry of seams, chosen by name.

Factories import their implementation lazily, so importing this module has no side effects and
does not pull in docker, ollama or aiohttp until a seam is actually used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from solver.errors import UsageError


def _lazy(module: str, attr: str) -> Callable[..., Any]:
    def factory(*args: Any, **kwargs: Any) -> Any:
        import importlib

        return getattr(importlib.import_module(module), attr)(*args, **kwargs)

    factory.__qualname__ = f"{module}.{attr}"
    return factory


MODEL_BACKENDS: dict[str, Callable[..., Any]] = {
    "ollama": _lazy("solver.llm.ollama_backend", "OllamaBackend"),
    "openai": _lazy("solver.llm.openai_backend", "OpenAIBackend"),
}

SANDBOX_BACKENDS: dict[str, Callable[..., Any]] = {
    "docker": _lazy("sandbox.docker_backend", "DockerBackend"),
    "local": _lazy("sandbox.local_backend", "LocalBackend"),
}

# Where problems the store lacks come from (--source NAME or NAME:DIR); each factory takes
# (path, pages=PageFetcher | None) and returns a solver.sources.problem_sources.ProblemSource.
PROBLEM_SOURCES: dict[str, Callable[..., Any]] = {
    "codeforces": _lazy("solver.sources.problem_sources", "codeforces_pages"),
    "open-r1": _lazy("solver.sources.problem_sources", "open_r1"),
}

RATING_METHODS: dict[str, Callable[..., Any]] = {
    "codeforces": _lazy("solver.rating.codeforces", "CodeforcesRating"),
}


def pick(registry: dict[str, Callable[..., Any]], name: str, what: str) -> Callable[..., Any]:
    try:
        return registry[name]
    except KeyError:
        raise UsageError(f"unknown {what} {name!r}; choose one of: {', '.join(sorted(registry))}") from None
