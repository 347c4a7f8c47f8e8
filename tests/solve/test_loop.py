"""The solve loop end to end: scripted model replies, the real sandbox, a real run folder."""

from __future__ import annotations

import json

import pytest

from solver.solve.budget import Budget, Stop
from tests.fakes.ollama_server import Reply
from tests.solve import programs as P
from tests.solve.conftest import Solve
from tests.solve.scripted import ScriptedModel

pytestmark = [pytest.mark.docker, pytest.mark.timeout(120)]

def own(r: object) -> list[tuple[str, str]]:
    """The verdicts on the examples and what stress testing found (the derived inputs left out)."""
    return [(v.name, v.verdict) for v in r.verdicts if v.kind != "derived"]  # type: ignore[attr-defined]


KIT = P.SUM_KIT


async def test_first_try_success(solve: Solve) -> None:
    model = ScriptedModel(solution=P.cpp(P.SUM_GOOD), **KIT)
    s = await solve(P.SUM, model)
    r = s.result
    assert r.stop is Stop.SOLVED and r.chosen == "c0-v1" and r.attempts == 1
    assert sorted(model.stages()) == ["brute", "draft", "generator", "maxgen", "validator"]
    assert model.stages()[0] == "draft" and s.max_in_flight == 1  # the draft first; one request at a time
    assert own(r) == [("example-1", "AC")]
    derived = [(v.name, v.verdict) for v in r.verdicts if v.kind == "derived"]
    assert ("example-1-reversed", "AC") in derived and len(derived) >= 3
    assert all(verdict == "AC" for _, verdict in derived)
    assert "100/100 random tests agree" in r.stress and "2 max-size tests" in r.stress
    assert not r.counterexamples
    files = s.files()
    for f in (
        "run.json",
        "events.jsonl",
        "9001A/c0-v1.cpp",
        "9001A/brute-1.cpp",
        "9001A/generator-1.cpp",
        "9001A/validator-1.cpp",
        "9001A/maxgen-1.cpp",
    ):
        assert f in files
    assert (s.run.path / "9001A/c0-v1.cpp").read_text().strip() == P.SUM_GOOD.strip()
    events = [json.loads(x) for x in (s.run.path / "events.jsonl").read_text().splitlines()]
    done = [e for e in events if e["type"] == "problem_done"]
    assert len(done) == 1 and done[0]["result"]["stop"] == "solved"
    replies = [e for e in events if e["type"] == "model_reply"]
    assert len(replies) == 5 and all(e["thinking"].startswith("Thinking") for e in replies)
    assert all(e["ts"] > 0 for e in events)


async def test_wrong_sample_then_repair(solve: Solve) -> None:
    model = ScriptedModel(solution=[P.cpp(P.SUM_WRONG), P.cpp(P.SUM_GOOD)], **KIT)
    s = await solve(P.SUM, model)
    assert s.result.stop is Stop.SOLVED and s.result.chosen == "c0-v2"
    (repair,) = model.prompts("repair")
    assert "On Example 1: Wrong answer" in repair
    assert "expected: '3', found: '-1'" in repair and "1 2\n3 4" in repair and "a - b" in repair
    assert "verdict" in s.events and "repair_kept" in s.events
    assert {"9001A/c0-v1.cpp", "9001A/c0-v2.cpp"} <= set(s.files())


async def test_brute_disagrees_counterexample_shrunk_then_repaired(solve: Solve) -> None:
    model = ScriptedModel(solution=[P.cpp(P.SUM_ABS), P.cpp(P.SUM_GOOD)], **KIT)
    s = await solve(P.SUM, model)
    r = s.result
    assert r.stop is Stop.SOLVED and r.chosen == "c0-v2"
    (cx,) = r.counterexamples
    lines = cx.input.split()
    assert lines[0] == "1" and len(lines) == 3  # shrunk to one test case
    a, b = int(lines[1]), int(lines[2])
    assert min(a, b) < 0 and max(abs(a), abs(b)) == 1  # the smallest size that still fails
    assert cx.expected is not None and int(cx.expected) == a + b and cx.fixed_by == "c0-v2"
    (repair,) = model.prompts("repair")
    assert "a small random test (shrunk)" in repair and cx.input.strip() in repair
    assert set(own(r)) == {("example-1", "AC"), ("counterexample-1", "AC")}
    assert "counterexample" in s.events and "counterexample_fixed" in s.events and "stress" in s.events


