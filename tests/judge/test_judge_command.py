"""`python -m solver judge`: real accepted and rejected Codeforces submissions (Codeflaws, read in place from
the shared data) judged on their real tests, through ``dir:`` folders and through open-r1 parquet copies
built from the same rows: every clean accepted program AC, every clean rejected one not AC.

A few run the CLI as a subprocess, as a user would; the rest go through the command's own function
(``judge_program``) in-process, on the session's judge. Only untruncated tests are used (a test Codeforces
showed cut short cannot be compared). Problems whose answers are real numbers get the checker the
Codeflaws "clean" mark was computed with (1e-6 on floats): ``checker.txt`` in a folder, a Python
``generated_checker`` in the open-r1 rows (run in the sandbox as open-r1's grader runs it).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from sandbox.api import Source
from sandbox.judge import Judge
from solver.commands.judge import (
    EXIT_ACCEPTED,
    EXIT_REJECTED,
    EXIT_UNJUDGEABLE,
    Outcome,
    judge_program,
    shorten,
    with_limits,
)
from solver.contest.submit import PackJudge
from solver.contest.testpack import load_hidden_tests
from solver.errors import UsageError
from solver.problem import ProblemId
from solver.sources.specs import Spec, SpecKind
from tests.conftest import REPO
from tests.sources.openr1_data import row, write_generated, write_problems

DEFAULT_TIME_S, DEFAULT_MEMORY_MB = 2.0, 256  # where the shared data has no scraped limits (as test_codeflaws)

# A checker as open-r1 ships them (argv: input, correct output, solution output; prints 1 to accept): tokens
# equal, or numbers within 1e-6 absolute or relative.
FLOAT_CHECKER = """import sys

def same(a, b):
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return abs(x - y) <= 1e-6 * max(1.0, abs(x))

want = open(sys.argv[2]).read().split()
got = open(sys.argv[3]).read().split()
print(1 if len(want) == len(got) and all(same(a, b) for a, b in zip(want, got)) else 0)
"""


def _defects(shared: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in (shared / "codeflaws" / "defects.jsonl").read_text().splitlines() if line]
    return [d for d in rows if d["clean"]]


def _tests(d: dict[str, Any]) -> list[tuple[str, str]]:
    return [(t["input"], t["output"]) for t in d["tests"] if not t["truncated"]]


def _floats(d: dict[str, Any]) -> bool:
    """Whether the answers hold real numbers (a token with a decimal point that reads as a number)."""
    for _, out in _tests(d):
        for tok in out.split():
            if "." in tok:
                try:
                    float(tok)
                except ValueError:
                    continue
                return True
    return False


def _limits(d: dict[str, Any]) -> tuple[float, int]:
    t, m = d["time_limit_seconds_scraped_2024"], d["memory_limit_mb_scraped_2024"]
    return (DEFAULT_TIME_S, DEFAULT_MEMORY_MB) if t is None or m is None else (float(t), int(m))


def write_dir(root: Path, d: dict[str, Any]) -> Path:
    """One defect's tests as a ``dir:`` folder: ROOT/<index>/NN.in, NN.out (+ checker.txt for floats)."""
    folder = root / d["defect"] / d["index"]
    folder.mkdir(parents=True)
    for n, (i, o) in enumerate(_tests(d), 1):
        (folder / f"{n:02d}.in").write_text(i)
        (folder / f"{n:02d}.out").write_text(o)
    if _floats(d):
        (folder / "checker.txt").write_text("numbers 1e-6\n")
    return folder.parent


