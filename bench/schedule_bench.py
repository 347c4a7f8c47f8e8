"""Benchmark: minutes to the first accepted program on a 7-problem contest, one model slot, old and new order.

The fake Ollama server (tests/fakes/ollama_server.py) answers every request after a fixed latency: 20 s per
reply, as a small model on a CPU, divided by ``--scale`` (printed; default 10: 2 s, still well above the
judge's compile and run times, which a smaller latency would let dominate and blur the order). One slot, as
Ollama's default. The contest's problems (A..G, "sum over test cases") are solved the way contest mode does
it: every problem at once, each with its place in the contest as its order (``Env.order``), through the
real loop, model layer, endpoint pool and Docker judge.

The scripted model behaves like the weak model of issue 11: it solves A at once and B after one repair,
never C..G (a wrong program every time); every helper program (brute force, validator, generators) is
unusable on its first try and right on the second.

Measured in the same run for both schedules (``Settings.schedule``):
    fifo      the old eager order: every helper of every problem asked as the problem starts, every request
              first come, first served
    priority  drafts first in contest order, then problem by problem its repairs before its helpers;
              helpers asked only once a candidate passes the local tests
Printed: model replies served and wall seconds until the first problem is solved, the same in model minutes
at 20 s per reply (what a user would wait), and the ratio fifo / priority.

    python bench/schedule_bench.py [--scale 100] [--problems 7] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sandbox.api import JudgeConfig
from sandbox.judge import open_judge
from solver.config import Config
from solver.llm.factory import build_backend
from solver.problem import Problem, ProblemId
from solver.runstore import Run
from solver.solve.budget import Budget
from solver.solve.loop import Env, solve_problem
from solver.solve.model import ModelCalls
from solver.solve.work import Settings
from tests.fakes.ollama_server import FakeOllama, Reply
from tests.solve import programs as P
from tests.solve.scripted import stage_of

REPLY_S = 20.0  # a realistic reply of a small model on a CPU
LETTERS = "ABCDEFGHIJ"
HELPERS = {"brute": P.SUM_BRUTE, "generator": P.SUM_GEN, "validator": P.SUM_VALIDATOR, "maxgen": P.SUM_MAXGEN}


def contest(n: int) -> list[Problem]:
    return [replace(P.SUM, id=ProblemId(9300, LETTERS[k]), name=f"Sum {LETTERS[k]}") for k in range(n)]


class WeakModel:
    """Replies by (problem, stage): A right at once, B after a repair, the rest never; helpers on try 2."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.used: dict[tuple[str, str], int] = {}
        self.served = 0

    def __call__(self, body: dict[str, Any]) -> Reply:
        prompt = next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")
        stage = stage_of(prompt)
        letter = next(c for c in LETTERS if f"Sum {c}" in prompt)
        key = (letter, "solution" if stage in ("draft", "repair") else stage)
        n = self.used.get(key, 0)
        self.used[key] = n + 1
        self.served += 1
        if stage in HELPERS:
            text = "I would write a helper here." if n == 0 else P.cpp(HELPERS[stage])
        else:
            right = letter == "A" or (letter == "B" and n >= 1)
            text = P.cpp(P.SUM_GOOD if right else P.SUM_WRONG)
        return Reply(content=text, thinking="...", first_delay=self.latency, chunk_chars=4000)


@dataclass(frozen=True)
class Outcome:
    schedule: str
    seconds: float  # wall time to the first solved problem
    replies: int  # model replies served by then
    first: str  # which problem


async def first_accepted(judge: Any, root: Path, schedule: str, args: argparse.Namespace) -> Outcome:
    model = WeakModel(REPLY_S / args.scale)
    async with FakeOllama(responder=model) as srv:
        backend = build_backend(Config(hosts=(srv.url,), model="gemma4:31b"))  # one slot
        run = Run.create(root, f"bench-{schedule}", {"command": "bench"})
        settings = Settings(stress_tests=args.stress_tests, schedule=schedule, budget=Budget(attempts=args.attempts))
        calls = ModelCalls(backend, run, run.index())
        t0 = time.perf_counter()
        tasks = {
            asyncio.create_task(solve_problem(p, Env(judge, run, calls, settings, order=k))): p
            for k, p in enumerate(contest(args.problems))
        }
        try:
            pending = set(tasks)
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for t in done:
                    if t.result().solved:
                        return Outcome(schedule, time.perf_counter() - t0, model.served, str(tasks[t].id))
            raise RuntimeError(f"{schedule}: no problem was solved")
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await backend.close()


async def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=10.0, help="model latency divisor (20 s / scale per reply)")
    ap.add_argument("--problems", type=int, default=7)
    ap.add_argument("--attempts", type=int, default=4, help="solution programs per problem")
    ap.add_argument("--stress-tests", type=int, default=50)
    ap.add_argument("--quick", action="store_true", help="CI: 4 problems, 1 s per reply, fewer stress tests")
    args = ap.parse_args(argv)
    if args.quick:
        args.scale, args.problems, args.stress_tests = 20.0, min(args.problems, 4), min(args.stress_tests, 20)
    # A reply still streaming when the first problem is solved is cut off: the fake server's complaint is noise.
    logging.getLogger("aiohttp").setLevel(logging.CRITICAL)
    latency = REPLY_S / args.scale
    print(f"{args.problems} problems, one model slot, {REPLY_S:.0f} s per reply scaled down x{args.scale:g} "
          f"to {latency * 1000:.0f} ms; {args.attempts} attempts and {args.stress_tests} stress tests per problem")
    judge = await open_judge(JudgeConfig(workers=2))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = {s: await first_accepted(judge, Path(tmp), s, args) for s in ("fifo", "priority")}
    finally:
        await judge.close()
    for o in out.values():
        model_min = o.replies * REPLY_S / 60
        scaled = o.seconds * args.scale / 60
        print(
            f"{o.schedule:9s} first accepted: {o.first} after {o.replies} replies = {model_min:.1f} model minutes "
            f"at {REPLY_S:.0f} s/reply (wall {o.seconds:.1f} s here, {scaled:.1f} min scaled up)"
        )
    old, new = out["fifo"], out["priority"]
    print(
        f"ratio fifo / priority: {old.replies / new.replies:.2f}x in replies, "
        f"{old.seconds / new.seconds:.2f}x in wall time"
    )


if __name__ == "__main__":
    asyncio.run(main())
