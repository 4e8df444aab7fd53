"""The same bundle under a path prefix inside a host ASGI app."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import FAILED_JOBS, MOUNT_PREFIX, Seeded, Server, Watcher

pytestmark = pytest.mark.browser


async def test_dashboard_works_under_a_mount_prefix(
    browser: Any, mounted_server: Server, seeded: Seeded
):
    context = await browser.new_context(base_url=mounted_server.url)
    page = await context.new_page()
    watcher = Watcher()
    watcher.attach(page)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        await page.goto(f"{MOUNT_PREFIX}/jobs?state=failed&func={seeded.func_fail}")
        await expect(page).to_have_url(re.compile(f"{MOUNT_PREFIX}/login\\?next="))
        await page.get_by_label("Username").fill("admin")
        await page.get_by_label("Password").fill(PASSWORD)
        await page.get_by_role("button", name="Log in").click()

        await expect(page).to_have_url(re.compile(f"{MOUNT_PREFIX}/jobs\\?state=failed"))
        rows = page.locator("table.jobs tbody tr")
        await expect(rows).to_have_count(FAILED_JOBS)
        await rows.first.get_by_role("link", name=re.compile("e2e_fail")).click()
        await expect(page).to_have_url(re.compile(f"{MOUNT_PREFIX}/jobs/[0-9a-f-]{{36}}$"))
        await expect(page.get_by_role("region", name="Attempt 1")).to_contain_text("ValueError")

        await page.reload()
        await expect(page.get_by_role("region", name="Attempt 1")).to_be_visible()
        await page.get_by_role("navigation", name="Main").get_by_role("link", name="Queues").click()
        await expect(page).to_have_url(re.compile(f"{MOUNT_PREFIX}/queues$"))

        # Everything the page loaded came from under the prefix.
        same_origin = [u for u in requests if u.startswith(mounted_server.url)]
        assert same_origin and all(
            u.startswith(mounted_server.url + MOUNT_PREFIX) for u in same_origin
        )

        await page.get_by_role("button", name="Log out").click()
        await expect(page).to_have_url(re.compile(f"{MOUNT_PREFIX}/login$"))
        assert not watcher.problems, watcher.problems
    finally:
        await context.close()
