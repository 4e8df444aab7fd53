"""The background runner: steps run until no work is left, failures are retried, `wake` runs a
step at once, and the advisory lock lets one session of many through."""

from __future__ import annotations

import asyncio

from chancy import Chancy

from chancy_web.auth.backends import SimpleAuthBackend
from chancy_web.background import Background, BackgroundJob, lock_key, try_lock
from chancy_web.context import WebContext
from chancy_web.settings import Settings


def context(chancy: Chancy) -> WebContext:
    return WebContext(chancy=chancy, auth=SimpleAuthBackend({}), settings=Settings())


async def test_steps_run_while_work_is_waiting_then_on_their_interval(chancy: Chancy):
    waiting = [3]
    ran = asyncio.Event()

    async def step(_: WebContext) -> bool:
        waiting[0] -= 1
        if waiting[0] <= 0:
            ran.set()
        return waiting[0] > 0

    background = Background(context(chancy), [BackgroundJob("count", step, interval_s=3600)])
    background.start()
    try:
        await asyncio.wait_for(ran.wait(), 5)
        assert waiting[0] == 0  # three steps back to back, none after its interval
        ran.clear()
        background.wake("count")
        await asyncio.wait_for(ran.wait(), 5)
        assert waiting[0] == -1
    finally:
        await background.stop()


async def test_a_failing_step_is_retried_and_does_not_stop_the_others(chancy: Chancy):
    calls = {"bad": 0, "good": 0}
    good_twice = asyncio.Event()

    async def bad(_: WebContext) -> bool:
        calls["bad"] += 1
        raise RuntimeError("boom")

    async def good(_: WebContext) -> bool:
        calls["good"] += 1
        if calls["good"] >= 2:
            good_twice.set()
        return False

    background = Background(
        context(chancy),
        [BackgroundJob("bad", bad, interval_s=0.01), BackgroundJob("good", good, interval_s=0.05)],
    )
    background.start()
    try:
        await asyncio.wait_for(good_twice.wait(), 5)
        await asyncio.sleep(0.1)
        assert calls["bad"] >= 2
    finally:
        await background.stop()


async def test_the_advisory_lock_lets_one_session_through_until_it_commits(chancy: Chancy):
    async with chancy.pool.connection() as first, chancy.pool.connection() as second:
        async with first.transaction():
            assert await try_lock(first, "test-background-lock")
            async with second.transaction():
                assert not await try_lock(second, "test-background-lock")
                assert await try_lock(second, "test-background-other")
        async with second.transaction():
            assert await try_lock(second, "test-background-lock")


def test_lock_keys_are_stable_signed_64_bit_integers():
    key = lock_key("failures.fold")
    assert key == lock_key("failures.fold") != lock_key("bulk.run")
    assert -(2**63) <= key < 2**63


async def test_stop_ends_a_step_that_lost_its_cancellation(chancy: Chancy):
    """Python 3.11's `asyncio.wait_for` (psycopg_pool waits for connections with it) drops a
    cancellation that arrives as its wait ends; the step then carries on as if not cancelled.
    Stopping must still end the job, not wait for it for ever (the app's shutdown hung so)."""
    started = asyncio.Event()
    lost = []

    async def step(_: WebContext) -> bool:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            lost.append(True)  # as wait_for does when the connection came at the same time
        return False

    background = Background(context(chancy), [BackgroundJob("deaf", step, interval_s=3600)])
    background.start()
    await asyncio.wait_for(started.wait(), 5)
    async with asyncio.timeout(5):
        await background.stop()
    assert lost == [True]