async def test_repair_breaking_an_anchor_is_rejected(solve: Solve) -> None:
    model = ScriptedModel(solution=[P.cpp(P.SUM_ABS), P.cpp(P.SUM_FIRST_ONLY), P.cpp(P.SUM_GOOD)], **KIT)
    s = await solve(P.SUM, model)
    r = s.result
    assert r.stop is Stop.SOLVED and r.chosen == "c0-v3" and r.attempts == 3
    first, second = model.prompts("repair")
    assert "llabs" in first and "llabs" in second  # the second repair starts again from the better version
    assert "a repair broke example-1 (WA)" in second
    assert "repair_rejected" in s.events


async def test_compile_error_then_fix(solve: Solve) -> None:
    model = ScriptedModel(solution=[P.cpp(P.SUM_CE), P.cpp(P.SUM_GOOD)], **KIT)
    s = await solve(P.SUM, model)
    assert s.result.stop is Stop.SOLVED and s.result.chosen == "c0-v2"
    (repair,) = model.prompts("repair")
    assert "does not compile" in repair and "error" in repair and "std::cin >> t while" in repair


async def test_tle_on_max_size_then_faster_program(solve: Solve) -> None:
    model = ScriptedModel(solution=[P.cpp(P.SUM_SLOW), P.cpp(P.SUM_GOOD)], **KIT)
    s = await solve(P.SUM, model)
    r = s.result
    assert r.stop is Stop.SOLVED and r.chosen == "c0-v2"
    (repair,) = model.prompts("repair")
    assert "Time limit exceeded" in repair and "maximum-size test" in repair and "limit of 1 s" in repair
    (cx,) = r.counterexamples
    assert cx.verdict.value == "TLE" and cx.kind == "max-size" and cx.expected == "" and cx.fixed_by == "c0-v2"
    assert ("max-size-1", "AC") in {(v.name, v.verdict) for v in r.verdicts}


async def test_reply_without_code_is_a_failed_attempt(solve: Solve) -> None:
    model = ScriptedModel(solution=["I believe the answer is simply a+b.", P.cpp(P.SUM_GOOD)], **KIT)
    s = await solve(P.SUM, model)
    assert s.result.stop is Stop.SOLVED and s.result.attempts == 2
    assert model.stages().count("draft") == 2
    assert "The reply had no program in a ```cpp code block." in model.prompts("draft")[1]
    assert "reply_unusable" in s.events


async def test_thinking_that_uses_the_whole_budget_is_a_failed_attempt(solve: Solve) -> None:
    cut = Reply(content="", thinking="Let me think. " * 300, done_reason="length", chunk_chars=4000)
    model = ScriptedModel(solution=[cut, P.cpp(P.SUM_GOOD)], **KIT)
    s = await solve(P.SUM, model)
    assert s.result.stop is Stop.SOLVED and s.result.attempts == 2
    assert "cut off by the output token limit" in model.prompts("draft")[1]
    assert "thinking_exhausted" in s.events and "reply_unusable" in s.events


async def test_garbage_brute_force_is_sent_back(solve: Solve) -> None:
    kit = {**KIT, "brute": [P.cpp(P.SUM_BRUTE_GARBAGE), P.cpp(P.SUM_BRUTE)]}
    model = ScriptedModel(solution=P.cpp(P.SUM_GOOD), **kit)
    s = await solve(P.SUM, model)
    assert s.result.stop is Stop.SOLVED
    _, second = model.prompts("brute")
    assert "Your previous brute force was wrong" in second and "expected: '3', found: '2'" in second
    assert "helper_rejected" in s.events and "9001A/brute-2.cpp" in s.files()
    assert "100/100 random tests agree" in s.result.stress


async def test_attempt_budget_exhausted(solve: Solve) -> None:
    model = ScriptedModel(solution=P.cpp(P.SUM_WRONG), **KIT)
    s = await solve(P.SUM, model, budget=Budget(attempts=3))
    r = s.result
    assert r.stop is Stop.ATTEMPTS and "attempt budget spent" in r.reason and r.attempts == 3
    assert model.stages().count("draft") + model.stages().count("repair") == 3
    assert own(r) == [("example-1", "WA")]
    assert r.solution is not None  # the best version reached is still reported


async def test_token_budget_exhausted(solve: Solve) -> None:
    model = ScriptedModel(solution=P.cpp(P.SUM_WRONG), **KIT)
    s = await solve(P.SUM, model, budget=Budget(attempts=50, tokens=3000))
    assert s.result.stop is Stop.TOKENS and "token budget spent" in s.result.reason
    assert s.result.tokens >= 3000 and s.result.attempts < 50


async def test_wall_time_budget_exhausted(solve: Solve) -> None:
    model = ScriptedModel(solution=P.cpp(P.SUM_WRONG), **KIT)
    s = await solve(P.SUM, model, budget=Budget(attempts=1000, wall_s=2.0))
    r = s.result
    assert r.stop is Stop.WALL_TIME and "wall-time budget spent" in r.reason
    assert 1 <= r.attempts < 1000 and 1.9 <= r.elapsed_s < 10
    assert "problem_done" in s.events


