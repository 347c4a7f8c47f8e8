"""Which model request goes first when the model has one or few slots, and when helpers are asked for.

A local model serves one request at a time (or a few); everything else waits in the endpoint pool's priority
queue (``solver.llm.pool``). The solve loop ranks its requests with ``(stage class, problem order, kind)``,
smaller first, first come first served within a rank:

    (0, order, 0)   a candidate's first draft: every problem's draft before any repair or helper, in
                    contest order (A first), so what a weak model solves at once is found early
    (1, order, 0)   a repair (and a draft asked again after an unusable reply)
    (1, order, 1)   a helper program (brute force, validator, generators, checker, interactor)

so problems are then worked in contest order, and within a problem a draft and its repairs come before its
helpers: the next problem's draft is ahead of the previous problem's helpers, and problem A's helpers are
ahead of problem B's repairs (A is closer to a submission).

Helpers are asked for lazily (``LazyKit``): the stress-test helpers only once a candidate passes every local
test (examples and the inputs derived from them), all at once then so several slots work on them together,
or, but for the max-size generator, when a candidate's kept versions failed an example ``EXAMPLE_MISSES``
times in a row (its next repair is then shown a small random input where it differs from the brute force);
a several-answers problem's checker only when a candidate's output differs from an example's answer (equality
accepts without a checker) or for stress testing; an interactive problem's interactor at once (nothing can
be judged without it). A helper that failed its tries is not asked again for the problem. With
``--stress-tests 0`` no stress helper is asked at all.

``Settings.schedule = "fifo"`` keeps the old eager order to measure against (``bench/schedule_bench.py``):
every helper asked as the problem starts, every request first come, first served.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from sandbox.api import Checker
from solver.llm.pool import Priority, request_priority
from solver.solve.checking import standard_checker
from solver.solve.kit import Helper, Kit, Material
from solver.solve.work import Work

FIFO = "fifo"
PRIORITY = "priority"
SCHEDULES = (PRIORITY, FIFO)

DRAFT, LATER = 0, 1  # stage classes
SOLUTION, HELPER = 0, 1  # kinds within a problem


def solution_priority(work: Work, first_draft: bool) -> Priority:
    if work.settings.schedule == FIFO:
        return ()
    return (DRAFT if first_draft else LATER, work.order, SOLUTION)


def helper_priority(work: Work) -> Priority:
    if work.settings.schedule == FIFO:
        return ()
    return (LATER, work.order, HELPER)


def stress_stages(work: Work) -> list[str]:
    """The helpers stress testing needs (none with --stress-tests 0 or for an interactive problem)."""
    p = work.problem
    if p.interactive or work.settings.stress_tests <= 0:
        return []
    return (["checker"] if p.several_answers else []) + ["validator", "brute", "generator", "maxgen"]


# A candidate whose kept versions failed an example this many times in a row gets a small counterexample: the
# helpers it needs are asked for then (``counterexample_stages``), not only once a candidate passes.
EXAMPLE_MISSES = 2


def counterexample_stages(work: Work) -> list[str]:
    """The helpers a small counterexample needs: the stress helpers but the max-size generator."""
    return [s for s in stress_stages(work) if s != "maxgen"]


class LazyKit(Kit):
    """The stress-test kit, each helper asked for only when something needs it (see the module's text)."""

    def start(self) -> None:
        """Nothing is asked up front: the interactor (interactive problems) is asked at once, the rest later."""
        if self.problem.interactive:
            self.want(["interactor"])

    def want(self, stages: Iterable[str]) -> None:
        """Ask for these helpers now (concurrently), unless already asked."""
        for stage in stages:
            self._launch(stage)

    def asked(self, stage: str) -> bool:
        return stage in self._tasks

    def ready(self, stage: str) -> bool:
        task = self._tasks.get(stage)
        return task is not None and task.done()

    def _launch(self, stage: str) -> asyncio.Task[Helper] | None:
        task = self._tasks.get(stage)
        if task is not None:
            return task
        verify = dict(self._plan).get(stage) or self._lazy.get(stage)  # brute2: asked for on a disagreement
        if verify is None:
            return None
        # The task copies the context: every request it makes, retries too, carries the helper priority.
        with request_priority(helper_priority(self.work)):
            task = asyncio.create_task(self._obtain(stage, verify), name=f"{self.work.pid}-{stage}")
        self._tasks[stage] = task
        return task

    async def get(self, stage: str) -> Helper:
        task = self._launch(stage)
        if task is None:
            return Helper(None, f"no {stage} for this problem")
        return await asyncio.shield(task)


async def judging_checker(work: Work, kit: Material) -> tuple[Checker, bool]:
    """The checker to judge a program with now, and whether it is provisional.

    A several-answers problem whose checker is not at hand yet is judged at once with the standard checker,
    which can only accept (an output equal to the example's answer is right); a difference proves nothing
    and is judged again with the model's checker (``kit.checker()``, asked for then)."""
    if work.problem.several_answers and isinstance(kit, LazyKit) and not kit.ready("checker"):
        return standard_checker(work.problem), True
    return await kit.checker(), False
