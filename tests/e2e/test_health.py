"""Health signals that must not cry wolf: a paused queue's backlog, jobs scheduled for later."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chancy import Chancy, Queue
from playwright.async_api import expect

from tests.conftest import make_job
from tests.helpers import eventually

pytestmark = pytest.mark.browser


async def test_a_queue_page_splits_pending_into_due_and_scheduled(
    logged_in: Any, chancy: Chancy
) -> None:
    page = logged_in
    name = f"e2e-split-{uuid.uuid4().hex[:6]}"
    await chancy.declare(Queue(name, tags={"role=nobody"}), upsert=True)
    now = datetime.now(UTC)
    await make_job(chancy, queue=name, scheduled_at=now - timedelta(minutes=3))
    for hours in (2, 3):
        await make_job(chancy, queue=name, scheduled_at=now + timedelta(hours=hours))

    # The counts are shared and recomputed every few seconds: wait until they include these.
    async def counted() -> bool:
        counts = await (await page.request.get("/api/v1/jobs/counts")).json()
        return bool(counts["scheduled_pending"].get(name) == 2)

    await eventually(counted, "the counts include the new jobs", within_s=30, every_s=0.2)
    await page.goto(f"/queues/{name}")
    await expect(page.get_by_test_id("pending-split")).to_have_text("1 due · 2 scheduled for later")


async def test_the_longest_wait_leaves_paused_queues_out(logged_in: Any, chancy: Chancy) -> None:
    page = logged_in
    name = f"e2e-paused-{uuid.uuid4().hex[:6]}"
    await chancy.declare(Queue(name, tags={"role=nobody"}, state=Queue.State.PAUSED), upsert=True)
    await make_job(chancy, queue=name, scheduled_at=datetime.now(UTC) - timedelta(days=3))
    await page.goto("/")
    tile = page.locator(".tile").filter(has_text="Longest queue wait")
    await expect(tile).to_contain_text("paused queues left out")
    # Three days of a paused queue's backlog is not the headline.
    await expect(tile.locator(".tile-value")).not_to_contain_text("3d")
