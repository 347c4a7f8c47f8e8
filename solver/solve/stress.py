"""Stress testing: seeded random inputs, a program against the reference through the problem's checker.

One stress test for the whole tool: the solve loop tests its candidates against the model's brute force
(``Kit``), and practice tests the user's program against the bot's accepted solution (``Supplied``), with
the same validated generator output, the same shrinking and the same fairness rules.

On a disagreement the failing input is shrunk (``shrink`` decides, this module runs the programs): first the
smallest generator size that still fails, then fewer test cases of a multi-test input. Once every random test
agrees, the program runs on the max-size inputs, where a TLE (or any crash) is the finding.

The brute force is a suspect, not an oracle (``stress_candidate``): a candidate's disagreement with it on a
small input is a finding (a permanent test) only when corroborated (``Material.corroborate``); a refuted brute
force is replaced and the candidate tested again; an unconfirmed disagreement is shown to the model once, as
evidence that may be wrong, and never blocks the candidate.

Only the program's own failures count: a judge error (JE) is never evidence against it, and a failure that
looks like the judge's fault (little CPU time, a long wall time: a paused or overloaded worker) is run again
before it counts (``programs.judge_fairly``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sandbox.api import Checker, Compiled, Test, TestResult, Verdict
from sandbox.diff import first_difference
from solver.problem import Problem
from solver.solve import evidence
from solver.solve.kit import Material, Trust
from solver.solve.programs import Judge, Program, judge_fairly, solution_limits
from solver.solve.shrink import (
    case_splits,
    join_cases,
    removals,
    smaller_probes,
    smallest_failure,
    stress_plan,
)
from solver.solve.work import Counterexample, StressOutcome, Work


def counterexample(
    kind: str, text: str, answer: str | None, result: TestResult, checker: Checker, problem: Problem,
    where: str, seed: int | None = None,
) -> Counterexample:
    """A failing result as a counterexample: what was run, what came out, and the evidence for a repair."""
    actual = evidence.decode(result.run.stdout)
    diff = None
    if answer is not None and result.verdict in (Verdict.WA, Verdict.PE):
        diff = first_difference(
            result.run.stdout, answer.encode(), text.encode(), kind=checker.kind, eps=checker.eps
        )
    large = kind == "max-size"
    ev = evidence.from_test(result, text, answer, problem.time_limit_s, large=large, where=where)
    return Counterexample(text, answer or "", actual, result.verdict, diff, seed, kind, ev)


class _Run:
    """One stress run: a program, its material, the checker; and the tests the judge could not judge."""

    def __init__(self, judge: Judge, problem: Problem, program: Compiled, material: Material, checker: Checker):
        self.judge, self.problem, self.program, self.material, self.checker = judge, problem, program, material, checker
        self.unjudged: set[str] = set()

    async def failures(self, inputs: Sequence[str]) -> tuple[dict[str, TestResult], dict[str, str], dict[str, str]]:
        """Judge the program on ``inputs`` against the reference: (failures, answers, outputs) by input.

        A JE is neither a failure nor an agreement: the input is left out (and remembered in ``unjudged``).
        """
        answers = await self.material.answers(inputs)
        keyed = [(f"t-{k}", text) for k, text in enumerate(inputs) if text in answers]
        if not keyed:
            return {}, answers, {}
        tests = [Test(name, text.encode(), answers[text].encode()) for name, text in keyed]
        res = await judge_fairly(self.judge, self.program, tests, solution_limits(self.problem), self.checker)
        failing: dict[str, TestResult] = {}
        outs: dict[str, str] = {}
        for name, text in keyed:
            r = res.get(name)
            if r is None or r.verdict is Verdict.JE:
                self.unjudged.add(text)
                continue
            outs[text] = evidence.decode(r.run.stdout)
            if r.verdict is not Verdict.AC:
                failing[text] = r
        return failing, answers, outs

    async def shrink(self, seed: int, size: int, text: str, result: TestResult) -> tuple[str, TestResult]:
        """The smallest failing input found from a failure at generator size ``size``."""
        material = self.material
        # Step 1: smaller generator sizes, several seeds each.
        made = await material.inputs(smaller_probes(size, seed, str(self.problem.id)))
        if made:
            failing, _, _ = await self.failures(list(made.values()))
            smaller = [(p, t) for p, t in made.items() if t in failing]
            if smaller:
                _, text = smallest_failure(smaller)
                result = failing[text]
        # Step 2: drop test cases of a multi-test input while it still fails (valid inputs only).
        for split in case_splits(text):
            singles = await material.validate([join_cases([c]) for c in split])
            if any(why is not None for why in singles):
                continue  # not how this input's cases are laid out (or no validator to vouch for them)
            cases = split
            while len(cases) > 1:
                options = [join_cases([cases[i] for i in keep]) for keep in removals(len(cases))]
                valid = [o for o, why in zip(options, await material.validate(options), strict=True) if why is None]
                failing, _, _ = await self.failures(valid)
                first = next((o for o in valid if o in failing), None)
                if first is None:
                    break
                text, result = first, failing[first]
                cases = next(iter(case_splits(text)), [text])  # re-split the smaller input the same way
                if len(cases) > 1 and any(
                    why is not None for why in await material.validate([join_cases([c]) for c in cases])
                ):
                    break
            break
        return text, result


async def stress(
    judge: Judge, problem: Problem, program: Compiled, material: Material, count: int, seed: int,
    small_only: bool = False,
) -> StressOutcome:
    """Stress-test ``program``: ``count`` random tests against the reference, then the max-size inputs
    (not with ``small_only``: a counterexample for a program that still fails an example)."""
    if problem.interactive:
        return StressOutcome(notes=("interactive: judged by the interactor on the example data only",))
    notes: list[str] = []
    run = _Run(judge, problem, program, material, await material.checker())
    plan = stress_plan(count, seed, str(problem.id))
    if plan and not await material.has_checker():
        notes.append("no random tests: several answers are allowed and no checker works")
        plan = []
    made = await material.inputs(plan) if plan else {}
    total = agreed = 0
    outputs: dict[str, str] = {}
    if plan and not made:
        why = (await material.get("generator")).note or (await material.get("validator")).note
        notes.append(f"no random tests: {why}")
    elif made:
        failing, answers, outs = await run.failures(list(made.values()))
        outputs.update(outs)
        judged = [t for t in made.values() if t in answers and t not in run.unjudged]
        total = len(judged)
        agreed = sum(1 for t in judged if t not in failing)
        if run.unjudged:
            notes.append(f"{len(run.unjudged)} random tests not counted: the judge failed on them (judge error)")
        if not answers:
            notes.append(f"no random tests: {(await material.brute()).note or 'the reference failed on every input'}")
        if failing:
            probe, text = smallest_failure([(p, t) for p, t in made.items() if t in failing])
            original = len(text.encode())
            text, result = await run.shrink(seed, probe.size, text, failing[text])
            answer = (await material.answers([text])).get(text)
            cx = counterexample(
                "counterexample", text, answer, result, run.checker, problem, "a small random test (shrunk)", probe.seed
            )
            shrunk = original if original > len(text.encode()) else None
            return StressOutcome(total, cx, shrunk, agreed, 0, outputs, tuple(notes))
    if small_only:
        return StressOutcome(total, None, None, agreed, 0, outputs, tuple(notes))
    big = await material.max_inputs()
    if not big:
        if material.max_tests:
            why = (await material.get("maxgen")).note or "the generator made no valid input"
            notes.append(f"no max-size test: {why}")
    else:
        tests = [Test(f"max-{k}", text.encode(), None) for k, text in enumerate(big)]
        res = await judge_fairly(judge, program, tests, solution_limits(problem), run.checker)
        for k, text in enumerate(big):
            r = res.get(f"max-{k}")
            if r is None or r.verdict is Verdict.JE:
                continue
            outputs[text] = evidence.decode(r.run.stdout)
            if r.verdict is not Verdict.AC:
                cx = counterexample("max-size", text, None, r, run.checker, problem, "a maximum-size test")
                return StressOutcome(total, cx, None, agreed, len(big), outputs, tuple(notes))
    return StressOutcome(total, None, None, agreed, len(big), outputs, tuple(notes))


async def stress_candidate(
    work: Work, material: Material, name: str, program: Program, told: bool
) -> tuple[StressOutcome, Trust | None]:
    """Stress-test a candidate's version; a disagreement with the brute force on a small input is checked.

    Returns the outcome and, for such a disagreement, whether it is corroborated. ``told``: the model was
    already shown an unconfirmed disagreement for this candidate; another one is then a note, not a finding.
    """
    s = work.settings
    trust: Trust | None = None
    for _ in range(3):  # each refutation replaces the reference; a third brute force is never asked for
        outcome = await stress(work.judge, work.problem, program.compiled, material, s.stress_tests, s.seed)
        cx = outcome.counterexample
        if cx is None or cx.kind != "counterexample":
            return outcome, None
        examples = [t.name for t in work.pool if t.kind == "example"]
        others = {
            n: v.program for n, v in work.best.items() if n != name and all(e in v.passed for e in examples)
        }
        trust = await material.corroborate(cx.input, cx.expected, program, others)
        work.log(
            "corroboration", candidate=name, version=program.name, trust=trust.kind, by=trust.by, note=trust.note
        )
        if trust.kind != "refuted":
            break
    assert trust is not None and cx is not None
    if trust.gate or not told:
        return outcome, trust
    work.log(
        "counterexample_disputed",
        candidate=name,
        version=program.name,
        input=cx.input[:20000],
        expected=cx.expected[:20000],
        found=cx.actual[:20000],
        note=trust.note,
    )
    note = f"disagrees with the brute force on a small test, not corroborated ({trust.note})"
    return replace(outcome, counterexample=None, notes=(*outcome.notes, note)), trust


def disputed_evidence(cx: Counterexample, trust: Trust) -> str:
    """A repair prompt's evidence for a disagreement nothing corroborates: the brute force may be wrong."""
    return (
        "A brute force disagrees with your program on a small test. The brute force may itself be wrong "
        f"({trust.note}), so check this input by hand against the statement.\n{cx.evidence}\n"
        "If your program's output is right, answer with your program unchanged."
    )
