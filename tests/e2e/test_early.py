"""The early fetch: the boot script starts each page's first requests before the app has loaded
(ui/src/lib/requests.ts says which), or takes their answers from the page when the server put
them there (chancy_web/spa/inline.py), and the page then makes exactly those requests, so every
response started early is taken by the app and none is wasted.

What the boot script started is recorded in the page itself: every request put in the early
store, fetched or answered by the page. Whether the app took each one is read from the store,
which forgets a response once the app has asked for it (taking it, fresh or stale).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from playwright.async_api import expect

from tests.conftest import LIVE_QUEUE
from tests.e2e.conftest import Seeded

pytestmark = pytest.mark.browser

RECORD_EARLY = """
window.__startedEarly = [];
window.__chancyEarlyResponses = new (class extends Map {
  set(key, value) {
    window.__startedEarly.push(key);
    return super.set(key, value);
  }
})();
"""
NOT_TAKEN = "() => [...(window.__chancyEarlyResponses?.keys() ?? [])]"

SESSION = "/api/v1/session"


async def a_worker_id(page: Any) -> str:
    response = await page.context.request.get("/api/v1/workers")
    return (await response.json())[0]["worker_id"]


def pages(job: str, worker: str) -> list[tuple[str, list[str]]]:
    """Each page, and the paths of the API requests that are started early for it."""
    return [
        ("/", [SESSION, "/api/v1/jobs/counts", "/api/v1/failures"]),
        ("/failures?status=resolved", [SESSION, "/api/v1/failures"]),
        # A fingerprint no group has: the page's "not found" takes its early answer too.
        ("/failures/0000000000000000", [SESSION, "/api/v1/failures/0000000000000000"]),
        ("/jobs", [SESSION, "/api/v1/jobs"]),
        (f"/jobs?state=failed&limit=25&queue={LIVE_QUEUE}", [SESSION, "/api/v1/jobs"]),
        (f"/jobs/{job}", [SESSION, f"/api/v1/jobs/{job}"]),
        ("/queues", [SESSION, "/api/v1/queues"]),
        (f"/queues/{LIVE_QUEUE}", [SESSION, f"/api/v1/queues/{LIVE_QUEUE}"]),
        ("/workers", [SESSION, "/api/v1/workers"]),
        (f"/workers/{worker}", [SESSION, f"/api/v1/workers/{worker}"]),
        # Pages whose data is not started early still have who is logged in started.
        ("/events", [SESSION]),
        ("/audit", [SESSION]),
        ("/system", [SESSION]),
        ("/stats", [SESSION]),
        # The login page has no session to ask about.
        ("/login", []),
    ]


async def test_every_request_started_early_is_one_the_page_makes(
    logged_in: Any, seeded: Seeded
) -> None:
    page = logged_in
    await page.add_init_script(RECORD_EARLY)
    for path, expected in pages(seeded.failed[0], await a_worker_id(page)):
        await page.goto(path)
        await expect(page.locator("main h1, form h1").first).to_be_visible()
        started = await page.evaluate("window.__startedEarly")
        assert sorted(urlparse(url).path for url in started) == sorted(expected), path
        # The store empties as the page asks for each of them; a request the page makes in
        # another form (other parameters) would leave the early one there for good.
        try:
            await page.wait_for_function(f"() => ({NOT_TAKEN})().length === 0", timeout=10_000)
        except PlaywrightTimeoutError:
            left = await page.evaluate(NOT_TAKEN)
            pytest.fail(f"{path}: started early, never asked for by the page: {left}")
