"""How to make a failing stress input smaller. Pure decisions; the stress stage runs the programs.

Two steps, as a person would: first a smaller generator size parameter (the smallest size at which any seed
fails), then, for a multi-test input (the number of test cases ``t`` alone on the first line), removing test
cases while the input still fails. Where the cases begin is not written in the input, so ``case_splits``
proposes the usual layouts and the caller keeps the first one the model's validator accepts case by case.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

MAX_SIZE = 10  # the generator's size parameter runs 1..MAX_SIZE


@dataclass(frozen=True)
class Probe:
    """One generator call: its seed and size parameter."""

    seed: int
    size: int


def derive_seed(run_seed: int, *parts: object) -> int:
    """A stable 31-bit seed from the run's seed and a path of names (same run seed => same tests)."""
    h = hashlib.sha256(repr((run_seed, *parts)).encode()).digest()
    return int.from_bytes(h[:4], "big") & 0x7FFFFFFF


def stress_plan(count: int, run_seed: int, problem: str) -> list[Probe]:
    """``count`` probes cycling through every size, so the smallest failing size shows up on its own."""
    return [Probe(derive_seed(run_seed, problem, "stress", i), 1 + i % MAX_SIZE) for i in range(count)]


def smaller_probes(size: int, run_seed: int, problem: str, per_size: int = 12) -> list[Probe]:
    """Extra probes at every size below ``size``, smallest first, for the size step of shrinking."""
    return [Probe(derive_seed(run_seed, problem, "shrink", s, k), s) for s in range(1, size) for k in range(per_size)]


def smallest_failure(failures: Sequence[tuple[Probe, str]]) -> tuple[Probe, str]:
    """The failure to shrink further: smallest size, then the shortest input, then the first."""
    return min(failures, key=lambda f: (f[0].size, len(f[1])))


# ---- multi-test inputs

def _int(tokens: list[str], i: int) -> int | None:
    try:
        return int(tokens[i])
    except (IndexError, ValueError):
        return None


_LAYOUTS: tuple[tuple[str, Callable[[list[str]], int | None]], ...] = (
    ("one line per case", lambda tok: 0),
    ("header + n lines", lambda tok: _int(tok, 0)),
    ("header + m lines", lambda tok: _int(tok, 1)),
    ("header + n-1 lines", lambda tok: None if _int(tok, 0) is None else max(0, (_int(tok, 0) or 0) - 1)),
    (
        "header + n+m lines",
        lambda tok: None if _int(tok, 0) is None or _int(tok, 1) is None else (_int(tok, 0) or 0) + (_int(tok, 1) or 0),
    ),
)


def _header(text: str) -> tuple[int, list[str]] | None:
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    first = lines[0].split()
    if len(first) != 1 or not first[0].isdigit():
        return None
    t = int(first[0])
    if t < 1 or t > len(lines) - 1:
        return None
    return t, lines[1:]


def case_splits(text: str) -> Iterator[list[str]]:
    """Plausible ways to cut a multi-test input into its ``t`` cases (each case as text), most usual first."""
    parsed = _header(text)
    if parsed is None:
        return
    t, body = parsed
    seen: set[tuple[int, ...]] = set()
    if len(body) % t == 0:
        k = len(body) // t
        cuts = tuple(range(0, len(body) + 1, k))
        seen.add(cuts)
        yield ["\n".join(body[c : c + k]) + "\n" for c in cuts[:-1]]
    for _name, extra in _LAYOUTS:
        pos = 0
        starts: list[int] = []
        ok = True
        for _ in range(t):
            if pos >= len(body):
                ok = False
                break
            more = extra(body[pos].split())
            if more is None:
                ok = False
                break
            starts.append(pos)
            pos += 1 + more
        if not ok or pos != len(body):
            continue
        cuts = (*starts, len(body))
        if cuts in seen:
            continue
        seen.add(cuts)
        yield ["\n".join(body[a:b]) + "\n" for a, b in itertools.pairwise(cuts)]


def join_cases(cases: Sequence[str]) -> str:
    return f"{len(cases)}\n" + "".join(cases)


def removals(n: int) -> Iterator[list[int]]:
    """Subsets of case indices to keep, trying to drop big chunks first (delta debugging's complements)."""
    chunk = n // 2
    while chunk >= 1:
        for start in range(0, n, chunk):
            keep = [i for i in range(n) if not start <= i < start + chunk]
            if keep:
                yield keep
        chunk //= 2