def write_open_r1(root: Path, defects: Sequence[dict[str, Any]]) -> Path:
    """The defects as open-r1 rows (first half of the tests official, the rest generated), one copy."""
    rows, generated = [], {}
    seen = set()
    for d in defects:
        pid = f"{d['contest_id']}/{d['index']}"
        if pid in seen:
            continue
        seen.add(pid)
        tests = _tests(d)
        half = (len(tests) + 1) // 2
        t, m = _limits(d)
        rows.append(
            row(
                pid,
                title=f"Codeflaws {d['defect']}",
                time_limit=t,
                memory_limit=float(m),
                official_tests=[{"input": i, "output": o} for i, o in tests[:half]],
                official_tests_complete=True,
                generated_checker=FLOAT_CHECKER if _floats(d) else None,
                generated_tests=len(tests) - half,
            )
        )
        generated.setdefault(d["contest_id"], []).extend((pid, n, i, o) for n, (i, o) in enumerate(tests[half:]))
    for cid, tests_ in generated.items():
        write_generated(root, cid, tests_, row_group_size=8)
    write_problems(root, rows, shards=2, row_group_size=4)
    return root


# ------------------------------------------------------------------ pure parts


def test_limits_come_from_the_problem_unless_given() -> None:
    pid = ProblemId(14, "A")
    with pytest.raises(UsageError, match="--time-limit S --memory-limit MB"):
        with_limits(pid, None, 1.0, None)
    p = with_limits(pid, None, 1.5, 64)
    assert (p.time_limit_s, p.memory_limit_mb) == (1.5, 64)
    assert with_limits(pid, p, None, 128).memory_limit_mb == 128 and with_limits(pid, p, None, 128).time_limit_s == 1.5
    with pytest.raises(UsageError, match="out of range"):
        with_limits(pid, p, 1e6, None)


def test_shown_text_is_cut_and_says_so() -> None:
    assert shorten(b"1 2\n") == "1 2\n"
    cut = shorten(b"x\n" * 100, lines=3)
    assert cut.startswith("x\nx\nx\n...") and "(200 characters, 101 lines in all)" in cut


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "solver", "judge", *args, "--store", str(cwd / "store")],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


def test_no_tests_for_the_problem_is_unjudgeable_not_accepted(tmp_path: Path) -> None:
    (tmp_path / "tests" / "B").mkdir(parents=True)
    (tmp_path / "tests" / "B" / "1.in").write_text("1\n")
    (tmp_path / "tests" / "B" / "1.out").write_text("1\n")
    (tmp_path / "a.py").write_text("print(1)\n")
    r = _cli("a.py", "5A", "--hidden-tests", f"dir:{tmp_path / 'tests'}", "--time-limit", "1", "--memory-limit",
             "64", "--json", cwd=tmp_path)
    assert r.returncode == EXIT_UNJUDGEABLE, r.stderr
    assert json.loads(r.stdout)["verdict"] == "unjudgeable"
    usage = _cli("a.py", "5B", "--hidden-tests", f"dir:{tmp_path / 'tests'}", cwd=tmp_path)
    assert usage.returncode == 2 and "--time-limit S --memory-limit MB" in usage.stderr  # limits unknown
    bad = _cli("a.rb", "5B", "--hidden-tests", f"dir:{tmp_path / 'tests'}", cwd=tmp_path)
    assert bad.returncode == 2 and "no such source file" in bad.stderr


# ------------------------------------------------------------------ the real submissions


