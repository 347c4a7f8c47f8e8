"""`contest`/`rate` hidden-test options: ``--hidden-tests SPEC``, the old ``--tests-dir``/``--codecontests``
as its aliases, ``--pretests K``, and runs written before them resuming with the same tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from solver.cli import build_parser
from solver.contest.run import ContestOptions
from solver.contest.session import contest_options
from solver.errors import UsageError
from solver.sources.specs import Spec, SpecKind
from tests.sources import openr1_data


def _options(*argv: str) -> ContestOptions:
    return contest_options(build_parser().parse_args(["contest", "1999", *argv]))


def test_hidden_tests_specs_aliases_and_pretests(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()
    jsonl = tmp_path / "cc.jsonl"
    jsonl.write_text("")
    copy = tmp_path / "open-r1"
    openr1_data.write_problems(copy, [openr1_data.row("1999/A")], shards=1)
    o = _options("--hidden-tests", f"open-r1:{copy}", "--tests-dir", str(folder), "--codecontests", str(jsonl))
    # The old options first (the dataset, then the folder), the --hidden-tests values after: later ones win.
    assert o.hidden_tests == (
        Spec(SpecKind.CODECONTESTS, jsonl),
        Spec(SpecKind.DIR, folder),
        Spec(SpecKind.OPEN_R1, copy),
    )
    assert o.pretests == 10 and _options("--pretests", "3").pretests == 3
    assert ContestOptions.from_json(o.to_json()) == o


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--hidden-tests", "zip:x"], "expected open-r1:DIR or codecontests:FILE or dir:DIR"),
        (["--hidden-tests", "dir:/nonexistent/packs"], "is not a directory"),
        (["--hidden-tests", "codecontests:/nonexistent.jsonl"], "is not a file"),
        (["--hidden-tests", "open-r1:/nonexistent/copy"], "is not a directory"),
        (["--tests-dir", "/nonexistent/packs"], "is not a directory"),
        (["--pretests", "0"], "--pretests must be at least 1"),
    ],
)
def test_bad_hidden_tests_options_fail_before_anything_starts(argv: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        _options(*argv)


def test_an_empty_open_r1_folder_is_refused_with_what_to_download(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no open-r1/codeforces files"):
        _options("--hidden-tests", f"open-r1:{tmp_path}")


def test_runs_written_before_hidden_tests_resume_with_their_tests(tmp_path: Path) -> None:
    old = {"time_model": "zero", "tests_dir": "/data/packs", "codecontests": "/data/cc.jsonl", "max_submissions": 4}
    o = ContestOptions.from_json(old)
    assert o.hidden_tests == (
        Spec(SpecKind.CODECONTESTS, Path("/data/cc.jsonl")),
        Spec(SpecKind.DIR, Path("/data/packs")),
    )
    assert (o.max_submissions, o.pretests, str(o.time_model)) == (4, 10, "zero")
