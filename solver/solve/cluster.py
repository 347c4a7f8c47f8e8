"""Choosing among candidates that pass every local test: by behaviour, not by looks. Pure.

All passing candidates run on the same generated inputs; candidates whose outputs agree on every input form
a cluster, and the pick comes from the largest cluster (independent programs agreeing is evidence of
correctness). Ties go to the candidate drafted first, so the choice is reproducible.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def normalize(output: str) -> str:
    """Outputs compared as Codeforces' default checker does: whitespace-separated tokens."""
    return " ".join(output.split())


def clusters(outputs: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Candidate names grouped by identical (normalized) outputs, largest group first, then first-seen."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for name, outs in outputs.items():
        groups.setdefault(tuple(normalize(o) for o in outs), []).append(name)
    order = list(outputs)
    return sorted(groups.values(), key=lambda g: (-len(g), order.index(g[0])))


def choose(outputs: Mapping[str, Sequence[str]]) -> str:
    """The first candidate of the largest cluster; raises ValueError when there is nothing to choose."""
    if not outputs:
        raise ValueError("no candidates to choose from")
    return clusters(outputs)[0][0]
