"""Budgets per problem (attempts, tokens, wall time) and why the loop stopped. Pure except the clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class Stop(StrEnum):
    """Why the loop stopped for a problem."""

    SOLVED = "solved"  # a candidate passed every local test, random stress tests among them
    # A candidate passed the examples (and the inputs derived from them) but met no random stress test (no
    # working brute force or generator, or --stress-tests 0): weaker evidence than SOLVED, reported apart.
    EXAMPLES_ONLY = "examples_only"
    ATTEMPTS = "attempts"  # the attempt budget was spent
    TOKENS = "tokens"  # the token budget was spent
    WALL_TIME = "wall_time"  # the wall-time budget was spent
    UNJUDGEABLE = "unjudgeable"  # the problem cannot be judged locally (the reason says why)
    # Only in runs written before model errors left the problem unfinished; the run index retries those.
    MODEL_ERROR = "model_error"

    @property
    def text(self) -> str:
        return {
            Stop.SOLVED: "solved",
            Stop.EXAMPLES_ONLY: "passes the examples only (no stress test ran)",
            Stop.ATTEMPTS: "attempt budget spent",
            Stop.TOKENS: "token budget spent",
            Stop.WALL_TIME: "wall-time budget spent",
            Stop.UNJUDGEABLE: "cannot be judged locally",
            Stop.MODEL_ERROR: "the model failed",
        }[self]


@dataclass(frozen=True)
class Budget:
    attempts: int = 8  # solution programs asked of the model (drafts + repairs), all candidates together
    tokens: int | None = None  # prompt + output tokens of every model call for the problem
    wall_s: float | None = None


@dataclass
class Spending:
    """What a problem has spent so far; the orchestrator owns it and asks ``exhausted`` between steps."""

    budget: Budget
    clock: Callable[[], float] = time.monotonic
    attempts: int = 0
    tokens: int = 0
    started: float = field(default=0.0)

    def __post_init__(self) -> None:
        self.started = self.clock()

    @property
    def elapsed(self) -> float:
        return self.clock() - self.started

    def remaining_wall(self) -> float | None:
        return None if self.budget.wall_s is None else max(0.0, self.budget.wall_s - self.elapsed)

    def tokens_left(self) -> int | None:
        """The token budget not yet spent (None: unlimited); each reply's cap is lowered to it."""
        return None if self.budget.tokens is None else max(0, self.budget.tokens - self.tokens)

    def exhausted(self) -> Stop | None:
        """The first budget spent (tokens before time before attempts), or None."""
        if self.budget.tokens is not None and self.tokens >= self.budget.tokens:
            return Stop.TOKENS
        if self.budget.wall_s is not None and self.elapsed >= self.budget.wall_s:
            return Stop.WALL_TIME
        if self.attempts >= self.budget.attempts:
            return Stop.ATTEMPTS
        return None
