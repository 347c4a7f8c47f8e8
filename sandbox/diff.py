"""Where an output first differs from the jury's answer, told so a person can act on it.

Pure: ``first_difference`` finds the first mismatch the way the checker sees outputs (tokens for the
token checkers, numbers with tolerance for NUMBERS, lines for LINES) and ``describe`` renders it with the
line, column, expected vs found and a few lines of context from both sides. For multi-test inputs (first
line a single integer t) it also says which test case the mismatch belongs to, found by counting: when
the answer has exactly t lines, line k is case k; otherwise when its tokens split evenly into t groups,
token i is case ceil(i / (tokens / t)). Where neither holds, the case is left unknown rather than guessed.

The judge calls this on every Wrong Answer and outputs reach 64 MB, so the work is done with C-speed
bytes operations (counts and finds over one copy), never with lists of all tokens or lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.api import CheckerKind
from sandbox.checkers import (
    compress,
    double_compare,
    first_line_difference,
    first_token_difference,
    iter_tokens,
    normalized_lines,
    normalized_tokens,
    nth_token_span,
    parse_double,
)

__all__ = ["Difference", "describe", "first_difference"]

_MAX_LINE = 100  # characters of a context line shown around the difference
_CASE_INPUT_LINES = 10


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


# ---------------------------------------------------------------- positions in big texts


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """(line, column), 1-based, of a byte offset."""
    return data.count(b"\n", 0, offset) + 1, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def _line_start(data: bytes, line: int) -> int:
    """Offset where the 1-based ``line`` starts (len(data) past the end), found a megabyte at a time."""
    seen, pos, chunk = 1, 0, 1 << 20
    while seen < line:
        end = min(pos + chunk, len(data))
        found = data.count(b"\n", pos, end)
        if seen + found < line:
            seen, pos = seen + found, end
            if end >= len(data):
                return len(data)
            continue
        while seen < line:
            pos = data.find(b"\n", pos, end) + 1
            seen += 1
    return pos


def _lines_from(data: bytes, first: int, count: int) -> list[bytes]:
    """``count`` lines of data from the 1-based line ``first`` (fewer at the end)."""
    pos = _line_start(data, first)
    out: list[bytes] = []
    while len(out) < count and pos < len(data):
        end = data.find(b"\n", pos)
        end = len(data) if end < 0 else end
        out.append(data[pos:end])
        pos = end + 1
    return out


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
    """Lines line-radius .. line+radius of data (those that exist), each clipped around the column."""
    first = max(1, line - radius)
    rows = _lines_from(data, first, line + radius - first + 1)
    return tuple((n, _clip(text, column if n == line else 1)) for n, text in enumerate(rows, start=first))


# ---------------------------------------------------------------- test cases of multi-test inputs


def _multitest(input: bytes) -> int | None:
    """t when the input's first line is one positive integer."""
    end = input.find(b"\n")
    first = (input if end < 0 else input[:end]).split()
    if len(first) != 1 or not first[0].isdigit() or len(first[0]) > 9:
        return None
    t = int(first[0])
    return t if t >= 1 else None


def _case_of(
    input: bytes, answer: bytes, index: int | None, answer_line: int
) -> tuple[int | None, int | None, str]:
    """(case, t, that case's input) for the answer token ``index`` (None: a whole line) on ``answer_line``."""
    t = _multitest(input)
    if t is None or t < 2:
        return None, t, ""
    body = answer.strip(b" \t\r\n")
    lines = body.count(b"\n") + 1 if body else 0
    n_tokens = normalized_tokens(answer).count(b" ") + 1 if body else 0
    case: int | None = None
    if lines == t and b"\n\n" not in normalized_lines(answer):
        case = answer_line if answer_line <= t else None
    elif index is not None and n_tokens and n_tokens % t == 0 and index <= n_tokens:
        case = (index - 1) // (n_tokens // t) + 1
    case_input = ""
    rest = input[input.find(b"\n") + 1 :].rstrip(b" \t\r\n") if b"\n" in input else b""
    rest_lines = rest.count(b"\n") + 1 if rest else 0
    if case is not None and rest_lines and rest_lines % t == 0:
        per = rest_lines // t
        shown = _lines_from(rest, (case - 1) * per + 1, min(per, _CASE_INPUT_LINES))
        case_input = "\n".join(_clip(line, 1) for line in shown)
        if per > _CASE_INPUT_LINES:
            case_input += f"\n… ({per - _CASE_INPUT_LINES} more lines)"
    return case, t, case_input


# ---------------------------------------------------------------- finding the difference


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


def _token_difference(
    output: bytes, answer: bytes, kind: CheckerKind, eps: float
) -> tuple[str, int, int, int, bytes, bytes] | None:
    """(kind, index, output offset, answer offset, expected, found) of the first token mismatch."""
    if kind is CheckerKind.TOKENS:
        diff = first_token_difference(output, answer)
        if diff is None:
            return None
        what, n, expected, found = diff
        out_at = nth_token_span(output, n)[0] if what != "missing" else len(output)
        ans_at = nth_token_span(answer, n)[0] if what != "extra" else max(len(answer.rstrip()) - 1, 0)
        return what, n, out_at, ans_at, expected, found
    if normalized_tokens(output) == normalized_tokens(answer):
        return None  # equal token streams: no kind finds a difference (one pass, not a second one)
    # Tolerant kinds walk token by token (as far as the jury's answer goes, so the cost is bounded by it).
    ans, out = iter_tokens(answer), iter_tokens(output)
    n = 0
    while (mj := next(ans, None)) is not None:
        n += 1
        mp = next(out, None)
        if mp is None:
            return "missing", n, len(output), mj.start(), mj.group(), b""
        if not _same(kind, eps, mj.group(), mp.group()):
            return "differ", n, mp.start(), mj.start(), mj.group(), mp.group()
    mp = next(out, None)
    if mp is not None:
        return "extra", n + 1, mp.start(), max(len(answer.rstrip()) - 1, 0), b"", mp.group()
    return None


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
        diff = first_line_difference(output, answer)
        if diff is None:
            return None
        what, n, column, expected, found = diff
        if what == "differ" and not found and n > normalized_lines(output).count(b"\n") + 1:
            what = "missing"
        lines_in_answer = normalized_lines(answer).count(b"\n") + 1
        answer_line = min(n, lines_in_answer)
        case, cases, case_input = (None, None, "")
        if what != "extra":
            case, cases, case_input = _case_of(input, answer, None, answer_line)
        return Difference(
            kind=what,
            unit="line",
            index=n,
            line=n,
            column=column,
            answer_line=answer_line,
            expected=compress(expected),
            found=compress(found),
            case=case,
            cases=cases,
            case_input=case_input,
            expected_context=_context(answer, answer_line, column, context),
            found_context=_context(output, n, column, context),
        )

    found_diff = _token_difference(output, answer, kind, eps)
    if found_diff is None:
        return None
    what, index, out_offset, ans_offset, expected, got = found_diff
    line, column = _position(output, out_offset)
    answer_line, answer_column = _position(answer, ans_offset)
    if what == "extra":
        case, cases, case_input = None, _multitest(input), ""
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
