"""Cancelling a judge call is safe: the caller stops at once, the worker finishes its job before its next
one, and close() does not hang on a job still running."""

from __future__ import annotations

import asyncio
import time

import pytest

from sandbox.api import Compiled, JudgeConfig, Limits, Source, Verdict
from sandbox.judge import Judge, JudgeFailure, open_judge

pytestmark = pytest.mark.docker

# Echoes its input and the worker (container) it ran in. Told to sleep, it sleeps 2 s, then writes 8 MB: a
# reply long enough that a second reader of the worker's stream (the next job, if the worker were handed
# back mid-job) would tear it.
ECHO = """import socket, sys, time
line = sys.stdin.readline().strip()
if line == 'sleep':
    time.sleep(2)
    sys.stdout.write('x' * (8 << 20) + chr(10))
print(line, socket.gethostname())
"""
LIMITS = Limits(time_s=5.0, memory_mb=256, output_mb=64)


async def _sleep_cancelled(judge: Judge, exe: Compiled) -> None:
    """Start a 2-second run, cancel it after 0.2 s; the caller must be released long before 2 s."""
    task = asyncio.create_task(judge.run(exe, b"sleep\n", LIMITS))
    await asyncio.sleep(0.2)
    assert not task.done()
    task.cancel()
    start = time.monotonic()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - start < 1.0  # promptly: not after the program's 2 s


async def _echo_round(judge: Judge, exe: Compiled, tag: str, n: int) -> set[str]:
    """n concurrent runs: each must get its own answer (never the cancelled job's); returns the workers."""
    runs = await asyncio.gather(*(judge.run(exe, f"{tag}{i}\n".encode(), LIMITS) for i in range(n)))
    hosts = set()
    for i, r in enumerate(runs):
        assert r.status is Verdict.AC, r.detail
        word, host = r.stdout.decode().split()
        assert word == f"{tag}{i}"
        hosts.add(host)
    return hosts


async def test_a_cancelled_call_leaves_every_worker_correct_and_close_prompt(judge: Judge) -> None:
    # `judge` (the session's) only ensures Docker and the image: this test closes its own judge.
    del judge
    own = await open_judge(JudgeConfig(workers=2))
    try:
        exe = await own.compile(Source(ECHO, "python3"))
        assert exe.ok, exe.message
        await _sleep_cancelled(own, exe)
        await _echo_round(own, exe, "now", 6)  # while the cancelled job may still hold its worker
        deadline = time.monotonic() + 30
        while own._idle.qsize() < own.workers:  # the cancelled job ended and handed its worker back
            assert time.monotonic() < deadline, "a cancelled job never gave its worker back"
            await asyncio.sleep(0.05)
        hosts = await _echo_round(own, exe, "after", 6)
        assert len(hosts) == own.workers  # both workers served, the one of the cancelled job included
        assert own.replacements == 0  # and no runner was confused by two jobs at once (it would be replaced)
        # Cancel again and close at once, while the job still sleeps in its worker.
        await _sleep_cancelled(own, exe)
        await asyncio.wait_for(own.close(), timeout=30)
        with pytest.raises(JudgeFailure, match="closed"):
            await own.compile(Source(ECHO, "python3"))
    finally:
        await own.close()
