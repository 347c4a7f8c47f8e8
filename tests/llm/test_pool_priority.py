"""The endpoint pool's priority queue: smallest priority first, FIFO within a priority. Pure asyncio."""

from __future__ import annotations

import asyncio

from solver.llm.pool import EndpointPool, Priority, request_priority


async def _served_order(requests: list[tuple[str, Priority | None, Priority | None]]) -> list[str]:
    """Hold the only slot, queue ``requests`` (name, lease argument, context priority), then release."""
    pool = EndpointPool(["only"], slots=1)
    order: list[str] = []
    hold = asyncio.Event()

    async def one(name: str, arg: Priority | None, ctx: Priority | None) -> None:
        async def go() -> None:
            async with pool.lease(arg):
                order.append(name)
                await asyncio.sleep(0)

        if ctx is None:
            await go()
        else:
            with request_priority(ctx):
                await go()

    async def holder() -> None:
        async with pool.lease():
            await hold.wait()

    h = asyncio.create_task(holder())
    await asyncio.sleep(0)
    tasks = []
    for r in requests:
        tasks.append(asyncio.create_task(one(*r)))
        await asyncio.sleep(0)  # queued in this order
    assert len(pool.waiting()) == len(requests)
    hold.set()
    await asyncio.gather(h, *tasks)
    return order


async def test_highest_priority_waits_first_fifo_within_a_priority() -> None:
    order = await _served_order(
        [
            ("helper-A", (1, 0, 1), None),
            ("draft-B", (0, 1), None),
            ("repair-A", (1, 0, 0), None),
            ("draft-C", (0, 2), None),
            ("helper-A2", (1, 0, 1), None),
            ("draft-B2", (0, 1), None),
        ]
    )
    assert order == ["draft-B", "draft-B2", "draft-C", "repair-A", "helper-A", "helper-A2"]


async def test_priority_from_the_context_and_default_first() -> None:
    order = await _served_order(
        [
            ("late", None, (5,)),
            ("explicit", (2,), (9,)),  # the argument wins over the context
            ("plain", None, None),  # no priority: () sorts before every tuple
        ]
    )
    assert order == ["plain", "explicit", "late"]


async def test_cancelled_waiter_is_skipped_and_free_slot_goes_to_next() -> None:
    pool = EndpointPool(["only"], slots=1)
    served: list[str] = []
    release = asyncio.Event()

    async def holder() -> None:
        async with pool.lease():
            await release.wait()

    async def want(name: str, p: Priority) -> None:
        async with pool.lease(p):
            served.append(name)

    h = asyncio.create_task(holder())
    await asyncio.sleep(0)
    first = asyncio.create_task(want("first", (0,)))
    second = asyncio.create_task(want("second", (1,)))
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(h, second)
    assert served == ["second"] and pool.loads()[0].in_flight == 0
