"""The first-difference report used on Wrong Answer and in practice mode."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sandbox.api import CheckerKind
from sandbox.checkers import tokens
from sandbox.diff import describe, first_difference


def test_no_difference_gives_nothing() -> None:
    assert first_difference(b"1  2\n3\n", b"1 2 3") is None
    assert describe(b"1 2 3", b"1 2 3\n") == ""


def test_position_expected_found_and_context() -> None:
    output = b"10\n20 21\n30 31 99\n40\n50\n60\n"
    answer = b"10\n20 21\n30 31 32\n40\n50\n60\n"
    d = first_difference(output, answer)
    assert d is not None
    assert (d.kind, d.unit, d.index, d.line, d.column) == ("differ", "token", 6, 3, 7)
    assert (d.expected, d.found, d.answer_line) == ("32", "99", 3)
    assert [n for n, _ in d.found_context] == [1, 2, 3, 4, 5]
    assert d.expected_context[2] == (3, "30 31 32")
    text = describe(output, answer)
    assert text.splitlines()[0] == "First difference at token 6 (line 3, column 7): expected '32', found '99'"
    assert "  >" in text and "30 31 99" in text


def test_missing_and_extra_output() -> None:
    d = first_difference(b"1 2\n", b"1 2\n3\n")
    assert d is not None and (d.kind, d.index, d.expected, d.found, d.answer_line) == (
        "missing",
        3,
        "3",
        "",
        2,
    )
    assert describe(b"1 2\n", b"1 2\n3\n").startswith("Output ended early: token 3 missing, expected '3'")
    d = first_difference(b"1 2\n3\n", b"1 2\n")
    assert d is not None and (d.kind, d.index, d.found, d.line, d.column) == ("extra", 3, "3", 2, 1)
    assert d.expected == ""


def test_whitespace_only_output_is_missing_everything() -> None:
    d = first_difference(b"\n\n", b"5\n")
    assert d is not None and (d.kind, d.line, d.expected) == ("missing", 3, "5")
    e = first_difference(b"", b"5\n")
    assert e is not None and e.found_context == ()
    assert "found: (empty)" in describe(b"", b"5\n")


def test_multitest_case_from_one_answer_line_per_case() -> None:
    input = b"4\n3\n1 2 3\n2\n5 5\n1\n7\n4\n1 1 1 1\n"
    answer = b"6\n10\n7\n4\n"
    output = b"6\n10\n8\n4\n"
    d = first_difference(output, answer, input)
    assert d is not None and (d.case, d.cases) == (3, 4)
    # the input splits evenly (2 lines per case), so the failing case's input is shown
    assert d.case_input == "1\n7"
    assert "in test case 3 of 4" in describe(output, answer, input)


def test_multitest_case_from_even_token_groups() -> None:
    input = b"3\n1 2\n3 4\n5 6\n"
    answer = b"2 1 4 3\n6 5\n"  # 6 tokens for 3 cases: two per case, whatever the lines
    output = b"2 1 4 3\n5 6\n"
    d = first_difference(output, answer, input)
    assert d is not None and (d.index, d.case, d.cases) == (5, 3, 3)
    assert d.case_input == "5 6"


def test_case_left_unknown_when_counting_cannot_tell() -> None:
    input = b"3\n1\n2\n3\n"
    answer = b"1\n2 2\n3 3 3 3\n4\n"  # 4 lines and 8 tokens: neither maps onto 3 cases
    d = first_difference(b"1\n2 2\n3 3 3 9\n4\n", answer, input)
    assert d is not None and d.case is None and d.cases == 3
    assert "test case" not in describe(b"1\n2 2\n3 3 3 9\n4\n", answer, input)
    single = first_difference(b"2\n", b"1\n", b"5 7\n")  # not a multi-test input
    assert single is not None and single.case is None and single.cases is None


def test_numbers_and_yesno_see_differences_as_their_checkers_do() -> None:
    assert first_difference(b"1.0000001 2", b"1 2", kind=CheckerKind.NUMBERS) is None
    d = first_difference(b"1.0000001 2.1", b"1 2", kind=CheckerKind.NUMBERS)
    assert d is not None and d.index == 2
    assert first_difference(b"yes No", b"YES NO", kind=CheckerKind.YESNO) is None
    assert first_difference(b"yes No", b"YES NO") is not None


def test_lines_mode_reports_lines() -> None:
    d = first_difference(b"a\nb  c\n", b"a\nb c\n", kind=CheckerKind.LINES)
    assert d is not None and (d.unit, d.index, d.column, d.expected, d.found) == ("line", 2, 3, "b c", "b  c")
    assert describe(b"a\nb  c\n", b"a\nb c\n", kind=CheckerKind.LINES).startswith(
        "First difference at line 2, column 3: expected 'b c', found 'b  c'"
    )
    assert first_difference(b"a  \r\n\n", b"a", kind=CheckerKind.LINES) is None


def test_long_lines_are_clipped_around_the_difference() -> None:
    answer = b" ".join(b"%d" % i for i in range(5000)) + b"\n"
    output = answer.replace(b" 4000 ", b" 4001 ")
    d = first_difference(output, answer)
    assert d is not None and d.index == 4001 and d.found == "4001"
    (_, shown) = d.found_context[0]
    assert "4001" in shown and len(shown) <= 102 and shown.startswith("…")


@given(st.lists(st.integers(0, 99), min_size=1, max_size=30), st.data())
def test_the_reported_token_is_the_first_that_differs(xs: list[int], data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(xs) - 1))
    ys = [*xs[:i], xs[i] + 100, *xs[i + 1 :]]
    answer = b"\n".join(b"%d" % x for x in xs)
    output = b" ".join(b"%d" % y for y in ys)
    d = first_difference(output, answer)
    assert d is not None
    assert (d.index, d.expected, d.found, d.answer_line) == (i + 1, str(xs[i]), str(xs[i] + 100), i + 1)
    assert output[d.column - 1 :].startswith(str(ys[i]).encode())


_piece = st.sampled_from([b"a", b"ab", b"b", b"1", b"12", b" ", b"  ", b"\t", b"\n", b"\r\n", b"\n\n"])
_blob = st.lists(_piece, max_size=20).map(b"".join)


@given(_blob, _blob)
def test_the_first_difference_is_where_the_token_lists_part(output: bytes, answer: bytes) -> None:
    want, got = tokens(answer), tokens(output)
    d = first_difference(output, answer)
    if want == got:
        assert d is None
        return
    assert d is not None
    i = next((k for k, (x, y) in enumerate(zip(want, got, strict=False)) if x != y), min(len(want), len(got)))
    assert d.index == i + 1
    if d.kind == "differ":
        assert output.split(b"\n")[d.line - 1][d.column - 1 :].startswith(got[i])
        assert answer.split(b"\n")[d.answer_line - 1].find(want[i]) >= 0
    else:
        assert d.kind == ("missing" if len(got) < len(want) else "extra")


def test_a_difference_deep_in_a_huge_output_is_found_cheaply() -> None:
    import tracemalloc

    answer = b"5\n" * 8_000_000
    output = answer[:-6] + b"6\n5\n5\n"
    tracemalloc.start()
    d = first_difference(output, answer)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert d is not None and (d.index, d.line, d.column, d.expected, d.found) == (
        7_999_998,
        7_999_998,
        1,
        "5",
        "6",
    )
    assert [n for n, _ in d.found_context] == [7_999_996, 7_999_997, 7_999_998, 7_999_999, 8_000_000]
    assert peak < 6 * len(answer), f"peak {peak >> 20} MB"
