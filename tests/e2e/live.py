"""Checks shared by the browser tests of live updates: whether a page follows the event stream,
and whether a change reached it without a reload."""

from __future__ import annotations

from typing import Any

from playwright.async_api import expect

# Pages that follow events poll at most every 10 s beside them (what Chancy does not announce),
# so a change that shows up well within that came from an event.
FROM_AN_EVENT_MS = 6_000


async def expect_streaming(status: Any, within_ms: float = 10_000) -> None:
    """The live status says the page follows the event stream (not polling, not paused)."""
    await expect(status).to_contain_text("Live", timeout=within_ms)
    await expect(status).not_to_contain_text("polling", timeout=within_ms)


async def mark_document(page: Any) -> None:
    """A marker that a reload would wipe out."""
    await page.evaluate("window.__notReloaded = true")


async def still_same_document(page: Any) -> bool:
    return bool(await page.evaluate("window.__notReloaded === true"))
