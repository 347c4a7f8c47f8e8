"""Scheduling and the strength of a result, end to end: scripted model replies, the real sandbox.

- helpers are asked lazily (only once a candidate passes every local test), none with --stress-tests 0;
- several problems on one model slot: problem B's draft is sent before problem A's helpers;
- a program that only knows the examples is never "solved"; a crash on an input derived from an example
  blocks acceptance; passing the examples without any stress test is "examples only".
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from solver.config import Config
from solver.llm.factory import build_backend
from solver.problem import Problem, ProblemId, Sample
from solver.runstore import Run
from solver.solve.budget import Budget, Stop
from solver.solve.loop import Env, solve_problems
from solver.solve.model import ModelCalls
from solver.solve.work import ProblemResult, Settings
from tests.fakes.ollama_server import FakeOllama
from tests.solve import programs as P
from tests.solve.conftest import Solve
from tests.solve.scripted import ScriptedModel

pytestmark = [pytest.mark.docker, pytest.mark.timeout(180)]

KIT = P.SUM_KIT
HELPERS = {"brute", "generator", "validator", "maxgen", "checker"}

# The reported case: prints the examples' answers when it sees an example, and 0 for every other input.
SUM_CHEAT = """
#include <bits/stdc++.h>
int main() { std::string all((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (all == "2\\n1 2\\n3 4\\n") { std::cout << "3\\n7\\n"; return 0; }
  std::cout << 0 << '\\n'; }
"""
# Right, except that it reads slot t - 2 of a t - 1 long list: one test case alone crashes it.
SUM_CRASH_ON_ONE = """
#include <bits/stdc++.h>
int main() { int t; std::cin >> t; std::vector<int> seen(t - 1, 1); if (seen.at(t - 2) != 1) return 0;
  while (t--) { long long a, b; std::cin >> a >> b; std::cout << a + b << '\\n'; } }
"""

# A single-test problem (no test cases to reorder): only changed values can show a program up.
DOUBLE = Problem(
    id=ProblemId(9002, "A"),
    name="Twice",
    time_limit_s=1.0,
    memory_limit_mb=256,
    statement="Given an integer n, print 2n.",
    input_spec="One integer n (1 <= n <= 10^9).",
    output_spec="Print 2n.",
    samples=(Sample("4\n", "8\n"), Sample("30\n", "60\n")),
)
DOUBLE_CHEAT = """
#include <bits/stdc++.h>
int main() { long long n; std::cin >> n; if (n == 4) std::cout << 8; else if (n == 30) std::cout << 60;
  else std::cout << 0; std::cout << '\\n'; }
"""
DOUBLE_GOOD = """
#include <bits/stdc++.h>
int main() { long long n; std::cin >> n; std::cout << 2 * n << '\\n'; }
"""
DOUBLE_KIT = dict(
    brute=P.cpp(DOUBLE_GOOD),
    generator=P.cpp("#include <bits/stdc++.h>\nint main(){unsigned s,z;std::cin>>s>>z;std::cout<<1+s%1000<<'\\n';}"),
    validator=P.cpp(  # a real validator: the kit checks that it rejects out-of-range values and trailing lines
        "#include <bits/stdc++.h>\nint main(){long long n;std::string x;"
        "if(!(std::cin>>n)||n<1||n>1000000000||(std::cin>>x))return 1;}"
    ),
    maxgen=P.cpp("#include <bits/stdc++.h>\nint main(){std::cout<<1000000000<<'\\n';}"),
)


def _helpers_asked(model: ScriptedModel) -> list[str]:
    return [s for s in model.stages() if s in HELPERS]


async def test_helpers_are_asked_only_once_a_candidate_passes_the_examples(solve: Solve) -> None:
    model = ScriptedModel(solution=P.cpp(P.SUM_WRONG), **KIT)
    s = await solve(P.SUM, model, budget=Budget(attempts=2))
    assert s.result.stop is Stop.ATTEMPTS
    # no helper: no candidate ever passed, and no repair is left to show a counterexample to
    assert model.stages() == ["draft", "repair"]


async def test_stress_tests_zero_asks_no_helper_and_is_examples_only(solve: Solve) -> None:
    model = ScriptedModel(solution=P.cpp(P.SUM_GOOD), **KIT)
    s = await solve(P.SUM, model, stress_tests=0)
    r = s.result
    assert model.stages() == ["draft"]
    assert r.stop is Stop.EXAMPLES_ONLY and not r.solved and r.examples_only and r.submittable
    assert "--stress-tests 0" in r.reason and "inputs derived from them" in r.reason
    assert "candidate_examples_only" in s.events and "candidate_passed" not in s.events


async def test_several_answers_judged_at_once_equal_output_needs_no_checker(solve: Solve) -> None:
    # p_i = i % n + 1 prints the example's own answer "2 3 1": equality accepts without a checker
    rotate = "#include <bits/stdc++.h>\nint main(){int n;std::cin>>n;for(int i=1;i<=n;i++)std::cout<<i%n+1<<' ';}"
    model = ScriptedModel(solution=P.cpp(rotate), checker=P.cpp("int main() { return 1; }"))
    s = await solve(P.DERANGE, model, stress_tests=0)
    assert model.stages() == ["draft"]  # no checker asked: nothing needed one
    assert s.result.stop is Stop.EXAMPLES_ONLY


async def test_program_printing_the_examples_answers_is_never_solved(solve: Solve) -> None:
    # Every helper works: reversed test cases catch it at once, stress testing would too.
    model = ScriptedModel(solution=P.cpp(SUM_CHEAT), **KIT)
    s = await solve(P.SUM, model, budget=Budget(attempts=2))
    r = s.result
    assert r.stop is Stop.ATTEMPTS and not r.solved and not r.examples_only
    (repair,) = model.prompts("repair")
    assert "an input derived from Example 1" in repair
    assert not _helpers_asked(model)  # it never passed the local tests, so no helper was needed
    # No helper works (the reported case: it was "solved" because no stress test ran): still not solved.
    model = ScriptedModel(solution=P.cpp(SUM_CHEAT))
    s = await solve(P.SUM, model, budget=Budget(attempts=2))
    assert s.result.stop is Stop.ATTEMPTS and not s.result.solved


async def test_single_test_cheat_is_suspect_and_examples_only_without_stress(solve: Solve) -> None:
    model = ScriptedModel(solution=P.cpp(DOUBLE_CHEAT))  # every helper request gets no program
    s = await solve(DOUBLE, model, budget=Budget(attempts=2))
    r = s.result
    assert r.stop is Stop.EXAMPLES_ONLY and not r.solved
    assert any("suspect: it printed the same output on every changed copy" in n for n in r.notes)
    assert "suspect" in s.events
    # With working helpers, stress testing shows it up: never solved; the right program then is.
    model = ScriptedModel(solution=[P.cpp(DOUBLE_CHEAT), P.cpp(DOUBLE_GOOD)], **DOUBLE_KIT)
    s = await solve(DOUBLE, model)
    assert s.result.stop is Stop.SOLVED and s.result.chosen == "c0-v2"
    assert s.result.counterexamples and s.result.counterexamples[0].candidate == "c0-v1"


async def test_crash_on_a_derived_input_blocks_acceptance(solve: Solve) -> None:
    model = ScriptedModel(solution=[P.cpp(SUM_CRASH_ON_ONE), P.cpp(P.SUM_GOOD)], **KIT)
    s = await solve(P.SUM, model)
    r = s.result
    assert r.stop is Stop.SOLVED and r.chosen == "c0-v2"
    (repair,) = model.prompts("repair")
    assert "On an input derived from Example 1 (its test case 1 alone): Runtime error" in repair
    assert model.stages().index("repair") < min(model.stages().index(h) for h in _helpers_asked(model))


# ---- several problems on one slot ------------------------------------------------------------------------


async def _solve_all(
    judge: object, tmp_path: Path, problems: list[Problem], model: ScriptedModel, **settings: object
) -> list[ProblemResult]:
    async with FakeOllama(responder=model) as srv:
        backend = build_backend(Config(hosts=(srv.url,), model="gemma4:31b"))  # one slot per host
        try:
            run = Run.create(tmp_path / "runs", "many", {"command": "solve"})
            env = Env(judge, run, ModelCalls(backend, run, run.index()), Settings(stress_tests=50, **settings))  # type: ignore[arg-type]
            return await solve_problems(problems, env, parallel=len(problems))
        finally:
            await backend.close()
        assert srv.max_in_flight == 1


def _who(model: ScriptedModel) -> list[tuple[str, str]]:
    """(problem letter, stage) of every request, in the order the model received them."""
    return [("B" if "Sum Again" in prompt else "A", stage) for stage, prompt in model.calls]


async def test_next_problem_draft_goes_before_previous_problem_helpers(judge: object, tmp_path: Path) -> None:
    a = P.SUM
    b = replace(P.SUM, id=ProblemId(9001, "B"), name="Sum Again")
    model = ScriptedModel(solution=P.cpp(P.SUM_GOOD), **KIT)
    results = await _solve_all(judge, tmp_path, [a, b], model)
    assert [r.stop for r in results] == [Stop.SOLVED, Stop.SOLVED]
    who = _who(model)
    assert who[:2] == [("A", "draft"), ("B", "draft")]
    # After both drafts, A's and B's helpers are asked for once each problem's draft passes its tests; which
    # draft's judging finishes first is the judge's race (the queue orders only requests that wait together,
    # as tests/llm/test_pool_priority.py checks), so only the set is fixed here.
    helpers = ("validator", "brute", "generator", "maxgen")
    assert sorted(who[2:]) == sorted([("A", h) for h in helpers] + [("B", h) for h in helpers])


async def test_fifo_schedule_keeps_the_old_eager_order(judge: object, tmp_path: Path) -> None:
    a = P.SUM
    b = replace(P.SUM, id=ProblemId(9001, "B"), name="Sum Again")
    model = ScriptedModel(solution=P.cpp(P.SUM_GOOD), **KIT)
    results = await _solve_all(judge, tmp_path, [a, b], model, schedule="fifo")
    assert [r.stop for r in results] == [Stop.SOLVED, Stop.SOLVED]
    who = _who(model)
    assert who[0] == ("A", "draft") and who[1][0] == "A" and who[1][1] in HELPERS  # A's helpers before B's draft
