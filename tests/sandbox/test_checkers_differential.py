"""Differential test: the project's checkers (sandbox.checkers) against the real testlib checkers, compiled.

Each of our kinds follows one testlib checker: TOKENS wcmp, NUMBERS rcmp4/rcmp6/rcmp9 (eps 1e-4/1e-6/1e-9),
YESNO nyesno (on YES/NO answers), LINES lcmp. The real sources from ``../shared/testlib/checkers`` (read in
place) are compiled once, as one program: each checker's text inside its own namespace, and a ``main`` that
runs the one the test's input names (these checkers never read the input otherwise). Seeded random
(input, answer, output) triples, with whitespace variants, leading zeros, signs, exponents, nan/inf, case,
empty outputs, missing and extra tokens and lines, are judged both ways; every verdict must agree exactly
(AC, WA, PE; testlib's FAIL is our JE). The counts are printed (``-s``) and recorded as a property.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from sandbox import checkers
from sandbox.api import Checker, Limits, Source, Test, Verdict
from sandbox.judge import Judge
from sandbox.testlib import with_testlib

OURS: dict[str, Checker] = {
    "wcmp": Checker.tokens(),
    "rcmp4": Checker.numbers(1e-4),
    "rcmp6": Checker.numbers(1e-6),
    "rcmp9": Checker.numbers(1e-9),
    "nyesno": Checker.yesno(),
    "lcmp": Checker.lines(),
}
PER_CHECKER = 220
SEED = 20240806

# The judged program prints its input after the first line (which names the checker).
ECHO = r"""#include <cstdio>
int main() { int c; while ((c = getchar()) != EOF && c != '\n') {}
  static char buf[1 << 16]; size_t n; while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) fwrite(buf, 1, n, stdout); }
