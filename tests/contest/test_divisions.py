"""The one division classifier (solver.divisions), used by the sources, selection and `rate --division`."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

import pytest

from solver.commands.rate import choose
from solver.config import Config
from solver.contest.selection import contests_from_list_response, parse_divisions, select
from solver.divisions import DIVISIONS, classify_division, division_key
from solver.problem import Contest, ContestType
from solver.sources import cf_api
from tests.conftest import FIXTURES

# Every contest of the two real contest.list answers in tests/fixtures/contest/, by id.
FIXTURE_DIVISIONS = {
    # contest_list_2019-04.json
    1146: None,  # Forethought Future Cup - Elimination Round
    1147: None,  # Forethought Future Cup - Final Round
    1148: "global",  # Codeforces Global Round 3
    1149: "1",
    1150: "2",
    1151: "2",
    1152: "2",
    1153: "2",
    1154: "3",
    1155: "edu",  # Educational Codeforces Round 63 (Rated for Div. 2)
    1156: "edu",
    1157: "3",
    1158: "1",  # Codeforces Round #TBA (Div. 1)
    1159: "2",
    # contest_list_2023-05.json
    1824: "1",
    1825: "2",
    1827: "1",
    1828: "2",
    1829: "4",
    1830: "1",
    1831: "2",
    1832: "edu",
    1833: "3",
    1834: "2",  # Codeforces Round (Div. 2): a round not yet numbered
    1835: "1",
    1836: "2",
    1837: "edu",
    1838: "2",
}


def _fixture_contests() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for f in sorted((FIXTURES / "contest").glob("contest_list_*.json")):
        out += json.loads(f.read_text())["result"]
    return out


def test_every_name_of_the_real_contest_lists_is_classified() -> None:
    raw = _fixture_contests()
    assert {c["id"] for c in raw} == set(FIXTURE_DIVISIONS)  # every contest of both files is covered
    for c in raw:
        assert classify_division(c["name"]) == FIXTURE_DIVISIONS[c["id"]], c["name"]
    # The source's parser and selection's give the same division (they are one parser now).
    by_source = {c["id"]: cf_api.contest_from_json(c).division for c in raw}
    by_selection = {c.id: c.division for c in contests_from_list_response({"result": raw})}
    assert by_source == by_selection == FIXTURE_DIVISIONS


@pytest.mark.parametrize(
    ("name", "division"),
    [
        # real Codeforces contest names
        ("Codeforces Round 934 (Div. 1 + Div. 2)", "1+2"),
        ("Codeforces Round  884 (Div. 1 + Div. 2)", "1+2"),  # two spaces, as contest.list has it
        ("CodeTON Round 5 (Div. 1 + Div. 2, Rated, Prizes!)", "1+2"),
        ("Ozon Tech Challenge 2020 (Div.1 + Div.2, Rated, T-shirts + prizes!)", "1+2"),
        ("EPIC Institute of Technology Round Summer 2024 (Div. 1 + Div. 2)", "1+2"),
        ("Codeforces Round 947 (Div. 1 + 2)", "1+2"),  # the short form (CodeElo's label)
        ("Codeforces Round #679 (Div. 1, based on Technocup 2021 Elimination Round 1)", "1"),
        ("Codeforces Round #641 (Div. 2)", "2"),
        ("Codeforces Round 909 (Div. 3)", "3"),
        ("Codeforces Round 871 (Div. 4)", "4"),
        ("Educational Codeforces Round 149 (Rated for Div. 2)", "edu"),
        ("Educational Codeforces Round 16", "edu"),
        ("Codeforces Global Round 7", "global"),
        ("Good Bye 2017", None),
        ("Hello 2025", None),
        ("Kotlin Heroes: Episode 4", None),  # not division 4
        ("Kotlin Heroes: Practice 10", None),
        ("Kotlin Heroes: Episode 9 (Unrated, T-Shirts + Prizes!)", None),
        ("April Fools Day Contest 2024", None),
        ("2024 ICPC Asia Pacific Championship - Online Mirror (Unrated, Online Mirror, ICPC Rules)", None),
        ("Technocup 2021 - Elimination Round 1", None),
    ],
)
def test_division_from_a_real_name(name: str, division: str | None) -> None:
    assert classify_division(name) == division
    assert cf_api.contest_from_json({"id": 1, "name": name}).division == division


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("1+2", "1+2"),
        ("1 + 2", "1+2"),
        ("Div. 1 + Div. 2", "1+2"),
        ("div1+div2", "1+2"),
        ("Div. 2", "2"),
        ("div 3", "3"),
        ("educational", "edu"),
        ("Global", "global"),
        ("5", None),
        ("kotlin", None),
    ],
)
def test_division_as_the_user_writes_it(text: str, key: str | None) -> None:
    assert division_key(text) == key
    assert all(division_key(d) == d for d in DIVISIONS)


class _Source:
    def __init__(self, contests: list[Contest]) -> None:
        self.contests = contests

    async def contest_list(self) -> list[Contest]:
        return self.contests

    async def rating_changes(self, contest_id: int) -> list[object]:
        return [object()]


def test_rate_division_1_plus_2_selects_and_reports_by_the_same_classifier() -> None:
    # The source parses contest.list; `rate` selects from what it parsed. "Div. 1 + 2" was "1" in the
    # source and "1+2" in selection: `--division 1+2` dropped it, `--division 1` took it and called it 1+2.
    raw = [
        {"id": 1975, "name": "Codeforces Round 947 (Div. 1 + 2)", "type": "CF", "phase": "FINISHED"},
        {"id": 1973, "name": "Codeforces Round 945 (Div. 2)", "type": "CF", "phase": "FINISHED"},
    ]
    svc: Any = SimpleNamespace(source=_Source([cf_api.contest_from_json(c) for c in raw]), config=Config())
    sel = asyncio.run(choose(svc, None, parse_divisions("1+2"), None))
    assert [(c.id, c.division) for c in sel.chosen] == [(1975, "1+2")]
    assert {s.contest_id: s.reason for s in sel.skipped} == {1973: "division 2 not selected"}
    only_1 = select([cf_api.contest_from_json(c) for c in raw], divisions=parse_divisions("1"))
    assert not only_1.chosen


def test_a_stored_contest_is_reclassified_from_its_name() -> None:
    # A Contest saved by an older version carries the old division; selection goes by the name.
    old = Contest(1975, "Codeforces Round 947 (Div. 1 + 2)", ContestType.CF, "1", None, 7200)
    assert [c.division for c in select([old], divisions=parse_divisions("1+2")).chosen] == ["1+2"]
