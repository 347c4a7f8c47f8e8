"""Codeforces' standard checkers, re-implemented to behave exactly as testlib's.

Pure functions: bytes in, ``CheckResult`` out. Each kind follows one testlib checker:

    TOKENS   wcmp.cpp   whitespace-separated tokens, compared exactly (Codeforces' default checker)
    NUMBERS  rcmpN.cpp  doubles; absolute or relative error <= eps (testlib ``doubleCompare``)
    YESNO    wcmp + yesno.cpp/nyesno.cpp: tokens, where an expected YES/NO matches case-insensitively
    LINES    lcmp.cpp   line by line, each line's tokens compared (spacing inside a line is free)

Rules taken from testlib.h (not from intuition), because "close enough" would accept outputs that
Codeforces rejects:
- Only space, tab, CR and LF separate tokens (``isBlanks``); a vertical tab or form feed is part of a token.
- A number is read with ``stringToDouble``: only ``[0-9.eE+-]`` characters, at least one digit, at most
  one point and one exponent mark, then glibc ``sscanf("%lf%s")`` must consume the whole token. glibc
  accepts a dangling exponent (``1e``, ``2E+``), so we do too; ``nan``/``inf`` are never numbers.
- Anything wrong in the participant's output that is a format problem is PE ("wrong output format");
  a mismatch is WA; a malformed jury answer is a checker failure (FAIL), reported as JE.
- When the checker would say OK but the output has more non-blank content, testlib's finaliser
  reports "Extra information in the output file" as PE.
Messages are testlib's, prefixed as testlib prints them ("ok ", "wrong answer ", ...).

``CheckerKind.PROGRAM`` is not handled here: a checker program is untrusted code run by the judge.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator

from sandbox.api import OPEN_R1, Checker, CheckerKind, CheckResult, RunResult, Verdict

__all__ = [
    "MAX_TOKEN_LENGTH",
    "check",
    "compress",
    "double_compare",
    "double_delta",
    "english_ending",
    "first_line_difference",
    "first_token_difference",
    "iter_tokens",
    "normalized_lines",
    "normalized_tokens",
    "nth_token_span",
    "open_r1_files",
    "open_r1_result",
    "parse_double",
    "program_files",
    "tokens",
]

# testlib's ``isBlanks``: exactly these four bytes separate tokens.
_TOKEN = re.compile(rb"[^ \t\r\n]+")
_TRAILING_BLANKS = b" \t\r"

# testlib's default ``InStream::maxTokenLength``: a longer token is a format error in the output.
MAX_TOKEN_LENGTH = 32 * 1024 * 1024

# What glibc's sscanf("%lf%s") accepts as a whole token, once stringToDouble's character filter passed:
# a mantissa with at least one digit, then optionally an exponent mark, a sign and digits (glibc
# consumes "e", "e+" even without digits, leaving nothing for %s; verified against glibc 2.36).
_GLIBC_DOUBLE = re.compile(rb"([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+))(?:[eE]([+-]?[0-9]*))?")
_DOUBLE_CHARS = frozenset(b"0123456789.eE+-")


# ---------------------------------------------------------------- testlib helpers


def tokens(data: bytes) -> list[bytes]:
    """The tokens testlib's ``readWord`` would return, in order."""
    return _TOKEN.findall(data)


def iter_tokens(data: bytes) -> Iterator[re.Match[bytes]]:
    """The tokens lazily, with their offsets: outputs may hold tens of millions of tokens."""
    return _TOKEN.finditer(data)


# Outputs reach 64 MB, so whole-output work is done by C-speed bytes operations over one copy, never by
# lists of tokens or lines (a list of 30 million small bytes objects takes gigabytes).
_BLANK_TO_SPACE = bytes.maketrans(b"\t\r\n", b"   ")
_SHAPE = bytes(32 if c in b" \t\r\n" else 120 for c in range(256))  # blank -> " ", anything else -> "x"
_LINE_TAIL = re.compile(rb"[ \t\r]+(?=\n)")


