"""What a user may type for a problem or a contest: ids and every form of Codeforces URL, anchored."""

from __future__ import annotations

import pytest

from solver.errors import UsageError
from solver.problem import ContestKind, ContestRef, ProblemId, parse_ref, ref_from_path
from solver.sources.store import pid_from_slug

GROUP = ContestKind.GROUP
GYM = ContestKind.GYM

# Each path with what it names; every one is also tried with each host, scheme and decoration below.
PATHS: list[tuple[str, ProblemId | ContestRef]] = [
    ("/contest/1999/problem/A", ProblemId(1999, "A")),
    ("/contest/1999/problem/g1", ProblemId(1999, "G1")),
    ("/problemset/problem/1999/D2", ProblemId(1999, "D2")),
    ("/problemset/problem/1999/b", ProblemId(1999, "B")),
    ("/problemset/problem/921/01", ProblemId(921, "01")),  # contest 921's indices are "01".."14"
    ("/gym/103505/problem/A", ProblemId(103505, "A", GYM)),
    ("/problemset/gymProblem/103505/C", ProblemId(103505, "C", GYM)),
    ("/group/yg7WhsFsAp/contest/355496/problem/P35", ProblemId(355496, "P35", GROUP, "yg7WhsFsAp")),
    ("/group/abc/contest/355496/problem/B", ProblemId(355496, "B", GROUP, "abc")),
    ("/group/abc/contest/355496/problem/e2", ProblemId(355496, "E2", GROUP, "abc")),
    ("/contest/1715", ContestRef(1715)),
    ("/contest/1715/problems", ContestRef(1715)),
    ("/gym/103505", ContestRef(103505, GYM)),
    ("/gym/103505/problems", ContestRef(103505, GYM)),
    ("/group/abc/contest/355496", ContestRef(355496, GROUP, "abc")),
    ("/group/abc/contest/355496/problems", ContestRef(355496, GROUP, "abc")),
]
HOSTS = ["codeforces.com", "www.codeforces.com", "m1.codeforces.com", "m2.codeforces.com",
         "mirror.codeforces.com", "codeforces.ru"]


def _forms(path: str) -> list[str]:
    forms = []
    for host in HOSTS:
        for scheme in ("https://", "http://", ""):
            forms += [f"{scheme}{host}{path}", f"{scheme}{host}{path}/", f"{scheme}{host}{path}?locale=en",
                      f"{scheme}{host}{path}/?locale=ru#statement"]
    return forms


@pytest.mark.parametrize(("path", "expected"), PATHS, ids=[p for p, _ in PATHS])
def test_every_url_form_names_what_its_path_names(path: str, expected: ProblemId | ContestRef) -> None:
    for url in _forms(path):
        assert parse_ref(url) == expected, url
    assert ref_from_path(path) == expected


def test_a_group_problem_is_not_taken_for_the_contest_problem_its_url_ends_with() -> None:
    # The fault: "/contest/N/problem/X" matched the tail of a group URL, so fetch asked the wrong page.
    pid = ProblemId.parse("https://codeforces.com/group/yg7WhsFsAp/contest/355496/problem/P35")
    assert (pid.kind, pid.group) == (GROUP, "yg7WhsFsAp")
    assert pid.path == "/group/yg7WhsFsAp/contest/355496/problem/P35"
    assert parse_ref("https://codeforces.com/group/abc/contest/7") == ContestRef(7, GROUP, "abc")


@pytest.mark.parametrize(
    "url",
    [
        "https://codeforces.com/blog/entry/1/contest/1/problem/A",  # a path that merely ends like one
        "https://codeforces.com/contest/1/problem/A/extra",
        "https://codeforces.com/xgroup/abc/contest/1/problem/A",
        "https://codeforces.com/contest/1999/status",
        "https://codeforces.com/contest/1999/problem/AB",
        "ftp://codeforces.com/contest/1/problem/A",
        "codeforces.com/blog/entry/1",
    ],
)
def test_urls_naming_no_problem_are_usage_errors(url: str) -> None:
    with pytest.raises(UsageError, match="not"):
        parse_ref(url)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1999A", ProblemId(1999, "A")),
        ("1999 g2", ProblemId(1999, "G2")),
        ("1999/D2", ProblemId(1999, "D2")),
        ("1999", ContestRef(1999)),
        ("gym/103505A", ProblemId(103505, "A", GYM)),
        ("103505B", ProblemId(103505, "B", GYM)),
        ("group/abc/355496P35", ProblemId(355496, "P35", GROUP, "abc")),
        ("group/abc/355496", ContestRef(355496, GROUP, "abc")),
        ("921/01", ProblemId(921, "01")),
        ("921 14", ProblemId(921, "14")),
        ("92101", ContestRef(92101)),  # digits glued to digits are one contest id
    ],
)
def test_short_ids(text: str, expected: ProblemId | ContestRef) -> None:
    assert parse_ref(text) == expected


def test_ids_and_urls_round_trip() -> None:
    for _, ref in PATHS:
        assert parse_ref(ref.url()) == ref
        assert parse_ref(str(ref)) == ref


def test_an_all_digit_index_is_written_apart_from_its_contest() -> None:
    pid = ProblemId(921, "01")
    assert (str(pid), pid.slug) == ("921/01", "921-01")
    assert pid_from_slug(pid.slug) == pid and pid_from_slug("92101") is None
    for ref in [ProblemId(1999, "G1"), ProblemId(103505, "A", GYM), ProblemId(7, "P35", GROUP, "abc")]:
        assert pid_from_slug(ref.slug) == ref
