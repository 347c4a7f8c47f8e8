"""`python -m solver rating replay` on real data: the rows file and a ratingChanges response."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from solver.cli import main
from solver.rating.replay import ReplayFormatError, contest_id_from_name, parse_replay
from tests.conftest import FIXTURES
from tests.rating.realdata import ROUND_1349, as_rating_changes, load_rows


def test_replay_prints_the_match_rate_and_performances(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rating", "replay", str(ROUND_1349), "--rows", "3"]) == 0
    out = capsys.readouterr().out
    assert "contest 1349" in out and "1248/1248" in out and "100.00%" in out
    assert "Um_nik" in out and "3699" in out  # maroonrk's performance
    assert "correction: not applicable" in out


def test_replay_json_for_a_rating_changes_response(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "contest.ratingChanges_1349.json"
    f.write_text(json.dumps(as_rating_changes(load_rows(ROUND_1349), 1349)))
    assert main(["rating", "replay", str(f), "--json", "--perf", "none"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["matched"], doc["compared"], doc["match_rate"]) == (1248, 1248, 1.0)
    assert doc["source_format"] == "ratingChanges" and doc["new_rating_system_correction"] is False
    tied = [r for r in doc["results"] if r["real_delta"] is not None and r["rank"] == 1248]
    assert len(tied) == 35  # the API's shared best place became the group's worst place


def test_a_wrong_row_is_reported_and_the_exit_code_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = load_rows(ROUND_1349)
    rows[10][4] += 1
    f = tmp_path / "round-1349-edited-data.json"
    f.write_text(json.dumps(rows))
    assert main(["rating", "replay", str(f), "--perf", "none"]) == 1
    out = capsys.readouterr().out
    assert "1247/1248" in out and "mismatches: 1" in out and rows[10][0] in out


def test_unreadable_inputs_give_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"status": "FAILED", "comment": "contestId: Rating changes are unavailable"}')
    assert main(["rating", "replay", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "unavailable" in err and len(err.strip().splitlines()) <= 2
    assert main(["rating", "replay", str(tmp_path / "missing.json")]) == 2


def test_parsing_is_tolerant_of_the_row_shapes() -> None:
    objs = [
        {
            "party": {"members": [{"handle": "a"}]},
            "points": 10,
            "penalty": 0,
            "oldRating": 1500,
            "newRating": 1520,
        },
        {"handle": "b", "points": 5, "penalty": 0, "oldRating": 1500, "delta": -20},
    ]
    inp = parse_replay({"rows": objs, "contestId": 1349}, "whatever.json")
    assert inp.contest_id == 1349 and inp.source_format == "rows"
    assert [r.real_delta for r in inp.rows] == [20, -20]
    with pytest.raises(ReplayFormatError):
        parse_replay([{"handle": "a", "oldRating": 1500}], "x.json")  # neither rank nor points
    with pytest.raises(ReplayFormatError):
        parse_replay([["a", 1, 2]], "x.json")
    assert contest_id_from_name("contest.ratingChanges_1999.json") == 1999
    assert contest_id_from_name("round-1326-global-7-data.json") == 1326
    assert contest_id_from_name("standings.json") is None


def test_replay_says_when_the_2020_correction_was_applied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from solver.rating.codeforces import compute_deltas
    from tests.rating.realdata import contestants

    rows = load_rows(ROUND_1349)
    new = {r[0] for r in rows[3::100]}
    internal = [[h, p, q, 1400 if h in new else r, d] for h, p, q, r, d in rows]
    truth = compute_deltas(contestants(internal))
    api = as_rating_changes(internal, 1500)
    for row in api["result"]:
        if row["handle"] in new:
            row["oldRating"], row["newRating"] = 0, truth[row["handle"]] + 500
        else:
            row["newRating"] = row["oldRating"] + truth[row["handle"]]
    f = tmp_path / "contest.ratingChanges_1500.json"
    f.write_text(json.dumps(api))
    assert main(["rating", "replay", str(f), "--perf", "none", "--rows", "2"]) == 0
    out = capsys.readouterr().out
    assert f"applied ({len(new)} new accounts)" in out and "1248/1248" in out


# --- files replay does not read: one clear line naming what it reads, exit 2 ------------------------------


def _standings_answer() -> dict[str, object]:
    from tests.contest import world

    return {"status": "OK", "result": world.standings(1349)}


WRONG_FILES = {
    "user.rating": (FIXTURES / "rating" / "user.rating_unbit_first8.json", "user.rating answer"),
    "contest.list": (FIXTURES / "contest" / "contest_list_2019-04.json", "contest.list answer"),
    "empty": ("", "is empty"),
    "not json": ("<html><body>Codeforces</body></html>", "is not JSON"),
    "standings": (_standings_answer, "contest.standings answer"),
    "problemset": ({"status": "OK", "result": {"problems": [], "problemStatistics": []}}, "problemset"),
    "short row": ([["a", 1, 0, 1500, 3], ["b", 2, 0, 1500]], "got ['b', 2, 0, 1500]"),
    "twice": ([["a", 1, 0, 1500, 3], ["a", 2, 0, 1500, 1]], "'a' appears twice"),
    "two contests": (
        [
            {"contestId": 1, "handle": "a", "rank": 1, "oldRating": 1500, "newRating": 1510},
            {"contestId": 2, "handle": "b", "rank": 2, "oldRating": 1500, "newRating": 1490},
        ],
        "from 2 contests",
    ),
    "bad rating": ([["a", 1, 0, 99999, 3]], "rating 99999 of 'a' is outside [-500, 6000)"),
    "points text": ([["a", "many", 0, 1500, 3]], "points of 'a' should be a number"),
    "list of numbers": ([1, 2, 3], "each row should be a list or an object with a handle"),
    "mixed rows": ([["a", 1, 0, 1500, 3], {"handle": "b"}], "all of one shape"),
}


@pytest.mark.parametrize("kind", sorted(WRONG_FILES))
def test_a_file_of_the_wrong_kind_names_what_replay_reads(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content, says = WRONG_FILES[kind]
    if isinstance(content, Path):
        path = content
    else:
        path = tmp_path / "input.json"
        data = content() if callable(content) else content
        path.write_text(data if isinstance(data, str) else json.dumps(data))
    assert main(["rating", "replay", str(path), "--perf", "none"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert says in err, err
    # The kinds replay reads, brackets and all (rich used to swallow "[handle, ...]" as markup).
    assert "replay reads" in err and "carrot's rows [handle, points, penalty, rating, delta]" in err
    assert "contest.ratingChanges" in err


def test_a_directory_is_not_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rating", "replay", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "is a directory" in err and "replay reads" in err


def test_brackets_in_file_names_and_handles_are_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = load_rows(ROUND_1349)
    rows[0][0] = "[bold]Um_nik[/]"  # no Codeforces handle has brackets, but a rows file may
    f = tmp_path / "round-1349 [copy]-data.json"
    f.write_text(json.dumps(rows))
    main(["rating", "replay", str(f), "--rows", "3", "--perf", "none"])
    out = capsys.readouterr().out
    assert "round-1349 [copy]-data.json" in out and "[bold]Um_nik[/]" in out
