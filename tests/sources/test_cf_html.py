"""The HTML parser against real Codeforces statement markup (tests/fixtures/codeforces, see its README);
the shared data set's pages are checked in test_shared_data.py."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from solver.errors import ChallengeError, ParseError
from solver.problem import INDEX, ContestKind, ContestRef, Problem, ProblemId
from solver.sources import cf_html
from tests.sources.cf_server import CHALLENGE_PAGE
from tests.sources.conftest import CF, page

PAGES = sorted((CF / "html").glob("*.html"))


# --- comparison with an expected parse -------------------------------------------------------------


def _get(d: dict[str, Any], *keys: str) -> Any:
    for k in keys:
        if k in d:
            return d[k]
    return None


def _lines(text: str) -> list[str]:
    # Expected files may or may not keep the final newline or trailing blanks; the judge ignores both.
    return cf_html.normalize_sample(text).split("\n")


def check_expected(problem: Problem, expected: dict[str, Any]) -> None:
    name = _get(expected, "name", "title")
    if name is not None:
        assert problem.name == re.sub(rf"^{INDEX}\.\s*", "", name).strip()
    tl = _get(expected, "time_limit_s", "time_limit", "timeLimitSeconds")
    if tl is None and "timeLimit" in expected:
        tl = expected["timeLimit"] / 1000  # Competitive Companion style (ms)
    if tl is not None:
        assert problem.time_limit_s == pytest.approx(float(tl))
    ml = _get(expected, "memory_limit_mb", "memory_limit", "memoryLimit")
    if ml is not None:
        assert problem.memory_limit_mb == int(ml)
    for key in ("interactive", "several_answers"):
        if key in expected:
            assert getattr(problem, key) is expected[key], key
    if "images" in expected:
        assert list(problem.images) == expected["images"]
    samples = _get(expected, "samples", "tests", "examples")
    assert samples is not None, "expected file has no samples"
    assert len(problem.samples) == len(samples)
    for got, want in zip(problem.samples, samples, strict=True):
        assert _lines(got.input) == _lines(want["input"])
        assert _lines(got.output) == _lines(want.get("output", ""))


def check_against_page(problem: Problem, raw: bytes) -> None:
    """Every sample token really is in the page, in order (the parse did not invent or reorder)."""
    text = re.sub(r"<[^>]+>", " ", raw.decode("utf-8"))
    for sample in problem.samples:
        for part in (sample.input, sample.output):
            pos = 0
            for token in part.split():
                found = text.find(token, pos)
                assert found >= 0, f"{token!r} of a sample is not in the page after offset {pos}"
                pos = found + len(token)


def parse_any(raw: bytes) -> list[Problem]:
    return cf_html.parse_problems(raw)


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_fixture_pages_parse_to_their_expected_values(path: Path) -> None:
    expected = json.loads((CF / "expected" / f"{path.stem}.json").read_text(encoding="utf-8"))
    raw = path.read_bytes()
    problems = parse_any(raw)
    wanted = expected.get("problems", [expected])
    assert len(problems) == len(wanted)
    for problem, want in zip(problems, wanted, strict=True):
        if "index" in want:
            assert problem.id.index == want["index"]
        check_expected(problem, want)
        check_against_page(problem, raw)


# --- formats ---------------------------------------------------------------------------------------------


def test_old_br_samples_become_lines() -> None:
    p = cf_html.parse_problem(page("764C.html"))
    assert b"<br />" in page("764C.html")
    assert p.samples[0].input == "4\n1 2\n2 3\n3 4\n1 2 1 1\n"
    assert p.samples[2].output == "NO\n"


def test_br_followed_by_a_newline_is_one_line_break() -> None:
    raw = page("764C.html").replace(b"<br />", b"<br />\n")
    p = cf_html.parse_problem(raw)
    assert p.samples[0].input == "4\n1 2\n2 3\n3 4\n1 2 1 1\n"


def test_multitest_example_lines_are_joined_per_line() -> None:
    p = cf_html.parse_problem(page("gym-102644A.html"))
    assert p.samples[0].input.splitlines()[:3] == ["3", "1 2", "4 5"]
    assert len(p.samples[0].input.splitlines()) == 13


def test_pre_with_leading_newline_and_inner_blank_lines() -> None:
    html = (
        '<div class="problem-statement"><div class="header"><div class="title">A. T</div>'
        '<div class="time-limit"><div class="property-title">time limit per test</div>1 second</div>'
        '<div class="memory-limit"><div class="property-title">memory limit per test</div>64 megabytes</div>'
        '</div><div class="sample-tests"><div class="sample-test"><div class="input"><div class="title">Input'
        '</div><pre>\n1 2\n\n3 \n</pre></div><div class="output"><div class="title">Output</div>'
        "<pre>\n3</pre></div></div></div></div>"
    )
    p = cf_html.parse_problem(html, ProblemId(1, "A"))
    assert p.samples[0].input == "1 2\n\n3\n"
    assert p.samples[0].output == "3\n"
    assert p.memory_limit_mb == 64


def test_interactive_problem_keeps_the_exchange_and_the_interaction_section() -> None:
    p = cf_html.parse_problem(page("2220D2.html"))
    assert p.interactive
    assert p.interaction.startswith("For each test case, first read a single integer $n$.")
    assert "Interaction" not in p.statement
    assert p.samples[0].output.startswith("? 2 1 2\n")


def test_interactive_detected_from_the_words_too() -> None:
    assert cf_html.interactive_in("This is an interactive problem. You have to use flush")
    assert not cf_html.interactive_in("Read the input and print the answer")


def test_several_answers_detection() -> None:
    flags = {p.stem: parse_any(p.read_bytes()) for p in PAGES}
    assert flags["764C"][0].several_answers  # "If there are multiple answers, print any of them."
    assert flags["1155C"][0].several_answers  # "If there are multiple answers, you can print any."
    assert not flags["contest-1294-problems"][0].several_answers  # YES/NO only
    assert not flags["1294B"][0].several_answers  # "several possible traversals" but one answer wanted
    assert not flags["2220D2"][0].several_answers  # "in any order", but an interactor judges it
    assert cf_html.several_answers_in("Print the elements in any order.")
    assert cf_html.several_answers_in("If there are several solutions, output any of them.")
    assert not cf_html.several_answers_in("Print the number of ways modulo 998244353.")
    anchor = b"It is the standard comparison"
    legend_only = page("1294B.html").replace(anchor, b"You may choose any of them and print any. " + anchor)
    assert not cf_html.parse_problem(legend_only).several_answers  # the task, not the answer


def test_tex_is_kept_readable() -> None:
    modern = cf_html.parse_problem(page("1155C.html"))
    assert "$x_1, x_2, \\dots, x_n$" in modern.statement
    assert "$$$" not in modern.statement + modern.input_spec
    old = cf_html.parse_problem(page("764C.html"))
    assert "color $c_i$." in old.statement
    assert "($2 ≤ n ≤ 10^5$)" in old.input_spec
    assert "$c_1, c_2, ..., c_n$" in old.input_spec
    assert "**note that it does not matter" in modern.statement
    assert '"`YES`"' in modern.output_spec


def test_images_become_absolute_urls() -> None:
    p = cf_html.parse_problem(page("1294B.html"))
    url = "https://espresso.codeforces.com/9d2b3d353d2a6c0e6b3cc24566f3fd193a183cac.png"
    assert p.images == (url,)
    assert f"![image]({url})" in p.notes
    rel = page("1294B.html").replace(url.encode(), b"/predownloaded/ab/cd.png")
    p = cf_html.parse_problem(rel, base_url="http://mirror.example")
    assert p.images == ("http://mirror.example/predownloaded/ab/cd.png",)


def test_ids_are_read_from_the_page() -> None:
    assert cf_html.parse_problem(page("764C.html")).id == ProblemId(764, "C")
    assert cf_html.parse_problem(page("2220D2.html")).id == ProblemId(2220, "D2")
    gym = cf_html.parse_problem(page("gym-102644A.html"))
    assert gym.id == ProblemId(102644, "A", ContestKind.GYM)


def test_whole_contest_page() -> None:
    problems = cf_html.parse_problems(page("contest-1294-problems.html"), ContestRef(1294))
    assert [str(p.id) for p in problems] == ["1294A", "1294B"]
    assert [p.name for p in problems] == ["Collecting Coins", "Collecting Packages"]
    one = cf_html.parse_problem(page("contest-1294-problems.html"), ProblemId(1294, "B"))
    assert one.name == "Collecting Packages"


def test_group_page_id_from_the_sidebar() -> None:
    raw = page("1155C.html").replace(b'href="/contest/1155"', b'href="/group/Abc12/contest/321"')
    p = cf_html.parse_problem(raw)
    assert p.id == ProblemId(321, "C", ContestKind.GROUP, "Abc12")


# --- bad input -----------------------------------------------------------------------------------------


def test_not_a_problem_page() -> None:
    with pytest.raises(ParseError, match="not a Codeforces problem page"):
        cf_html.parse_problem(b"<html><body><h1>Codeforces</h1></body></html>", ProblemId(1, "A"))


def test_truncated_page() -> None:
    raw = page("1155C.html")
    with pytest.raises(ParseError, match="truncated"):
        cf_html.parse_problem(raw[: len(raw) // 2], ProblemId(1155, "C"))


def test_header_without_limits_is_rejected() -> None:
    raw = re.sub(rb'<div class="time-limit">.*?</div>1 second</div>', b"", page("1294B.html"))
    with pytest.raises(ParseError, match="time or memory limit"):
        cf_html.parse_problem(raw, ProblemId(1294, "B"))


def test_challenge_page_is_recognised() -> None:
    assert cf_html.looks_like_challenge(CHALLENGE_PAGE)
    assert not cf_html.looks_like_challenge(page("764C.html"))
    with pytest.raises(ChallengeError, match="import"):
        cf_html.parse_problem(CHALLENGE_PAGE, ProblemId(1, "A"))


def test_cloudflare_beacon_on_a_real_page_is_not_a_challenge() -> None:
    beacon = (
        b"<script>(function(){var a=document.createElement('script');"
        b"a.src='/cdn-cgi/challenge-platform/scripts/jsd/main.js';document.head.appendChild(a)})();</script>"
    )
    raw = page("1155C.html").replace(b"</body>", beacon + b"</body>")
    assert not cf_html.looks_like_challenge(raw)
    assert cf_html.parse_problem(raw).name == "Alarm Clocks Everywhere"


def test_page_without_a_contest_link_needs_an_id() -> None:
    raw = page("1155C.html").replace(b'href="/contest/1155"', b'href="/"')
    with pytest.raises(ParseError, match="--id"):
        cf_html.parse_problem(raw)


def test_limits_in_other_units() -> None:
    assert cf_html.parse_time_limit("2.5 seconds") == 2.5
    assert cf_html.parse_time_limit("500 ms") == 0.5
    assert cf_html.parse_time_limit("1 секунда") == 1.0
    assert cf_html.parse_memory_limit("256 megabytes") == 256
    assert cf_html.parse_memory_limit("1 gigabyte") == 1024
    assert cf_html.parse_memory_limit("256 мегабайт") == 256


# --- which problem a page is -----------------------------------------------------------------------------


def _without_addresses(raw: bytes) -> bytes:
    """The page with every trace of its own address removed (menus, login link)."""
    return re.sub(rb'href="[^"]*(?:contest|enter)[^"]*"', b'href="/"', raw)


def test_a_page_says_which_problem_it_is_by_its_login_link_or_contest_menu() -> None:
    raw = page("1155C.html")
    assert cf_html.page_ref(raw) == ContestRef(1155)  # the contest's home link in the menu
    assert cf_html.parse_problem(raw).id == ProblemId(1155, "C")
    bare = _without_addresses(raw)
    assert cf_html.page_ref(bare) is None


@pytest.mark.parametrize(
    "mark",
    [
        b"<!-- saved from url=(0048)https://codeforces.com/group/xY1/contest/9/problem/C -->\n",
        b'<link rel="canonical" href="https://codeforces.com/group/xY1/contest/9/problem/C">',
        b'<meta property="og:url" content="https://codeforces.com/group/xY1/contest/9/problem/C">',
        b'<a href="/enter?back=%2Fgroup%2FxY1%2Fcontest%2F9%2Fproblem%2FC">Enter</a>',
    ],
)
def test_the_address_a_browser_or_the_page_records_names_the_problem(mark: bytes) -> None:
    raw = _without_addresses(page("1155C.html")).replace(b"<head>", b"<head>" + mark, 1)
    assert cf_html.parse_problem(raw).id == ProblemId(9, "C", ContestKind.GROUP, "xY1")


def test_a_link_inside_a_statement_never_names_the_page() -> None:
    # Statements cite other contests ("see /contest/1/problem/A"): the page is not theirs.
    cite = b'<div class="problem-statement"><a href="/contest/1">round 1</a>'
    raw = _without_addresses(page("1155C.html")).replace(b'<div class="problem-statement">', cite, 1)
    assert cf_html.page_ref(raw) is None
    with pytest.raises(ParseError, match=r"give the problem id, e\.g\. --id 1999A"):
        cf_html.parse_problem(raw)
    assert cf_html.parse_problem(raw, fallback=ContestRef(1155)).id == ProblemId(1155, "C")


def test_a_contest_page_without_its_address_asks_for_the_contest() -> None:
    raw = _without_addresses(page("contest-1294-problems.html"))
    with pytest.raises(ParseError, match=r"give the contest.s id, e\.g\. --id 1715"):
        cf_html.parse_problems(raw)
    assert [str(p.id) for p in cf_html.parse_problems(raw, fallback=ContestRef(1294))] == ["1294A", "1294B"]
    picked = cf_html.parse_problem(raw, ProblemId(1294, "B"))
    assert picked == cf_html.parse_problems(raw, ContestRef(1294))[1]
    with pytest.raises(ParseError, match="holds problems A, B but none with index C"):
        cf_html.parse_problem(raw, ProblemId(1294, "C"))
