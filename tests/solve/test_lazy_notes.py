"""Issue 11 leftovers: a reply without code is told once per candidate (once per helper stage); a candidate that
keeps failing an example gets the brute force and generator asked for, and a small counterexample shown."""

from __future__ import annotations

import pytest

from solver.solve.budget import Budget
from tests.solve import programs as P
from tests.solve.conftest import Solve
from tests.solve.scripted import ScriptedModel

pytestmark = [pytest.mark.docker, pytest.mark.timeout(180)]

KIT = P.SUM_KIT
NO_CODE = "I would add the two numbers of each test case."
NOTE = "The reply had no program in a ```cpp code block."


async def test_no_code_is_told_once_per_candidate_then_the_normal_prompt(solve: Solve) -> None:
    model = ScriptedModel(solution=[NO_CODE, NO_CODE, NO_CODE, P.cpp(P.SUM_GOOD)], **KIT)
    s = await solve(P.SUM, model)
    assert s.result.solved
    drafts = model.prompts("draft")
    assert len(drafts) == 4
    assert [NOTE in p for p in drafts] == [False, True, False, False]
    assert drafts[2] == drafts[0]  # back to the normal draft prompt


async def test_no_code_is_told_once_per_helper_stage(solve: Solve) -> None:
    kit = {**KIT, "validator": [NO_CODE, NO_CODE, P.cpp(P.SUM_VALIDATOR)]}
    model = ScriptedModel(solution=P.cpp(P.SUM_GOOD), **kit)
    s = await solve(P.SUM, model)
    assert s.result.solved
    asked = model.prompts("validator")
    assert len(asked) == 3
    assert [NOTE in p for p in asked] == [False, True, False]
    assert asked[2] == asked[0]


async def test_failing_an_example_twice_asks_for_brute_and_generator_and_shows_a_small_counterexample(
    solve: Solve,
) -> None:
    model = ScriptedModel(solution=P.cpp(P.SUM_WRONG), **KIT)
    s = await solve(P.SUM, model, budget=Budget(attempts=4))
    stages = model.stages()
    assert stages[:2] == ["draft", "repair"]  # the draft and its first repair fail Example 1: nothing asked yet
    assert {"validator", "brute", "generator"} <= set(stages[2:]) and "maxgen" not in stages
    repairs = model.prompts("repair")
    shown = "A brute force (which may itself be wrong)"
    assert shown not in repairs[0] and shown in repairs[1]
    assert "counterexample_shown" in s.events and "counterexample" not in s.events  # evidence, not a test
