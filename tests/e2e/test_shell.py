"""The shell around every page: the top bar at phone width, keyboard help and shortcuts, and
where focus lands after a navigation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import Seeded

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


async def no_horizontal_scroll(page: Any) -> None:
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


async def heading_focused(page: Any) -> None:
    # document.activeElement, not to_be_focused: that also wants the window focused, which a
    # page among the session's others may not be.
    await page.wait_for_function("() => document.activeElement?.matches('main h1')")


@pytest.mark.parametrize("path", ["/queues", "/events", "/audit", "/workers"])
async def test_a_short_page_on_a_phone_starts_right_under_the_top_bar(
    logged_in: Any, seeded: Seeded, path: str
) -> None:
    page = logged_in
    await page.set_viewport_size(PHONE)
    await page.goto(path)
    await expect(page.locator("main h1")).to_be_visible()
    bar = await page.locator(".rail").bounding_box()
    heading = await page.locator("main h1").bounding_box()
    assert bar and heading
    # main's own padding (1 rem) and the page header's line: no band of empty grid row.
    assert heading["y"] - (bar["y"] + bar["height"]) < 40, (bar, heading)
    await no_horizontal_scroll(page)


async def test_the_phone_top_bar_offers_the_other_pages_under_more(
    logged_in: Any, seeded: Seeded
) -> None:
    page = logged_in
    await page.set_viewport_size(PHONE)
    await page.goto("/queues")
    nav = page.get_by_role("navigation", name="Main")
    for label in ("Overview", "Jobs", "Failures", "Queues"):
        await expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    system = nav.get_by_role("link", name="System", exact=True)
    await expect(system).to_be_hidden()
    more = nav.get_by_role("button", name="More")
    await expect(more).to_be_visible()
    await expect(more).to_have_attribute("aria-expanded", "false")
    # Every entry of the bar is inside the viewport: nothing hides off-screen.
    for link in await nav.locator("a:visible, button:visible").all():
        box = await link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box

    await more.click()
    await expect(more).to_have_attribute("aria-expanded", "true")
    for label in ("Workers", "System", "Events", "Audit log"):
        await expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    await page.keyboard.press("Escape")
    await expect(system).to_be_hidden()
    await expect(more).to_be_focused()

    await more.click()
    await nav.get_by_role("link", name="Events", exact=True).click()
    await expect(page).to_have_url(re.compile(r"/events$"))
    # The menu closed, and the page it leads to shows in the bar as the current one.
    await expect(more).to_have_attribute("aria-expanded", "false")
    current = nav.locator("a[aria-current='page']:visible")
    await expect(current).to_have_text("Events")
    await no_horizontal_scroll(page)


async def test_question_mark_lists_the_shortcuts(logged_in: Any, seeded: Seeded) -> None:
    page = logged_in
    await page.goto("/workers")
    await expect(page.locator("main h1")).to_have_text("Workers")
    await page.keyboard.press("?")
    help = page.get_by_role("dialog", name="Keyboard shortcuts")
    await expect(help).to_be_visible()
    for does in ("Go to Crons", "Go to Workflows", "Go to Metrics", "Focus the search field"):
        await expect(help).to_contain_text(does)
    await page.keyboard.press("Escape")
    await expect(help).to_be_hidden()


async def test_g_keys_go_to_a_page_and_focus_its_heading(logged_in: Any, seeded: Seeded) -> None:
    page = logged_in
    await page.goto("/workers")
    await expect(page.locator("main h1")).to_have_text("Workers")
    for key, path, heading in (("q", "/queues", "Queues"), ("s", "/system", "System")):
        await page.keyboard.press("g")
        await page.keyboard.press(key)
        await expect(page).to_have_url(re.compile(f"{path}$"))
        await expect(page.locator("main h1")).to_have_text(heading)
        await heading_focused(page)
    # The heading takes focus after a click on a link too, and Tab goes on from the page.
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Workers").click()
    await expect(page.locator("main h1")).to_have_text("Workers")
    await heading_focused(page)
