"""The jobs list as a search: autocomplete, the server's positioned errors, saved views, and a
list that holds still (new rows behind a banner, focus and scroll back after opening a job), at
desktop and phone width."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from chancy import Chancy, Job
from playwright.async_api import expect

from tests.conftest import LiveServer, wait_for_state
from tests.e2e.conftest import LIVE_QUEUE, Seeded, Watcher, api_login
from tests.e2e.live import expect_streaming, freeze_timers, live_status
from tests.helpers import eventually

pytestmark = pytest.mark.browser


async def expect_rows_include(page: Any, ids: list[str]) -> None:
    """The list shows every one of `ids` (other tests may add jobs of the same kind)."""
    rows = page.locator("table.jobs tbody tr")
    for job_id in ids:
        await expect(rows.and_(page.locator(f"[data-job-id='{job_id}']"))).to_have_count(1)


def search_box(page: Any) -> Any:
    return page.get_by_role("combobox", name="Search jobs")


async def test_searches_by_an_argument_value_through_autocomplete_and_opens_the_job(
    logged_in: Any, seeded: Seeded, chancy: Chancy
) -> None:
    page = logged_in
    # A job of its own, the newest, whose argument keys the suggestions read (they come from
    # the newest jobs, cached for a while: wait until they offer this one's).
    token = uuid.uuid4().hex[:8]
    ref = await chancy.push(
        Job(func=seeded.func_fail, queue=LIVE_QUEUE, kwargs={"message": f"kaput {token}"})
    )
    job_id = str(ref.identifier)
    await wait_for_state(chancy, job_id, "failed")

    async def offered() -> bool:
        response = await page.request.get("/api/v1/jobs/suggest", params={"q": "kwargs.mess"})
        return any(s["label"] == "kwargs.message" for s in (await response.json())["suggestions"])

    await eventually(offered, "kwargs.message among the suggestions", within_s=90, every_s=0.5)
    await page.goto("/jobs")
    box = search_box(page)
    await box.click()
    await box.press_sequentially("kwargs.mess")
    option = page.get_by_role("option", name=re.compile(r"kwargs\.message"))
    await expect(option).to_be_visible()
    await expect(box).to_have_attribute("aria-expanded", "true")
    # The arrows move through the suggestions; Enter takes the one marked.
    while await option.get_attribute("aria-selected") != "true":
        await box.press("ArrowDown")
    await expect(box).to_have_attribute("aria-activedescendant", re.compile("job-search-option"))
    await box.press("Enter")
    await expect(box).to_have_value(re.compile(r"^kwargs\.message:"))
    await box.press("End")
    await box.press_sequentially(f'"kaput {token}"')
    # With no suggestion marked, Enter searches.
    await box.press("Enter")

    rows = page.locator("table.jobs tbody tr")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text(f"ValueError: kaput {token}")
    # The row previews its arguments.
    await expect(rows.first).to_contain_text('"message"')
    await expect(rows.first).to_have_attribute("data-job-id", job_id)
    await rows.first.get_by_role("link", name=re.compile("e2e_fail")).click()
    await expect(page).to_have_url(re.compile(f"/jobs/{job_id}$"))
    await expect(page.get_by_role("region", name="Arguments")).to_contain_text(f"kaput {token}")


async def test_a_search_the_server_cannot_read_is_underlined_where_it_fails(
    logged_in: Any, seeded: Seeded
) -> None:
    page = logged_in
    await page.goto("/jobs?q=" + "state:failed%20(queue:live")
    box = search_box(page)
    await expect(box).to_have_attribute("aria-invalid", "true")
    message = page.locator("#job-search-error")
    await expect(message).to_contain_text("parenthesis")
    await expect(box).to_have_accessible_description(re.compile("parenthesis"))
    # The underline marks the place the server points at: the end of the query.
    await expect(page.locator(".backdrop .bad")).to_have_count(1)
    # Editing the search takes the error away until it is sent again.
    await box.fill("state:failed (queue:live)")
    await expect(box).not_to_have_attribute("aria-invalid", "true")
    await box.press("Enter")
    await expect_rows_include(page, seeded.failed)


async def test_saves_a_view_lists_it_under_jobs_and_deletes_it(
    logged_in: Any, seeded: Seeded
) -> None:
    page = logged_in
    name = f"Failures {uuid.uuid4().hex[:6]}"
    await page.goto("/jobs?q=state:failed")
    await page.get_by_text("Saved views", exact=True).click()
    form = page.get_by_role("form", name="Save this search")
    await form.get_by_label("Name").fill(name)
    await form.get_by_label("Shared with everyone").check()
    await form.get_by_role("button", name="Save this search").click()
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name=name)
    await expect(link).to_be_visible()
    await page.goto("/jobs")
    await link.click()
    await expect(search_box(page)).to_have_value("state:failed")
    await expect(link).to_have_attribute("aria-current", "page")

    await page.get_by_text(f"View: {name}").click()
    await page.get_by_role("button", name=f"Delete view {name}").click()
    await expect(link).to_have_count(0)


async def test_new_jobs_wait_behind_a_banner_while_a_row_has_the_focus(
    logged_in: Any, chancy: Chancy
) -> None:
    page = logged_in
    queue = f"e2e-hold-{uuid.uuid4().hex[:6]}"
    for _ in range(2):
        await chancy.push(Job(func="x.y", queue=queue))
    await page.clock.install()
    await page.goto(f"/jobs?queue={queue}")
    rows = page.locator("table.jobs tbody tr")
    await expect(rows).to_have_count(2)
    await expect_streaming(live_status(page))
    await page.keyboard.press("j")
    focused = rows.first.locator("[data-row-link]")
    await expect(focused).to_be_focused()
    focused_id = await rows.first.get_attribute("data-job-id")
    await freeze_timers(page)

    ref = await chancy.push(Job(func="x.y", queue=queue))
    banner = page.get_by_role("status").filter(has_text="new job")
    await expect(banner).to_have_text(re.compile(r"1 new job\s*·\s*show"))
    # Nothing moved under the focus.
    await expect(rows).to_have_count(2)
    await expect(rows.first).to_have_attribute("data-job-id", focused_id or "")
    await expect(focused).to_be_focused()

    await banner.get_by_role("button", name="show").click()
    await expect(rows).to_have_count(3)
    await expect(page.locator(f'tr[data-job-id="{ref.identifier}"]')).to_be_visible()
    await expect(banner).to_have_count(0)


async def test_back_from_a_job_restores_the_scroll_and_the_focused_row(
    logged_in: Any, seeded: Seeded
) -> None:
    page = logged_in
    await page.goto(f"/jobs?q=state:succeeded%20func:~{seeded.func_ok}&limit=100")
    rows = page.locator("table.jobs tbody tr")
    await expect(rows).to_have_count(len(seeded.ok))
    row = rows.nth(40)
    job_id = await row.get_attribute("data-job-id")
    link = row.locator("[data-row-link]")
    await link.focus()
    await link.scroll_into_view_if_needed()
    y = await page.evaluate("window.scrollY")
    assert y > 0
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(f"/jobs/{job_id}$"))
    await page.go_back()
    await expect(page.locator(f'tr[data-job-id="{job_id}"] [data-row-link]')).to_be_focused()
    assert abs(await page.evaluate("window.scrollY") - y) < 5


@pytest.fixture
async def phone(browser: Any, live_server: LiveServer) -> AsyncIterator[Any]:
    """A touch phone, 390×844, logged in."""
    ctx = await browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    ctx.set_default_timeout(10_000)
    await api_login(ctx)
    watcher = Watcher()
    tab = await ctx.new_page()
    watcher.attach(tab)
    yield tab
    await ctx.close()
    assert not watcher.problems, watcher.problems


async def cut_short(locator: Any) -> bool:
    """Whether the element's text is cut (ellipsis or clipped)."""
    return bool(
        await locator.evaluate(
            "e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1"
        )
    )