def normalized_tokens(data: bytes) -> bytes:
    """The token stream as one string: the tokens joined by single spaces."""
    t = data.translate(_BLANK_TO_SPACE)
    while b"  " in t:
        t = t.replace(b"  ", b" ")  # each pass halves every run of spaces
    return t.strip(b" ")


def normalized_lines(data: bytes) -> bytes:
    """The lines without trailing blanks, and without trailing blank lines."""
    return _LINE_TAIL.sub(b"", data).rstrip(b" \t\r\n")


def _common_prefix(a: bytes, b: bytes) -> int:
    n = min(len(a), len(b))
    step = 1 << 16
    for i in range(0, n, step):
        j = min(i + step, n)
        if a[i:j] != b[i:j]:
            while a[i] == b[i]:
                i += 1
            return i
    return n


def _around(data: bytes, k: int, sep: bytes) -> bytes:
    """The sep-delimited piece of data containing offset k (a token or a line)."""
    start = data.rfind(sep, 0, k) + 1
    end = data.find(sep, k)
    return data[start : len(data) if end < 0 else end]


def first_token_difference(output: bytes, answer: bytes) -> tuple[str, int, bytes, bytes] | None:
    """Where the token streams first differ, as (kind, n, expected, found): kind "differ" (the n-th tokens
    differ), "missing" (the output ends before token n) or "extra" (the output has a token n); None if
    the streams are equal."""
    return _token_difference(normalized_tokens(output), normalized_tokens(answer))


def _token_difference(nb: bytes, na: bytes) -> tuple[str, int, bytes, bytes] | None:
    if na == nb:
        return None
    k = _common_prefix(na, nb)
    if k == len(na) and (not na or nb[k] == 32):
        n = na.count(b" ") + 2 if na else 1
        return "extra", n, b"", _around(nb, k + (1 if na else 0), b" ")
    if k == len(nb) and (not nb or na[k] == 32):
        n = nb.count(b" ") + 2 if nb else 1
        return "missing", n, _around(na, k + (1 if nb else 0), b" "), b""
    n = na.count(b" ", 0, k) + 1
    return "differ", n, _around(na, k, b" "), _around(nb, k, b" ")


def first_line_difference(output: bytes, answer: bytes) -> tuple[str, int, int, bytes, bytes] | None:
    """Where the significant lines first differ, as (kind, line, column, expected, found); kind "differ"
    (a missing output line counts as an empty one) or "extra" (the output has more lines)."""
    na, nb = normalized_lines(answer), normalized_lines(output)
    if na == nb:
        return None
    k = _common_prefix(na, nb)
    if k == len(na) and (not na or nb[k] == 10):
        n = na.count(b"\n") + 2 if na else 1
        return "extra", n, 1, b"", _around(nb, k + (1 if na else 0), b"\n")
    if k == len(nb) and (not nb or na[k] == 10):
        # The output ran out of lines; a missing line reads as an empty one, so the first difference is
        # the answer's next non-empty line (the answer has no trailing blank lines, so there is one).
        start = k + 1 if nb else 0
        rest = na[start:]
        skipped = len(rest) - len(rest.lstrip(b"\n"))
        n = (nb.count(b"\n") + 2 if nb else 1) + skipped
        return "differ", n, 1, _around(na, start + skipped, b"\n"), b""
    n = na.count(b"\n", 0, k) + 1
    column = k - (na.rfind(b"\n", 0, k) + 1) + 1
    return "differ", n, column, _around(na, k, b"\n"), _around(nb, k, b"\n")


