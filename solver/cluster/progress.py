"""Live progress of a problem solved on a cluster worker: the driver's board shows it while the node works.

A local solve calls the board as it goes (``Env.progress``: stage, attempt, tests passed; ``ModelCalls``'s
``on_reply``: tokens). On a worker those calls land in a ``Feed``, one list per job; the driver ``follow``s
the job, asking the worker for what is new every ``INTERVAL_S`` seconds, and makes the very same calls on its
own board, so a remote problem shows the same lines as a local one, a fraction of a second later.

Display only: the run store is still written once per job, when the problem is done (``shadow.Applied``), so
a worker killed half way leaves lines on the board but nothing in ``events.jsonl``. A restarted worker
process starts its lists again; the driver notices the new process and shows the retried solve from its
start.

Pure of Ray: the worker and the executor pass the Ray calls in.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from solver.solve.model import Reply
from solver.solve.work import Progress

INTERVAL_S = 0.5  # how often the driver asks a worker what is new: the board redraws twice a second
KEEP_S = 60.0  # a finished job's list waits this long for the driver's last question, then goes

# One call of the board: ("progress", (problem, who, fields)) or ("reply", a Reply without its text)
Shown = tuple[str, Any]
OnReply = Callable[[Reply], None]


@dataclass(frozen=True)
class Page:
    """What a job showed from position ``start`` on, in the worker process ``process``."""

    process: str
    start: int
    shown: tuple[Shown, ...]


@dataclass
class _Job:
    shown: list[Shown] = field(default_factory=list)
    ended: float | None = None  # when the solve ended (the list then waits for the driver's last question)


class Feed:
    """A worker's record of what each of its jobs has shown; it lives in the worker actor."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.process = f"{os.getpid()}-{secrets.token_hex(4)}"  # a restarted worker is a new process
        self.clock = clock
        self._jobs: dict[str, _Job] = {}

    def open(self, key: str) -> tuple[Progress, OnReply]:
        """Start ``key``'s list; the board callbacks the solve loop calls instead of a board."""
        self._prune()
        job = self._jobs[key] = _Job()

        def progress(problem: str, who: str, **fields: Any) -> None:
            job.shown.append(("progress", (problem, who, fields)))

        def on_reply(reply: Reply) -> None:  # the board counts tokens: the reply's text stays on the node
            job.shown.append(("reply", replace(reply, content="", thinking="")))

        return progress, on_reply

    def end(self, key: str) -> None:
        """The solve of ``key`` ended: its list stays until the driver has taken the rest (or ``KEEP_S``)."""
        job = self._jobs.get(key)
        if job is not None:
            job.ended = self.clock()

    def since(self, key: str, process: str, after: int, last: bool = False) -> Page:
        """What ``key`` showed after position ``after`` of ``process`` (all of it from a process the asker
        did not know); ``last``: the driver asks no more, the list goes."""
        job = self._jobs.pop(key, None) if last else self._jobs.get(key)
        start = after if process == self.process else 0
        shown = tuple(job.shown[start:]) if job is not None else ()
        return Page(self.process, start, shown)

    def _prune(self) -> None:
        now = self.clock()
        for key in [k for k, j in self._jobs.items() if j.ended is not None and now - j.ended > KEEP_S]:
            del self._jobs[key]


T = TypeVar("T")
Ask = Callable[[str, str, int, bool], Awaitable[Page]]  # (key, process, after, last) -> Page


class Follow:
    """The driver's view of one job: replays on the board what the worker's ``Feed`` recorded, once."""

    def __init__(self, key: str, ask: Ask, progress: Progress | None, on_reply: OnReply | None) -> None:
        self.key = key
        self.ask = ask
        self.progress = progress
        self.on_reply = on_reply
        self.process = ""
        self.after = 0

    def show(self, page: Page) -> None:
        """Make the page's calls on the board, unless they were made already (the driver asks one question at
        a time, so an answer out of order is a defence, not an expected case)."""
        if page.process != self.process:  # a restarted worker solves the job again: shown from its start
            if page.start != 0:
                return
            self.process, self.after = page.process, 0
        elif page.start != self.after:  # an answer older than one already shown
            return
        for kind, what in page.shown:
            if kind == "progress" and self.progress is not None:
                problem, who, fields = what
                self.progress(problem, who, **fields)
            elif kind == "reply" and self.on_reply is not None:
                self.on_reply(what)
        self.after += len(page.shown)

    async def _take(self, last: bool) -> None:
        self.show(await self.ask(self.key, self.process, self.after, last))

    async def watch(self, interval: float = INTERVAL_S) -> None:
        """Ask for what is new until cancelled; a worker that cannot answer now (restarting) is asked later."""
        while True:
            with contextlib.suppress(Exception):
                await self._take(False)
            await asyncio.sleep(interval)

    async def finish(self) -> None:
        """The job is done: show what the worker recorded since the last question, and let it forget."""
        with contextlib.suppress(Exception):
            await self._take(True)


async def followed(work: Awaitable[T], follow: Follow | None, interval: float = INTERVAL_S) -> T:
    """Await ``work`` while ``follow`` shows its progress; the last lines are shown before it returns."""
    if follow is None:
        return await work
    watcher = asyncio.create_task(follow.watch(interval))
    try:
        result = await work
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
    await follow.finish()
    return result
