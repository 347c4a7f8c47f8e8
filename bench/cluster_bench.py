"""Benchmark: problems per hour on a Ray cluster with 1, 2 and 4 workers, the model being the limit.

A fake Ollama server answers like the contest test world's scripted model (tests/contest/world.py: a solution,
brute force, generators, validator) after ``--latency`` seconds per reply (a realistic 5 s by default;
``--scale`` shortens it) with ``--slots`` requests at a time for the whole cluster (the cluster's one limiter).
One problem asks for up to 4 replies at once (a draft, then brute force, generator and validator together), so
16 slots (the default) let 4 workers run without waiting for the model; with 8 slots the 4-worker figure
measures the model's slots, not the cluster (the run says when the slots were full). Each worker is an actor of
a local Ray cluster (``--cluster local``) with its own warm Docker judge and solves one problem at a time (a
node's judge capacity), so adding workers adds throughput until the model's slots are full. The problems are
small (a + b), judged on few stress tests, so this machine's 2 cores are not the limit. Every configuration runs
in the same process, one after the other, and the ratio is against the one-worker figure of the same run.

    python bench/cluster_bench.py [--latency 5] [--scale 1] [--slots 16] [--rounds 3] [--quick]

Ends with ``scaling: 2 workers X.XXx, 4 workers Y.YYx``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from solver.cluster.executor import connect, open_cluster
from solver.cluster.options import ClusterSpec
from solver.config import Config
from solver.problem import Problem, ProblemId
from solver.runstore import Run
from solver.solve.options import settings_from
from tests.contest import world
from tests.fakes.ollama_server import FakeOllama, Reply


class LatentModel(world.ScriptedModel):
    def __init__(self, latency: float) -> None:
        super().__init__()
        self.latency = latency

    def __call__(self, body: dict[str, Any]) -> Reply:
        return replace(super().__call__(body), first_delay=self.latency)


def problems(count: int, first: int) -> list[Problem]:
    """``count`` copies of the world's a + b problem under distinct ids (no reply is ever replayed)."""
    base = world.problems()[1350][0]
    return [replace(base, id=ProblemId(first + i, "A")) for i in range(count)]


async def measure(workers: int, rounds: int, config: Config, first: int) -> tuple[float, int, float]:
    """(problems solved per hour, problems solved, seconds) with ``workers`` workers, ``rounds`` problems each."""
    settings = settings_from(config)
    todo = problems(workers * rounds, first)
    async with open_cluster(ClusterSpec("local", workers, 1), config) as executor:
        run = Run.create(config.runs, f"bench-{workers}", {"command": "cluster-bench", "workers": workers})
        t0 = time.monotonic()
        results = await asyncio.gather(*(executor(p, run, settings) for p in todo))
        seconds = time.monotonic() - t0
    solved = sum(1 for r in results if r.solved)
    if solved != len(todo):
        print(f"  warning: {len(todo) - solved} of {len(todo)} problems not solved", file=sys.stderr)
    return solved / seconds * 3600, solved, seconds  # a problem counts once it is solved


async def main_async(args: argparse.Namespace) -> None:
    latency = args.latency * args.scale
    model = LatentModel(latency)
    with tempfile.TemporaryDirectory(prefix="cluster-bench-") as tmp:
        async with FakeOllama(responder=model) as ollama:
            config = Config(
                runs=Path(tmp) / "runs",
                hosts=(ollama.url,),
                slots_per_host=args.slots,
                workers=1,  # judge containers per worker
                stress_tests=args.stress_tests,
                attempts=3,
            )
            connect(ClusterSpec("local", None, 1))  # one local Ray cluster for every configuration
            print(
                f"model: {latency:.2f} s per reply ({args.latency:g} s x {args.scale:g}), {args.slots} slots; "
                f"{args.rounds} problems per worker; {args.stress_tests} stress tests per problem"
            )
            rates: dict[int, float] = {}
            for n, workers in enumerate(args.workers):
                ollama.max_in_flight = 0
                rate, count, seconds = await measure(workers, args.rounds, config, 5000 + 1000 * n)
                rates[workers] = rate
                full = ", every slot in use at some moment" if ollama.max_in_flight >= args.slots else ""
                print(
                    f"{workers} worker(s): {count} problems solved in {seconds:.1f} s = {rate:.0f} problems/hour "
                    f"(model requests at once: at most {ollama.max_in_flight}{full})"
                )
    import ray

    ray.shutdown()
    base = rates[args.workers[0]]
    print(
        "scaling: "
        + ", ".join(f"{w} workers {rates[w] / base:.2f}x" for w in args.workers[1:])
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--latency", type=float, default=5.0, help="seconds per model reply, unscaled (5)")
    ap.add_argument("--scale", type=float, default=1.0, help="latency multiplier, to shorten the run (1)")
    ap.add_argument("--slots", type=int, default=16, help="model requests at a time, whole cluster (16)")
    ap.add_argument("--rounds", type=int, default=3, help="problems per worker in each configuration (3)")
    ap.add_argument("--stress-tests", type=int, default=6, help="stress tests per problem (6)")
    ap.add_argument("--quick", action="store_true", help="CI: 0.1 s replies, 2 problems per worker")
    args = ap.parse_args()
    args.workers = [1, 2, 4]
    if args.quick:
        args.scale, args.rounds = 0.1 / args.latency, 2
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
