"""Inputs derived from the examples, without a model: every candidate runs on them before it is accepted. Pure.

A program that passes the examples may still only know the examples (the extreme case prints their answers
and 0 otherwise). Small changes to an example's input show it up:

    cases     a multi-test input (``t`` alone on the first line, one unambiguous way to cut it into cases)
              with its cases reversed, and each case alone. Where the example's output has exactly one line
              per case (and the problem has one right answer), the derived input's answer is known: the
              example's lines reordered or picked. Test cases are independent on Codeforces, and a reordered
              or shorter list of valid cases is valid.
    values    one integer value lowered by one (from v >= 2 to v - 1, so it stays between the lower bounds
              and the example's value, the usual shape of a constraint), or an array line reversed (the same
              values); never a count (a value equal to the number of tokens of a later line, or of the lines
              after it) and never on the first line of a multi-line input or case, where sizes live. Their
              answers are unknown: only the run counts (a crash or a time-out there is the program's).

``suspect`` says whether a program's outputs look independent of its input: on the value-changed inputs of
an example it printed what it printed on the example itself, or the same thing every time. That is rarely
right, so such a program needs stress evidence (random tests against a brute force) before it counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from solver.solve.cluster import normalize
from solver.solve.shrink import case_splits, join_cases

MAX_PER_EXAMPLE = 6  # derived inputs per example: enough to show a program up, few enough to be free
MAX_VALUE_CHANGES = 3


@dataclass(frozen=True)
class Derived:
    name: str  # "example-1-reversed", "example-1-case-2", "example-1-values-1"
    how: str  # "cases" or "values"
    example: int  # 1-based
    input: str
    answer: str | None  # known only for reordered or dropped cases with one output line per case
    description: str  # for a repair prompt: "test cases in reverse order"


def derive(samples: Sequence[tuple[str, str]], several_answers: bool = False) -> list[Derived]:
    """Derived inputs of every example ``(input, output)``, deduplicated, none equal to an example."""
    out: list[Derived] = []
    seen = {inp for inp, _ in samples}
    for k, (inp, ans) in enumerate(samples, start=1):
        mine = _cases(k, inp, ans, several_answers) + _values(k, inp)
        kept = 0
        for d in mine:
            if d.input in seen or kept >= MAX_PER_EXAMPLE:
                continue
            seen.add(d.input)
            out.append(d)
            kept += 1
    return out


def _cases(k: int, inp: str, ans: str, several_answers: bool) -> list[Derived]:
    splits = list(case_splits(inp))
    if len(splits) != 1:  # not multi-test, or ambiguous without a validator to tell the layouts apart
        return []
    cases = splits[0]
    if len(cases) < 2:
        return []
    lines = [line for line in ans.splitlines() if line.strip()]
    per_case = not several_answers and len(lines) == len(cases)

    def answer(order: Sequence[int]) -> str | None:
        return "".join(lines[i] + "\n" for i in order) if per_case else None

    order = list(range(len(cases)))[::-1]
    made = [Derived(f"example-{k}-reversed", "cases", k, join_cases([cases[i] for i in order]),
                    answer(order), "its test cases in reverse order")]
    for i in range(min(len(cases), 3)):
        made.append(Derived(f"example-{k}-case-{i + 1}", "cases", k, join_cases([cases[i]]), answer([i]),
                            f"its test case {i + 1} alone"))
    return made


def _int(token: str) -> int | None:
    try:
        return int(token)
    except ValueError:
        return None


def _blocks(inp: str) -> list[tuple[int, int]]:
    """Line ranges [a, b) of the input's units: its cases when it is multi-test, else the whole input."""
    lines = inp.splitlines()
    splits = list(case_splits(inp))
    if len(splits) != 1:
        return [(0, len(lines))]
    blocks, pos = [], 1 + next(i for i, line in enumerate(lines) if line.strip())
    for case in splits[0]:
        n = len(case.splitlines())
        while pos < len(lines) and not lines[pos].strip():
            pos += 1
        blocks.append((pos, pos + n))
        pos += n
    return blocks


def _values(k: int, inp: str) -> list[Derived]:
    lines = inp.splitlines()
    edits: list[tuple[str, int, list[str]]] = []  # (description, line index, new tokens)
    arrays: list[tuple[str, int, list[str]]] = []
    for a, b in _blocks(inp):
        body = [(i, lines[i].split()) for i in range(a, b) if lines[i].strip()]
        for j, (i, tokens) in enumerate(body):
            if len(body) > 1 and j == 0:
                continue  # a multi-line unit's first line holds its sizes
            later = body[j + 1 :]
            counts = {len(t) for _, t in later} | {len(later)}
            ints = [(c, v) for c, tok in enumerate(tokens) if (v := _int(tok)) is not None]
            if len(ints) >= 3 and len(ints) == len(tokens) and tokens != tokens[::-1]:
                arrays.append((f"line {i + 1} reversed", i, tokens[::-1]))
            for c, v in ints:
                if v >= 2 and v not in counts:
                    new = list(tokens)
                    new[c] = str(v - 1)
                    edits.append((f"{tokens[c]} on line {i + 1} changed to {v - 1}", i, new))
    picks = _spread(edits, MAX_VALUE_CHANGES) + arrays[:1]
    made = []
    for n, (what, i, tokens) in enumerate(picks, start=1):
        changed = list(lines)
        changed[i] = " ".join(tokens)
        text = "\n".join(changed) + ("\n" if inp.endswith("\n") or not inp else "")
        made.append(Derived(f"example-{k}-values-{n}", "values", k, text, None, what))
    return made


def _spread(items: list[tuple[str, int, list[str]]], n: int) -> list[tuple[str, int, list[str]]]:
    """Up to ``n`` items spread over the list (first, middle, last), in order."""
    if len(items) <= n:
        return items
    picks = sorted({round(i * (len(items) - 1) / (n - 1)) for i in range(n)})
    return [items[i] for i in picks]


def suspect(derived: Sequence[Derived], outputs: Mapping[str, str], example_outputs: Mapping[int, str]) -> str:
    """Why a program's outputs look independent of its input ("" when they do not).

    ``outputs`` are its outputs by derived test name (the ones it ran cleanly), ``example_outputs`` its
    outputs on the examples by number. Only the value-changed inputs count (reordered cases may keep an
    output legitimately the same, e.g. a single case)."""
    everything: list[str] = []
    for k, own in example_outputs.items():
        changed = [normalize(outputs[d.name]) for d in derived if d.how == "values" and d.example == k
                   and d.name in outputs]
        everything += changed
        if changed and all(o == normalize(own) for o in changed):
            return f"its output on Example {k} did not change when the example's values did"
    if len(everything) >= 2 and len(set(everything)) == 1:
        return "it printed the same output on every changed copy of the examples"
    return ""
