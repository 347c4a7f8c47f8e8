"""bench/realmodel_bench.py: the sample it picks, the figures it derives, and its quick mode end to end.

The end-to-end tests run ``--quick`` (1999A, tiny budgets) against the fake OpenAI-compatible server in this
process: the real `solve` subprocess and the real Docker judge, a scripted model. One model always answers
with a right program, one always with a wrong one, so the figures must follow the programs, not the script.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import realmodel_bench as rb
from sandbox.judge import Judge
from tests.fakes.openai_server import FakeOpenAI, FakeServedModel
from tests.fakes.server import Reply
from tests.realmodel.codeelo import load_rows, problem_from_row

MODEL = "qwen-fake-1.5b"
RIGHT = """#include <bits/stdc++.h>
using namespace std;
int main() { int t; cin >> t; while (t--) { int n; cin >> n; cout << n / 10 + n % 10 << '\\n'; } return 0; }
"""
WRONG = """#include <bits/stdc++.h>
using namespace std;
int main() { int t; cin >> t; while (t--) { int n; cin >> n; cout << n << '\\n'; } return 0; }
"""


def fenced(code: str) -> str:
    return f"Here is the solution.\n\n```cpp\n{code}```\n"


# ---------------------------------------------------------------------------------------------- the sample


def test_the_sample_is_seeded_spread_over_contests_and_judgeable(shared_data: Path) -> None:
    rows = load_rows(shared_data)
    by_id = {r["problem_id"]: r for r in rows}
    first = rb.choose_sample(rows, 10, 1, 1200)
    assert first == rb.choose_sample(rows, 10, 1, 1200), "the same seed must give the same sample"
    assert first != rb.choose_sample(rows, 10, 2, 1200), "another seed gives another sample"
    assert len(first) == 10 and len({rb.contest_of(p) for p in first}) == 10, first  # one per contest
    assert {rb.contest_of(p) for p in first} != {"1999"}
    for pid in first:
        row = by_id[pid]
        problem = problem_from_row(row)
        assert row["rating"] <= 1200 and not problem.interactive and not problem.several_answers, pid
    # Several-answer and interactive problems are never picked, whatever the seed.
    picked = {p for seed in range(20) for p in rb.choose_sample(rows, 60, seed, 1200)}
    assert "1999D" not in picked  # "you can output any of them"
    assert not any(problem_from_row(by_id[p]).interactive for p in picked)
    assert all(by_id[p]["rating"] <= 900 for p in rb.choose_sample(rows, 60, 3, 900))


def test_stress_evidence_needs_solved_and_a_random_test() -> None:
    assert rb.stress_evidence({"stop": "solved", "stress": "50/50 random tests agree with the brute force"})
    assert not rb.stress_evidence({"stop": "solved", "stress": "not stress-tested"})
    assert not rb.stress_evidence({"stop": "examples_only", "stress": "0/0 random tests agree"})
    assert not rb.stress_evidence({"stop": "attempts", "stress": "3/50 random tests agree with the brute force"})


def _row(pid: str, loop_passed: bool, stressed: bool, plain_passed: bool, tokens: int) -> rb.Row:
    loop = rb.LoopOutcome("solved" if stressed else "attempts", loop_passed, "AC" if loop_passed else "WA", 100.0,
                          99.0, 3, 0, tokens, 2, "", stressed, 0, "", "", None)
    plain = rb.PlainOutcome(plain_passed, "AC" if plain_passed else "CE", 40.0, 39.0, tokens, tokens, "stop", "",
                            {"seed": 1}, "default", None)
    return rb.Row(pid, 800, False, loop, plain)


def test_the_figures_count_what_each_side_passed() -> None:
    rows = [_row("1A", True, True, False, 10), _row("2A", True, False, True, 0), _row("3A", False, True, False, 5)]
    # A stress-tested "solved" whose program fails the examples anew is not counted as evidence.
    assert rb.summary_line(rows) == (
        "real model: loop solved 2/3, plain request solved 1/3 (examples), loop 1/3 with stress evidence"
    )
    text = rb.table(rows)
    assert "10+10" in text and "fail (CE)" in text and "fail (WA)" in text
    assert "n/a" in text and "reported no token count" in text  # never a 0 that looks measured


# ---------------------------------------------------------------------------------------------- end to end


async def _quick(tmp_path: Path, code: str) -> tuple[int, dict[str, Any], FakeOpenAI, str]:
    out = tmp_path / "figures.json"
    async with FakeOpenAI(models=[FakeServedModel(MODEL, 4096)], responder=lambda _body: Reply(fenced(code))) as srv:
        args = rb.parse_args(["--quick", "--host", srv.url, "--model", MODEL, "--out", str(out),
                              "--work", str(tmp_path / "work"), "--wall-time", "60"])
        rc = await rb.bench(args)
    return rc, json.loads(out.read_text(encoding="utf-8")), srv, out.name


@pytest.mark.docker
@pytest.mark.timeout(240)
async def test_quick_mode_with_a_right_program(
    tmp_path: Path, judge: Judge, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, doc, srv, _ = await _quick(tmp_path, RIGHT)
    assert rc == 0
    printed = capsys.readouterr().out
    assert "problems (1): 1999A" in printed
    line = "real model: loop solved 1/1, plain request solved 1/1 (examples), loop 0/1 with stress evidence"
    assert printed.rstrip().endswith(line) and doc["line"] == line  # --quick asks for no stress test
    (row,) = doc["results"]
    loop, plain = row["loop"], row["plain"]
    assert row["problem"] == "1999A" and loop["passed"] and plain["passed"]
    assert loop["status"] in ("solved", "examples_only") and loop["returncode"] in (0, 3)
    assert loop["replies"] >= 1 and Path(loop["run"], "transcript.jsonl").is_file()
    assert loop["verdict"] == plain["verdict"] == "AC"
    assert plain["code"] == RIGHT and plain["output_tokens"] > 0 and plain["seconds"] >= plain["model_s"] > 0
    # Same model, same seed, same parameters as the loop's first request; the loop's own draft prompt.
    assert plain["params_from"] == "loop transcript" and plain["params"]["seed"] == 1
    assert loop["first_params"]["seed"] == 1
    sent = srv.chats[-1]  # the plain request comes after the loop's
    assert sent["model"] == MODEL and sent["seed"] == 1
    assert "1999A" in json.dumps(sent["messages"]) or "A+B Again" in json.dumps(sent["messages"])
    assert sent["messages"] == srv.chats[0]["messages"], "the plain request is the loop's draft prompt"
    assert doc["settings"] == doc["settings"] | {"attempts": 2, "stress_tests": 0, "wall_time_s": 60.0, "quick": True}
    assert doc["summary"] == doc["summary"] | {"n": 1, "loop_examples": 1, "plain_examples": 1}


@pytest.mark.docker
@pytest.mark.timeout(240)
async def test_quick_mode_with_a_wrong_program(
    tmp_path: Path, judge: Judge, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, doc, _, _ = await _quick(tmp_path, WRONG)
    assert rc == 0
    line = "real model: loop solved 0/1, plain request solved 0/1 (examples), loop 0/1 with stress evidence"
    assert capsys.readouterr().out.rstrip().endswith(line)
    (row,) = doc["results"]
    loop, plain = row["loop"], row["plain"]
    assert not loop["passed"] and not plain["passed"]
    assert plain["verdict"] == "WA" and plain["reason"].startswith("WA")
    assert loop["status"] not in ("solved", "examples_only") and loop["returncode"] == 1
    assert loop["replies"] >= 2  # the draft and its repair (--quick: 2 attempts)


def test_usage_errors(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        rb.parse_args(["--quick", "--problems", "1999A,1999B", "--host", "http://x", "--model", "m"])
    assert e.value.code == 2 and "one problem" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        rb.parse_args(["--quick", "--host", "", "--model", ""])
    assert e.value.code == 2 and "real_model.sh start" in capsys.readouterr().err
