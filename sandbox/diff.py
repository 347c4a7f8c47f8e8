"""Where an output first differs from the jury's answer, told so a person can act on it.

Pure: ``first_difference`` finds the first mismatch the way the checker sees outputs (tokens for the
token checkers, numbers with tolerance for NUMBERS, lines for LINES) and ``describe`` renders it with the
line, column, expected vs found and a few lines of context from both sides. For multi-test inputs (first
line a single integer t) it also says which test case the mismatch belongs to, found by counting: when
the answer has exactly t lines, line k is case k; otherwise when its tokens split evenly into t groups,
token i is case ceil(i / (tokens / t)). Where neither holds, the case is left unknown rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.api import CheckerKind
from sandbox.checkers import compress, double_compare, parse_double, token_spans

__all__ = ["Difference", "describe", "first_difference"]

_MAX_LINE = 100  # characters of a context line shown around the difference


@dataclass(frozen=True)
class Difference:
    """The first place where output and answer disagree. Positions are 1-based."""

    kind: str  # "differ": both have something; "missing": output ended early; "extra": output has more
    unit: str  # "token" or "line"
    index: int  # which token (or line) differs
    line: int  # line of the output where it happens (for "missing": the line after the output's end)
    column: int  # column in that output line
    answer_line: int  # line of the answer holding the expected token ("extra": the answer's last line)
    expected: str  # the expected token or line, shortened as testlib does; "" for "extra"
    found: str  # the output's token or line; "" for "missing"
    case: int | None = None  # test case of a multi-test input, when counting can tell
    cases: int | None = None  # number of test cases announced by the input
    case_input: str = ""  # that test case's input lines, when they split evenly per case
    expected_context: tuple[tuple[int, str], ...] = ()  # (line number, text) around answer_line
    found_context: tuple[tuple[int, str], ...] = ()  # (line number, text) around line


def _line_starts(data: bytes) -> list[int]:
    starts = [0]
    pos = data.find(b"\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = data.find(b"\n", pos + 1)
    return starts


def _position(starts: list[int], offset: int) -> tuple[int, int]:
    """(line, column), 1-based, of a byte offset."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:  # last line start <= offset
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1, offset - starts[lo] + 1


