"""A cold load's first data comes in the page itself (chancy_web/spa/inline.py): the jobs list
shows its rows without asking the API for them, and then follows changes as usual."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

import pytest
from chancy import Chancy, Job
from playwright.async_api import expect

from tests.conftest import make_job
from tests.e2e.conftest import Seeded
from tests.e2e.live import expect_streaming, live_status, mark_document, still_same_document
from tests.helpers import eventually, unique

pytestmark = pytest.mark.browser


def api_paths(page: Any) -> list[str]:
    """The paths of the API requests the page makes, from now on."""
    paths: list[str] = []
    page.on(
        "request",
        lambda r: paths.append(urlparse(r.url).path) if "/api/" in r.url else None,
    )
    return paths


async def test_a_cold_load_shows_the_rows_the_page_brought(logged_in: Any, seeded: Seeded) -> None:
    page = logged_in
    asked = api_paths(page)
    await page.goto("/jobs")
    rows = page.locator("table.jobs tbody tr")
    await expect(rows.first).to_be_visible()
    await expect(rows).to_have_count(50)
    await expect(page.locator(".user .name")).to_have_text("admin")
    # Neither the rows nor who is logged in were asked for: the page had them.
    assert "/api/v1/jobs" not in asked
    assert "/api/v1/session" not in asked
    # The page's later data is the API's as usual (the tabs' counts come after the rows).
    await expect(page.get_by_role("navigation", name="Job state")).to_contain_text("pending")
    await eventually(lambda: "/api/v1/jobs/counts" in asked, "the counts requested")


async def test_the_list_follows_new_jobs_after_a_cold_load(logged_in: Any, chancy: Chancy) -> None:
    page = logged_in
    queue = unique("e2e-first")
    first = await make_job(chancy, queue=queue)
    asked = api_paths(page)
    await page.goto(f"/jobs?queue={queue}")
    await expect(page.locator(f'tr[data-job-id="{first}"]')).to_be_visible()
    assert "/api/v1/jobs" not in asked
    await expect_streaming(live_status(page))
    await mark_document(page)

    ref = await chancy.push(Job(func="tests.job_functions.succeed", queue=queue))
    await expect(page.locator(f'tr[data-job-id="{ref.identifier}"]')).to_be_visible()
    await expect(page.locator("table.jobs tbody tr")).to_have_count(2)
    assert await still_same_document(page)
    # This time the list was asked for: what the page brought is used once.
    assert "/api/v1/jobs" in asked


async def test_a_page_without_a_session_still_goes_to_the_login_form(page: Any) -> None:
    await page.goto("/jobs")
    await expect(page).to_have_url(re.compile(r"/login\?next=%2Fjobs$"))
    assert await page.locator("script[data-early]").count() == 0