async def test_several_answers_use_the_model_checker(solve: Solve) -> None:
    model = ScriptedModel(
        solution=P.cpp(P.DERANGE_SHIFT),
        brute=P.cpp(P.DERANGE_BRUTE),
        checker=P.cpp(P.DERANGE_CHECKER),
        generator=P.cpp(P.DERANGE_GEN),
        validator=P.cpp(P.DERANGE_VALIDATOR),
        maxgen=P.cpp(P.DERANGE_MAXGEN),
    )
    s = await solve(P.DERANGE, model)
    r = s.result
    # "3 1 2" is not the example's "2 3 1": only the checker can accept it.
    assert r.stop is Stop.SOLVED and own(r) == [("example-1", "AC")]
    assert "checker" in model.stages() and "9001B/checker-1.cpp" in s.files()
    assert "100/100 random tests agree" in r.stress


async def test_interactive_with_a_model_written_interactor(solve: Solve) -> None:
    model = ScriptedModel(
        solution=P.cpp(P.GUESS_SOLUTION),
        interactor=[P.interactor_reply(P.GUESS_INTERACTOR_WRONG), P.interactor_reply(P.GUESS_INTERACTOR)],
    )
    s = await solve(P.GUESS, model)
    r = s.result
    # judged on the example's exchange only: no stress test, so "examples only", not solved
    assert r.stop is Stop.EXAMPLES_ONLY and own(r) == [("example-1", "AC")] and not r.solved
    assert "examples only: c0-v1 passes the examples, but met no stress test (interactive" in r.reason
    assert model.stages().count("interactor") == 2  # the first did not replay the example exchange
    assert "Replaying Example 1" in model.prompts("interactor")[1]
    assert "brute" not in model.stages()
    assert "9001C/interactor-2.cpp" in s.files()


async def test_interactive_without_a_working_interactor_is_reported(solve: Solve) -> None:
    wrong = P.interactor_reply(P.GUESS_INTERACTOR_WRONG)
    model = ScriptedModel(solution=P.cpp(P.GUESS_SOLUTION), interactor=wrong)
    s = await solve(P.GUESS, model)
    r = s.result
    assert r.stop is Stop.UNJUDGEABLE and "without a working interactor" in r.reason
    assert "unjudgeable" in s.events and model.stages().count("interactor") == 3


async def test_several_candidates_choose_by_behaviour(solve: Solve) -> None:
    model = ScriptedModel(solution=[P.cpp(P.SUM_BAD_ON_BIG), P.cpp(P.SUM_GOOD), P.cpp(P.SUM_GOOD)], **KIT)
    s = await solve(P.SUM, model, candidates=3)
    r = s.result
    assert r.stop is Stop.SOLVED and r.solution is not None
    assert "big" not in r.solution  # the odd one out on the max-size inputs is not chosen
    assert sorted(len(c) for c in r.clusters) == [1, 2]
    assert "chosen" in s.events


async def test_python_solution_with_cpp_helpers(solve: Solve) -> None:
    good = (
        "import sys\nd = sys.stdin.read().split()\nt = int(d[0])\n"
        "print('\\n'.join(str(int(d[1 + 2 * i]) + int(d[2 + 2 * i])) for i in range(t)))\n"
    )
    model = ScriptedModel(solution=f"```python\n{good}```\n", **KIT)
    s = await solve(P.SUM, model, lang="python3")
    assert s.result.stop is Stop.SOLVED and s.result.lang == "python3"
    assert "9001A/c0-v1.py" in s.files() and "9001A/brute-1.cpp" in s.files()
    assert "sys.stdin.buffer" in model.prompts("draft")[0]


async def test_several_answers_without_a_working_checker_never_accepts_on_tokens(solve: Solve) -> None:
    bad_checker = P.cpp("int main() { return 1; }")  # rejects everything, the example's own answer too
    model = ScriptedModel(
        solution=P.cpp(P.DERANGE_SHIFT),
        brute=P.cpp(P.DERANGE_BRUTE),
        checker=bad_checker,
        generator=P.cpp(P.DERANGE_GEN),
        validator=P.cpp(P.DERANGE_VALIDATOR),
        maxgen=P.cpp(P.DERANGE_MAXGEN),
    )
    s = await solve(P.DERANGE, model, budget=Budget(attempts=2))
    r = s.result
    assert model.stages().count("checker") == 3 and "helper_failed" in s.events
    # "3 1 2" is a right answer, but only a checker could say so: without one it is not accepted
    assert r.stop is Stop.ATTEMPTS and own(r) == [("example-1", "WA")]
