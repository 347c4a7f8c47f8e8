"""Issue 11 leftovers: a reply without code is told once per candidate (once per helper stage); a candidate that
keeps failing an example gets the brute force and generator asked for, and a small counterexample shown."""

from __future__ import annotations

import pytest

from tests.solve import programs as P
from tests.solve.conftest import Solve
from tests.solve.scripted import ScriptedModel

pytestmark = [pytest.mark.docker, pytest.mark.timeout(180)]

KIT = dict(
    brute=P.cpp(P.SUM_BRUTE),
    generator=P.cpp(P.SUM_GEN),
    validator=P.cpp(P.SUM_VALIDATOR),
    maxgen=P.cpp(P.SUM_MAXGEN),
)
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
