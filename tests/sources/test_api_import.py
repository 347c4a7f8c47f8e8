"""`import` of saved Codeforces API answers into the store's API cache, read back by --offline lookups.

Real answers: the fixtures' envelopes (contest 2022, tourist, the contest list) and the shared data's bare
result lists (contest.ratingChanges of 908 and 911) and problemset files (a whole answer, and a scraper's
list with statistics merged in). What a stub would fail: each is found by the source's own offline calls,
typed, with the real first handle and counts; wrong and partial files are refused with what to do.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from solver.errors import OfflineError, UsageError
from solver.problem import ContestRef, ProblemId
from solver.sources import cf_api
from solver.sources.api_import import KINDS, api_entries
from solver.sources.codeforces import CodeforcesSource
from solver.sources.store import ProblemStore
from tests.sources.conftest import CF
from tests.sources.test_cli import one_line_error, solver

API = CF / "api"


def envelope(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((API / name).read_text(encoding="utf-8"))
    return doc


def offline(store: Path) -> CodeforcesSource:
    # No pages, no API client: anything not in the store fails.
    return CodeforcesSource(ProblemStore(store), None, None, offline=True)


# --- end to end: files in, offline lookups out -----------------------------------------------------------


async def test_imported_answers_serve_the_sources_offline_lookups(shared_data: Path, tmp_path: Path) -> None:
    store = tmp_path / "problems"
    shared = shared_data / "codeforces" / "api"
    files = [
        *sorted(API.glob("*.json")),
        shared / "contest.ratingChanges_908.json",
        shared / "contest.ratingChanges_911.json",
    ]
    before = offline(store)
    with pytest.raises(OfflineError):
        await before.standings(2022)
    r = await solver("import", *files, "--store", store, cwd=tmp_path)
    assert r.code == 0, r.err
    assert "contest 908's rating changes (6691 handles)" in r.out

    source = offline(store)
    standings = await source.standings(2022)
    assert standings.contest.name == "Codeforces Round 978 (Div. 2)" and standings.contest.phase == "FINISHED"
    assert [row.handles for row in standings.rows][:1] == [("alpha",)] and len(standings.rows) == 3
    assert [p.index for p in standings.problems] == ["A", "B", "C"]
    contest = await source.contest(2022)  # the one-row answer the contest's facts come from
    assert contest.problems[0].points == 750.0
    changes = await source.rating_changes(2022)
    assert [(c.handle, c.old_rating, c.new_rating) for c in changes[:1]] == [("alpha", 1895, 2049)]
    c908 = await source.rating_changes(908)
    assert len(c908) == 6691 and (c908[0].handle, c908[0].rank, c908[0].new_rating) == ("Petr", 1, 3298)
    c911 = await source.rating_changes(911)
    assert len(c911) == 3982 and c911[0].contest_name.startswith("Educational Codeforces Round 35")
    tourist = await source.user_rating("tourist")
    assert [(c.contest_id, c.new_rating) for c in tourist] == [(2, 1602)]
    listed = await source.contest_list()
    assert 2031 in {c.id for c in listed}


async def test_problemset_answers_whole_and_merged_give_ratings_offline(shared_data: Path, tmp_path: Path) -> None:
    store = tmp_path / "problems"
    for name, newest in (("problemset.problems_2022-03.json", 1644), ("problemset_merged_2024-06.json", 1985)):
        r = await solver("import", shared_data / "codeforces" / "api" / name, "--store", store, cwd=tmp_path)
        assert r.code == 0, r.err
        doc = await offline(store).problemset_problems()
        assert max(p["contestId"] for p in doc["problems"]) == newest
        assert len(doc["problemStatistics"]) == len(doc["problems"])
        assert all("solvedCount" not in p for p in doc["problems"])  # statistics split back out
    merged = json.loads((shared_data / "codeforces" / "api" / "problemset_merged_2024-06.json").read_text())
    first = merged[0]
    stats = {(s["contestId"], s["index"]): s["solvedCount"] for s in doc["problemStatistics"]}
    assert stats[(first["contestId"], first["index"])] == first["solvedCount"]


async def test_a_file_that_is_no_answer_names_the_kinds_import_reads(tmp_path: Path) -> None:
    bad = tmp_path / "user.info.json"
    bad.write_text(json.dumps({"status": "OK", "result": [{"handle": "tourist", "rating": 3800}]}))
    line = one_line_error(await solver("import", bad, "--store", tmp_path / "problems", cwd=tmp_path))
    assert "does not read" in line and all(kind in line for kind in KINDS)
    other = tmp_path / "notes.json"
    other.write_text(json.dumps({"hello": "world"}))
    r = await solver("import", other, "--store", tmp_path / "problems", cwd=tmp_path)
    assert r.code == 2
    line = one_line_error(r)
    assert "Competitive Companion" in line and all(kind in line for kind in KINDS)
    assert not (tmp_path / "problems" / "_api").exists()


async def test_a_file_without_json_ending_saved_by_curl_is_read_by_content(tmp_path: Path) -> None:
    saved = tmp_path / "ratingChanges"  # curl -o ratingChanges 'https://codeforces.com/api/contest.ratingChanges?…'
    saved.write_bytes((API / "contest.ratingChanges-2022.json").read_bytes())
    r = await solver("import", saved, "--store", tmp_path / "problems", cwd=tmp_path)
    assert r.code == 0, r.err
    assert len(await offline(tmp_path / "problems").rating_changes(2022)) == 3


async def test_nothing_is_written_when_one_file_is_bad(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"status": "FAILED", "comment": "contestId: Contest with id 9999 not found"}))
    r = await solver("import", API / "contest.standings-2022.json", bad, "--store", tmp_path / "p", cwd=tmp_path)
    line = one_line_error(r)
    assert "status FAILED: contestId: Contest with id 9999 not found" in line and r.code == 2
    assert not (tmp_path / "p").exists()


async def test_an_imported_answer_is_as_old_as_its_file(tmp_path: Path) -> None:
    saved = tmp_path / "contest.list.json"
    saved.write_bytes((API / "contest.list.json").read_bytes())
    os.utime(saved, (1_000_000_000, 1_000_000_000))
    r = await solver("import", saved, "--store", tmp_path / "problems", cwd=tmp_path)
    assert r.code == 0, r.err
    hit = ProblemStore(tmp_path / "problems").api_get("contest.list", {"gym": "false"})
    assert hit is not None and hit.saved_at == 1_000_000_000 and not hit.fresh(2_000_000_000)


# --- the kinds, told from the content (pure) --------------------------------------------------------------


def test_envelope_and_bare_result_fill_the_same_entries() -> None:
    doc = envelope("contest.standings-2022.json")
    whole = api_entries(doc, name="s.json")
    bare = api_entries(doc["result"], name="s.json")
    assert whole == bare and whole is not None
    keys = {(e.method, tuple(sorted(cf_api.format_params(e.params).items()))) for e in whole}
    assert keys == {
        ("contest.standings", (("contestId", "2022"), ("showUnofficial", "false"))),
        ("contest.standings", (("contestId", "2022"), ("count", "1"), ("from", "1"))),
    }
    one_row = next(e for e in whole if "count" in e.params)
    assert [r["party"]["members"][0]["handle"] for r in one_row.result["rows"]] == ["alpha"]


def test_standings_with_unofficial_rows_are_filed_as_such() -> None:
    result = envelope("contest.standings-2022.json")["result"]
    virtual = {**result["rows"][0], "party": {"members": [{"handle": "v"}], "participantType": "VIRTUAL"}}
    rows = [*result["rows"], virtual]
    entries = api_entries({**result, "rows": rows}, name="s.json")
    assert entries is not None
    full = next(e for e in entries if "showUnofficial" in e.params)
    assert full.params["showUnofficial"] is True and "contest mode reads the official standings" in full.what


def test_part_of_the_standings_is_refused() -> None:
    result = envelope("contest.standings-2022.json")["result"]
    with pytest.raises(UsageError, match=r"start at rank 2, so they are a part of them.*contestId=2022"):
        api_entries({**result, "rows": result["rows"][1:]}, name="s.json")


def test_one_row_standings_only_give_the_contest() -> None:
    result = envelope("contest.standings-2022.json")["result"]
    entries = api_entries({**result, "rows": result["rows"][:1]}, name="s.json")
    assert entries is not None and [e.params for e in entries] == [{"contestId": 2022, "from": 1, "count": 1}]


def test_one_rating_change_is_a_users_unless_a_contest_is_named() -> None:
    item = envelope("contest.ratingChanges-2022.json")["result"][:1]
    as_user = api_entries(item, name="saved.json")
    assert as_user is not None and as_user[0].method == "user.rating" and as_user[0].params == {"handle": "alpha"}
    for kwargs in ({"name": "contest.ratingChanges_2022.json"}, {"name": "x.json", "contest_id": 2022}):
        as_contest = api_entries(item, **kwargs)  # type: ignore[arg-type]
        assert as_contest is not None and as_contest[0].method == "contest.ratingChanges"


def test_the_contest_named_must_be_the_answers() -> None:
    with pytest.raises(UsageError, match="contest 2022's, not contest 1999's"):
        api_entries(envelope("contest.standings-2022.json"), name="s.json", contest_id=1999)


def test_an_empty_list_needs_the_contest() -> None:
    with pytest.raises(UsageError, match="--id"):
        api_entries([], name="e.json")
    entries = api_entries([], name="e.json", contest_id=1999)
    assert entries is not None and (entries[0].method, entries[0].result) == ("contest.ratingChanges", [])


def test_mixed_rating_changes_are_refused() -> None:
    items = [*envelope("contest.ratingChanges-2022.json")["result"], *envelope("user.rating-tourist.json")["result"]]
    with pytest.raises(UsageError, match="neither one contest's"):
        api_entries(items, name="m.json")


def test_gym_contest_list_and_companion_documents() -> None:
    gym = [{"id": 103505, "name": "Gym round", "type": "ICPC", "phase": "FINISHED"}]
    entries = api_entries({"status": "OK", "result": gym}, name="g.json")
    assert entries is not None and entries[0].params == {"gym": True}
    assert api_entries({"name": "A. Sum", "tests": [], "url": "https://codeforces.com/problemset/problem/1/A"}) is None


async def test_problems_stay_absent_offline_after_an_api_import(tmp_path: Path) -> None:
    """Standings hold no statements: the problems still come from the store (or --source)."""
    r = await solver("import", API / "contest.standings-2022.json", "--store", tmp_path / "p", cwd=tmp_path)
    assert r.code == 0, r.err
    with pytest.raises(OfflineError, match="--source open-r1:DIR"):
        await offline(tmp_path / "p").contest_problems(ContestRef(2022))
    with pytest.raises(OfflineError):
        await offline(tmp_path / "p").problem(ProblemId(2022, "A"))
