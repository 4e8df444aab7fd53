"""Checks shared by the browser tests of live updates: whether a page follows the event stream,
and whether a change reached it from an event, without a reload.

A change "came from an event" only if no timer could have made it: the tests install Playwright's
clock before the page loads (`page.clock.install()`), wait until the stream is open, then stop
the page's clock (`freeze_timers`), so that no poll runs until the test lets time pass.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from playwright.async_api import expect

#: Fake time a test may let pass for a throttled refresh (pages refresh at most once a second
#: from events), well short of the slowest poll beside the events (10 s).
THROTTLE_MS = 1_500


def live_status(page: Any, scope: str = ".page-header") -> Any:
    return page.locator(f"{scope} .live")


async def expect_streaming(status: Any, within_ms: float = 10_000) -> None:
    """The page's event stream is open: it has delivered `stream.open`, so the server holds
    its subscription and every event from now on reaches the page. ("Live" shows as soon as
    the stream is connecting.)"""
    await expect(status).to_have_attribute("data-stream", "open", timeout=within_ms)
    await expect(status).not_to_contain_text("polling")


async def freeze_timers(page: Any) -> None:
    """Stop the page's clock: no timer runs (no poll, no throttle's second run) until the
    test lets time pass. `page.clock.install()` must have run before the page loaded."""
    await page.clock.pause_at(datetime.now() + timedelta(seconds=1))


async def mark_document(page: Any) -> None:
    """A marker that a reload would wipe out."""
    await page.evaluate("window.__notReloaded = true")


async def still_same_document(page: Any) -> bool:
    return bool(await page.evaluate("window.__notReloaded === true"))


async def until_refreshed(page: Any, check: Callable[[], Awaitable[None]], tries: int = 4) -> None:
    """`check` passes, letting a throttled refresh's second pass between attempts: events that
    follow one another within a second are refreshed for by a timer, stopped in these tests.
    The fake time let pass stays short of the slowest poll."""
    for attempt in range(tries):
        try:
            await check()
            return
        except AssertionError:
            if attempt == tries - 1:
                raise
        await page.clock.run_for(THROTTLE_MS)
