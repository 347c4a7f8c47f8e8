"""The standard checkers against testlib's behaviour (wcmp, rcmp, yesno/nyesno, lcmp-style lines).

Expected messages are testlib's own format strings; the number-parsing table was verified against glibc
``sscanf("%lf%s")``, which testlib's ``stringToDouble`` uses.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sandbox.api import Checker, CheckerKind, Compiled, Verdict
from sandbox.checkers import (
    MAX_TOKEN_LENGTH,
    check,
    compress,
    double_compare,
    double_delta,
    english_ending,
    parse_double,
    tokens,
)

TOKENS, NUMBERS, YESNO, LINES = Checker.tokens(), Checker.numbers(), Checker.yesno(), Checker.lines()


def run(checker: Checker, output: bytes, answer: bytes) -> tuple[Verdict, str]:
    r = check(checker, b"", output, answer)
    return r.verdict, r.message


# ------------------------------------------------------------------ helpers shared with testlib


@pytest.mark.parametrize(
    ("n", "ending"),
    [
        *[(1, "st"), (2, "nd"), (3, "rd"), (4, "th"), (11, "th"), (12, "th"), (13, "th"), (21, "st")],
        *[(22, "nd"), (101, "st"), (111, "th"), (112, "th"), (1000, "th"), (1002, "nd")],
    ],
)
def test_english_ending(n: int, ending: str) -> None:
    assert english_ending(n) == ending


def test_compress_keeps_short_tokens_and_cuts_long_ones_like_testlib() -> None:
    assert compress(b"abc") == "abc"
    assert compress(b"a\0b") == "a~b"
    s = bytes(range(48, 48 + 64))
    assert compress(s) == s.decode()  # exactly 64: kept
    long = b"".join(b"%03d" % i for i in range(40))  # 120 bytes
    assert compress(long) == long[:30].decode() + "..." + long[-31:].decode()


def test_only_space_tab_cr_lf_separate_tokens() -> None:
    assert tokens(b" 1\t2\r\n3\n\n 4 ") == [b"1", b"2", b"3", b"4"]
    # testlib's isBlanks knows no vertical tab or form feed: they are part of a token
    assert tokens(b"1\x0b2 3\x0c") == [b"1\x0b2", b"3\x0c"]


# ------------------------------------------------------------------ TOKENS (wcmp)


def test_tokens_accept_any_whitespace_layout() -> None:
    assert run(TOKENS, b"1   2\r\n\n3\t", b"1 2 3\n") == (Verdict.AC, "ok 3 tokens")


def test_tokens_single_and_empty_messages() -> None:
    assert run(TOKENS, b"42\n", b"42") == (Verdict.AC, 'ok "42"')
    assert run(TOKENS, b"\n \n", b"") == (Verdict.AC, "ok 0 tokens")


def test_tokens_first_difference_is_reported_with_testlib_wording() -> None:
    assert run(TOKENS, b"1 5 3 9", b"1 2 3 4") == (
        Verdict.WA,
        "wrong answer 2nd words differ - expected: '2', found: '5'",
    )


def test_tokens_missing_and_extra() -> None:
    assert run(TOKENS, b"1 2", b"1 2 3") == (
        Verdict.WA,
        "wrong answer Unexpected EOF in the participants output",
    )
    assert run(TOKENS, b"1 2 3 4", b"1 2 3") == (
        Verdict.WA,
        "wrong answer Participant output contains extra tokens",
    )
    assert run(TOKENS, b"", b"1")[0] is Verdict.WA
    assert run(TOKENS, b"1", b"")[0] is Verdict.WA


@pytest.mark.parametrize(
    ("output", "answer"),
    [
        (b"yes", b"YES"),  # case matters for the default checker
        (b"01", b"1"),  # no numeric equivalence
        (b"1.0", b"1"),
        (b"-0", b"0"),
        (b"1\x0b2", b"1 2"),  # vertical tab is not a separator
        (b"1\x002", b"1 2"),  # nor is NUL
        (b"\xff", b"\xfe"),  # arbitrary bytes compare as bytes
        (b"12", b"1 2"),
        (b"1 2", b"12"),
    ],
)
def test_tokens_never_accept_what_codeforces_rejects(output: bytes, answer: bytes) -> None:
    assert run(TOKENS, output, answer)[0] is Verdict.WA


def test_tokens_messages_compress_long_and_nul_tokens() -> None:
    long = b"x" * 100
    verdict, message = run(TOKENS, b"a\0b " + long, b"a\0b " + long + b"y")
    assert verdict is Verdict.WA
    x30 = "x" * 30
    assert message == f"wrong answer 2nd words differ - expected: '{x30}...{x30}y', found: '{x30}...{x30}x'"
    assert run(TOKENS, b"a\0c", b"a\0b")[1] == "wrong answer 1st words differ - expected: 'a~b', found: 'a~c'"


def test_overlong_token_is_a_format_error() -> None:
    huge = b"7" * (MAX_TOKEN_LENGTH + 1)
    verdict, message = run(TOKENS, huge, b"7")
    assert verdict is Verdict.PE
    assert message.startswith(f"wrong output format Length of token exceeds {MAX_TOKEN_LENGTH}")
    # testlib never reads past the first differing pair, so a later over-long token does not matter
    assert run(TOKENS, b"1 " + huge, b"2 7")[0] is Verdict.WA
    # an over-long token in the jury's answer is the jury's fault
    assert run(TOKENS, b"1 " + huge, b"1 " + huge)[0] is Verdict.JE


_token = st.binary(min_size=1, max_size=6).filter(lambda b: not any(c in b for c in b" \t\r\n"))
_sep = st.sampled_from([b" ", b"\n", b"\t", b"\r\n", b"  ", b" \n\n"])


@st.composite
def _layout(draw: st.DrawFn, toks: list[bytes]) -> bytes:
    """The same tokens, separated and surrounded by arbitrary testlib blanks."""
    out = draw(st.sampled_from([b"", b" ", b"\n"]))
    for i, t in enumerate(toks):
        out += (draw(_sep) if i else b"") + t
    return out + draw(st.sampled_from([b"", b"\n", b"\r\n", b" \n \n"]))


@given(st.data(), st.lists(_token, max_size=8))
def test_tokens_accept_exactly_equal_token_sequences(data: st.DataObject, toks: list[bytes]) -> None:
    answer, output = data.draw(_layout(toks)), data.draw(_layout(toks))
    assert run(TOKENS, output, answer)[0] is Verdict.AC


@given(st.data(), st.lists(_token, min_size=1, max_size=8), st.lists(_token, max_size=8))
def test_tokens_reject_every_other_sequence(data: st.DataObject, want: list[bytes], got: list[bytes]) -> None:
    assume(want != got)
    verdict, message = run(TOKENS, data.draw(_layout(got)), data.draw(_layout(want)))
    assert verdict is Verdict.WA
    first = next((i for i, (a, b) in enumerate(zip(want, got, strict=False)) if a != b), None)
    if first is not None:
        n = first + 1
        assert message.startswith(f"wrong answer {n}{english_ending(n)} words differ")
    elif len(got) < len(want):
        assert message.endswith("Unexpected EOF in the participants output")
    else:
        assert message.endswith("Participant output contains extra tokens")


# ------------------------------------------------------------------ numbers: testlib's stringToDouble


@pytest.mark.parametrize(
    ("token", "value"),
    # every row checked against glibc sscanf("%lf%s") as testlib calls it
    [
        (b"1", 1.0),
        (b"-0", -0.0),
        (b"+.5", 0.5),
        (b".5", 0.5),
        (b"1.", 1.0),
        (b"1.e5", 1e5),
        (b"1e+5", 1e5),
        (b"1E01", 10.0),
        (b"-.5E+3", -500.0),
        (b"00.1", 0.1),
        (b"1e", 1.0),  # glibc swallows a dangling exponent mark
        (b"1e+", 1.0),
        (b"1E-", 1.0),
        (b"1.5e", 1.5),
        (b".5e-", 0.5),
        (b"0.e+", 0.0),
        (b"1e400", math.inf),  # overflow is a value (testlib only rejects NaN)
        (b"-1e400", -math.inf),
        (b"1e-400", 0.0),
        (b"2.4703282292062328e-324", 5e-324),
        (b"1.7976931348623159e308", math.inf),
        (b"00000000000000000000000000001.5", 1.5),
    ],
)
def test_parse_double_accepts_what_testlib_accepts(token: bytes, value: float) -> None:
    got = parse_double(token)
    assert got == value and math.copysign(1, got) == math.copysign(1, value)


@pytest.mark.parametrize(
    "token",
    [
        *[b"nan", b"NaN", b"inf", b"-inf", b"Infinity", b"0x10", b"1,5", b"1e5.5", b"1-2", b"--", b"+-1"],
        *[b"-+1", b"1..", b"e5", b".e5", b"-.e5", b"1e5e", b"1e-5-", b"1e+-5", b".", b"-", b"", b"1\x00"],
        *[b"\xd9\xa1", b"---1", b"1_000", b"1 ", b"\xef\xbc\x91"],
    ],
)
def test_parse_double_rejects_what_testlib_rejects(token: bytes) -> None:
    assert parse_double(token) is None


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_parse_double_round_trips_every_finite_double(x: float) -> None:
    assert parse_double(repr(x).encode()) == x
    assert parse_double(b"%.17e" % x) == x


# ------------------------------------------------------------------ numbers: doubleCompare


@pytest.mark.parametrize(
    ("expected", "result", "ok"),
    [
        (0.0, 1e-6, True),  # absolute error exactly eps
        (0.0, -1e-6, True),
        (0.0, 1.1e-6, False),
        (1e9, 1e9 + 999, True),  # relative 9.99e-7
        (1e9, 1e9 + 1001, False),
        (-1e9, -1e9 - 999, True),
        (-1e9, -1e9 + 1001, False),
        (1.0, 1.000001, True),
        (1.0, 1.0000011, False),
        (math.inf, math.inf, True),
        (math.inf, 1e301, True),  # testlib calls anything beyond 1e300 infinite
        (1e301, 1e305, True),
        (1e301, -1e305, False),
        (-math.inf, -math.inf, True),
        (math.inf, -math.inf, False),
        (1.0, math.inf, False),
        (1e300, math.inf, False),
        (1.0, math.nan, False),
        (math.nan, math.nan, True),
    ],
)
def test_double_compare_matches_testlib(expected: float, result: float, ok: bool) -> None:
    assert double_compare(expected, result, 1e-6) is ok


def test_double_delta_is_min_of_absolute_and_relative() -> None:
    assert double_delta(1000.0, 1001.0) == pytest.approx(1e-3)
    assert double_delta(0.5, 0.75) == pytest.approx(0.25)
    assert double_delta(0.0, 0.25) == 0.25


@given(st.floats(-1e12, 1e12), st.floats(0, 1e-7))
def test_numbers_within_absolute_eps_are_accepted(x: float, d: float) -> None:
    assert run(NUMBERS, b"%.15g" % (x + d * (1 if x >= 0 else -1)), b"%.15g" % x)[0] is Verdict.AC


@given(st.floats(-1e12, 1e12), st.floats(2.1e-6, 1e6))
def test_numbers_beyond_both_errors_are_rejected(x: float, d: float) -> None:
    y = x + d * max(1.0, abs(x))
    assume(abs(y - x) > 2e-6 * max(1.0, abs(x)))
    verdict, message = run(NUMBERS, repr(y).encode(), repr(x).encode())
    assert verdict is Verdict.WA
    assert message.startswith("wrong answer 1st numbers differ - expected: ")


# ------------------------------------------------------------------ NUMBERS (rcmp)


def test_numbers_messages_follow_rcmp6() -> None:
    assert run(NUMBERS, b"1.0000001\n", b"1") == (
        Verdict.AC,
        "ok found '1.0000001', expected '1.0000000', error '0.0000001'",
    )
    assert run(NUMBERS, b"1 2 3", b"1.0 2.0 3.0") == (Verdict.AC, "ok 3 numbers")
    assert run(NUMBERS, b"1 2.5 3", b"1 2 3") == (
        Verdict.WA,
        "wrong answer 2nd numbers differ - expected: '2.0000000', found: '2.5000000', error = '0.2500000'",
    )


def test_numbers_digits_follow_eps() -> None:
    assert run(Checker.numbers(1e-9), b"2", b"1")[1] == (
        "wrong answer 1st numbers differ - expected: '1.0000000000', found: '2.0000000000', "
        "error = '1.0000000000'"
    )
    assert run(Checker.numbers(1e-4), b"1.00009", b"1")[0] is Verdict.AC
    assert run(Checker.numbers(1e-4), b"1.00011", b"1")[0] is Verdict.WA


def test_numbers_format_errors_are_presentation_errors() -> None:
    assert run(NUMBERS, b"1 abc", b"1 2") == (
        Verdict.PE,
        'wrong output format Expected double, but "abc" found',
    )
    assert run(NUMBERS, b"nan", b"1") == (Verdict.PE, 'wrong output format Expected double, but "nan" found')
    assert run(NUMBERS, b"1", b"1 2") == (
        Verdict.PE,
        "wrong output format Unexpected end of file - double expected",
    )
    assert run(NUMBERS, b"1 2 3", b"1 2") == (
        Verdict.PE,
        "wrong output format Extra information in the output file",
    )


def test_numbers_mismatch_before_format_error_wins() -> None:
    # testlib stops at the first failing pair; a later malformed token is never read
    assert run(NUMBERS, b"5 abc", b"1 2")[0] is Verdict.WA


def test_numbers_malformed_answer_is_a_judge_failure() -> None:
    verdict, message = run(NUMBERS, b"1", b"YES")
    assert verdict is Verdict.JE
    assert message.startswith("FAIL Expected double")


def test_numbers_overflowing_output_is_wrong_not_accepted() -> None:
    assert run(NUMBERS, b"1e400", b"1")[0] is Verdict.WA
    assert run(NUMBERS, b"1e400", b"1e400")[0] is Verdict.AC


# ------------------------------------------------------------------ YESNO


@pytest.mark.parametrize("said", [b"YES", b"yes", b"Yes", b"yEs"])
def test_yesno_is_case_insensitive(said: bytes) -> None:
    assert run(YESNO, said + b"\n", b"YES\n") == (Verdict.AC, "ok answer is YES")


def test_yesno_mismatch_and_garbage() -> None:
    assert run(YESNO, b"no", b"YES") == (Verdict.WA, "wrong answer expected YES, found NO [1st token]")
    assert run(YESNO, b"YES maybe", b"yes no") == (
        Verdict.PE,
        "wrong output format YES or NO expected, but MAYBE found [2nd token]",
    )
    assert run(YESNO, b"Y", b"YES")[0] is Verdict.PE


def test_yesno_other_tokens_are_exact() -> None:
    assert run(YESNO, b"Yes\n1 2\nno", b"YES\n1 2\nNO") == (Verdict.AC, "ok 4 tokens")
    assert run(YESNO, b"Yes\n01", b"YES\n1") == (
        Verdict.WA,
        "wrong answer 2nd words differ - expected: '1', found: '01'",
    )
    assert run(YESNO, b"abc", b"ABC")[0] is Verdict.WA
    assert run(YESNO, b"YES", b"YES NO")[0] is Verdict.WA
    assert run(YESNO, b"YES NO", b"YES")[0] is Verdict.WA


# ------------------------------------------------------------------ LINES


def test_lines_ignore_trailing_blanks_and_final_blank_lines() -> None:
    assert run(LINES, b"a b  \r\nc\t\n\n\n", b"a b\nc") == (Verdict.AC, "ok 2 lines")
    assert run(LINES, b"hello world", b"hello world\n") == (Verdict.AC, "ok single line: 'hello world'")


def test_lines_compare_each_lines_tokens_as_lcmp_does() -> None:
    """lcmp reads each line and compares its tokens: spacing inside a line is free (the first differential
    run against the real lcmp found `lines` rejecting `a  01` for `a 01` on 15 of 400 cases)."""
    assert run(LINES, b"a  01\n", b"a 01\n") == (Verdict.AC, "ok single line: 'a  01'")
    assert run(LINES, b" a\tb \x0b\n", b"a b\n")[0] is Verdict.AC  # C isspace: VT and FF too
    assert run(LINES, b"a\rb\n", b"ab\n")[0] is Verdict.AC  # readString drops a CR inside a line


@pytest.mark.parametrize(
    ("output", "answer"),
    [
        (b"a\n\nb", b"a\nb"),  # an inner blank line matters
        (b"a b", b"a\nb"),  # so do line breaks
        (b"a\nb", b"a b"),
        (b"A", b"a"),
        (b"a 1", b"a 01"),
        (b"x\n\x0b", b"x\n"),  # a VT left after the last line is not blank to testlib's seekEof
    ],
)
def test_lines_differ_otherwise(output: bytes, answer: bytes) -> None:
    assert run(LINES, output, answer)[0] is not Verdict.AC


def test_lines_messages() -> None:
    assert run(LINES, b"x\ny\n", b"x\nz\n") == (
        Verdict.WA,
        "wrong answer 2nd lines differ - expected: 'z', found: 'y'",
    )
    assert run(LINES, b"x\n", b"x\nz\n") == (
        Verdict.WA,
        "wrong answer 2nd lines differ - expected: 'z', found: ''",
    )
    assert run(LINES, b"x\nz\nw\n", b"x\nz\n") == (
        Verdict.PE,
        "wrong output format Extra information in the output file",
    )


# ------------------------------------------------------------------ never looser than Codeforces

_text = st.lists(
    st.sampled_from([b"a", b"YES", b"yes", b"1", b"1.0", b" ", b"\t", b"\n", b"\r\n", b"\x0b"]), max_size=12
)


@given(_text, _text)
def test_yesno_accepts_only_what_wcmp_accepts_up_to_case(out: list[bytes], ans: list[bytes]) -> None:
    # (LINES is not such a kind: lcmp splits a line at VT and FF, which wcmp keeps inside a token.)
    output, answer = b"".join(out), b"".join(ans)
    if run(YESNO, output, answer)[0] is Verdict.AC:
        upper = [t.upper() if t.upper() in (b"YES", b"NO") else t for t in tokens(output)]
        assert upper == [t.upper() if t.upper() in (b"YES", b"NO") else t for t in tokens(answer)]


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=6))
def test_identical_numbers_are_accepted_by_numbers(xs: list[float]) -> None:
    text = b" ".join(repr(x).encode() for x in xs)
    assert run(TOKENS, text, text)[0] is Verdict.AC
    assert run(NUMBERS, text, text)[0] is Verdict.AC


def test_program_checkers_are_not_run_here() -> None:
    with pytest.raises(ValueError, match="run by the judge"):
        check(Checker.from_program(Compiled("h", "cpp17", True)), b"", b"", b"")
    assert CheckerKind.PROGRAM.value == "program"


# ------------------------------------------------------------------ the fast paths against plain models
# The checkers avoid per-token lists (outputs reach 64 MB); these models are the direct, list-based
# transcriptions of wcmp.cpp and of the line rule, and must agree with them on every input.


def model_wcmp(output: bytes, answer: bytes) -> tuple[Verdict, str]:
    ans, out = tokens(answer), tokens(output)
    for n, (j, p) in enumerate(zip(ans, out, strict=False), start=1):
        if j != p:
            e = english_ending(n)
            return (
                Verdict.WA,
                f"wrong answer {n}{e} words differ - expected: '{compress(j)}', found: '{compress(p)}'",
            )
    if len(ans) == len(out):
        return Verdict.AC, f'ok "{compress(ans[0])}"' if len(ans) == 1 else f"ok {len(ans)} tokens"
    if len(out) > len(ans):
        return Verdict.WA, "wrong answer Participant output contains extra tokens"
    return Verdict.WA, "wrong answer Unexpected EOF in the participants output"


class _Reader:
    """testlib's InStream over bytes, character by character (readString, eoln, eof, seekEof)."""

    def __init__(self, data: bytes) -> None:
        self.data, self.i = data, 0

    def cur(self) -> int:
        return self.data[self.i] if self.i < len(self.data) else -1

    def next(self) -> int:
        c = self.cur()
        self.i += c != -1
        return c

    def read_string(self) -> bytes:
        out = bytearray()
        while True:
            c = self.cur()
            if c in (10, -1):
                break
            if c == 13:
                self.next()
                if self.cur() == 10:
                    self.i -= 1  # unreadChar(CR): eoln takes CR LF
                    break
            out.append(self.next() & 0xFF)  # char(EOF) is 0xFF
        c = self.next()  # eoln()
        if c == 13:
            if self.cur() == 10:
                self.next()
            else:
                self.i -= 1
        elif c not in (10, -1):
            self.i -= 1
        return bytes(out)

    def eof(self) -> bool:
        return self.cur() == -1

    def seek_eof(self) -> bool:
        while self.cur() in (32, 9, 13, 10):
            self.next()
        return self.eof()


