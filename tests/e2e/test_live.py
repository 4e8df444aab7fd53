"""Live updates: the dashboard follows the event stream without reloading, and falls back to
polling when the stream is down.

Whether a change came from an event or from polling is told apart without betting on timing:
once the stream is open, the page's clock is paused (Playwright's fake timers), so no poll
can run, and only an event can update the page. The waits then only bound a failure.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from chancy import Chancy, Job, Queue
from playwright.async_api import expect

from tests.conftest import tagged_queue, worker_for
from tests.e2e.live import (
    expect_streaming,
    freeze_timers,
    live_status,
    mark_document,
    still_same_document,
)

pytestmark = pytest.mark.browser


async def test_a_job_pushed_elsewhere_appears_in_the_list_without_a_reload(
    logged_in: Any, chancy: Chancy
) -> None:
    page = logged_in
    queue = f"e2e-live-{uuid.uuid4().hex[:6]}"
    await page.clock.install()
    await page.goto(f"/jobs?queue={queue}")
    await expect(page.get_by_text("No jobs match this search")).to_be_visible()
    await expect_streaming(live_status(page))
    await mark_document(page)
    await freeze_timers(page)

    # Pushed through another connection (the tests' own Chancy, not the live server's), to a
    # queue no worker takes yet.
    ref = await chancy.push(
        Job(func="tests.job_functions.sleep", queue=queue, kwargs={"seconds": 60})
    )
    row = page.locator(f'table.jobs tbody tr[data-job-id="{ref.identifier}"]')
    await expect(row).to_be_visible()
    await expect(row).to_contain_text("pending")
    assert await still_same_document(page)
    # The state tabs count this queue's jobs, and follow too: the shared counts are
    # recomputed every few seconds, and the page polls them.
    await page.clock.resume()
    tabs = page.get_by_role("navigation", name="Job state")
    await expect(tabs.get_by_role("link", name=re.compile("^All"))).to_have_text(
        re.compile(r"^\s*All\s*1\s*$"), timeout=30_000
    )
    await expect(tabs.get_by_role("link", name=re.compile("^pending", re.I))).to_have_text(
        re.compile(r"^\s*pending\s*1\s*$", re.I), timeout=30_000
    )
    await expect(row.locator("td.attempts")).to_have_text("0/1")

    # A worker takes it. Chancy counts an attempt when it ends, so the job has made none yet:
    # its row says it is on the first, as its page does, not "0/1".
    await chancy.declare(tagged_queue(queue), upsert=True)
    async with worker_for(chancy, queue):
        await expect(row).to_contain_text("running", timeout=30_000)
        await expect(row.locator("td.attempts")).to_have_text("1/1")
        await row.locator("a[data-row-link]").click()
        await expect(page.locator("dd", has_text="Attempt 1 of 1")).to_be_visible()
        await chancy.cancel_job(ref)


async def test_the_overview_and_queue_pages_follow_events(logged_in: Any, chancy: Chancy) -> None:
    page = logged_in
    queue = f"e2e-liveq-{uuid.uuid4().hex[:6]}"
    await page.clock.install()
    await page.goto("/queues")
    # The race this test once lost: "Live" shows while the stream is still connecting, and a
    # queue declared then is only seen by the next poll. Wait until the stream is open.
    await expect_streaming(live_status(page))
    await mark_document(page)
    await freeze_timers(page)
    # Pushing to a new queue does not declare it; declaring it is an event of its own.
    await chancy.declare(Queue(queue, tags={"role=nobody"}))
    await expect(page.get_by_role("link", name=queue, exact=True)).to_be_visible()
    await chancy.pause_queue(queue)
    # The page refreshes at most once a second from events: let that second pass (the
    # 15 s poll stays far off).
    await page.clock.run_for(1_500)
    row = page.locator("tr", has=page.get_by_role("link", name=queue, exact=True))
    await expect(row.locator(".badge")).to_have_text("paused")
    assert await still_same_document(page)


async def test_the_workers_page_follows_heartbeats(logged_in: Any, chancy: Chancy) -> None:
    page = logged_in
    await page.clock.install()
    await page.goto("/workers")
    await expect_streaming(live_status(page))
    await mark_document(page)
    await freeze_timers(page)
    # A starting worker announces itself; with the page's clock stopped, only that can show it.
    async with worker_for(chancy, f"e2e-announce-{uuid.uuid4().hex[:6]}") as worker:
        row = page.locator("tr", has=page.get_by_role("link", name=worker.worker_id, exact=True))
        await expect(row).to_be_visible()
        await expect(row.locator(".badge").first).to_have_text("alive")
    assert await still_same_document(page)


async def test_the_events_page_shows_events_as_they_arrive(logged_in: Any, chancy: Chancy) -> None:
    page = logged_in
    queue = f"e2e-gossip-{uuid.uuid4().hex[:6]}"
    await page.goto("/events")
    await expect(page.locator(".page-header .status")).to_contain_text("Connected")
    await chancy.push(Job(func="tests.job_functions.succeed", queue=queue))
    row = page.locator('table.events tbody tr[data-event="queue.pushed"]', has_text=queue)
    await expect(row).to_be_visible()  # the events page shows events alone: it never polls
    await expect(row.get_by_role("link", name=f"queue {queue}")).to_have_attribute(
        "href", f"/queues/{queue}"
    )

    # The text filter lives in the URL and narrows the list.
    await page.get_by_label("Filter", exact=True).fill(queue)
    await expect(page).to_have_url(re.compile(f"filter={queue}"))
    await expect(page.locator("table.events tbody tr")).to_have_count(1)

    # Paused, new events are held back until resumed; cleared, the list is empty.
    await page.get_by_role("button", name="Pause").click()
    await chancy.push(Job(func="tests.job_functions.succeed", queue=queue))
    await expect(page.get_by_role("button", name="Resume (1 new)")).to_be_visible()
    await expect(page.locator("table.events tbody tr")).to_have_count(1)
    await page.get_by_role("button", name=re.compile("^Resume")).click()
    await expect(page.locator("table.events tbody tr")).to_have_count(2)
    await page.get_by_role("button", name="Clear").click()
    await expect(page.get_by_text("Waiting for events…")).to_be_visible()


async def test_falls_back_to_polling_while_the_stream_is_down(
    logged_in: Any, chancy: Chancy
) -> None:
    page = logged_in
    down = {"on": True}

    async def unavailable(route: Any) -> None:
        if down["on"]:
            await route.fulfill(
                status=503,
                headers={"Content-Type": "application/json"},
                body=json.dumps({"status_code": 503, "detail": "Database unavailable"}),
            )
        else:
            await route.continue_()

    await page.route("**/api/v1/events*", unavailable)
    queue = f"e2e-poll-{uuid.uuid4().hex[:6]}"
    await page.clock.install()
    await page.goto(f"/jobs?queue={queue}")
    await expect(live_status(page)).to_contain_text("Live · polling")
    await freeze_timers(page)
    # Still live, by polling (every 5 s while the stream is down): let one poll come due.
    ref = await chancy.push(Job(func="tests.job_functions.succeed", queue=queue))
    await page.clock.run_for(5_500)
    await expect(page.locator(f'tr[data-job-id="{ref.identifier}"]')).to_be_visible()
    # The stream comes back: the page says so once its next retry connects (the backoff
    # waits at most 30 s).
    down["on"] = False
    await page.clock.run_for(31_000)
    await expect_streaming(live_status(page))


async def test_pauses_while_the_tab_is_hidden(logged_in: Any) -> None:
    page = logged_in
    await page.goto("/jobs")
    status = live_status(page)
    await expect(status).to_contain_text("Live")
    await page.evaluate(
        """(state) => {
            Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
            document.dispatchEvent(new Event('visibilitychange'));
        }""",
        "hidden",
    )
    await expect(status).to_contain_text("Paused while the tab is hidden")
    await page.evaluate(
        """(state) => {
            Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
            document.dispatchEvent(new Event('visibilitychange'));
        }""",
        "visible",
    )
    await expect_streaming(live_status(page))
