"""Job and queue actions from the dashboard, against the live server and its real worker."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

import pytest
from chancy import Chancy, Job, Queue, Reference
from playwright.async_api import expect

from tests.conftest import LIVE_QUEUE, wait_for_state
from tests.e2e.conftest import Seeded, api_login
from tests.helpers import login_as, unique

pytestmark = pytest.mark.browser

#: Declared by these tests for no worker (no worker has this tag): their jobs stay put.
NOBODY = {"role=nobody"}


async def push(
    chancy: Chancy, queue: str, n: int, func: str = "tests.job_functions.succeed"
) -> list[str]:
    return [
        str(ref.identifier)
        async for batch in chancy.push_many([Job(func=func, queue=queue) for _ in range(n)])
        for ref in batch
    ]


def toast(page: Any) -> Any:
    return page.locator(".toaster .toast")


async def test_retries_a_failed_job_from_its_page_and_it_runs_again(
    page: Any, context: Any, chancy: Chancy, live_server: Any
) -> None:
    marker = uuid.uuid4().hex
    ref = await chancy.push(
        Job(func="tests.job_functions.fail_once", queue=LIVE_QUEUE, kwargs={"marker": marker})
    )
    await wait_for_state(chancy, ref.identifier, "failed")
    await api_login(context)
    await page.goto(f"/jobs/{ref.identifier}")
    actions = page.get_by_role("group", name="Job actions")
    await expect(page.locator(".page-header .badge").first).to_have_text("failed")
    # A failed job cannot be cancelled; the button says why.
    cancel = actions.get_by_role("button", name="Cancel")
    await expect(cancel).to_be_disabled()
    await expect(cancel).to_have_attribute("title", "The job has already failed")

    await actions.get_by_role("button", name="Retry").click()
    dialog = page.get_by_role("dialog", name="Retry job?")
    await expect(dialog).to_be_visible()
    await dialog.get_by_role("button", name="Retry job").click()
    await expect(dialog).to_be_hidden()
    await expect(toast(page)).to_contain_text("queued to run again")

    # The worker runs it again and this time it succeeds; the page follows without a reload.
    await expect(page.locator(".page-header .badge").first).to_have_text(
        "succeeded", timeout=20_000
    )
    job = await chancy.get_job(Reference(ref.identifier))
    assert job is not None and job.state.value == "succeeded"
    # Its first failure is still in its history.
    await expect(page.get_by_role("region", name="Attempt 1")).to_contain_text("first attempt")


async def test_deletes_a_job_and_returns_to_its_queue(
    page: Any, context: Any, chancy: Chancy
) -> None:
    queue = unique("e2e-del")
    [job_id] = await push(chancy, queue, 1)
    await api_login(context)
    await page.goto(f"/jobs/{job_id}")
    await page.get_by_role("group", name="Job actions").get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Delete job?")
    await dialog.get_by_role("button", name="Delete job").click()
    await expect(page).to_have_url(re.compile(rf"/jobs\?q=queue%3A{queue}$"))
    await expect(toast(page)).to_contain_text(f"Job {job_id[-8:]} deleted")
    assert await chancy.get_job(Reference(job_id)) is None


async def test_bulk_cancels_the_selected_pending_jobs(
    page: Any, context: Any, chancy: Chancy
) -> None:
    queue = unique("e2e-bulk")
    ids = await push(chancy, queue, 3)
    await api_login(context)
    await page.goto(f"/jobs?queue={queue}&state=pending")
    rows = page.locator("table.jobs tbody tr")
    await expect(rows).to_have_count(3)
    await page.get_by_role("checkbox", name="Select all jobs on this page").check()
    await expect(page.get_by_text("3 selected")).to_be_visible()
    await expect(page.get_by_text("Paused while jobs are selected")).to_be_visible()

    bulk = page.get_by_role("group", name="Actions on the selected jobs")
    await bulk.get_by_role("button", name="Cancel").click()
    dialog = page.get_by_role("dialog", name="Cancel 3 jobs?")
    await dialog.get_by_role("button", name="Cancel 3 jobs").click()
    await expect(toast(page)).to_contain_text("3 jobs cancelled")
    # The selection is cleared and the list is live again; the jobs are no longer pending.
    await expect(page).not_to_have_url(re.compile("selected="))
    await expect(page.get_by_text("No jobs match this search")).to_be_visible()
    for job_id in ids:
        job = await chancy.get_job(Reference(job_id))
        assert job is not None and job.state.value == "failed"


async def test_bulk_cancel_reports_what_was_skipped_and_why(
    page: Any, context: Any, chancy: Chancy
) -> None:
    queue = unique("e2e-skip")
    ids = await push(chancy, queue, 2)
    # One of the two is cancelled before the batch, so cancelling both skips it with a reason.
    await chancy.cancel_job(Reference(ids[0]))
    await api_login(context)
    await page.goto(f"/jobs?queue={queue}")
    await expect(page.locator("table.jobs tbody tr")).to_have_count(2)
    await page.get_by_role("checkbox", name="Select all jobs on this page").check()
    await (
        page.get_by_role("group", name="Actions on the selected jobs")
        .get_by_role("button", name="Cancel")
        .click()
    )
    await page.get_by_role("dialog").get_by_role("button", name="Cancel 2 jobs").click()
    message = toast(page)
    await expect(message).to_contain_text("1 of 2 jobs cancelled")
    await expect(message).to_contain_text("1 skipped: Job is already failed")


async def test_pauses_until_a_time_and_resumes_a_queue(
    page: Any, context: Any, chancy: Chancy
) -> None:
    name = unique("e2e-pause")
    await chancy.declare(Queue(name, tags=NOBODY), upsert=True)
    await login_as(context, "operator")
    await page.goto(f"/queues/{name}")
    header = page.locator(".page-header")
    await expect(header.locator(".badge").first).to_have_text("active")

    await page.get_by_role("button", name=f"Pause queue {name}").click()
    dialog = page.get_by_role("dialog", name=f"Pause queue {name}?")
    await dialog.get_by_label(re.compile("Resume automatically at")).fill("2099-01-02T03:04")
    await dialog.get_by_role("button", name="Pause queue").click()
    # In words, in the browser's local time, not a raw timestamp.
    await expect(toast(page).locator("p")).to_have_text(
        f"Queue {name} paused until Fri Jan 2 2099 03:04"
    )
    await expect(header.locator(".badge").first).to_have_text("paused")
    queues = {q.name: q for q in await chancy.get_all_queues()}
    assert queues[name].state == Queue.State.PAUSED
    assert queues[name].resume_at is not None and queues[name].resume_at.year == 2099

    await page.get_by_role("button", name=f"Resume queue {name}").click()
    await (
        page.get_by_role("dialog", name=f"Resume queue {name}?")
        .get_by_role("button", name="Resume queue")
        .click()
    )
    await expect(header.locator(".badge").first).to_have_text("active")
    queues = {q.name: q for q in await chancy.get_all_queues()}
    assert queues[name].state == Queue.State.ACTIVE


async def test_pauses_from_the_queues_list_with_a_preset(
    page: Any, context: Any, chancy: Chancy
) -> None:
    name = unique("e2e-preset")
    await chancy.declare(Queue(name, tags=NOBODY), upsert=True)
    await login_as(context, "operator")
    await page.goto("/queues")
    await page.get_by_role("button", name=f"Pause queue {name}").click()
    dialog = page.get_by_role("dialog", name=f"Pause queue {name}?")
    # Opened from a right-aligned cell, the dialog still reads left to right.
    align = await dialog.evaluate("d => getComputedStyle(d.querySelector('p')).textAlign")
    assert align in ("start", "left"), align
    await dialog.get_by_role("group", name="Resume in").get_by_role("button", name="1 hour").click()
    until = await dialog.get_by_label(re.compile("Resume automatically at")).input_value()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", until), until
    await dialog.get_by_role("button", name="Pause queue").click()
    await expect(toast(page)).to_contain_text(f"Queue {name} paused until ")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
    await expect(row).to_contain_text(re.compile(r"paused\s*until (today|tomorrow) \d\d:\d\d"))
    queues = {q.name: q for q in await chancy.get_all_queues()}
    assert queues[name].state == Queue.State.PAUSED and queues[name].resume_at is not None


async def test_edits_a_queues_settings(page: Any, context: Any, chancy: Chancy) -> None:
    name = unique("e2e-edit")
    await chancy.declare(Queue(name, tags=NOBODY, concurrency=2), upsert=True)
    await login_as(context, "operator")
    await page.goto(f"/queues/{name}")
    await page.get_by_role("button", name="Edit settings").click()
    dialog = page.get_by_role("dialog", name=f"Settings of {name}")
    save = dialog.get_by_role("button", name="Save changes")
    await expect(save).to_be_disabled()  # nothing changed yet
    # Operators cannot change the executor (the field is not offered) nor the tags (shown
    # read-only): both run on every worker, and the server refuses them with a 403.
    await expect(dialog.get_by_label("Executor")).to_have_count(0)
    tags = dialog.get_by_label(re.compile("^Worker tags"))
    await expect(tags).not_to_be_editable()
    await expect(tags).to_have_accessible_description(re.compile("Only an admin changes tags"))
    await dialog.get_by_label("Concurrency").fill("7")
    await dialog.get_by_label("Rate limit (jobs)").fill("10")
    await expect(dialog.get_by_text("Give the window the limit applies to")).to_be_visible()
    await expect(save).to_be_disabled()
    await dialog.get_by_label("Rate limit window (s)").fill("60")
    await save.click()
    await expect(toast(page)).to_contain_text(f"Queue {name} updated")
    await expect(page.get_by_text("10 jobs per 60 s")).to_be_visible()
    queues = {q.name: q for q in await chancy.get_all_queues()}
    assert (queues[name].concurrency, queues[name].rate_limit) == (7, 10)
    assert queues[name].tags == NOBODY  # untouched


async def test_admin_creates_a_queue_and_deletes_it_with_its_jobs(
    page: Any, context: Any, chancy: Chancy
) -> None:
    name = unique("e2e-made")
    await api_login(context)
    await page.goto("/queues")
    await page.get_by_role("button", name="New queue").click()
    dialog = page.get_by_role("dialog", name="New queue")
    await dialog.get_by_label("Name").fill(name)
    await dialog.get_by_label(re.compile("^Worker tags")).fill("role=nobody")
    await dialog.get_by_label("Executor").select_option("chancy.executors.asyncex.AsyncExecutor")
    await dialog.get_by_role("button", name="Create queue").click()
    await expect(toast(page)).to_contain_text(f"Queue {name} created")
    await expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()

    # Creating it again is refused by the server; the dialog says why and stays open.
    await page.get_by_role("button", name="New queue").click()
    await dialog.get_by_label("Name").fill(name)
    await dialog.get_by_role("button", name="Create queue").click()
    await expect(dialog.get_by_role("alert")).to_contain_text("exists")
    await dialog.get_by_role("button", name="Cancel").click()

    await push(chancy, name, 2)
    # The counts are shared and recomputed every few seconds: wait for them to include these.
    for _ in range(100):
        counts = await (await context.request.get("/api/v1/jobs/counts")).json()
        if sum(counts["by_queue"].get(name, {}).values()) == 2:
            break
        await asyncio.sleep(0.2)
    await page.goto(f"/queues/{name}")
    await (
        page.get_by_role("group", name="Queue actions").get_by_role("button", name="Delete").click()
    )
    dialog = page.get_by_role("dialog", name=f"Delete queue {name}?")
    await expect(dialog).to_contain_text("Also delete its jobs: 2 jobs now")
    await dialog.get_by_role("button", name="Delete queue and jobs").click()
    await expect(page).to_have_url(re.compile(r"/queues$"))
    await expect(toast(page)).to_contain_text(f"Queue {name} deleted")
    await expect(toast(page)).to_contain_text("2 jobs purged")
    assert name not in {q.name for q in await chancy.get_all_queues()}


async def test_a_viewer_is_offered_no_actions(
    page: Any, context: Any, chancy: Chancy, seeded: Seeded
) -> None:
    await login_as(context, "viewer")
    job_id = seeded.failed[0]
    await page.goto(f"/jobs/{job_id}")
    await expect(page.get_by_role("heading", level=1)).to_have_text("e2e_fail")
    await expect(page.get_by_role("group", name="Job actions")).to_have_count(0)
    await expect(page.get_by_role("button", name="Retry")).to_have_count(0)

    await page.goto(f"/jobs?state=failed&func={seeded.func_fail}")
    await page.locator(f'tr[data-job-id="{job_id}"]').get_by_role("checkbox").check()
    await expect(page.get_by_text("1 selected")).to_be_visible()
    await expect(page.get_by_role("group", name="Actions on the selected jobs")).to_have_count(0)

    await page.goto("/queues")
    await expect(page.get_by_role("link", name=LIVE_QUEUE, exact=True)).to_be_visible()
    await expect(page.get_by_role("button", name=re.compile("^(Pause|Resume)"))).to_have_count(0)
    await expect(page.get_by_role("button", name="New queue")).to_have_count(0)
    await page.goto(f"/queues/{LIVE_QUEUE}")
    await expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    await expect(page.get_by_role("group", name="Queue actions")).to_have_count(0)

    # No audit log in the menu, and the page itself is refused by the server.
    nav = page.get_by_role("navigation", name="Main")
    await expect(nav.get_by_role("link", name="Events")).to_be_visible()
    await expect(nav.get_by_role("link", name="Audit log")).to_have_count(0)
    await page.goto("/audit")
    await expect(page.get_by_text("The audit log is for admins")).to_be_visible()


async def test_an_operator_can_pause_but_not_delete_queues(page: Any, context: Any) -> None:
    await login_as(context, "operator")
    await page.goto(f"/queues/{LIVE_QUEUE}")
    actions = page.get_by_role("group", name="Queue actions")
    await expect(actions.get_by_role("button", name=f"Pause queue {LIVE_QUEUE}")).to_be_visible()
    await expect(actions.get_by_role("button", name="Delete")).to_have_count(0)
    await page.goto("/queues")
    await expect(page.get_by_role("button", name="New queue")).to_have_count(0)


async def test_the_audit_log_lists_actions_with_filters_in_the_url(
    page: Any, context: Any, chancy: Chancy
) -> None:
    queue = unique("e2e-audit")
    [job_id] = await push(chancy, queue, 1)
    token = await login_as(context, "viewer")
    # A viewer's attempt is denied and recorded.
    denied = await context.request.post(
        f"/api/v1/jobs/{job_id}/cancel", headers={"Authorization": f"Bearer {token}"}
    )
    assert denied.status == 403, await denied.text()

    await api_login(context)
    await page.goto("/audit")
    await expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    await page.get_by_label("Target").fill(job_id)
    await page.get_by_label("Target").press("Enter")
    await expect(page).to_have_url(re.compile(f"target={job_id}"))
    row = page.locator("table.audit tbody tr").first
    await expect(row).to_contain_text("job.cancel")
    await expect(row).to_contain_text("denied")
    await expect(row).to_contain_text("viewer")
    await page.get_by_label("Outcome").select_option("allowed")
    await expect(page).to_have_url(re.compile("outcome=allowed"))
    await expect(page.get_by_text("No entries match these filters")).to_be_visible()
    # The menu lists the page for admins.
    nav = page.get_by_role("navigation", name="Main")
    await expect(nav.get_by_role("link", name="Audit log")).to_have_attribute(
        "aria-current", "page"
    )