def model_lines(output: bytes, answer: bytes) -> tuple[Verdict, str]:
    """lcmp.cpp over the reader above, line for line."""
    ans, ouf = _Reader(answer), _Reader(output)
    n, last = 0, b""
    while not ans.eof():
        j = ans.read_string()
        if not j and ans.eof():
            break
        p = ouf.read_string()
        last = p
        n += 1
        if j.split() != p.split():
            e = english_ending(n)
            return (
                Verdict.WA,
                f"wrong answer {n}{e} lines differ - expected: '{compress(j)}', found: '{compress(p)}'",
            )
    if not ouf.seek_eof():
        return Verdict.PE, "wrong output format Extra information in the output file"
    return Verdict.AC, f"ok single line: '{compress(last)}'" if n == 1 else f"ok {n} lines"


_piece = st.sampled_from(
    [b"a", b"ab", b"b", b"1", b"12", b"YES", b"yes", b" ", b"  ", b"\t", b"\n", b"\r\n", b"\n\n", b"\r", b"\x0b"]
)
_blob = st.lists(_piece, max_size=14).map(b"".join)


@given(_blob, _blob)
def test_tokens_agree_with_the_plain_model(output: bytes, answer: bytes) -> None:
    assert run(TOKENS, output, answer) == model_wcmp(output, answer)


