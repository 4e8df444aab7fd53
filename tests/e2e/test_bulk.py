"""Bulk on a query from the dashboard: select every job a filtered list matches, retry them
all, follow the progress panel across pages, and re-run a job with edits."""

from __future__ import annotations

import re
from typing import Any

import pytest
from chancy import Chancy
from playwright.async_api import expect

from tests.bulk.jobs import fresh_queue, insert_jobs, states
from tests.e2e.conftest import api_login

pytestmark = pytest.mark.browser


async def test_selects_all_jobs_matching_a_search_and_retries_them(
    page: Any, context: Any, chancy: Chancy, live_server: Any
) -> None:
    queue = fresh_queue()  # no worker works it: retried jobs stay retrying
    await insert_jobs(chancy, chancy.prefix, 1500, queue, "failed")
    await insert_jobs(chancy, chancy.prefix, 7, queue, "succeeded")
    await api_login(context)
    await page.goto(f"/jobs?state=failed&queue={queue}")

    matching = page.get_by_role("group", name="Every job matching")
    await matching.get_by_role("button", name="Select all matching").click()
    await expect(matching.get_by_text("All 1,500 matching selected")).to_be_visible()
    await matching.get_by_role("button", name="Retry all").click()

    dialog = page.get_by_role("dialog")
    await expect(dialog.get_by_role("heading")).to_have_text("Retry 1,500 jobs?")
    await expect(dialog.locator(".query")).to_have_text(f"state:failed queue:{queue}")
    await dialog.get_by_role("button", name="Retry 1,500 jobs").click()
    await expect(dialog).to_be_hidden()

    # The panel follows the operation on any page, until it is done.
    await page.get_by_role("link", name="Queues", exact=True).click()
    panel = page.get_by_role("complementary", name="Bulk operations")
    operation = panel.get_by_role("region", name=re.compile(f"Retry state:failed queue:{queue}"))
    await expect(operation.locator(".state")).to_have_text("done", timeout=60_000)
    await expect(operation.locator(".counts")).to_have_text("1,500 jobs retried")
    assert await states(chancy, queue) == {"retrying": 1500, "succeeded": 7}

    await operation.get_by_role("link", name="Results").click()
    await expect(page).to_have_url(re.compile("/bulk$"))
    row = page.get_by_role("row").filter(has_text=f"queue:{queue}")
    await expect(row).to_contain_text("done")
    await expect(row).to_contain_text("1,500")


async def test_purge_asks_for_the_count_to_be_typed(
    page: Any, context: Any, chancy: Chancy, live_server: Any
) -> None:
    queue = fresh_queue()
    await insert_jobs(chancy, chancy.prefix, 12, queue, "failed")
    await api_login(context)
    await page.goto(f"/jobs?queue={queue}")
    matching = page.get_by_role("group", name="Every job matching")
    await matching.get_by_role("button", name="Select all matching").click()
    await matching.get_by_role("button", name="Purge all").click()
    dialog = page.get_by_role("dialog")
    confirm = dialog.get_by_role("button", name="Purge 12 jobs")
    await expect(confirm).to_be_disabled()
    await dialog.get_by_label("Type the number of jobs to confirm").fill("11")
    await expect(confirm).to_be_disabled()
    await dialog.get_by_label("Type the number of jobs to confirm").fill("12")
    await confirm.click()
    panel = page.get_by_role("complementary", name="Bulk operations")
    operation = panel.get_by_role("region", name=re.compile(f"Purge queue:{queue}"))
    await expect(operation.locator(".state")).to_have_text("done", timeout=60_000)
    assert await states(chancy, queue) == {}


async def test_reruns_a_job_with_edited_arguments_and_shows_the_lineage(
    page: Any, context: Any, chancy: Chancy, live_server: Any
) -> None:
    queue = fresh_queue()
    [job_id] = await insert_jobs(chancy, chancy.prefix, 1, queue, "failed")
    await api_login(context)
    await page.goto(f"/jobs/{job_id}")
    await page.get_by_role("button", name="Re-run with edits").click()
    dialog = page.get_by_role("dialog")
    editor = dialog.get_by_label("Arguments (JSON)")
    await editor.fill("[1, 2]")
    await expect(dialog.get_by_role("alert")).to_contain_text("JSON object")
    await expect(dialog.get_by_role("button", name="Push the new job")).to_be_disabled()
    await editor.fill('{"user_id": 42}')
    await dialog.get_by_role("button", name="Push the new job").click()

    await expect(page).not_to_have_url(re.compile(str(job_id)))
    lineage = page.get_by_role("region", name="Lineage")
    await expect(lineage.get_by_role("link", name=str(job_id))).to_be_visible()
    await expect(lineage).to_contain_text("+ user_id: 42")
    await lineage.get_by_role("link", name=str(job_id)).click()
    await expect(page.get_by_role("region", name="Lineage")).to_contain_text("Clones")
