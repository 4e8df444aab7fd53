"""The failure inbox in the dashboard, against the live server: its worker runs jobs that raise
real exceptions, and its background fold groups them by fingerprint."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

import pytest
from chancy import Chancy, Job, Reference
from playwright.async_api import expect

from tests.conftest import LIVE_QUEUE, wait_for_state
from tests.e2e.conftest import api_login
from tests.e2e.test_actions import login_as, toast

pytestmark = pytest.mark.browser

MISSING = "tests.e2e.jobs.e2e_order_missing"
DECLINED = "tests.e2e.jobs.e2e_card_declined"


async def fail_orders(chancy: Chancy, n: int) -> list[str]:
    """`n` jobs that fail once with a message differing only in numbers: one group."""
    marker = uuid.uuid4().hex
    refs = [
        ref
        async for batch in chancy.push_many(
            [
                Job(
                    func=MISSING,
                    queue=LIVE_QUEUE,
                    kwargs={"order": 1000 + i, "marker": f"{marker}-{i}"},
                    max_attempts=1,
                )
                for i in range(n)
            ]
        )
        for ref in batch
    ]
    ids = [str(ref.identifier) for ref in refs]
    for job_id in ids:
        await wait_for_state(chancy, job_id, "failed")
    return ids


async def group_of(context: Any, exception: str, count: int, status: str = "open") -> Any:
    """The group of `exception` once the fold has counted `count` of its failures."""
    async with asyncio.timeout(60):
        while True:
            response = await context.request.get(
                "/api/v1/failures", params={"status": status, "q": exception}
            )
            assert response.ok, await response.text()
            for group in (await response.json())["items"]:
                if group["exception"] == exception and group["count"] >= count:
                    return group
            await asyncio.sleep(0.3)


async def test_goes_from_the_overview_to_a_group_and_retries_it(
    page: Any, context: Any, chancy: Chancy
) -> None:
    ids = await fail_orders(chancy, 3)
    await api_login(context)
    group = await group_of(context, "LookupError", 3)

    await page.goto("/")
    top = page.get_by_role("region", name="Top failures")
    row = top.locator(f'tr[data-fingerprint="{group["fingerprint"]}"]')
    await expect(row).to_contain_text("LookupError")
    # The three messages differ only in numbers and a quoted name: one template.
    await expect(row.locator(".message")).to_contain_text("is missing from warehouse")
    await row.get_by_role("link", name="LookupError").click()

    await expect(page).to_have_url(re.compile(f"/failures/{group['fingerprint']}$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("LookupError")
    await expect(page.locator("[data-status]")).to_have_text("open")
    await expect(page.get_by_label("Message template")).to_contain_text("is missing")
    await expect(page.get_by_role("region", name="Sample traceback")).to_contain_text(
        "raise LookupError"
    )
    details = page.get_by_role("region", name="Details")
    await expect(details).to_contain_text(MISSING)
    await expect(details).to_contain_text(LIVE_QUEUE)
    await expect(page.locator(".chart svg rect.bar")).not_to_have_count(0)
    recent = page.get_by_role("region", name="Recent jobs")
    await expect(recent.locator("table.jobs tbody tr")).to_have_count(3)

    # Retry all: a bulk retry of its failed jobs, counted before it is confirmed.
    actions = page.get_by_role("group", name="Failure actions")
    await actions.get_by_role("button", name="Retry all").click()
    dialog = page.get_by_role("dialog", name="Retry 3 jobs?")
    await expect(dialog).to_contain_text(f"failure:{group['fingerprint']} state:failed")
    await dialog.get_by_role("button", name="Retry 3 jobs").click()
    await expect(dialog).to_be_hidden()
    await expect(toast(page)).to_contain_text("Retry of 3 jobs started")
    # The server's runner retries them and the worker runs them again; this time the orders
    # are there.
    for job_id in ids:
        await wait_for_state(chancy, job_id, "succeeded")
    await expect(recent.locator(".badge", has_text="succeeded")).to_have_count(3, timeout=20_000)


async def test_resolves_a_group_and_finds_it_in_the_resolved_tab(
    page: Any, context: Any, chancy: Chancy
) -> None:
    ref = await chancy.push(
        Job(func=DECLINED, queue=LIVE_QUEUE, kwargs={"customer": 42}, max_attempts=1)
    )
    await wait_for_state(chancy, ref.identifier, "failed")
    await api_login(context)
    group = await group_of(context, "PermissionError", 1)
    fingerprint = group["fingerprint"]

    await page.goto("/failures?q=PermissionError")
    row = page.locator(f'tr[data-fingerprint="{fingerprint}"]')
    await row.get_by_role("link", name="PermissionError").click()
    await expect(page.locator("[data-status]")).to_have_text("open")
    await (
        page.get_by_role("group", name="Failure actions")
        .get_by_role("button", name="Resolve")
        .click()
    )
    dialog = page.get_by_role("dialog", name="Resolve this failure?")
    await dialog.get_by_role("button", name="Resolve").click()
    await expect(toast(page)).to_contain_text("PermissionError resolved")
    await expect(page.locator("[data-status]")).to_have_text("resolved")
    # Resolved, it offers to reopen instead.
    await expect(
        page.get_by_role("group", name="Failure actions").get_by_role("button", name="Reopen")
    ).to_be_visible()

    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Failures").click()
    await expect(page).to_have_url(re.compile(r"/failures$"))
    await expect(page.locator(f'tr[data-fingerprint="{fingerprint}"]')).to_have_count(0)
    await (
        page.get_by_role("navigation", name="Failure status")
        .get_by_role("link", name="resolved")
        .click()
    )
    await expect(page).to_have_url(re.compile(r"/failures\?status=resolved$"))
    await expect(page.locator(f'tr[data-fingerprint="{fingerprint}"]')).to_be_visible()
    status = await context.request.get(f"/api/v1/failures/{fingerprint}")
    assert (await status.json())["status"] == "resolved"


async def test_a_viewer_sees_a_group_but_no_actions(
    page: Any, context: Any, chancy: Chancy
) -> None:
    await fail_orders(chancy, 1)
    await login_as(context, "viewer")
    group = await group_of(context, "LookupError", 1)
    await page.goto(f"/failures/{group['fingerprint']}")
    await expect(page.get_by_role("heading", level=1)).to_have_text("LookupError")
    await expect(page.get_by_role("region", name="Sample traceback")).to_be_visible()
    await expect(page.get_by_role("group", name="Failure actions")).to_have_count(0)
    job = await chancy.get_job(Reference(group["sample_job_id"]))
    assert job is not None