@given(_blob)
def test_tokens_agree_with_the_model_on_near_misses(answer: bytes) -> None:
    for output in (answer + b"x", answer[:-1], answer.replace(b"a", b"b", 1), b" " + answer, answer + b" 1"):
        assert run(TOKENS, output, answer) == model_wcmp(output, answer)


@given(_blob, _blob)
def test_lines_agree_with_the_plain_model(output: bytes, answer: bytes) -> None:
    assert run(LINES, output, answer) == model_lines(output, answer)


@given(_blob)
def test_lines_agree_with_the_model_on_near_misses(answer: bytes) -> None:
    for output in (
        answer + b"\nx",
        answer[:-1],
        answer.replace(b"\n", b" ", 1),
        b" " + answer,
        answer + b"\t",
    ):
        assert run(LINES, output, answer) == model_lines(output, answer)


def test_big_outputs_are_checked_without_per_token_objects() -> None:
    """16 million tokens: a list of them would take gigabytes; the stream compare takes one copy."""
    import tracemalloc

    answer = b"7 " * 16_000_000
    output = answer[:-4] + b"8 \n"
    tracemalloc.start()
    verdict, message = run(TOKENS, output, answer)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert (verdict, message) == (
        Verdict.WA,
        "wrong answer 15999999th words differ - expected: '7', found: '8'",
    )
    assert peak < 6 * len(answer), f"peak {peak >> 20} MB"
