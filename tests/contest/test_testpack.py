"""Importing hidden-test packs: CodeContests JSONL and a plain directory with an optional checker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandbox.api import CheckerKind
from solver.contest.testpack import load_codecontests, load_tests_dir
from solver.errors import UsageError


def _cc_line(contest: int, index: str, public: list[str], private: list[str], generated: list[str]) -> str:
    # The field names and nesting of DeepMind's CodeContests rows (as written by datasets' to_json).
    def block(xs: list[str]) -> dict[str, list[str]]:
        return {"input": [x + "\n" for x in xs], "output": [str(sum(map(int, x.split()))) + "\n" for x in xs]}

    return json.dumps(
        {
            "name": f"{contest}_{index}. Sum",
            "description": "...",
            "source": 2,
            "difficulty": 7,
            "public_tests": block(public),
            "private_tests": block(private),
            "generated_tests": block(generated),
            "solutions": {"language": [2], "solution": ["int main(){}"]},
            "cf_contest_id": contest,
            "cf_index": index,
            "cf_points": 500.0,
            "cf_rating": 800,
            "cf_tags": ["math"],
            "time_limit": {"seconds": 2, "nanos": 0},
            "memory_limit_bytes": 256000000,
        }
    )


def test_codecontests_keeps_only_the_contest_and_orders_public_private_generated(tmp_path: Path) -> None:
    f = tmp_path / "cc.jsonl"
    f.write_text(
        "\n".join(
            [
                _cc_line(1999, "A", ["1 2"], ["3 4", "5 6"], ["7 8"]),
                _cc_line(19990, "A", ["9 9"], [], []),  # a contest id with the same prefix must not match
                _cc_line(1999, "b", ["0 0"], [], []),
            ]
        )
        + "\n"
    )
    packs = load_codecontests(f, 1999)
    assert sorted(packs) == ["A", "B"]
    a = packs["A"]
    assert [t.name for t in a.tests] == ["public-1", "private-1", "private-2", "generated-1"]
    assert a.tests[2].input == b"5 6\n" and a.tests[2].answer == b"11\n"
    assert a.checker_kind is CheckerKind.TOKENS and not a.has_checker


def test_tests_dir_pairs_in_out_ans_and_polygon_names_with_checkers(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "B", tmp_path / "C"
    for d in (a, b, c):
        d.mkdir()
    for i in (1, 2, 10):
        (a / f"{i}.in").write_text(f"{i}\n")
        (a / f"{i}.out").write_text(f"{i * 2}\n")
    (a / "orphan.in").write_text("no answer\n")
    (b / "01").write_text("x\n")
    (b / "01.a").write_text("0.5\n")
    (b / "checker.txt").write_text("numbers 1e-9\n")
    (c / "t.in").write_text("q\n")
    (c / "t.ans").write_text("r\n")
    (c / "checker.cpp").write_text('#include <cstdio>\n#include "testlib.h"\nint main(){}\n')
    (tmp_path / "testlib.h").write_text("// testlib\nint quitf_stub;\n")
    packs = load_tests_dir(tmp_path)
    assert [t.name for t in packs["A"].tests] == ["1", "2", "10"]
    assert packs["A"].tests[2].answer == b"20\n"
    assert (packs["B"].checker_kind, packs["B"].checker_eps) == (CheckerKind.NUMBERS, 1e-9)
    checker = packs["C"].checker_source or ""
    assert packs["C"].checker_kind is CheckerKind.PROGRAM
    assert "int quitf_stub;" in checker and '"testlib.h"' not in checker  # the header is pasted in
    assert checker.index("<cstdio>") < checker.index("quitf_stub")
    (b / "checker.txt").write_text("fuzzy\n")
    with pytest.raises(UsageError, match="unknown checker"):
        load_tests_dir(tmp_path)
    with pytest.raises(UsageError, match="not a directory"):
        load_tests_dir(tmp_path / "missing")