def nth_token_span(data: bytes, n: int) -> tuple[int, int]:
    """(start, end) offsets of the n-th token (1-based) of data, which must have at least n tokens."""
    shape = data.translate(_SHAPE)
    seen = 1 if shape[:1] == b"x" else 0
    start, pos, chunk = 0, 0, 1 << 20
    while seen < n:
        end = min(pos + chunk, len(shape))
        found = shape.count(b" x", pos, end + 1)  # token starts in [pos, end)
        if seen + found < n:
            seen, pos = found + seen, end
            if end >= len(shape):
                raise IndexError(f"data has only {seen} tokens, not {n}")
            continue
        i = pos
        while seen < n:
            i = shape.find(b" x", i, end + 1)
            seen += 1
            start = i + 1
            i += 2
    stop = shape.find(b" ", start)
    return start, len(shape) if stop < 0 else stop


def compress(token: bytes) -> str:
    """testlib's ``compress``/``__testlib_part``: NULs shown as '~', long text cut to 30 + '...' + 31."""
    t = token.replace(b"\0", b"~")
    if len(t) > 64:
        t = t[:30] + b"..." + t[-31:]
    return t.decode("utf-8", errors="backslashreplace")


def english_ending(n: int) -> str:
    """testlib's ``englishEnding``: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, ..."""
    n %= 100
    if n // 10 == 1:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def parse_double(token: bytes) -> float | None:
    """testlib's ``stringToDouble`` (the non-strict reader used by rcmp): the value, or None where testlib
    reports "Expected double, but ... found"."""
    if not token or any(c not in _DOUBLE_CHARS for c in token):
        return None
    digits = sum(1 for c in token if 48 <= c <= 57)
    if (
        digits == 0
        or token.count(b"-") > 2
        or token.count(b"+") > 2
        or token.count(b".") > 1
        or token.count(b"e") + token.count(b"E") > 1
    ):
        return None
    m = _GLIBC_DOUBLE.fullmatch(token)
    if m is None:
        return None
    mantissa, exponent = m.group(1), m.group(2)
    text = mantissa + (b"e" + exponent if exponent and exponent.strip(b"+-") else b"")
    # Python's float() rounds correctly like glibc's strtod and overflows to ±inf the same way; testlib
    # rejects only NaN after parsing, which the character filter already excludes.
    return float(text)


def _is_infinite(x: float) -> bool:
    return x > 1e300 or x < -1e300


def double_compare(expected: float, result: float, max_error: float) -> bool:
    """testlib's ``doubleCompare``, line for line (including its 1e-15 slack and its 1e300 'infinity')."""
    max_error += 1e-15
    if math.isnan(expected):
        return math.isnan(result)
    if _is_infinite(expected):
        if expected > 0:
            return result > 0 and _is_infinite(result)
        return result < 0 and _is_infinite(result)
    if math.isnan(result) or _is_infinite(result):
        return False
    if abs(result - expected) <= max_error:
        return True
    lo = min(expected * (1.0 - max_error), expected * (1.0 + max_error))
    hi = max(expected * (1.0 - max_error), expected * (1.0 + max_error))
    return lo <= result <= hi


def double_delta(expected: float, result: float) -> float:
    """testlib's ``doubleDelta``: the smaller of absolute and relative error, as shown in messages."""
    absolute = abs(result - expected)
    if abs(expected) > 1e-9:
        return min(absolute, abs(absolute / expected))
    return absolute


# ---------------------------------------------------------------- results as testlib prints them


def _ok(message: str) -> CheckResult:
    return CheckResult(Verdict.AC, "ok " + message)


def _wa(message: str) -> CheckResult:
    return CheckResult(Verdict.WA, "wrong answer " + message)


def _pe(message: str) -> CheckResult:
    return CheckResult(Verdict.PE, "wrong output format " + message)


def _fail(message: str) -> CheckResult:
    # A FAIL is the jury's fault (a malformed answer file), never the solution's.
    return CheckResult(Verdict.JE, "FAIL " + message + " (answer)")


_EXTRA = "Extra information in the output file"


def _differ(n: int, what: str, expected: bytes, found: bytes) -> str:
    ordinal = f"{n}{english_ending(n)}"
    return f"{ordinal} {what} differ - expected: '{compress(expected)}', found: '{compress(found)}'"


