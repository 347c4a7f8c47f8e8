"""Codeforces' standard checkers, re-implemented to behave exactly as testlib's.

Pure functions: bytes in, ``CheckResult`` out. Each kind follows one testlib checker:

    TOKENS   wcmp.cpp   whitespace-separated tokens, compared exactly (Codeforces' default checker)
    NUMBERS  rcmpN.cpp  doubles; absolute or relative error <= eps (testlib ``doubleCompare``)
    YESNO    wcmp + yesno.cpp/nyesno.cpp: tokens, where an expected YES/NO matches case-insensitively
    LINES    stricter than lcmp.cpp: lines compared exactly, except trailing whitespace at line ends
             and trailing blank lines (lcmp would also accept changed spacing inside a line)

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
from collections.abc import Callable

from sandbox.api import Checker, CheckerKind, CheckResult, Verdict

__all__ = [
    "MAX_TOKEN_LENGTH",
    "check",
    "compress",
    "double_compare",
    "double_delta",
    "english_ending",
    "parse_double",
    "token_spans",
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


def token_spans(data: bytes) -> list[tuple[int, int]]:
    """(start, end) byte offsets of each token, for error positions."""
    return [m.span() for m in _TOKEN.finditer(data)]


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


def _wcmp(output: bytes, answer: bytes) -> CheckResult:
    """wcmp.cpp: compare sequences of tokens."""
    ans, out = tokens(answer), tokens(output)
    for n, (j, p) in enumerate(zip(ans, out, strict=False), start=1):
        bad = _too_long(j, True) or _too_long(p, False)
        if bad is not None:
            return bad
        if j != p:
            return _wa(_differ(n, "words", j, p))
    if len(ans) == len(out):
        return _ok(f'"{compress(ans[0])}"') if len(ans) == 1 else _ok(f"{len(ans)} tokens")
    if len(out) > len(ans):
        return _wa("Participant output contains extra tokens")
    return _wa("Unexpected EOF in the participants output")


def _rcmp(output: bytes, answer: bytes, eps: float) -> CheckResult:
    """rcmp6.cpp generalised to any eps: every answer number needs a close-enough output number."""
    # rcmp6 (eps 1e-6) prints 7 decimals, rcmp9 prints 10: one more digit than eps resolves.
    digits = min(max(math.ceil(-math.log10(eps) - 1e-9), 0) + 1, 20) if eps > 0 else 10
    ans, out = tokens(answer), tokens(output)
    j = p = 0.0
    for n, raw_j in enumerate(ans, start=1):
        bad = _too_long(raw_j, True)
        if bad is not None:
            return bad
        parsed_j = parse_double(raw_j)
        if parsed_j is None:
            return _fail(f'Expected double, but "{compress(raw_j)}" found')
        if n > len(out):
            return _pe("Unexpected end of file - double expected")
        raw_p = out[n - 1]
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
    if len(out) > len(ans):
        return _pe(_EXTRA)
    if len(ans) == 1:
        delta = double_delta(j, p)
        return _ok(f"found '{p:.{digits}f}', expected '{j:.{digits}f}', error '{delta:.{digits}f}'")
    return _ok(f"{len(ans)} numbers")


_YES_NO = (b"YES", b"NO")


def _yesno(output: bytes, answer: bytes) -> CheckResult:
    """Tokens as in wcmp, except that an expected YES/NO is matched case-insensitively (nyesno.cpp)."""
    ans, out = tokens(answer), tokens(output)
    for n, (j, p) in enumerate(zip(ans, out, strict=False), start=1):
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
    if len(ans) == len(out):
        if len(ans) == 1:
            shown = ans[0].upper() if ans[0].upper() in _YES_NO else ans[0]
            return _ok(f"answer is {compress(shown)}")
        return _ok(f"{len(ans)} tokens")
    if len(out) > len(ans):
        return _wa("Participant output contains extra tokens")
    return _wa("Unexpected EOF in the participants output")


def _significant_lines(data: bytes) -> list[bytes]:
    lines = [line.rstrip(_TRAILING_BLANKS) for line in data.split(b"\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _lines(output: bytes, answer: bytes) -> CheckResult:
    """Lines compared exactly after dropping trailing blanks at line ends and trailing blank lines;
    messages as lcmp.cpp prints them."""
    ans, out = _significant_lines(answer), _significant_lines(output)
    for n, j in enumerate(ans, start=1):
        p = out[n - 1] if n <= len(out) else b""
        if j != p:
            return _wa(_differ(n, "lines", j, p))
    if len(out) > len(ans):
        return _pe(_EXTRA)
    if len(ans) == 1:
        return _ok(f"single line: '{compress(ans[0])}'")
    return _ok(f"{len(ans)} lines")


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
