"""Model-layer overhead and routing, measured in one run against the fake Ollama server (not a test):

    python bench/llm_bench.py [--n 200] [--batch 24] [--reply-ms 50] [--quick]

Prints:
- per-request client time of ``OllamaBackend.chat`` (preflight done, streaming, checks, pool, retries
  wrapper) against the bare official ``ollama.AsyncClient`` streaming the same reply from the same server,
  and their ratio: what the layer costs on top of the client it is built on;
- wall time of a batch of requests whose replies take ``--reply-ms`` each on the server, through 1 host
  with 1 slot, 1 host with 2 slots, and 2 hosts with 1 slot each; the speed-up against 1 x 1 (ideal: 2).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import ollama

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from solver.llm.base import Message  # noqa: E402
from solver.llm.ollama_backend import OllamaBackend  # noqa: E402
from tests.fakes.ollama_server import FakeOllama, Reply  # noqa: E402

REPLY = Reply(thinking="t" * 2000, content="c" * 2000, chunk_chars=16)  # 250 streamed pieces


async def bare(url: str, n: int) -> list[float]:
    client = ollama.AsyncClient(host=url)
    times = []
    for i in range(n):
        start = time.perf_counter()
        stream = await client.chat(model="gemma4:31b", messages=[{"role": "user", "content": f"q{i}"}],
                                   stream=True, think=True, options={"num_ctx": 32768})
        async for _ in stream:
            pass
        times.append(time.perf_counter() - start)
    await client.close()  # type: ignore[no-untyped-call]
    return times


async def layered(url: str, n: int) -> list[float]:
    backend = OllamaBackend(hosts=[url])
    await backend.preflight()
    times = []
    for i in range(n):
        start = time.perf_counter()
        await backend.chat([Message("user", f"q{i}")])
        times.append(time.perf_counter() - start)
    await backend.close()
    return times


async def batch(urls: list[str], slots: int, count: int) -> float:
    backend = OllamaBackend(hosts=urls, slots_per_host=slots)
    await backend.preflight()
    start = time.perf_counter()
    await asyncio.gather(*(backend.chat([Message("user", f"q{i}")]) for i in range(count)))
    wall = time.perf_counter() - start
    await backend.close()
    return wall


async def main(n: int, count: int, reply_ms: int) -> None:
    async with FakeOllama(default=REPLY) as srv:
        await bare(srv.url, 5)  # warm both paths
        await layered(srv.url, 5)
        b = statistics.median(await bare(srv.url, n))
        o = statistics.median(await layered(srv.url, n))
    print(f"per request, {n} requests of 250 streamed pieces (median):")
    print(f"  ollama.AsyncClient bare   {b * 1000:7.2f} ms")
    print(f"  OllamaBackend.chat        {o * 1000:7.2f} ms   ratio {o / b:.2f}x")

    slow = Reply(content="answer", first_delay=reply_ms / 1000)
    async with FakeOllama(default=slow) as a, FakeOllama(default=slow) as c:
        one = await batch([a.url], 1, count)
        two_slots = await batch([a.url], 2, count)
        two_hosts = await batch([a.url, c.url], 1, count)
        print(f"batch of {count} requests, {reply_ms} ms each on the server:")
        print(f"  1 host x 1 slot           {one:6.2f} s")
        print(f"  1 host x 2 slots          {two_slots:6.2f} s   speed-up {one / two_slots:.2f}x "
              f"(server saw at most {a.max_in_flight} at once)")
        print(f"  2 hosts x 1 slot          {two_hosts:6.2f} s   speed-up {one / two_hosts:.2f}x "
              f"(requests: {len(a.chats) - count * 2} / {len(c.chats)})")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--batch", type=int, default=24)
    ap.add_argument("--reply-ms", type=int, default=50)
    ap.add_argument("--quick", action="store_true", help="a few seconds: small counts (CI checks it still runs)")
    args = ap.parse_args()
    if args.quick:
        args.n, args.batch = 20, 6
    asyncio.run(main(args.n, args.batch, args.reply_ms))