def _too_long(token: bytes, is_answer: bool) -> CheckResult | None:
    if len(token) <= MAX_TOKEN_LENGTH:
        return None
    message = f"Length of token exceeds {MAX_TOKEN_LENGTH}, token is '{compress(token)}...'"
    return _fail(message) if is_answer else _pe(message)


# ---------------------------------------------------------------- the checkers


_OVERLONG = re.compile(rb"(?:^|(?<= ))[^ ]{%d}" % (MAX_TOKEN_LENGTH + 1))  # tried at token starts only


def _first_overlong(norm: bytes) -> tuple[int, bytes] | None:
    """(1-based index, token) of the first token longer than MAX_TOKEN_LENGTH in a normalized stream."""
    m = _OVERLONG.search(norm) if len(norm) > MAX_TOKEN_LENGTH else None
    return None if m is None else (norm.count(b" ", 0, m.start()) + 1, _around(norm, m.start(), b" "))


def _overlong(nb: bytes, na: bytes, pairs: int) -> CheckResult | None:
    """testlib reads the answer token, then the output token, of each of the first ``pairs`` pairs; an
    over-long one stops it: FAIL in the answer, PE in the output."""
    ia, ib = _first_overlong(na), _first_overlong(nb)
    if ia is not None and ia[0] <= pairs and (ib is None or ia[0] <= ib[0]):
        return _too_long(ia[1], True)
    if ib is not None and ib[0] <= pairs:
        return _too_long(ib[1], False)
    return None


def _wcmp(output: bytes, answer: bytes) -> CheckResult:
    """wcmp.cpp: compare sequences of tokens."""
    na, nb = normalized_tokens(answer), normalized_tokens(output)
    diff = _token_difference(nb, na)
    if diff is None:
        count = na.count(b" ") + 1 if na else 0
        bad = _overlong(nb, na, count)
        if bad is not None:
            return bad
        return _ok(f'"{compress(na)}"') if count == 1 else _ok(f"{count} tokens")
    kind, n, expected, found = diff
    bad = _overlong(nb, na, n if kind == "differ" else n - 1)
    if bad is not None:
        return bad
    if kind == "differ":
        return _wa(_differ(n, "words", expected, found))
    if kind == "extra":
        return _wa("Participant output contains extra tokens")
    return _wa("Unexpected EOF in the participants output")


def _rcmp(output: bytes, answer: bytes, eps: float) -> CheckResult:
    """rcmp6.cpp generalised to any eps: every answer number needs a close-enough output number."""
    # rcmp6 (eps 1e-6) prints 7 decimals, rcmp9 prints 10: one more digit than eps resolves.
    digits = min(max(math.ceil(-math.log10(eps) - 1e-9), 0) + 1, 20) if eps > 0 else 10
    out = iter_tokens(output)
    j = p = 0.0
    n = 0
    for n, m in enumerate(iter_tokens(answer), start=1):
        raw_j = m.group()
        bad = _too_long(raw_j, True)
        if bad is not None:
            return bad
        parsed_j = parse_double(raw_j)
        if parsed_j is None:
            return _fail(f'Expected double, but "{compress(raw_j)}" found')
        got = next(out, None)
        if got is None:
            return _pe("Unexpected end of file - double expected")
        raw_p = got.group()
        bad = _too_long(raw_p, False)
        if bad is not None:
            return bad
        parsed_p = parse_double(raw_p)
        if parsed_p is None:
            return _pe(f'Expected double, but "{compress(raw_p)}" found')
        j, p = parsed_j, parsed_p
        if not double_compare(j, p, eps):
            return _wa(
                f"{n}{english_ending(n)} numbers differ - expected: '{j:.{digits}f}', "
                f"found: '{p:.{digits}f}', error = '{double_delta(j, p):.{digits}f}'"
            )
    if next(out, None) is not None:
        return _pe(_EXTRA)
    if n == 1:
        delta = double_delta(j, p)
        return _ok(f"found '{p:.{digits}f}', expected '{j:.{digits}f}', error '{delta:.{digits}f}'")
    return _ok(f"{n} numbers")