def _clip(line: bytes, column: int) -> str:
    """A line cut to _MAX_LINE characters around ``column``, so a 10^5-number line stays readable."""
    text = line.rstrip(b"\r")
    if len(text) <= _MAX_LINE:
        return text.decode("utf-8", errors="backslashreplace")
    start = max(0, min(column - 1 - _MAX_LINE // 2, len(text) - _MAX_LINE))
    head = "…" if start > 0 else ""
    tail = "…" if start + _MAX_LINE < len(text) else ""
    return head + text[start : start + _MAX_LINE].decode("utf-8", errors="backslashreplace") + tail


def _context(data: bytes, line: int, column: int, radius: int) -> tuple[tuple[int, str], ...]:
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    first, last = max(1, line - radius), min(len(lines), line + radius)
    return tuple((n, _clip(lines[n - 1], column if n == line else 1)) for n in range(first, last + 1))


def _same(kind: CheckerKind, eps: float, expected: bytes, found: bytes) -> bool:
    if expected == found:
        return True
    if kind is CheckerKind.YESNO:
        e = expected.upper()
        return e in (b"YES", b"NO") and e == found.upper()
    if kind is CheckerKind.NUMBERS:
        j, p = parse_double(expected), parse_double(found)
        return j is not None and p is not None and double_compare(j, p, eps)
    return False


def _multitest(input: bytes) -> tuple[int | None, list[bytes]]:
    """t when the input's first line is one positive integer, and the remaining input lines."""
    lines = input.split(b"\n")
    first = lines[0].split()
    if len(first) != 1 or not first[0].isdigit():
        return None, []
    t = int(first[0])
    rest = lines[1:]
    while rest and not rest[-1].strip():
        rest.pop()
    return (t if t >= 1 else None), rest


def _case_of(
    input: bytes, answer: bytes, index: int | None, answer_line: int
) -> tuple[int | None, int | None, str]:
    """(case, t, that case's input) for the answer token ``index`` (None: a whole line) on ``answer_line``."""
    t, rest = _multitest(input)
    if t is None or t < 2:
        return None, t, ""
    answer_lines = answer.rstrip(b" \t\r\n").split(b"\n")
    n_tokens = len(token_spans(answer))
    case: int | None = None
    if len(answer_lines) == t and all(line.strip() for line in answer_lines):
        case = answer_line if answer_line <= t else None
    elif index is not None and n_tokens and n_tokens % t == 0 and index <= n_tokens:
        case = (index - 1) // (n_tokens // t) + 1
    case_input = ""
    if case is not None and rest and len(rest) % t == 0:
        per_lines = len(rest) // t
        chunk = rest[(case - 1) * per_lines : case * per_lines]
        case_input = "\n".join(_clip(line, 1) for line in chunk[:10])
        if len(chunk) > 10:
            case_input += f"\n… ({len(chunk) - 10} more lines)"
    return case, t, case_input


def _token_difference(
    output: bytes, answer: bytes, kind: CheckerKind, eps: float
) -> tuple[str, int, int, int, bytes, bytes] | None:
    """(kind, index, output offset, answer offset, expected, found) of the first token mismatch."""
    out_spans, ans_spans = token_spans(output), token_spans(answer)
    for i, ((a0, a1), (o0, o1)) in enumerate(zip(ans_spans, out_spans, strict=False)):
        if not _same(kind, eps, answer[a0:a1], output[o0:o1]):
            return "differ", i + 1, o0, a0, answer[a0:a1], output[o0:o1]
    if len(out_spans) < len(ans_spans):
        a0, a1 = ans_spans[len(out_spans)]
        return "missing", len(out_spans) + 1, len(output), a0, answer[a0:a1], b""
    if len(out_spans) > len(ans_spans):
        o0, o1 = out_spans[len(ans_spans)]
        return "extra", len(ans_spans) + 1, o0, max(len(answer) - 1, 0), b"", output[o0:o1]
    return None


def _significant(data: bytes) -> list[bytes]:
    lines = [line.rstrip(b" \t\r") for line in data.split(b"\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def first_difference(
    output: bytes,
    answer: bytes,
    input: bytes = b"",
    *,
    kind: CheckerKind = CheckerKind.TOKENS,
    eps: float = 1e-6,
    context: int = 2,
) -> Difference | None:
    """The first mismatch as the ``kind`` checker sees it, or None when there is none to show."""
    if kind is CheckerKind.LINES:
        out_lines, ans_lines = _significant(output), _significant(answer)
        for n in range(1, max(len(out_lines), len(ans_lines)) + 1):
            j = ans_lines[n - 1] if n <= len(ans_lines) else None
            p = out_lines[n - 1] if n <= len(out_lines) else None
            if j == p:
                continue
            what = "missing" if p is None else "extra" if j is None else "differ"
            column = next(
                (i + 1 for i, (x, y) in enumerate(zip(j or b"", p or b"", strict=False)) if x != y),
                min(len(j or b""), len(p or b"")) + 1,
            )
            answer_line = min(n, max(len(ans_lines), 1))
            case, cases, case_input = (None, None, "")
            if j is not None:
                case, cases, case_input = _case_of(input, answer, None, answer_line)
            return Difference(
                kind=what,
                unit="line",
                index=n,
                line=n,
                column=column,
                answer_line=answer_line,
                expected=compress(j or b""),
                found=compress(p or b""),
                case=case,
                cases=cases,
                case_input=case_input,
                expected_context=_context(answer, answer_line, column, context),
                found_context=_context(output, n, column, context),
            )
        return None

    found = _token_difference(output, answer, kind, eps)
    if found is None:
        return None
    what, index, out_offset, ans_offset, expected, got = found
    out_starts, ans_starts = _line_starts(output), _line_starts(answer)
    line, column = _position(out_starts, out_offset)
    answer_line, answer_column = _position(ans_starts, ans_offset)
    if what == "extra":
        case, cases, case_input = None, _multitest(input)[0], ""
    else:
        case, cases, case_input = _case_of(input, answer, index, answer_line)
    return Difference(
        kind=what,
        unit="token",
        index=index,
        line=line,
        column=column,
        answer_line=answer_line,
        expected=compress(expected),
        found=compress(got),
        case=case,
        cases=cases,
        case_input=case_input,
        expected_context=_context(answer, answer_line, answer_column, context),
        found_context=_context(output, line, column, context),
    )


def _render_context(title: str, rows: tuple[tuple[int, str], ...], mark: int) -> list[str]:
    if not rows:
        return [f"  {title}: (empty)"]
    width = len(str(rows[-1][0]))
    out = [f"  {title}:"]
    out += [f"  {'>' if n == mark else ' '} {n:>{width}} | {text}" for n, text in rows]
    return out


def describe(
    output: bytes,
    answer: bytes,
    input: bytes = b"",
    *,
    kind: CheckerKind = CheckerKind.TOKENS,
    eps: float = 1e-6,
    context: int = 2,
) -> str:
    """A few lines saying where the output first differs; "" when it does not."""
    d = first_difference(output, answer, input, kind=kind, eps=eps, context=context)
    if d is None:
        return ""
    where = f"line {d.line}, column {d.column}"
    if d.unit == "token":
        where = f"token {d.index} ({where})"
    if d.kind == "missing":
        head = f"Output ended early: {d.unit} {d.index} missing, expected '{d.expected}'"
    elif d.kind == "extra":
        head = f"Output has more than the answer from {where}: '{d.found}'"
    else:
        head = f"First difference at {where}: expected '{d.expected}', found '{d.found}'"
    lines = [head]
    if d.case is not None:
        lines.append(f"  in test case {d.case} of {d.cases}")
    if d.case_input:
        lines.append(f"  input of test case {d.case}:")
        lines += [f"    {row}" for row in d.case_input.split("\n")]
    lines += _render_context("expected", d.expected_context, d.answer_line)
    lines += _render_context("found", d.found_context, d.line)
    return "\n".join(lines)
