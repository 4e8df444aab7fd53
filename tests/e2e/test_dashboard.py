"""The dashboard in Chromium against a live server, real Postgres and a real worker."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
from playwright.async_api import expect

from tests.conftest import PASSWORD, LiveServer
from tests.e2e.conftest import FAILED_JOBS, Seeded

pytestmark = pytest.mark.browser


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


async def row_ids(page: Any) -> list[str]:
    rows = page.locator("table.jobs tbody tr")
    return [await r.get_attribute("data-job-id") for r in await rows.all()]


async def test_login_shows_errors_and_returns_to_the_page_asked_for(page, seeded: Seeded):
    await page.goto(f"/jobs?state=failed&func={seeded.func_fail}")
    await expect(page).to_have_url(re.compile(r"/login\?next="))
    assert query_of(page.url)["next"] == [f"/jobs?state=failed&func={seeded.func_fail}"]

    await page.get_by_label("Username").fill("admin")
    await page.get_by_label("Password").fill("wrong password")
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("alert")).to_have_text("Invalid username or password.")

    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(re.compile(r"/jobs\?state=failed&func="))
    await expect(page.locator("table.jobs tbody tr")).to_have_count(FAILED_JOBS)


async def test_lists_jobs_and_filters_through_the_search_in_the_url(logged_in, seeded: Seeded):
    page = logged_in
    search = page.get_by_role("combobox", name="Search jobs")
    # An old link's filters are read as the same search.
    await page.goto(f"/jobs?func={seeded.func_ok}&limit=25")
    await expect(page.locator("table.jobs tbody tr")).to_have_count(25)
    await expect(page.get_by_label("Page size")).to_have_value("25")
    await expect(search).to_have_value(f"func:~{seeded.func_ok}")

    # A state tab is a link that writes into the search; the rest of the search stays.
    await (
        page.get_by_role("navigation", name="Job state")
        .get_by_role("link", name=re.compile("^failed", re.I))
        .click()
    )
    await expect(page).to_have_url(re.compile(r"q=state"))
    assert query_of(page.url)["q"] == [f"state:failed func:~{seeded.func_ok}"]
    await expect(search).to_have_value(f"state:failed func:~{seeded.func_ok}")
    await expect(page.get_by_text("No jobs match this search")).to_be_visible()

    # Typing a search and pressing Enter rewrites the URL.
    await search.fill("state:failed func:~e2e_fail")
    await search.press("Enter")
    await expect(page.locator("table.jobs tbody tr")).to_have_count(FAILED_JOBS)
    assert query_of(page.url)["q"] == ["state:failed func:~e2e_fail"]
    await expect(page.locator("table.jobs tbody tr").first).to_contain_text("ValueError: kaput")

    # The queue filter writes into the search too, and a reload keeps everything.
    await page.get_by_label("Queue").select_option("live")
    await expect(search).to_have_value("queue:live state:failed func:~e2e_fail")
    await page.reload()
    await expect(page.locator("table.jobs tbody tr")).to_have_count(FAILED_JOBS)
    await expect(page.get_by_label("Queue")).to_have_value("live")
    await expect(
        page.get_by_role("navigation", name="Job state").get_by_role(
            "link", name=re.compile("^failed", re.I)
        )
    ).to_have_attribute("aria-current", "page")

    # Row selection is not in the URL: a shared link carries no one's selection.
    url = page.url
    await page.get_by_role("checkbox", name=re.compile("Select job")).first.check()
    await expect(page.get_by_text("1 selected")).to_be_visible()
    assert page.url == url


async def test_pages_to_older_and_newer_jobs(logged_in, seeded: Seeded):
    page = logged_in
    await page.goto(f"/jobs?state=succeeded&func={seeded.func_ok}&limit=25")
    await expect(page.locator("table.jobs tbody tr")).to_have_count(25)
    first = await row_ids(page)

    await page.get_by_role("link", name="Older →").click()
    await expect(page).to_have_url(re.compile(r"cursor="))
    await expect(page.locator("table.jobs tbody tr").first).not_to_have_attribute(
        "data-job-id", first[0]
    )
    second = await row_ids(page)
    assert len(second) == 25 and not set(first) & set(second)
    await expect(page.get_by_text("Paused while browsing older jobs")).to_be_visible()

    await page.get_by_role("link", name="Older →").click()
    await expect(page.locator("table.jobs tbody tr")).to_have_count(10)
    third = await row_ids(page)
    assert set(first) | set(second) | set(third) == set(seeded.ok)
    await expect(page.get_by_role("button", name="Older →")).to_be_disabled()

    await page.get_by_role("link", name="← Newer").click()
    await expect(page.locator("table.jobs tbody tr").first).to_have_attribute(
        "data-job-id", second[0]
    )
    assert await row_ids(page) == second

    await page.go_back()
    await expect(page.locator("table.jobs tbody tr")).to_have_count(10)
    await page.get_by_role("link", name="⇤ Newest").click()
    await expect(page.locator("table.jobs tbody tr").first).to_have_attribute(
        "data-job-id", first[0]
    )


async def test_opens_a_failed_job_and_reads_its_traceback(logged_in, seeded: Seeded):
    page = logged_in
    await page.goto(f"/jobs?state=failed&func={seeded.func_fail}")
    row = page.locator("table.jobs tbody tr").first
    job_id = await row.get_attribute("data-job-id")
    await row.get_by_role("link", name=re.compile("e2e_fail")).click()

    await expect(page).to_have_url(re.compile(f"/jobs/{job_id}$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("e2e_fail")
    attempt = page.get_by_role("region", name="Attempt 1")
    await expect(attempt).to_contain_text("Traceback (most recent call last)")
    await expect(attempt).to_contain_text("raise ValueError(message)")
    await expect(attempt.locator(".exception")).to_have_text(re.compile(r"ValueError: kaput \d"))
    await expect(page.get_by_role("region", name="Arguments")).to_contain_text('"message"')
    await expect(page.locator('dd a[href="/queues/live"]')).to_have_text("live")
    # Deep link: a fresh load of the URL shows the same job.
    await page.reload()
    await expect(page.get_by_role("region", name="Attempt 1")).to_be_visible()
    await expect(page.locator('dd a[href^="/workers/"]')).to_be_visible()


async def test_every_page_renders(logged_in, seeded: Seeded, live_server: LiveServer):
    page = logged_in
    await page.goto("/")
    await expect(page.get_by_role("heading", name="Jobs by state")).to_be_visible()
    await expect(page.get_by_role("heading", name="Top failures")).to_be_visible()

    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Queues").click()
    await expect(page).to_have_url(re.compile(r"/queues$"))
    await page.get_by_role("link", name="live", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("live")
    await expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    await expect(page.get_by_role("heading", name="Latest jobs")).to_be_visible()

    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Workers").click()
    worker_link = page.locator("table.data tbody a.mono").first
    await expect(worker_link).to_be_visible()
    await worker_link.click()
    await expect(page.get_by_role("heading", name="Details")).to_be_visible()
    await expect(page.get_by_role("heading", name=re.compile("Running jobs"))).to_be_visible()

    await page.goto("/no/such/page")
    await expect(page.get_by_role("heading", name="Page not found")).to_be_visible()


async def _list_requests_of_first_screen(page: Any, path: str) -> set[str]:
    """The job-list URLs a cold load of `path` requests before its first row shows, or finds
    answered in the page (its data blocks, keyed by the request: chancy_web/spa/inline.py)."""
    urls: list[str] = []

    def record(request: Any) -> None:
        if urlparse(request.url).path == "/api/v1/jobs" and request.method == "GET":
            urls.append(request.url)

    page.on("request", record)
    await page.goto(path)
    await expect(page.locator("table.jobs tbody tr").first).to_be_visible()
    page.remove_listener("request", record)
    answered = await page.eval_on_selector_all(
        "script[data-early]", "blocks => blocks.map(b => b.dataset.early)"
    )
    urls += [urljoin(page.url, key) for key in answered if urlparse(key).path == "/api/v1/jobs"]
    return set(urls)


async def test_every_job_list_asks_for_summary_rows(
    logged_in, seeded: Seeded, live_server: LiveServer
):
    page = logged_in
    for path in ("/jobs", "/jobs?state=failed", "/queues/live"):
        urls = await _list_requests_of_first_screen(page, path)
        # One URL: the request started (or answered) before the app loaded is the one the
        # page uses.
        assert len(urls) == 1, (path, urls)
        assert query_of(urls.pop())["view"] == ["summary"], path
    # A worker page lists its running jobs (no rows while nothing runs).
    workers = await (await page.request.get("/api/v1/workers")).json()
    async with page.expect_request(lambda r: urlparse(r.url).path == "/api/v1/jobs") as asked:
        await page.goto(f"/workers/{workers[0]['worker_id']}")
    assert query_of((await asked.value).url)["view"] == ["summary"]


@pytest.mark.parametrize(
    ("path", "heading", "back"),
    [
        ("/jobs/00000000-0000-7000-8000-000000000000", "Job not found", "← All jobs"),
        ("/queues/no-such-queue", "Queue not found", "← All queues"),
        ("/workers/no-such-worker", "Worker not found", "← All workers"),
        ("/workflows/not-a-workflow-id", "Workflow not found", "← All workflows"),
    ],
)
async def test_a_missing_thing_says_so_and_links_back(logged_in, path, heading, back):
    page = logged_in
    await page.goto(path)
    await expect(page.get_by_role("heading", name=heading)).to_be_visible()
    await page.get_by_role("link", name=back).click()
    await expect(page).to_have_url(re.compile(path.rsplit("/", 1)[0] + "$"))


async def test_logs_out(logged_in, seeded: Seeded):
    page = logged_in
    await page.goto("/jobs")
    await expect(page.get_by_role("heading", name="Jobs", exact=True)).to_be_visible()
    await page.get_by_role("button", name="Log out").click()
    await expect(page).to_have_url(re.compile(r"/login$"))
    # The session is revoked on the server, not just forgotten by the page.
    response = await page.request.get("/api/v1/session")
    assert response.status == 401
    await page.goto("/workers")
    await expect(page).to_have_url(re.compile(r"/login\?next=%2Fworkers$"))


async def test_theme_toggle_overrides_the_system(logged_in, seeded: Seeded):
    page = logged_in
    await page.emulate_media(color_scheme="dark")
    await page.goto("/workers")
    toggle = page.get_by_role("button", name=re.compile("^Theme"))
    await expect(toggle).to_have_accessible_name("Theme: auto")
    await expect(toggle).to_have_text("Theme: auto")
    await toggle.click()
    await expect(page.locator("html")).to_have_attribute("data-theme", "light")
    await page.reload()
    await expect(page.locator("html")).to_have_attribute("data-theme", "light")


async def test_keyboard_moves_through_rows_and_opens_a_job(logged_in, seeded: Seeded):
    page = logged_in
    await page.goto(f"/jobs?state=failed&func={seeded.func_fail}")
    rows = page.locator("table.jobs tbody tr")
    await expect(rows).to_have_count(FAILED_JOBS)
    await page.keyboard.press("j")
    await page.keyboard.press("j")
    second = await rows.nth(1).get_attribute("data-job-id")
    await expect(rows.nth(1).locator("[data-row-link]")).to_be_focused()
    await page.keyboard.press("x")
    await expect(rows.nth(1).get_by_role("checkbox")).to_be_checked()
    await expect(page.get_by_text("1 selected")).to_be_visible()
    await rows.nth(1).locator("[data-row-link]").focus()
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(f"/jobs/{second}$"))
    # "/" focuses the list's search field; "g j" goes back to the jobs list.
    await page.keyboard.press("g")
    await page.keyboard.press("j")
    await expect(page).to_have_url(re.compile(r"/jobs$"))
    await page.keyboard.press("/")
    search = page.get_by_role("combobox", name="Search jobs")
    await expect(search).to_be_focused()
    # Escape leaves the search box, so j / k move through the rows again.
    await page.keyboard.press("Escape")
    await expect(search).not_to_be_focused()
    await page.keyboard.press("j")
    await expect(rows.first.locator("[data-row-link]")).to_be_focused()


async def test_login_says_when_to_try_again_after_too_many_attempts(page, live_server: LiveServer):
    # The server's rate limit is tested against the API; here its answer is replayed, so the
    # live server's failure counters stay clean for the other tests.
    async def too_many(route: Any) -> None:
        await route.fulfill(
            status=429,
            headers={"Retry-After": "42", "Content-Type": "application/json"},
            body='{"status_code": 429, "detail": "Too many failed logins; try again in 42 s"}',
        )

    await page.route("**/api/v1/login", too_many)
    await page.goto("/login")
    await page.get_by_label("Username").fill("admin")
    await page.get_by_label("Password").fill("whatever")
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("alert")).to_have_text(
        re.compile(r"Too many attempts, try again in (42|41|40) s\.")
    )
    await expect(page.get_by_role("button", name="Log in")).to_be_disabled()
