"""The problem store on disk: layout, round trips, atomic writes, corrupt files, the API cache's TTL."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from solver.errors import StoreError
from solver.problem import ContestKind, ContestRef, Problem, ProblemId, Sample
from solver.runstore import atomic_write
from solver.sources import cf_html
from solver.sources.store import SCHEMA_VERSION, ProblemStore, pid_from_slug
from tests.sources.conftest import page


def problem_1155c() -> Problem:
    return cf_html.parse_problem(page("1155C.html"))


def test_layout_and_round_trip(store_dir: Path) -> None:
    store = ProblemStore(store_dir, clock=lambda: 1000.0)
    problem = problem_1155c()
    folder = store.save(problem, source="http://x/contest/1155/problem/C")
    assert folder == store_dir / "1155C"
    assert sorted(p.name for p in folder.iterdir()) == [
        "01.in", "01.out", "02.in", "02.out", "03.in", "03.out", "problem.json", "statement.md",
    ]
    assert (folder / "02.in").read_text() == "4 2\n1 5 17 19\n4 5\n"
    assert (folder / "03.out").read_text() == "YES\n1 1\n"
    doc = json.loads((folder / "problem.json").read_text())
    assert doc["schema"] == SCHEMA_VERSION and doc["saved_at"] == 1000.0
    statement = (folder / "statement.md").read_text()
    assert statement.startswith("# 1155C. Alarm Clocks Everywhere\n")
    assert "time limit 3 s · memory limit 256 MB · several answers" in statement
    assert store.load(problem.id) == problem
    assert store.problems() == [problem.id]


def test_missing_problem_is_none(store_dir: Path) -> None:
    assert ProblemStore(store_dir).load(ProblemId(1, "A")) is None


def test_overwrite_drops_stale_samples_and_leaves_no_temp_files(store_dir: Path) -> None:
    store = ProblemStore(store_dir)
    problem = problem_1155c()
    store.save(problem)
    store.save(replace(problem, samples=(Sample("1\n", "2\n"),)))
    folder = store.folder(problem.id)
    assert sorted(p.name for p in folder.iterdir()) == ["01.in", "01.out", "problem.json", "statement.md"]
    assert [p for p in store_dir.rglob("*") if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"schema": 1, "problem": {"name": ', "is corrupt"),
        ("[1, 2]", "not a problem file"),
        ('{"schema": 99, "problem": {}}', "schema version 99"),
        ('{"schema": 1, "problem": {"name": "x"}}', "bad or missing field"),
    ],
    ids=["truncated-json", "not-an-object", "future-schema", "missing-fields"],
)
def test_corrupt_problem_json_is_a_clear_store_error(store_dir: Path, content: str, message: str) -> None:
    store = ProblemStore(store_dir)
    pid = ProblemId(1155, "C")
    store.folder(pid).mkdir(parents=True)
    (store.folder(pid) / "problem.json").write_text(content)
    with pytest.raises(StoreError, match=message) as info:
        store.load(pid)
    assert "fetch 1155C --refresh" in str(info.value)
    assert "\n" not in str(info.value)


def test_problem_under_the_wrong_folder_is_refused(store_dir: Path) -> None:
    store = ProblemStore(store_dir)
    store.save(problem_1155c())
    (store_dir / "1155C").rename(store_dir / "1155D")
    with pytest.raises(StoreError, match="holds problem 1155C, not 1155D"):
        store.load(ProblemId(1155, "D"))


def test_atomic_write_keeps_the_old_file_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    target = tmp_path / "f.txt"
    atomic_write(target, "old")
    real_fdopen = os.fdopen

    class HalfWriter:
        """Writes half of the data to the temporary file, then fails like a full disk."""

        def __init__(self, fd: int, mode: str) -> None:
            self.f = real_fdopen(fd, mode)

        def __enter__(self) -> HalfWriter:
            return self

        def __exit__(self, *exc: object) -> None:
            self.f.close()

        def write(self, data: bytes) -> int:
            self.f.write(data[: len(data) // 2])
            raise OSError(28, "No space left on device")

    monkeypatch.setattr("solver.runstore.os.fdopen", HalfWriter)
    with pytest.raises(OSError, match="No space"):
        atomic_write(target, "new content")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_contest_index(store_dir: Path) -> None:
    store = ProblemStore(store_dir)
    ref = ContestRef(103505, ContestKind.GYM)
    assert store.contest_indices(ref) is None
    store.save_contest(ref, ["A", "B"])
    assert store.contest_indices(ref) == ["A", "B"]
    assert (store_dir / "_contests" / "gym-103505.json").is_file()


def test_api_cache_expiry_follows_the_clock(store_dir: Path) -> None:
    now = [0.0]
    store = ProblemStore(store_dir, clock=lambda: now[0])
    store.api_put("contest.list", {"gym": "false"}, [1, 2], ttl_s=3600)
    store.api_put("contest.ratingChanges", {"contestId": "1"}, [3], ttl_s=None)
    now[0] = 3599
    hit = store.api_get("contest.list", {"gym": "false"})
    assert hit is not None and hit.result == [1, 2] and hit.fresh(now[0])
    now[0] = 3601
    assert not store.api_get("contest.list", {"gym": "false"}).fresh(now[0])  # type: ignore[union-attr]
    now[0] = 10**9
    assert store.api_get("contest.ratingChanges", {"contestId": "1"}).fresh(now[0])  # type: ignore[union-attr]
    assert store.api_get("contest.ratingChanges", {"contestId": "2"}) is None


def test_api_cache_keys_are_safe_file_names(store_dir: Path) -> None:
    store = ProblemStore(store_dir)
    params = {"handles": "a/b;../../etc", "contestId": "1"}
    path = store.api_path("user.info", params)
    assert path.parent == store_dir / "_api" / "user.info"
    store.api_put("user.info", params, {"ok": True}, ttl_s=None)
    assert store.api_get("user.info", params).result == {"ok": True}  # type: ignore[union-attr]
    path.write_text("{not json")
    assert store.api_get("user.info", params) is None  # a damaged cache entry is just a miss


def test_slugs_round_trip() -> None:
    gym, group = ProblemId(103505, "A", ContestKind.GYM), ProblemId(7, "B", ContestKind.GROUP, "G1")
    for pid in (ProblemId(1999, "F2"), gym, group):
        assert pid_from_slug(pid.slug) == pid
    assert pid_from_slug("_api") is None