@pytest.mark.docker
@pytest.mark.timeout(600)
def test_cli_judges_real_submissions_as_a_user_would(
    shared_data: Path, judge: Judge, tmp_path: Path
) -> None:
    """Two defects through the command line: dir: and open-r1:, accepted and rejected, text and --json."""
    del judge  # requested so the test is skipped where no Docker engine answers
    defects = _defects(shared_data)
    d = next(x for x in defects if not _floats(x) and len(_tests(x)) >= 3)
    for name, code in (("acc.c", d["accepted_source"]), ("rej.c", d["buggy_source"])):
        (tmp_path / name).write_text(code)
    pid = f"{d['contest_id']}{d['index']}"
    t, m = _limits(d)
    limits = ["--time-limit", str(t), "--memory-limit", str(m)]
    spec = f"dir:{write_dir(tmp_path / 'dirs', d)}"
    ok = _cli("acc.c", pid, "--hidden-tests", spec, *limits, "--json", cwd=tmp_path)
    assert ok.returncode == EXIT_ACCEPTED, ok.stdout + ok.stderr
    doc = json.loads(ok.stdout)
    assert doc["verdict"] == "AC" and doc["total"] == len(_tests(d)) and doc["first_failure"] is None
    assert all(x["verdict"] == "AC" and x["wall_s"] > 0 and x["memory_kb"] > 0 for x in doc["tests"])
    bad = _cli("rej.c", pid, "--hidden-tests", spec, *limits, cwd=tmp_path)
    assert bad.returncode == EXIT_REJECTED, bad.stdout + bad.stderr
    assert "first failing test" in bad.stdout and "expected:" in bad.stdout and "found:" in bad.stdout
    # open-r1: the limits come from the dataset's row, no flags needed.
    e = next(x for x in defects if _floats(x)) if any(_floats(x) for x in defects) else d
    (tmp_path / "acc2.c").write_text(e["accepted_source"])
    root = write_open_r1(tmp_path / "openr1", [e])
    r = _cli("acc2.c", f"{e['contest_id']}{e['index']}", "--hidden-tests", f"open-r1:{root}", "--json", cwd=tmp_path)
    assert r.returncode == EXIT_ACCEPTED, r.stdout + r.stderr
    assert json.loads(r.stdout)["time_limit_s"] == _limits(e)[0]


async def _judge_all(judge: Judge, spec_of: Any, defects: Sequence[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(defect, accepted's verdict, rejected's verdict) for each, through the command's judge_program."""
    pj = PackJudge(judge)
    gate = asyncio.Semaphore(2 * judge.workers)

    async def one(d: dict[str, Any]) -> tuple[str, str, str]:
        pid = ProblemId(d["contest_id"], d["index"])
        spec: Spec = spec_of(d)
        pack = (await asyncio.to_thread(load_hidden_tests, spec, pid.contest_id))[pid.index]
        t, m = _limits(d)
        problem = with_limits(pid, None, t, m)
        async with gate:
            acc: Outcome = await judge_program(pj, problem, pack, Source(d["accepted_source"], "c11"))
            rej: Outcome = await judge_program(pj, problem, pack, Source(d["buggy_source"], "c11"))
        return d["defect"], acc.verdict, rej.verdict

    return list(await asyncio.gather(*(one(d) for d in defects)))


def _check(results: Sequence[tuple[str, str, str]], label: str) -> None:
    wrong = [f"{d}: accepted {a}" for d, a, _ in results if a != "AC"]
    wrong += [f"{d}: rejected {r}" for d, _, r in results if r in ("AC", "unjudgeable")]
    rejected = sorted({r for _, _, r in results})
    print(f"\n{label}: {len(results)} clean defects, accepted all AC: {not wrong}, rejected verdicts {rejected}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.docker
@pytest.mark.timeout(1800)
async def test_every_clean_defect_through_dir_folders(shared_data: Path, judge: Judge, tmp_path: Path) -> None:
    defects = _defects(shared_data)
    assert len(defects) == 85  # as the shared data's README counts them
    roots = {d["defect"]: write_dir(tmp_path, d) for d in defects}
    results = await _judge_all(judge, lambda d: Spec(SpecKind.DIR, roots[d["defect"]]), defects)
    _check(results, "dir:")


@pytest.mark.docker
@pytest.mark.timeout(1800)
async def test_every_clean_defect_through_open_r1_parquet(shared_data: Path, judge: Judge, tmp_path: Path) -> None:
    defects = _defects(shared_data)
    # One copy per defect: two defects of one problem would otherwise share a row (and one problem's tests).
    roots = {d["defect"]: write_open_r1(tmp_path / d["defect"], [d]) for d in defects}
    floats = [d["defect"] for d in defects if _floats(d)]
    results = await _judge_all(judge, lambda d: Spec(SpecKind.OPEN_R1, roots[d["defect"]]), defects)
    _check(results, f"open-r1: ({len(floats)} with a Python checker)")
