"""The pure core of the solve loop: extraction, prompts, evidence, shrinking, clustering, budgets."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from sandbox import api
from sandbox.api import CheckResult, RunResult, Verdict
from solver.problem import Problem, ProblemId, Sample
from solver.solve import cluster, evidence, shrink
from solver.solve.budget import Budget, Spending, Stop
from solver.solve.checking import standard_checker
from solver.solve.extract import blocks, extract_code, extract_text_block
from solver.solve.languages import CPP17, PYTHON3
from solver.solve.prompts import STAGES, messages, render

PROBLEM = Problem(
    id=ProblemId(9001, "A"),
    name="Sum over test cases",
    time_limit_s=1.0,
    memory_limit_mb=256,
    statement="Given a and b, print a+b.",
    input_spec="The first line contains the number of test cases t (1 <= t <= 10^4). Each line: a b.",
    output_spec="For each test case print a+b.",
    samples=(Sample("2\n1 2\n3 4\n", "3\n7\n"),),
)


# ---- extraction


def test_extract_takes_the_last_block_in_the_language() -> None:
    reply = (
        "Idea.\n```cpp\nint main(){return 1;}\n```\nBetter:\n```python\nprint(1)\n```\n"
        "```cpp\nint main(){}\n```\n"
    )
    assert extract_code(reply, CPP17).code == "int main(){}\n"
    assert extract_code(reply, PYTHON3).code == "print(1)\n"


def test_extract_accepts_an_untagged_block_that_looks_like_the_language() -> None:
    reply = "```\n#include <cstdio>\nint main(){}\n```"
    assert extract_code(reply, CPP17).ok
    assert not extract_code(reply, PYTHON3).ok


@pytest.mark.parametrize(
    ("reply", "done", "why"),
    [
        ("I think the answer is 42.", "stop", "no program in a ```cpp code block"),
        ("", "length", "output token limit"),
        ("```cpp\nint main() {\n  for (;;)", "length", "cut off by the output token limit while writing"),
        ("```python\nprint(1)\n```", "stop", "no cpp program in a code block (it had: python)"),
        ("```cpp\n\n```", "stop", "empty"),
    ],
)
def test_a_reply_without_usable_code_is_a_reason_not_a_crash(reply: str, done: str, why: str) -> None:
    got = extract_code(reply, CPP17, done)
    assert not got.ok
    assert why in got.reason


def test_longer_fences_and_text_blocks() -> None:
    reply = "````cpp\nint main(){ /* ``` inside */ }\n````\n```text\n42\n```\n"
    assert [b.tag for b in blocks(reply)] == ["cpp", "text"]
    assert "inside" in extract_code(reply, CPP17).code
    assert extract_text_block(reply, "text") == "42\n"


# ---- prompts


def test_every_stage_renders_the_problem_and_its_task() -> None:
    for stage in STAGES:
        msgs = messages(
            stage,
            problem=PROBLEM,
            lang=CPP17,
            feedback="",
            multitest=True,
            code="int main(){}",
            evidence="Wrong answer.",
            rejected=["a repair broke example-1 (WA)"],
        )
        text = msgs[-1].content
        assert "# Task:" in text and "Sum over test cases" in text and "3 4" in text
        assert "Time limit: 1 second" in text and "256 megabytes" in text


def test_draft_asks_about_complexity_and_states_the_conventions() -> None:
    text = render("draft", problem=PROBLEM, lang=CPP17, feedback="")
    assert "complexity" in text and "sync_with_stdio" in text and "```cpp" in text
    py = render("draft", problem=PROBLEM, lang=PYTHON3, feedback="")
    assert "sys.stdin.buffer" in py and "```python" in py


def test_repair_prompt_carries_code_evidence_and_rejections() -> None:
    text = render(
        "repair",
        problem=PROBLEM,
        lang=CPP17,
        code="int main(){}",
        evidence="First difference: X",
        rejected=["a repair broke example-1 (WA)"],
    )
    assert "int main(){}" in text and "First difference: X" in text and "broke example-1" in text


def test_an_undefined_variable_is_an_error() -> None:
    with pytest.raises(jinja2.UndefinedError):
        render("repair", problem=PROBLEM, lang=CPP17, code="x")  # no evidence, no rejected


# ---- evidence


def _run(stdout: bytes = b"", **kw: object) -> RunResult:
    base: dict[str, object] = dict(
        status=Verdict.AC,
        exit_code=0,
        signal=None,
        cpu_s=0.01,
        wall_s=0.02,
        memory_kb=1000,
        stdout=stdout,
        stderr=b"",
    )
    base.update(kw)
    return RunResult(**base)  # type: ignore[arg-type]


def test_the_difference_is_the_sandboxs_with_the_test_case() -> None:
    text = evidence.wrong_answer("2\n1 2\n3 4\n", "3\n7\n", "3\n8\n")
    assert "First difference at token 2" in text and "expected '7', found '8'" in text
    assert "in test case 2 of 2" in text  # one place (sandbox.diff) says where, and which test case
    assert "ended early" in evidence.wrong_answer("1\n", "3\n7\n", "3\n")


def test_wrong_answer_evidence_has_input_expected_actual_and_difference() -> None:
    r = api.TestResult("example-1", Verdict.WA, _run(b"3\n8\n"), CheckResult(Verdict.WA, ""))
    text = evidence.from_test(r, "2\n1 2\n3 4\n", "3\n7\n", 1.0, where="Example 1")
    assert text.startswith("On Example 1: Wrong answer")
    assert "1 2" in text and "expected '7', found '8'" in text


def test_tle_evidence_states_time_against_limit_and_describes_big_inputs() -> None:
    r = api.TestResult("max-1", Verdict.TLE, _run(status=Verdict.TLE, cpu_s=2.5, wall_s=3.1))
    big = "1\n" + " ".join(["1000000000"] * 50000) + "\n"
    text = evidence.from_test(r, big, None, 1.0, large=True)
    assert "CPU time 2.50 s" in text and "limit of 1 s" in text
    assert "maximum-size test" in text and len(text) < 1500


def test_runtime_error_evidence_and_clipping() -> None:
    r = api.TestResult(
        "t",
        Verdict.RE,
        _run(
            status=Verdict.RE,
            exit_code=None,
            signal=11,
            detail="killed by signal 11 (SIGSEGV)",
            stderr=b"oops",
        ),
    )
    text = evidence.from_test(r, "1\n", "2\n", 1.0)
    assert "SIGSEGV" in text and "oops" in text
    assert "more characters" in evidence.clip("x\n" * 5000)
    assert "does not compile" in evidence.compile_error("main.cpp:1: error: expected ';'")


# ---- checker choice


def test_standard_checker_follows_the_statement() -> None:
    from dataclasses import replace

    assert standard_checker(PROBLEM).kind.value == "tokens"
    p = replace(
        PROBLEM, output_spec="Your answer is accepted if its absolute or relative error is at most 10^{-9}."
    )
    c = standard_checker(p)
    assert c.kind.value == "numbers" and c.eps == pytest.approx(1e-9)
    y = replace(PROBLEM, output_spec="Print YES or NO. You can output the answer in any case.")
    assert standard_checker(y).kind.value == "yesno"


# ---- shrinking


def test_stress_plan_is_seeded_and_covers_every_size() -> None:
    a = shrink.stress_plan(200, 7, "9001A")
    assert a == shrink.stress_plan(200, 7, "9001A") != shrink.stress_plan(200, 8, "9001A")
    assert {p.size for p in a} == set(range(1, 11))
    assert all(p.size < 6 for p in shrink.smaller_probes(6, 7, "9001A"))
    fails = [(shrink.Probe(1, 5), "aaaa"), (shrink.Probe(2, 3), "bbbbbbbb"), (shrink.Probe(3, 3), "cc")]
    assert shrink.smallest_failure(fails) == (shrink.Probe(3, 3), "cc")


def test_case_splits_find_fixed_and_counted_layouts() -> None:
    fixed = list(shrink.case_splits("3\n1 2\n3 4\n5 6\n"))
    assert fixed[0] == ["1 2\n", "3 4\n", "5 6\n"]
    counted = list(shrink.case_splits("2\n3\n1 2 3\n1\n7\n"))
    assert ["3\n1 2 3\n", "1\n7\n"] in counted
    header_n = list(shrink.case_splits("2\n2\n5\n6\n1\n9\n"))
    assert ["2\n5\n6\n", "1\n9\n"] in header_n
    assert list(shrink.case_splits("5 6\n1 2\n")) == []  # not a multi-test input
    assert shrink.join_cases(["1 2\n", "5 6\n"]) == "2\n1 2\n5 6\n"


def test_removals_drop_big_chunks_first_and_never_everything() -> None:
    r = list(shrink.removals(4))
    assert r[0] == [2, 3] and r[1] == [0, 1]
    assert [0, 1, 2] in r and all(r)


# ---- clustering


def test_choose_from_the_largest_cluster_ties_to_the_first() -> None:
    outs = {"c0": ["1", "2"], "c1": ["1", "3"], "c2": ["1 ", "3\n"], "c3": ["9", "9"]}
    assert cluster.clusters(outs)[0] == ["c1", "c2"]
    assert cluster.choose(outs) == "c1"
    assert cluster.choose({"c0": ["1"], "c1": ["2"]}) == "c0"
    with pytest.raises(ValueError):
        cluster.choose({})


# ---- budgets


def test_budgets_say_which_one_is_spent() -> None:
    now = [0.0]
    s = Spending(Budget(attempts=2, tokens=100, wall_s=10.0), clock=lambda: now[0])
    assert s.exhausted() is None
    s.attempts = 2
    assert s.exhausted() is Stop.ATTEMPTS
    now[0] = 11.0
    assert s.exhausted() is Stop.WALL_TIME
    s.tokens = 100
    assert s.exhausted() is Stop.TOKENS
    assert Stop.TOKENS.text == "token budget spent"


def test_token_budget_and_max_tokens_are_distinct_flags(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from solver.cli import build_parser, config_from_args
    from solver.solve.options import settings_from

    monkeypatch.chdir(tmp_path)  # no solver.toml around
    for key in ("SOLVER_CONFIG", "SOLVER_MAX_TOKENS", "SOLVER_TOKEN_BUDGET"):
        monkeypatch.delenv(key, raising=False)
    parser = build_parser()
    for argv in (["solve", "1999A", "--token-budget", "5000"], ["contest", "1999", "--token-budget", "5000"]):
        config = config_from_args(parser.parse_args(argv))
        assert (config.token_budget, config.max_tokens) == (5000, None)
        assert settings_from(config).budget.tokens == 5000  # per problem
    ask = config_from_args(parser.parse_args(["ask", "hi", "--max-tokens", "40"]))
    assert (ask.max_tokens, ask.token_budget) == (40, None)  # per reply (num_predict)
    with pytest.raises(SystemExit):
        parser.parse_args(["solve", "1999A", "--max-tokens", "5000"])
