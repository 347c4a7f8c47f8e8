"""Stress-testing the user's program against the bot's accepted solution.

The bot's solve loop leaves a generator ("seed size" on stdin -> a small input) and, when it wrote them, a
validator and a checker. Here: generate seeded inputs (sizes cycling 1..10, as the solve loop does), take
the bot's output as the expected answer, judge the user's program through the problem's checker, and shrink
the first failure the way ``solver.solve.shrink`` decides: a smaller size first, then fewer test cases of a
multi-test input (only when a validator can vouch that the smaller input is still valid).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sandbox.api import Checker, Compiled, Source, Test, TestResult, Verdict
from sandbox.diff import first_difference
from solver.errors import SolverError
from solver.practice.model import BotSolution, Counterexample, StressOutcome
from solver.problem import Problem
from solver.solve.checking import standard_checker
from solver.solve.programs import HELPER_LIMITS, Judge, by_name, solution_limits
from solver.solve.shrink import (
    Probe,
    case_splits,
    join_cases,
    removals,
    smaller_probes,
    smallest_failure,
    stress_plan,
)


@dataclass(frozen=True)
class Programs:
    user: Compiled
    bot: Compiled
    generator: Compiled
    validator: Compiled | None
    checker: Checker


async def _compile(judge: Judge, source: Source, what: str) -> Compiled:
    exe = await judge.compile(source)
    if not exe.ok:
        first = exe.message.strip().splitlines()[:1]
        raise SolverError(
            f"{what} does not compile ({first[0] if first else 'no message'}); `test` shows why"
        )
    return exe


async def prepare(judge: Judge, problem: Problem, user: Source, bot: BotSolution) -> Programs:
    if bot.generator is None:
        raise SolverError(
            "the bot solved the problem but has no working input generator, so it cannot "
            "stress-test; `hint` or `review` may help instead"
        )
    checker = standard_checker(problem)
    if bot.checker is not None:
        checker = Checker.from_program(await _compile(judge, bot.checker, "the bot's checker"))
    return Programs(
        user=await _compile(judge, user, "your program"),
        bot=await _compile(judge, bot.source, "the bot's solution"),
        generator=await _compile(judge, bot.generator, "the bot's generator"),
        validator=await _compile(judge, bot.validator, "the bot's validator") if bot.validator else None,
        checker=checker,
    )


async def _generate(judge: Judge, gen: Compiled, probes: Sequence[Probe]) -> dict[Probe, str]:
    tests = [Test(f"gen-{k}", f"{p.seed} {p.size}\n".encode(), None) for k, p in enumerate(probes)]
    res = by_name(await judge.judge(gen, tests, HELPER_LIMITS, Checker.tokens()))
    out: dict[Probe, str] = {}
    for k, p in enumerate(probes):
        r = res.get(f"gen-{k}")
        if r is not None and r.verdict is Verdict.AC and r.run.stdout.strip():
            out[p] = r.run.stdout.decode("utf-8", errors="replace")
    return out


async def _valid(judge: Judge, validator: Compiled | None, inputs: Sequence[str]) -> list[bool]:
    if validator is None:
        return [False] * len(inputs)  # nothing vouches for a hand-cut input: do not use it
    tests = [Test(f"in-{k}", t.encode(), None) for k, t in enumerate(inputs)]
    res = by_name(await judge.judge(validator, tests, HELPER_LIMITS, Checker.tokens()))
    return [
        res.get(f"in-{k}") is not None and res[f"in-{k}"].verdict is Verdict.AC for k in range(len(inputs))
    ]


async def _failures(
    judge: Judge, problem: Problem, p: Programs, inputs: Sequence[str]
) -> tuple[dict[str, TestResult], dict[str, str]]:
    """(failures of the user's program by input, the bot's answers by input)."""
    limits = solution_limits(problem)
    bot_tests = [Test(f"b-{k}", t.encode(), None) for k, t in enumerate(inputs)]
    bot_res = by_name(await judge.judge(p.bot, bot_tests, limits, Checker.tokens()))
    answers: dict[str, str] = {}
    for k, text in enumerate(inputs):
        r = bot_res.get(f"b-{k}")
        if r is not None and r.verdict is Verdict.AC:  # the bot's own failure is no evidence against the user
            answers[text] = r.run.stdout.decode("utf-8", errors="replace")
    keyed = [(f"u-{k}", t) for k, t in enumerate(inputs) if t in answers]
    tests = [Test(name, t.encode(), answers[t].encode()) for name, t in keyed]
    if not tests:
        return {}, answers
    res = by_name(await judge.judge(p.user, tests, limits, p.checker))
    failing = {t: res[name] for name, t in keyed if name in res and res[name].verdict is not Verdict.AC}
    return failing, answers


async def _shrink(judge: Judge, problem: Problem, p: Programs, probe: Probe, text: str, seed: int) -> str:
    pid = str(problem.id)
    made = await _generate(judge, p.generator, smaller_probes(probe.size, seed, pid))
    if made:
        failing, _ = await _failures(judge, problem, p, list(made.values()))
        smaller = [(pr, t) for pr, t in made.items() if t in failing]
        if smaller:
            _, text = smallest_failure(smaller)
    for split in case_splits(text):
        if not all(await _valid(judge, p.validator, [join_cases([c]) for c in split])):
            continue  # not how this input's cases are laid out (or no validator to tell)
        cases = split
        while len(cases) > 1:
            options = [join_cases([cases[i] for i in keep]) for keep in removals(len(cases))]
            ok = await _valid(judge, p.validator, options)
            valid = [o for o, good in zip(options, ok, strict=True) if good]
            failing, _ = await _failures(judge, problem, p, valid)
            first = next((o for o in valid if o in failing), None)
            if first is None:
                break
            text = first
            cases = next(iter(case_splits(text)), [text])
        break
    return text


async def stress(
    judge: Judge, problem: Problem, user: Source, bot: BotSolution, count: int, seed: int = 0
) -> StressOutcome:
    programs = await prepare(judge, problem, user, bot)
    plan = stress_plan(count, seed, str(problem.id))
    made = await _generate(judge, programs.generator, plan)
    if not made:
        raise SolverError("the bot's generator produced no input; stress testing is not possible here")
    failing, answers = await _failures(judge, problem, programs, list(made.values()))
    total = sum(1 for t in made.values() if t in answers)
    if not failing:
        return StressOutcome(total, None)
    probe, text = smallest_failure([(pr, t) for pr, t in made.items() if t in failing])
    original = len(text.encode())
    text = await _shrink(judge, problem, programs, probe, text, seed)
    # Judge the final input once more, so what is shown is exactly what this input does.
    final, answers = await _failures(judge, problem, programs, [text])
    result = final.get(text) or failing.get(text)
    expected = answers.get(text, "")
    if result is None:  # cannot happen unless the programs are not deterministic; show the first failure
        probe, text = smallest_failure([(pr, t) for pr, t in made.items() if t in failing])
        result, expected = failing[text], answers.get(text, "")
    actual = result.run.stdout.decode("utf-8", errors="replace")
    diff = None
    if result.verdict in (Verdict.WA, Verdict.PE):
        diff = first_difference(
            result.run.stdout,
            expected.encode(),
            text.encode(),
            kind=programs.checker.kind,
            eps=programs.checker.eps,
        )
    ce = Counterexample(text, expected, actual, result.verdict, diff, probe.seed)
    return StressOutcome(total, ce, shrunk_from=original if original > len(text.encode()) else None)
