"""The round's judging rules: what a contestant's submission is judged on during the round, and after it.

Codeforces runs two kinds of rated rounds, told apart by the division the contest's name states
(``solver.divisions.classify_division``, the one classifier):

- Codeforces rules (Div. 1, Div. 2, Div. 1 + 2, Global rounds): during the round a submission is judged on
  pretests only; the last submission that passed them is system-tested on every test once the round ends,
  and a failure there scores 0 for the problem, with no further submission. Test packs do not mark which
  tests are pretests, so the first ``pretests`` tests of the official order (the examples come first) are
  taken as pretests.
- ICPC rules (Educational, Div. 3, Div. 4): every test during the round; each rejected attempt costs a
  penalty, except a compilation error or a failure on the first test.

A name that states no division falls back to the contest's scoring type (``CF`` or ``ICPC``), which the
two kinds share. Hacks are modelled by neither: no hacking phase, no hacks added to the tests.

Pure: a contest in, a frozen value out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from solver.divisions import classify_division
from solver.problem import Contest, ContestType

DEFAULT_PRETESTS = 10
CF_RULES_DIVISIONS = frozenset({"1", "2", "1+2", "global"})
ICPC_RULES_DIVISIONS = frozenset({"edu", "3", "4"})

HACKS_NOTE = (
    "Hacks are not modelled: no hacking phase, no successful hacks added to the tests, no points won or "
    "lost by hacking."
)


@dataclass(frozen=True)
class RoundRules:
    kind: Literal["CF", "ICPC"]
    pretests: int | None  # CF rules: how many of the first tests are pretests; ICPC: None (every test)

    def pretest_count(self, tests: int) -> int | None:
        """How many of a pack's ``tests`` a submission is judged on during the round (None: all of them)."""
        if self.pretests is None or self.pretests >= tests:
            return None
        return self.pretests

    def describe(self) -> str:
        if self.kind == "CF":
            return (
                f"Codeforces rules: during the round a submission is judged on pretests only (the first "
                f"{self.pretests} tests of the official order, examples included: packs do not mark "
                "pretests); the last submission that passed pretests is system-tested on every test after "
                "the round, and a failure there scores 0 for the problem with no further submission; the "
                "bot is told only pretest verdicts."
            )
        return (
            "ICPC rules: every test during the round; a penalty for each rejected attempt, none for a "
            "compilation error or a failure on the first test."
        )

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "pretests": self.pretests}

    @staticmethod
    def from_json(d: object) -> RoundRules | None:
        if not isinstance(d, dict) or d.get("kind") not in ("CF", "ICPC"):
            return None
        p = d.get("pretests")
        return RoundRules(d["kind"], None if p is None else int(p))


def round_rules(contest: Contest, pretests: int = DEFAULT_PRETESTS) -> RoundRules:
    """The judging rules of ``contest``: by the division its name states, else by its scoring type."""
    if pretests < 1:
        raise ValueError("the number of pretests must be at least 1")
    division = classify_division(contest.name) or contest.division
    if division in CF_RULES_DIVISIONS:
        return RoundRules("CF", pretests)
    if division in ICPC_RULES_DIVISIONS:
        return RoundRules("ICPC", None)
    return RoundRules("CF", pretests) if contest.type is ContestType.CF else RoundRules("ICPC", None)
