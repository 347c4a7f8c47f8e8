"""How responsive the practice prompt stays while the bot works (not a test):

    python bench/practice_bench.py [--stress 200] [--quick]

The prompt, its toolbar and every command run on one asyncio event loop; the bot's solve loop, the judge and
the stress test run on the same loop as background tasks. A probe wakes every 10 ms and records how late it
woke: that lateness is how long a keystroke would have waited. Measured in one run:

- idle: the loop with nothing else to do (the baseline);
- busy: the bot solving 4A with the fake model (zero latency, in-process) and the real Docker sandbox, then
  stress-testing a wrong program against its solution (``--stress`` random tests) with shrinking.

Prints the median, p99 and maximum lateness of each, the busy/idle ratio of the p99, and the busy wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox.api import Source  # noqa: E402
from solver.config import Config  # noqa: E402
from solver.practice.services import LiveServices  # noqa: E402
from solver.runstore import Run  # noqa: E402
from solver.sources.codeforces import CodeforcesSource  # noqa: E402
from solver.sources.store import ProblemStore  # noqa: E402
from tests.fakes.ollama_server import FakeOllama, Reply  # noqa: E402
from tests.practice.data import WATERMELON, WATERMELON_WRONG, routes  # noqa: E402

PERIOD_S = 0.010


async def probe(stop: asyncio.Event, late_ms: list[float]) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(PERIOD_S)
        late_ms.append((time.perf_counter() - start - PERIOD_S) * 1000)


def summary(name: str, late: list[float]) -> str:
    q = statistics.quantiles(late, n=100)
    return (
        f"{name:5s} n={len(late):5d}  median {statistics.median(late):6.2f} ms  p99 {q[98]:6.2f} ms  "
        f"max {max(late):7.2f} ms"
    )


async def main(stress_tests: int, idle_s: float = 3.0) -> None:
    table = [
        ([r["match"]] if isinstance(r["match"], str) else r["match"], Reply.from_dict(r["reply"]))
        for r in routes()
    ]

    def respond(body: dict[str, object]) -> Reply:
        text = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))  # type: ignore[union-attr]
        return next((r for match, r in table if all(m in text for m in match)), Reply(content="?"))

    idle: list[float] = []
    stop = asyncio.Event()
    task = asyncio.create_task(probe(stop, idle))
    await asyncio.sleep(idle_s)
    stop.set()
    await task

    with tempfile.TemporaryDirectory() as tmp:
        async with FakeOllama(responder=respond) as srv:
            config = Config(
                runs=Path(tmp) / "runs",
                store=Path(tmp) / "store",
                hosts=(srv.url,),
                stress_tests=stress_tests,
            )
            source = CodeforcesSource(ProblemStore(config.store), None, None, offline=True)
            services = LiveServices(
                config, source, Run.create(config.runs, "practice", {"command": "practice"})
            )
            await services.judge_handle()  # warm containers first: starting Docker is not part of the session
            busy: list[float] = []
            stop = asyncio.Event()
            task = asyncio.create_task(probe(stop, busy))
            start = time.perf_counter()
            bot = await services.bot_solve(WATERMELON)
            outcome = await services.stress(WATERMELON, Source(WATERMELON_WRONG, "cpp17"), bot, stress_tests)
            wall = time.perf_counter() - start
            stop.set()
            await task
            await services.close()
    assert outcome.counterexample is not None, "the wrong program must be caught"
    print(summary("idle", idle))
    print(summary("busy", busy))
    ratio = statistics.quantiles(busy, n=100)[98] / max(statistics.quantiles(idle, n=100)[98], 1e-3)
    print(
        f"p99 lateness busy/idle: {ratio:.1f}x; bot solve + stress of {stress_tests} tests took {wall:.1f} s "
        f"(counterexample: {outcome.counterexample.input.strip()!r})"
    )


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stress", type=int, default=200, help="random tests of the stress test (200)")
    ap.add_argument("--quick", action="store_true", help="well under a minute: 20 tests (CI checks it runs)")
    args = ap.parse_args()
    asyncio.run(main(20, 1.0) if args.quick else main(args.stress))
