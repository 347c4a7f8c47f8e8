"""Where problems and hidden tests come from, as a user writes it: ``KIND:PATH`` option values.

    --hidden-tests open-r1:DIR        a copy of the open-r1/codeforces dataset (solver.sources.openr1)
    --hidden-tests codecontests:FILE  a DeepMind CodeContests JSONL file
    --hidden-tests dir:DIR            a folder per problem (DIR/<index>/*.in, *.out, optional checker)
    --source open-r1:DIR              problems (statements, samples, limits) from the dataset, offline

Pure: text in, a frozen value out; nothing here looks at the disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from solver.errors import UsageError


class SpecKind(str, Enum):
    OPEN_R1 = "open-r1"
    CODECONTESTS = "codecontests"
    DIR = "dir"


_WHAT = {SpecKind.OPEN_R1: "DIR", SpecKind.CODECONTESTS: "FILE", SpecKind.DIR: "DIR"}
# Spellings people type for the same kind: compared lower-cased, with "_" read as "-".
_ALIASES = {
    "open-r1": SpecKind.OPEN_R1,
    "openr1": SpecKind.OPEN_R1,
    "codecontests": SpecKind.CODECONTESTS,
    "code-contests": SpecKind.CODECONTESTS,
    "dir": SpecKind.DIR,
}
HIDDEN_TESTS_KINDS = frozenset(SpecKind)
SOURCE_KINDS = frozenset({SpecKind.OPEN_R1})  # the only kind that carries statements as well as tests


@dataclass(frozen=True)
class Spec:
    kind: SpecKind
    path: Path

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.path}"


def parse_spec(text: str, *, option: str = "--hidden-tests", kinds: frozenset[SpecKind] = HIDDEN_TESTS_KINDS) -> Spec:
    """``open-r1:DIR`` / ``codecontests:FILE`` / ``dir:DIR`` -> Spec; UsageError naming ``option`` otherwise."""
    accepted = " or ".join(f"{k.value}:{_WHAT[k]}" for k in SpecKind if k in kinds)
    kind_text, sep, path = text.strip().partition(":")
    kind = _ALIASES.get(kind_text.strip().lower().replace("_", "-")) if sep else None
    if kind is None:
        hint = ""
        if not sep or re.fullmatch(r"[A-Za-z]", kind_text.strip()):  # a bare path, or a Windows drive letter
            first = next(k for k in SpecKind if k in kinds)
            hint = f" (prefix the path with its kind, e.g. {first.value}:{text.strip()})"
        raise UsageError(f"{option} {text!r}: expected {accepted}{hint}")
    if kind not in kinds:
        raise UsageError(f"{option} {text!r}: {kind.value} cannot be used here; expected {accepted}")
    if not path.strip():
        raise UsageError(f"{option} {text!r}: the {_WHAT[kind]} after {kind.value}: is missing")
    return Spec(kind, Path(path.strip()))


def parse_hidden_tests_spec(text: str) -> Spec:
    return parse_spec(text, option="--hidden-tests", kinds=HIDDEN_TESTS_KINDS)


def parse_source_spec(text: str) -> Spec:
    return parse_spec(text, option="--source", kinds=SOURCE_KINDS)


MAX_CONTESTS = 5000  # a guard against a typo such as 1-20000 downloading the whole dataset by accident


def parse_contests(text: str, *, option: str = "--contests") -> tuple[int, ...]:
    """``1990-2010``, ``1999``, ``1990-1995,2001`` -> the contest ids, sorted, each once."""
    out: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        m = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", part)
        if not m:
            raise UsageError(f"{option} {text!r}: {part!r} is not a contest id or range (e.g. 1999 or 1990-2010)")
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        if lo < 1 or hi < lo:
            raise UsageError(f"{option} {text!r}: {part!r} is not a range from a lower id to a higher one")
        if hi - lo + 1 > MAX_CONTESTS:
            raise UsageError(f"{option} {text!r}: {part!r} names more than {MAX_CONTESTS} contests")
        out.update(range(lo, hi + 1))
    if len(out) > MAX_CONTESTS:
        raise UsageError(f"{option} {text!r}: more than {MAX_CONTESTS} contests")
    return tuple(sorted(out))
