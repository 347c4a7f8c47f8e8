"""Stress testing: seeded random inputs, candidate against the brute force through the problem's checker.

On a disagreement the failing input is shrunk (``shrink`` decides, this module runs the programs): first the
smallest generator size that still fails, then fewer test cases of a multi-test input. Once every random test
agrees, the candidate runs on the max-size inputs, where a TLE (or any crash) is the finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sandbox.api import Checker, Test, TestResult, Verdict
from solver.solve import evidence
from solver.solve.kit import Kit
from solver.solve.programs import Program, by_name, solution_limits
from solver.solve.shrink import (
    case_splits,
    join_cases,
    removals,
    smaller_probes,
    smallest_failure,
    stress_plan,
)
from solver.solve.work import Work


@dataclass(frozen=True)
class Finding:
    """One failing input, shrunk: what to tell the model and what to add to the pool."""

    kind: str  # "counterexample" or "max-size"
    input: str
    answer: str | None
    result: TestResult
    evidence: str


@dataclass(frozen=True)
class StressOutcome:
    total: int = 0  # random tests compared with the brute force
    agreed: int = 0
    finding: Finding | None = None
    max_tests: int = 0
    outputs: dict[str, str] = field(default_factory=dict)  # input key -> output, to cluster candidates by
    notes: tuple[str, ...] = ()  # what could not be tested, and why

    @property
    def summary(self) -> str:
        parts = []
        if self.total:
            parts.append(f"{self.agreed}/{self.total} random tests agree with the brute force")
        if self.max_tests:
            parts.append(f"{self.max_tests} max-size test{'s' if self.max_tests > 1 else ''} run")
        return "; ".join(parts + list(self.notes)) or "not stress-tested"


async def _failures(
    work: Work, kit: Kit, program: Program, checker: Checker, inputs: Sequence[str]
) -> tuple[dict[str, TestResult], dict[str, str], dict[str, str]]:
    """Judge ``program`` on ``inputs`` against the brute force: (failures, answers, outputs) by input."""
    answers = await kit.answers(inputs)
    keyed = [(f"t-{k}", text) for k, text in enumerate(inputs) if text in answers]
    if not keyed:
        return {}, answers, {}
    tests = [Test(name, text.encode(), answers[text].encode()) for name, text in keyed]
    res = by_name(await work.judge.judge(program.compiled, tests, solution_limits(work.problem), checker))
    failing: dict[str, TestResult] = {}
    outs: dict[str, str] = {}
    for name, text in keyed:
        r = res.get(name)
        if r is None:
            continue
        outs[text] = evidence.decode(r.run.stdout)
        if r.verdict is not Verdict.AC:
            failing[text] = r
    return failing, answers, outs


async def shrink(
    work: Work, kit: Kit, program: Program, checker: Checker, size: int, text: str, result: TestResult
) -> tuple[str, TestResult]:
    """The smallest failing input found from a failure at generator size ``size``."""
    # Step 1: smaller generator sizes, several seeds each.
    probes = smaller_probes(size, work.settings.seed, work.pid)
    made = await kit.inputs(probes)
    if made:
        failing, _, _ = await _failures(work, kit, program, checker, list(made.values()))
        smaller = [(p, t) for p, t in made.items() if t in failing]
        if smaller:
            _, text = smallest_failure(smaller)
            result = failing[text]
    # Step 2: drop test cases of a multi-test input while it still fails.
    for split in case_splits(text):
        singles = await kit.validate([join_cases([c]) for c in split])
        if any(why is not None for why in singles):
            continue  # not how this input's cases are laid out
        cases = split
        while len(cases) > 1:
            options = [join_cases([cases[i] for i in keep]) for keep in removals(len(cases))]
            valid = [o for o, why in zip(options, await kit.validate(options), strict=True) if why is None]
            failing, _, _ = await _failures(work, kit, program, checker, valid)
            first = next((o for o in valid if o in failing), None)
            if first is None:
                break
            text, result = first, failing[first]
            cases = next(iter(case_splits(text)), [text])  # re-split the smaller input the same way
            if len(cases) > 1 and any(why is not None for why in await kit.validate([join_cases([c]) for c in cases])):
                break
        break
    return text, result


async def stress(work: Work, kit: Kit, program: Program) -> StressOutcome:
    if work.problem.interactive:
        return StressOutcome(notes=("interactive: judged by the interactor on the example data only",))
    notes: list[str] = []
    checker = await kit.checker()
    plan = stress_plan(work.settings.stress_tests, work.settings.seed, work.pid)
    if plan and not await kit.has_checker():
        notes.append("no random tests: several answers are allowed and no checker works")
        plan = []
    made = await kit.inputs(plan) if plan else {}
    total = agreed = 0
    outputs: dict[str, str] = {}
    if plan and not made:
        notes.append(f"no random tests: {(await kit.get('generator')).note or (await kit.get('validator')).note}")
    elif made:
        failing, answers, outs = await _failures(work, kit, program, checker, list(made.values()))
        outputs.update(outs)
        total = sum(1 for t in made.values() if t in answers)
        agreed = total - sum(1 for t in made.values() if t in failing)
        if total == 0:
            notes.append(f"no random tests: {(await kit.brute()).note or 'the brute force failed on every input'}")
        if failing:
            probe, text = smallest_failure([(p, t) for p, t in made.items() if t in failing])
            text, result = await shrink(work, kit, program, checker, probe.size, text, failing[text])
            answer = (await kit.answers([text])).get(text)
            tl = work.problem.time_limit_s
            ev = evidence.from_test(result, text, answer, tl, where="a small random test (shrunk)")
            finding = Finding("counterexample", text, answer, result, ev)
            return StressOutcome(total, agreed, finding, 0, outputs, tuple(notes))
    big = await kit.max_inputs()
    if not big:
        notes.append(f"no max-size test: {(await kit.get('maxgen')).note or 'the generator made no valid input'}")
    else:
        tests = [Test(f"max-{k}", text.encode(), None) for k, text in enumerate(big)]
        res = by_name(await work.judge.judge(program.compiled, tests, solution_limits(work.problem), checker))
        for k, text in enumerate(big):
            r = res.get(f"max-{k}")
            if r is None:
                continue
            outputs[text] = evidence.decode(r.run.stdout)
            if r.verdict is not Verdict.AC:
                ev = evidence.from_test(
                    r, text, None, work.problem.time_limit_s, large=True, where="a maximum-size test"
                )
                return StressOutcome(
                    total, agreed, Finding("max-size", text, None, r, ev), len(big), outputs, tuple(notes)
                )
    return StressOutcome(total, agreed, None, len(big), outputs, tuple(notes))
