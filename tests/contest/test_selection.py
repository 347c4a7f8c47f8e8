"""Contest selection on real ``contest.list`` responses (tests/fixtures/contest/README.md says whence)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from solver.contest.selection import (
    contests_from_list_response,
    parse_after,
    parse_contest_ids,
    parse_divisions,
    select,
)
from solver.errors import UsageError
from solver.problem import ContestType
from tests.conftest import FIXTURES

LISTS = FIXTURES / "contest"


def _contests(name: str) -> list:  # type: ignore[type-arg]
    return contests_from_list_response(json.loads((LISTS / name).read_text()))


def test_real_contest_list_is_classified_by_division_and_rules() -> None:
    by_id = {c.id: c for c in _contests("contest_list_2023-05.json") + _contests("contest_list_2019-04.json")}
    expect = {
        1833: ("3", ContestType.ICPC),
        1827: ("1", ContestType.CF),
        1828: ("2", ContestType.CF),
        1832: ("edu", ContestType.ICPC),
        1829: ("4", ContestType.ICPC),
        1148: ("global", ContestType.CF),
        1146: (None, ContestType.CF),  # "Forethought Future Cup - Elimination Round" names no division
        1154: ("3", ContestType.ICPC),
        1153: ("2", ContestType.CF),
    }
    for cid, (division, rules) in expect.items():
        assert (by_id[cid].division, by_id[cid].type) == (division, rules), by_id[cid].name
    assert by_id[1833].duration_s == 8100 and by_id[1833].start_time == 1684506900


def test_select_keeps_finished_in_divisions_after_date_and_says_why_others_were_not() -> None:
    contests = _contests("contest_list_2023-05.json")
    after = parse_after("2023-05-07")  # 1829 (Div. 4) started 2023-05-06, 1825 on 05-08
    sel = select(
        contests, ids=parse_contest_ids("1824-1840"), divisions=parse_divisions("2,3,4"), after=after
    )
    assert [c.id for c in sel.chosen] == [1825, 1828, 1833]
    reasons = {s.contest_id: s.reason for s in sel.skipped}
    assert "not finished" in reasons[1838] and "division 1 not selected" in reasons[1827]
    assert "division edu not selected" in reasons[1832] and "before --after" in reasons[1829]
    assert "not in contest.list" in reasons[1826]
    rated = sel.without_unrated({1825: True, 1828: False})
    assert [c.id for c in rated.chosen] == [1825, 1833]
    assert "unrated" in {s.contest_id: s.reason for s in rated.skipped}[1828]


def test_contest_ids_from_ranges_lists_and_files(tmp_path: Path) -> None:
    assert parse_contest_ids("1990-1993,2001") == (1990, 1991, 1992, 1993, 2001)
    f = tmp_path / "ids.txt"
    f.write_text("# chosen by hand\n1999\n2000 2002  # Div. 2\n")
    assert parse_contest_ids(str(f)) == (1999, 2000, 2002)
    for bad in ("2010-1990", "no-such-file.txt"):
        with pytest.raises(UsageError):
            parse_contest_ids(bad)
    with pytest.raises(UsageError):
        parse_divisions("5")
    with pytest.raises(UsageError):
        parse_after("02/04/2026")
    assert parse_divisions("Div. 2, edu,1+2") == frozenset({"2", "edu", "1+2"})