_YES_NO = (b"YES", b"NO")


def _yesno(output: bytes, answer: bytes) -> CheckResult:
    """Tokens as in wcmp, except that an expected YES/NO is matched case-insensitively (nyesno.cpp)."""
    ans, out = iter_tokens(answer), iter_tokens(output)
    n, first = 0, b""
    while (mj := next(ans, None)) is not None:
        mp = next(out, None)
        if mp is None:
            return _wa("Unexpected EOF in the participants output")
        n += 1
        j, p = mj.group(), mp.group()
        first = first or j
        bad = _too_long(j, True) or _too_long(p, False)
        if bad is not None:
            return bad
        ja = j.upper()
        if ja in _YES_NO:
            pa = p.upper()  # bytes.upper() changes only ASCII a-z, as testlib's upperCase does
            where = f"[{n}{english_ending(n)} token]"
            if pa not in _YES_NO:
                return _pe(f"YES or NO expected, but {compress(pa)} found {where}")
            if ja != pa:
                return _wa(f"expected {compress(ja)}, found {compress(pa)} {where}")
        elif j != p:
            return _wa(_differ(n, "words", j, p))
    if next(out, None) is not None:
        return _wa("Participant output contains extra tokens")
    if n == 1:
        shown = first.upper() if first.upper() in _YES_NO else first
        return _ok(f"answer is {compress(shown)}")
    return _ok(f"{n} tokens")


_LINE_CR = re.compile(rb"\r([\s\S]|\Z)")


def _lcmp_line(piece: bytes, at_eof: bool) -> bytes:
    """One line as testlib's ``readString`` returns it from the raw bytes between two LFs (pure): a CR
    before the LF ends the line and is dropped; a CR before any other byte is dropped and that byte kept
    (so ``a\\rb`` reads ``ab``); a CR at the very end of the file reads as byte 0xFF (testlib appends
    ``char(EOF)``)."""
    if b"\r" not in piece:
        return piece

    def one(m: re.Match[bytes]) -> bytes:
        if m.group(1):
            return m.group(1)
        return b"\xff" if at_eof else b""

    return _LINE_CR.sub(one, piece)


def _lcmp_answer_lines(data: bytes) -> list[bytes]:
    """The answer lines lcmp compares: every line up to EOF, where a last line that is empty (the text
    after a final newline, or an empty line just before it) is not read."""
    pieces = data.split(b"\n")
    ends_with_lf = len(pieces) > 1 and pieces[-1] == b""
    if ends_with_lf:
        pieces.pop()
    lines = [_lcmp_line(p, at_eof=(k == len(pieces) - 1 and not ends_with_lf)) for k, p in enumerate(pieces)]
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def _lines(output: bytes, answer: bytes) -> CheckResult:
    """lcmp.cpp: the answer's lines in order, each compared with the output's line as a sequence of tokens
    (split by C ``isspace``: space, tab, CR, LF, VT, FF), so spacing inside a line does not matter; a
    missing output line reads as empty; output left after the last answer line must be blank."""
    expected = _lcmp_answer_lines(answer)
    n = len(expected)
    parts = output.split(b"\n", n)  # the first n lines (each ended by LF) and what follows them
    whole = len(parts) > n  # n full lines were read: the last part is what follows them
    rest = parts.pop() if whole else b""
    found = [_lcmp_line(p, at_eof=not whole and k == len(parts) - 1) for k, p in enumerate(parts)]
    last = b""
    for k, j in enumerate(expected):
        p = found[k] if k < len(found) else b""
        last = p
        if j.split() != p.split():
            return _wa(_differ(k + 1, "lines", j, p))
    if rest.strip(b" \t\r\n"):
        return _pe(_EXTRA)
    return _ok(f"single line: '{compress(last)}'") if n == 1 else _ok(f"{n} lines")


