"""Trust in helper programs: a brute force is a suspect, a validator must reject, a generator is bounded, and
the program at fault is the one named. Scripted replies, the real sandbox, the real loop."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from solver.problem import Problem, ProblemId, Sample
from solver.solve.budget import Stop
from solver.solve.kit import GEN_MAX_BYTES, invalid_inputs, spec_bound
from tests.solve import programs as P
from tests.solve.conftest import Solve
from tests.solve.scripted import ScriptedModel

KIT = P.SUM_KIT
# Passes the example (all values there are positive) but is wrong on negative numbers.
WRONG_BRUTE = P.SUM_ABS
ACCEPT_ALL = "#include <cstdio>\nint main() { while (std::getchar() != EOF) {} return 0; }\n"
# A generator of huge "small" inputs, one printing without end, one that never ends.
BIG_GEN = """
#include <bits/stdc++.h>
int main() { unsigned seed; int size; std::cin >> seed >> size; int t = 10000; std::cout << t << '\\n';
  for (int i = 0; i < t; i++) std::cout << 123456789 << ' ' << -123456789 << '\\n'; }
"""
ENDLESS_GEN = """
#include <bits/stdc++.h>
int main() { std::cout << 1 << '\\n'; for (;;) std::cout << "1 1\\n"; }
"""
LOOPING_GEN = """
#include <bits/stdc++.h>
int main() { volatile unsigned long long x = 0; for (;;) x = x + 1; }
"""
# Right on the examples and on every invalid input made from them; crashes on a value <= 0.
CRASHING_VALIDATOR = P.SUM_VALIDATOR.replace(
    "if (std::llabs(a) > 1000000000", "if (a <= 0 || b <= 0) std::raise(SIGSEGV);\n    if (std::llabs(a) > 1000000000"
)


def events(s: object, type_: str) -> list[dict[str, object]]:
    path = s.run.path / "events.jsonl"  # type: ignore[attr-defined]
    return [e for e in map(json.loads, path.read_text().splitlines()) if e["type"] == type_]


# ---- pure: invalid inputs from the examples


def test_invalid_inputs_are_made_from_the_example() -> None:
    made = dict((what, text) for text, what in invalid_inputs(P.SUM))
    assert made["its last line removed"] == "2\n1 2\n"
    assert made["a line added after the end of the input"] == "2\n1 2\n3 4\n7\n"
    (out_of_range,) = [t for w, t in made.items() if "out of range" in w]
    assert out_of_range.startswith("2\n1 2\n3 ") and int(out_of_range.split()[-1]) > 10**18
    assert invalid_inputs(P.GUESS) == []  # interactive: no validator


def test_spec_bounds_as_codeforces_writes_them(shared_data: Path) -> None:
    assert spec_bound(r"$1 \le n \le 2 \cdot 10^{5}, 0 \le k \le 10^{12}$") == 10**12
    assert spec_bound("2 <= n <= 10^5") == 10**5
    assert spec_bound(r"$0 \le a_i < 2^{30}$") == 2**30
    assert spec_bound("a string of lowercase letters") is None
    problems = json.loads((shared_data / "codeforces/codeelo_problems_2024.json").read_text())
    for p in [p for p in problems if not p.get("interaction")][:60]:
        bound = spec_bound(p["input"])
        assert bound is not None, p["problem_id"]
        first = re.search(r"<pre>(.*?)</pre>", p["examples"], re.S)
        if first is not None and "string" not in p["input"]:  # each integer of an example is within the bound
            text = html.unescape(first.group(1))
            ints = [int(x) for x in text.split() if x.lstrip("-").isdigit()]
            assert all(abs(v) <= bound for v in ints), (p["problem_id"], bound)


def test_out_of_range_needs_a_stated_bound() -> None:
    words = Problem(
        id=ProblemId(9001, "W"),
        name="Words",
        time_limit_s=1.0,
        memory_limit_mb=256,
        statement="Print the words reversed.",
        input_spec="A line of lowercase words.",
        output_spec="The words.",
        samples=(Sample("ab cd\n", "cd ab\n"),),
    )
    assert [w for _, w in invalid_inputs(words)] == ["its last line removed", "a line added after the end of the input"]


# ---- the loop

@pytest.mark.docker
@pytest.mark.timeout(180)
async def test_a_wrong_brute_force_refuted_by_a_second_one_does_not_block(solve: Solve) -> None:
    model = ScriptedModel(solution=P.cpp(P.SUM_GOOD), **{**KIT, "brute": [P.cpp(WRONG_BRUTE), P.cpp(P.SUM_BRUTE)]})
    s = await solve(P.SUM, model)
    r = s.result
    assert r.stop is Stop.SOLVED and r.chosen == "c0-v1" and r.attempts == 1
    examples = [v.name for v in r.verdicts if v.kind != "derived"]
    assert not r.counterexamples and examples == ["example-1"]  # no test from the wrong brute
    first, second = model.prompts("brute")
    assert "double-check" not in first and "double-check" in second  # asked on its own, only on a disagreement
    (c,) = events(s, "corroboration")
    assert c["trust"] == "refuted" and c["by"] == "brute2-1"
    assert events(s, "brute_set_aside")[0]["stage"] == "brute"
    assert "100/100 random tests agree" in r.stress


@pytest.mark.docker
@pytest.mark.timeout(180)
async def test_an_uncorroborated_brute_force_is_evidence_not_a_gate(solve: Solve) -> None:
    kit = {**KIT, "brute": [P.cpp(WRONG_BRUTE), "I cannot write another one."]}
    model = ScriptedModel(solution=P.cpp(P.SUM_GOOD), **kit)
    s = await solve(P.SUM, model)
    r = s.result
    assert r.stop is Stop.SOLVED and not r.counterexamples
    assert [v.name for v in r.verdicts if v.kind != "derived"] == ["example-1"]
    assert [e["name"] for e in events(s, "test_added") if e["kind"] != "derived"] == ["example-1"]  # the example
    (repair,) = model.prompts("repair")  # shown once, as evidence that may be wrong
    assert "may itself be wrong" in repair and "unchanged" in repair
    assert [c["trust"] for c in events(s, "corroboration")] == ["unconfirmed", "unconfirmed"]
    assert "counterexample_disputed" in s.events
    assert "not corroborated" in r.stress


@pytest.mark.docker
@pytest.mark.timeout(180)
async def test_a_corroborated_disagreement_becomes_a_permanent_test(solve: Solve) -> None:
    model = ScriptedModel(solution=[P.cpp(P.SUM_ABS), P.cpp(P.SUM_GOOD)], **KIT)
    s = await solve(P.SUM, model)
    r = s.result
    assert r.stop is Stop.SOLVED and r.chosen == "c0-v2"
    (c,) = events(s, "corroboration")
    assert c["trust"] == "corroborated" and c["by"] == "brute2-1"
    assert ("counterexample-1", "AC") in {(v.name, v.verdict) for v in r.verdicts}


@pytest.mark.docker
@pytest.mark.timeout(180)
async def test_an_accept_everything_validator_is_rejected(solve: Solve) -> None:
    model = ScriptedModel(solution=P.cpp(P.SUM_GOOD), **{**KIT, "validator": [P.cpp(ACCEPT_ALL), KIT["validator"]]})
    s = await solve(P.SUM, model)
    assert s.result.stop is Stop.SOLVED and "100/100 random tests agree" in s.result.stress
    _, second = model.prompts("validator")
    assert "It accepts an invalid input" in second
    (rejected,) = [e for e in events(s, "helper_rejected") if e["stage"] == "validator"]
    assert "accepts an invalid input" in str(rejected["reason"])
    assert "9001A/validator-2.cpp" in s.files()


@pytest.mark.docker
@pytest.mark.timeout(180)
async def test_oversized_endless_and_looping_generators_are_rejected_with_the_reason(solve: Solve) -> None:
    gens = [P.cpp(BIG_GEN), P.cpp(ENDLESS_GEN), P.cpp(LOOPING_GEN)]
    model = ScriptedModel(solution=P.cpp(P.SUM_GOOD), **{**KIT, "generator": gens})
    s = await solve(P.SUM, model)
    reasons = [str(e["reason"]) for e in events(s, "helper_rejected") if e["stage"] == "generator"]
    assert len(reasons) == 3
    assert f"a small test must be at most {GEN_MAX_BYTES} bytes" in reasons[0]
    assert "printed more than 1 MB" in reasons[1]
    assert "ran past the time limit" in reasons[2]
    assert "Your previous generator was wrong" in model.prompts("generator")[1]
    assert "no random tests" in s.result.stress  # no generator: said, not hidden


@pytest.mark.docker
@pytest.mark.timeout(180)
async def test_a_validator_crashing_on_generated_input_is_the_validators_fault(solve: Solve) -> None:
    model = ScriptedModel(
        solution=P.cpp(P.SUM_GOOD), **{**KIT, "validator": [P.cpp(CRASHING_VALIDATOR), KIT["validator"]]}
    )
    s = await solve(P.SUM, model)
    assert s.result.stop is Stop.SOLVED and "100/100 random tests agree" in s.result.stress
    faults = events(s, "helper_fault")
    assert faults and all(f["stage"] == "validator" for f in faults)
    assert not [e for e in events(s, "helper_rejected") if e["stage"] == "generator"]
    assert model.stages().count("generator") == 1
    _, second = model.prompts("validator")
    assert "On an input from the generator it crashed" in second and "SIGSEGV" in second