"""
_INCLUDE_LINE = re.compile(r"^[ \t]*#[ \t]*include[^\n]*$", re.M)


def combined_source(folder: Path) -> str:
    parts = ['#include "testlib.h"', "#include <bits/stdc++.h>"]
    for name in OURS:
        body = _INCLUDE_LINE.sub("", (folder / f"{name}.cpp").read_text())
        parts.append(f"namespace chk_{name} {{\n{body}\n}}")
    parts.append("int main(int argc, char* argv[]) {\n  std::ifstream in(argv[1]); std::string name; in >> name;")
    for name in OURS:
        parts.append(f'  if (name == "{name}") return chk_{name}::main(argc, argv);')
    parts.append("  return 3;\n}")
    return "\n".join(parts) + "\n"


# ------------------------------------------------------------------ generated cases

_SEPS = [b" ", b"  ", b"\t", b"\n", b"\r\n", b" \n", b"\n\n"]
_WORDS = [b"a", b"abc", b"A", b"Abc", b"x1", b"-", b"0", b"00", b"007", b"7", b"-7", b"+7", b"-0", b"1e5", b"\x0bq"]


def _join(rng: random.Random, toks: list[bytes], seps: list[bytes] = _SEPS) -> bytes:
    out = b"".join(t + rng.choice(seps) for t in toks)
    if rng.random() < 0.3:
        out = rng.choice([b" ", b"\n", b"\t"]) + out
    if rng.random() < 0.4:
        out = out.rstrip(b" \t\r\n")
    return out


def _mutate_tokens(rng: random.Random, toks: list[bytes], pool: list[bytes]) -> list[bytes]:
    t = list(toks)
    roll = rng.random()
    if roll < 0.35 or not t:
        return t
    k = rng.randrange(len(t))
    if roll < 0.5:
        t[k] = rng.choice(pool)
    elif roll < 0.6:
        t[k] = t[k].swapcase()
    elif roll < 0.7:
        t[k] = b"0" + t[k]
    elif roll < 0.8:
        del t[k]
    elif roll < 0.9:
        t.insert(k, rng.choice(pool))
    else:
        t = [] if rng.random() < 0.5 else [*t, rng.choice(pool)]
    return t


def _number(rng: random.Random) -> bytes:
    x = rng.choice([0.0, 1.0, -1.0, 0.5, 123.456, 1e-7, 3e9, -2.5e-5, 1e18, 7.0])
    x *= rng.choice([1, 1, rng.uniform(-3, 3)])
    fmt = rng.choice(["{:.6f}", "{:.9f}", "{:g}", "{:.3e}", "{}", "{:.0f}"])
    return fmt.format(x).encode()


def _near(rng: random.Random, tok: bytes, eps: float) -> bytes:
    x = float(tok)
    roll = rng.random()
    if roll < 0.2:
        return tok
    if roll < 0.45:
        k = rng.choice([0.5, 0.9, 0.99, 1.01, 1.1, 2, 10])
        y = x * (1 + rng.choice([-1, 1]) * k * eps) if x else rng.choice([-1, 1]) * k * eps
        return repr(y).encode()
    if roll < 0.6:
        y = x + rng.choice([-1, 1]) * rng.choice([0.5, 0.999, 1.001, 3]) * eps
        return f"{y:.12f}".encode()
    if roll < 0.75:
        padded = f"0{x:.8f}" if x >= 0 else f"{x:.8f}"  # a leading zero
        return rng.choice([f"{x:e}", f"{x:+.10f}", f"{x:.2f}", f"{x:E}", padded]).encode()
    return rng.choice(
        [b"nan", b"NaN", b"inf", b"-inf", b"1e", b"2E+", b".5", b"5.", b"1,5", b"0x10", b"abc", b"--1", b"1e400", b""]
    )


def _yn(rng: random.Random) -> bytes:
    return rng.choice([b"YES", b"NO", b"yes", b"no", b"Yes", b"nO"])


def _lines_text(rng: random.Random, n: int) -> list[list[bytes]]:
    return [[rng.choice(_WORDS) for _ in range(rng.randrange(0, 4))] for _ in range(n)]


def _render_lines(rng: random.Random, lines: list[list[bytes]]) -> bytes:
    inner = [b" ", b"  ", b"\t", b" \x0b", b"\x0c"]
    ends = [b"\n", b"\n", b"\r\n", b" \n", b"\t\n"]
    text = b"".join(rng.choice(inner).join(ws) + rng.choice(ends) for ws in lines)
    roll = rng.random()
    if roll < 0.2:
        text = text.rstrip(b"\n")
    elif roll < 0.3:
        text += b"\n"
    elif roll < 0.35:
        text += b"\r"
    return text


def cases(rng: random.Random) -> list[tuple[str, bytes, bytes]]:
    """(checker, answer, output) triples."""
    out: list[tuple[str, bytes, bytes]] = []
    for _ in range(PER_CHECKER):
        toks = [rng.choice(_WORDS) for _ in range(rng.randrange(0, 5))]
        out.append(("wcmp", _join(rng, toks), _join(rng, _mutate_tokens(rng, toks, _WORDS))))
    for name, eps in (("rcmp4", 1e-4), ("rcmp6", 1e-6), ("rcmp9", 1e-9)):
        for _ in range(PER_CHECKER):
            nums = [_number(rng) for _ in range(rng.randrange(1, 4))]
            answer = list(nums) if rng.random() > 0.05 else [*nums[:-1], b"abc"]
            found = [_near(rng, t, eps) if rng.random() < 0.6 else t for t in nums]
            found = [t for t in found if t] if rng.random() < 0.9 else found[:-1]
            if rng.random() < 0.08:
                found.append(_number(rng))
            out.append((name, _join(rng, answer), _join(rng, found)))
    for _ in range(PER_CHECKER):
        answer = [_yn(rng) for _ in range(rng.randrange(1, 5))]
        pool = [b"YES", b"NO", b"yes", b"Y", b"N", b"yes!", b"1", b"no"]
        found = [t.swapcase() if rng.random() < 0.3 else t for t in _mutate_tokens(rng, answer, pool)]
        out.append(("nyesno", _join(rng, answer), _join(rng, found)))
    for _ in range(PER_CHECKER):
        lines = _lines_text(rng, rng.randrange(0, 4))
        other = [list(ws) for ws in lines]
        roll = rng.random()
        if other and roll < 0.2:
            other[rng.randrange(len(other))] = [rng.choice(_WORDS)]
        elif other and roll < 0.3:
            k = rng.randrange(len(other))
            other[k] = other[k] + other.pop(k + 1) if k + 1 < len(other) else other[k]
        elif roll < 0.4:
            other.append(rng.choice([[], [b"x"]]))
        elif other and roll < 0.5:
            other.pop()
        out.append(("lcmp", _render_lines(rng, lines), _render_lines(rng, other)))
    return out


# ------------------------------------------------------------------ the test


def _verdict(v: Verdict) -> str:
    return v.value


@pytest.mark.docker
@pytest.mark.timeout(300)
async def test_our_checkers_agree_with_the_real_testlib_checkers(
    shared_data: Path, judge: Judge, record_property: Any
) -> None:
    folder = shared_data.parent / "testlib"
    source = with_testlib(combined_source(folder / "checkers"), folder / "testlib.h")
    real, echo = await judge.compile(Source(source, "cpp17")), await judge.compile(Source(ECHO, "cpp17"))
    assert real.ok, real.message[-3000:]
    assert echo.ok, echo.message
    triples = cases(random.Random(SEED))
    tests = [Test(str(i), name.encode() + b"\n" + output, answer) for i, (name, answer, output) in enumerate(triples)]
    res = await judge.judge(echo, tests, Limits(5.0, 256), Checker.from_program(real))
    assert len(res.tests) == len(triples)
    agree: Counter[str] = Counter()
    total: Counter[str] = Counter()
    verdicts: Counter[tuple[str, str]] = Counter()
    wrong = []
    for (name, answer, output), t in zip(triples, res.tests, strict=True):
        assert t.run.status is Verdict.AC, (name, t.run.detail)
        theirs = t.check.verdict if t.check is not None else Verdict.JE
        mine = checkers.check(OURS[name], b"", output, answer)
        total[name] += 1
        verdicts[(name, _verdict(theirs))] += 1
        if mine.verdict is theirs:
            agree[name] += 1
        else:
            wrong.append(f"{name}: answer={answer!r} output={output!r}: testlib {theirs.value} "
                         f"({t.check.message if t.check else ''}), ours {mine.verdict.value} ({mine.message})")
    summary = ", ".join(f"{n} {agree[n]}/{total[n]}" for n in OURS)
    spread = ", ".join(f"{n}:{v}={c}" for (n, v), c in sorted(verdicts.items()))
    print(f"\nchecker agreement with real testlib: {summary}\nverdicts seen: {spread}")
    record_property("checker_agreement", summary)
    # Every kind is exercised on both sides of the line, not only on agreeing acceptances.
    for name in OURS:
        seen = {v for (n, v) in verdicts if n == name}
        assert {"AC", "WA"} <= seen, (name, seen)
    assert not wrong, f"{len(wrong)} disagreements:\n" + "\n".join(wrong[:30])