_CHECKERS: dict[CheckerKind, Callable[[Checker, bytes, bytes], CheckResult]] = {
    CheckerKind.TOKENS: lambda c, out, ans: _wcmp(out, ans),
    CheckerKind.NUMBERS: lambda c, out, ans: _rcmp(out, ans, c.eps),
    CheckerKind.YESNO: lambda c, out, ans: _yesno(out, ans),
    CheckerKind.LINES: lambda c, out, ans: _lines(out, ans),
}


def check(checker: Checker, input: bytes, output: bytes, answer: bytes) -> CheckResult:
    """Judge ``output`` against the jury's ``answer`` (``input`` is the test, unused by these checkers but
    part of testlib's calling convention). Raises ValueError for ``CheckerKind.PROGRAM``, which the judge
    runs in the sandbox itself."""
    del input  # the standard checkers never read the test input
    impl = _CHECKERS.get(checker.kind)
    if impl is None:
        raise ValueError(f"checker kind {checker.kind.value!r} is run by the judge, not by sandbox.checkers")
    return impl(checker, output, answer)


# ---------------------------------------------------------------- checker programs' calling conventions
# open-r1's generated_checker is run by its grader (the Piston "codeforces" package open-r1's
# cf_scoring.py sends every test to) as a shell script does it; what the checker sees is reproduced here:
#   input:           sed 's/\r$//'                       (one CR before each line end dropped)
#   correct output:  $(cat) then echo "..." > file        (trailing newlines and NUL bytes gone, one LF added),
#                    then sed 's/\r$//', then sed '/^$/d' (empty lines deleted)
#   solution output: sed '/^$/d'
#   run:             timeout 10 python3 checker.py INPUT correct_output.txt SOLUTION_OUTPUT
#   accepted:        exit code 0 and the checker's stdout, all whitespace removed, is "1" or "100"

_CR_AT_EOL = re.compile(rb"\r(?=\n|\Z)")
_EMPTY_LINE = re.compile(rb"(?m)^\n")
_OPEN_R1_ACCEPT = (b"1", b"100")
_SPACE = re.compile(rb"[ \t\n\r\x0b\x0c]+")


def open_r1_files(input: bytes, answer: bytes, output: bytes) -> list[bytes]:
    """The three files open-r1's grader hands its checker, in its argument order (pure)."""
    correct = answer.replace(b"\0", b"").rstrip(b"\n") + b"\n"
    correct = _EMPTY_LINE.sub(b"", _CR_AT_EOL.sub(b"", correct))
    return [_CR_AT_EOL.sub(b"", input), correct, _EMPTY_LINE.sub(b"", output)]


def program_files(checker: Checker, input: bytes, output: bytes, answer: bytes) -> list[bytes]:
    """The files a checker program gets as its arguments, in order, by its convention."""
    if checker.convention == OPEN_R1:
        return open_r1_files(input, answer, output)
    return [input, output, answer]  # testlib: input output answer


def open_r1_result(run: RunResult) -> CheckResult:
    """An open-r1 checker's run as a verdict: accepted exactly when open-r1's grader accepts; anything else
    (it printed 0, raised, ran out of time) is a rejection there, so WA here. A failure of the sandbox
    itself is JE."""
    said = run.stdout.decode(errors="replace").strip()[:200]
    if run.status is Verdict.JE:
        return CheckResult(Verdict.JE, f"checker: {run.detail}")
    if run.status is Verdict.AC and run.exit_code == 0:
        if _SPACE.sub(b"", run.stdout) in _OPEN_R1_ACCEPT:
            return CheckResult(Verdict.AC, f"ok the checker printed {said!r}")
        return CheckResult(Verdict.WA, f"wrong answer the checker printed {said!r}")
    why = run.detail or f"exit code {run.exit_code}"
    tail = run.stderr.decode(errors="replace").strip()[-300:]
    return CheckResult(Verdict.WA, f"wrong answer the checker failed ({why}){': ' + tail if tail else ''}")