async def test_the_jobs_list_at_phone_width(phone: Any, seeded: Seeded) -> None:
    page = phone
    await page.goto(f"/jobs?q=state:failed%20func:~{seeded.func_fail}")
    rows = page.locator("table.jobs tbody tr")
    await expect_rows_include(page, seeded.failed)
    row = rows.first
    # Function names and errors wrap rather than being cut to "tests.e2e.jo…".
    func = row.locator("a.func")
    await expect(func).to_have_text(seeded.func_fail)
    assert not await cut_short(func)
    error = row.locator(".error")
    await expect(error).to_contain_text("ValueError: kaput")
    assert not await cut_short(error)
    # The row fits the screen: no sideways scrolling of the page.
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390

    # A touch screen has no "/" to press.
    placeholder = await search_box(page).get_attribute("placeholder")
    assert placeholder and "press /" not in placeholder

    # The selected tab is in sight, even the last one.
    await page.goto("/jobs?q=state:succeeded")
    tab = page.get_by_role("navigation", name="Job state").get_by_role(
        "link", name=re.compile("^succeeded", re.I)
    )
    await expect(tab).to_have_attribute("aria-current", "page")
    box = await tab.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box


async def test_the_overview_links_into_searches(logged_in: Any, seeded: Seeded) -> None:
    page = logged_in
    # The overview's failing functions are those of the open failure groups, folded from the
    # failed jobs in the background: wait until the seeded failures are in a group.
    async with asyncio.timeout(60):
        while True:
            response = await page.request.get("/api/v1/failures", params={"status": "open"})
            groups = (await response.json())["items"]
            if any(seeded.func_fail in g["functions"] for g in groups):
                break
            await asyncio.sleep(0.3)
    await page.goto("/")
    failing = page.get_by_role("navigation", name="Failing functions")
    await failing.get_by_role("link", name=re.compile("^e2e_fail")).click()
    await expect(search_box(page)).to_have_value(f"state:failed func:{seeded.func_fail}")

    await page.goto("/")
    await page.get_by_role("link", name="failed jobs of live").click()
    await expect(search_box(page)).to_have_value("state:failed queue:live")
    await expect_rows_include(page, seeded.failed)
