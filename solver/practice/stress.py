"""Stress-testing the user's program against the bot's accepted solution, with the solve loop's stress test.

The bot's solve loop leaves a generator ("seed size" on stdin -> a small input) and, when it wrote them, a
validator and a checker. Here they are compiled and handed to ``solver.solve.stress`` as trusted material
(``Supplied``), with the bot's solution as the reference: the same validated generator output, the same
shrinking, and the same rule that a judge fault is never a counterexample.
"""

from __future__ import annotations

from sandbox.api import Source
from solver.errors import SolverError
from solver.practice.model import BotSolution
from solver.problem import Problem
from solver.solve.kit import Supplied
from solver.solve.programs import Judge, Program
from solver.solve.stress import stress as stress_test
from solver.solve.work import StressOutcome


async def _compile(judge: Judge, source: Source, what: str, stage: str) -> Program:
    exe = await judge.compile(source)
    if not exe.ok:
        first = exe.message.strip().splitlines()[:1]
        raise SolverError(f"{what} does not compile ({first[0] if first else 'no message'}); `test` shows why")
    return Program(stage, source.code, source.lang, exe, "")


async def stress(
    judge: Judge, problem: Problem, user: Source, bot: BotSolution, count: int, seed: int = 0
) -> StressOutcome:
    if bot.generator is None:
        raise SolverError(
            "the bot solved the problem but has no working input generator, so it cannot "
            "stress-test; `hint` or `review` may help instead"
        )
    if bot.validator is None:
        raise SolverError(
            "the bot has no input validator, so its generated inputs cannot be trusted for stress testing; "
            "`hint` or `review` may help instead"
        )
    helpers = {
        "brute": await _compile(judge, bot.source, "the bot's solution", "brute"),
        "generator": await _compile(judge, bot.generator, "the bot's generator", "generator"),
        "validator": await _compile(judge, bot.validator, "the bot's validator", "validator"),
    }
    if bot.checker is not None:
        helpers["checker"] = await _compile(judge, bot.checker, "the bot's checker", "checker")
    program = await _compile(judge, user, "your program", "user")
    outcome = await stress_test(judge, problem, program.compiled, Supplied(judge, problem, helpers), count, seed)
    if not outcome.tests_run and outcome.counterexample is None:
        why = "; ".join(outcome.notes) or "the bot's generator produced no valid input"
        raise SolverError(f"stress testing is not possible here: {why}")
    return outcome
