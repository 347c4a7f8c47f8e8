"""Imports that do not come over HTTP: real Competitive Companion documents, saved pages, folders."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from solver.errors import ParseError, UsageError
from solver.problem import ContestKind, ContestRef, ProblemId, Sample
from solver.sources import companion
from solver.sources.store import ProblemStore
from tests.sources.conftest import CF, page

CC = CF / "companion"


def test_competitive_companion_document() -> None:
    [p] = companion.load_path(CC / "118A.json")
    assert p.id == ProblemId(118, "A")
    assert p.name == "String Task"
    assert p.time_limit_s == 2.0 and p.memory_limit_mb == 256
    assert p.samples[1] == Sample("Codeforces\n", ".c.d.f.r.c.s\n")
    assert p.url == "https://codeforces.com/problemset/problem/118/A"
    assert not p.interactive and p.statement == ""


def test_companion_interactive_and_file_io() -> None:
    [inter] = companion.load_path(CC / "810D-interactive.json")
    assert inter.interactive and inter.name == "Очень приятно!" and inter.id == ProblemId(810, "D")
    [files] = companion.load_path(CC / "234A-file-io.json")
    assert (files.input_file, files.output_file) == ("input.txt", "output.txt")
    assert files.time_limit_s == 1.0


def test_companion_without_a_codeforces_url_needs_an_id(tmp_path: Path) -> None:
    doc = json.loads((CC / "118A.json").read_text())
    doc["url"] = "https://atcoder.jp/contests/abc100/tasks/abc100_a"
    f = tmp_path / "abc.json"
    f.write_text(json.dumps(doc))
    with pytest.raises(UsageError, match="give --id"):
        companion.load_path(f)
    [p] = companion.load_path(f, ProblemId.parse("gym/100001A"))
    assert str(p.id) == "gym/100001A"


def test_not_a_companion_document(tmp_path: Path) -> None:
    f = tmp_path / "x.json"
    f.write_text('{"hello": 1}')
    with pytest.raises(ParseError, match="not a Competitive Companion document"):
        companion.load_path(f)
    f.write_text("{")
    with pytest.raises(ParseError, match="is not JSON"):
        companion.load_path(f)


def test_saved_page_and_saved_contest_page(tmp_path: Path) -> None:
    f = tmp_path / "Problem - 1155C - Codeforces.html"
    f.write_bytes(page("1155C.html"))
    [p] = companion.load_path(f)
    assert p.id == ProblemId(1155, "C") and len(p.samples) == 3
    g = tmp_path / "Problems - Codeforces.html"
    g.write_bytes(page("contest-1294-problems.html"))
    assert [str(p.id) for p in companion.load_path(g)] == ["1294A", "1294B"]


def test_folder_with_statement_and_samples(tmp_path: Path) -> None:
    folder = tmp_path / "1999Z"
    folder.mkdir()
    (folder / "statement.md").write_text("# Sum\n\nPrint a+b. If there are several answers, print any.\n")
    for name, text in (("1.in", "1 2\n"), ("1.out", "3\n"), ("10.in", "5 5\n"), ("10.ans", "10\n"),
                       ("2.in", "0 0\r\n"), ("2.out", "0")):
        (folder / name).write_text(text)
    p = companion.from_directory(folder, time_limit_s=1.5)
    assert p.id == ProblemId(1999, "Z") and p.name == "Sum" and p.several_answers
    assert p.samples == (Sample("1 2\n", "3\n"), Sample("0 0\n", "0\n"), Sample("5 5\n", "10\n"))
    assert p.time_limit_s == 1.5 and p.memory_limit_mb == companion.DEFAULT_MEMORY_LIMIT_MB


def test_folder_errors(tmp_path: Path) -> None:
    folder = tmp_path / "my-problem"
    folder.mkdir()
    (folder / "1.in").write_text("1\n")
    with pytest.raises(UsageError, match=r"has no 1\.out"):
        companion.from_directory(folder, ProblemId(1, "A"))
    (folder / "1.out").write_text("1\n")
    with pytest.raises(UsageError, match="give --id"):
        companion.from_directory(folder)
    with pytest.raises(UsageError, match="does not exist"):
        companion.load_path(tmp_path / "nope")
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(UsageError, match=r"Competitive Companion \.json"):
        companion.load_path(tmp_path / "x.pdf")


def test_folder_with_a_saved_page_keeps_its_statement_and_own_samples(tmp_path: Path) -> None:
    folder = tmp_path / "1155C"
    folder.mkdir()
    (folder / "problem.html").write_bytes(page("1155C.html"))
    (folder / "a.in").write_text("9 9\n")
    (folder / "a.out").write_text("NO\n")
    p = companion.from_directory(folder)
    assert p.name == "Alarm Clocks Everywhere" and p.samples == (Sample("9 9\n", "NO\n"),)


def test_a_store_folder_imports_as_it_is(tmp_path: Path) -> None:
    [p] = companion.load_path(CC / "118A.json")
    folder = ProblemStore(tmp_path / "other").save(p)
    assert companion.from_directory(folder) == p


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("contest1715_problems.html", ContestRef(1715)),
        ("Contest 1715.html", ContestRef(1715)),
        ("1715.html", ContestRef(1715)),
        ("1999A.html", ProblemId(1999, "A")),
        ("gym103505A.html", ProblemId(103505, "A", ContestKind.GYM)),
        ("gym-103505.htm", ContestRef(103505, ContestKind.GYM)),
        ("Problems - Codeforces.html", None),
        ("Problem - C - Codeforces.html", None),
        ("my1715.html", None),
    ],
)
def test_what_a_saved_page_file_name_says(name: str, expected: object) -> None:
    assert companion.ref_from_file_name(name) == expected


def test_a_contest_page_imports_every_problem_under_the_contest_given(tmp_path: Path) -> None:
    bare = re.sub(rb'href="[^"]*contest[^"]*"', b'href="/"', page("contest-1294-problems.html"))
    saved = tmp_path / "Problems - Codeforces.html"
    saved.write_bytes(bare)
    with pytest.raises(ParseError, match="--id"):
        companion.load_path(saved)
    problems = companion.load_path(saved, ContestRef(1294))
    assert [str(p.id) for p in problems] == ["1294A", "1294B"]
    assert companion.whole_contest(saved, problems) == ContestRef(1294)
    named = tmp_path / "contest1294_problems.html"
    named.write_bytes(bare)
    assert companion.load_path(named) == problems  # the file name, when the page has no address
    one = tmp_path / "1155C.html"
    one.write_bytes(page("1155C.html"))
    assert companion.whole_contest(one, companion.load_path(one)) is None  # one problem's page


def test_a_contest_id_for_other_kinds_of_import(tmp_path: Path) -> None:
    [p] = companion.load_path(CC / "118A.json", ContestRef(118))
    assert p.id == ProblemId(118, "A")
    with pytest.raises(UsageError, match="--id 1999A"):
        companion.load_path(tmp_path, ContestRef(1999))
    doc = json.loads((CC / "118A.json").read_text(encoding="utf-8"))
    doc["url"] = ""
    f = tmp_path / "x.json"
    f.write_text(json.dumps(doc))
    assert companion.load_path(f, ContestRef(5))[0].id == ProblemId(5, "A")  # from the name "A. String Task"
