"""The crons, workflows, metrics and system pages in Chromium, on live data: schedules run by
the real Cron plugin, workflows run by the real WorkflowPlugin, metrics recorded and flushed by
a real worker (see plugin_fixtures)."""

from __future__ import annotations

import re
import uuid
from importlib.metadata import version
from typing import Any

import pytest
from chancy import Chancy, Job, Queue
from chancy.plugins.cron import Cron
from chancy.plugins.workflow import Workflow, WorkflowPlugin
from playwright.async_api import expect

from tests.conftest import run_times, tagged_queue
from tests.e2e.live import (
    expect_streaming,
    freeze_timers,
    live_status,
    mark_document,
    still_same_document,
    until_refreshed,
)
from tests.e2e.plugin_fixtures import (
    IDLE_QUEUE,
    OK,
    PLUGIN_QUEUE,
    PluginData,
    has_metric,
    jobs_of,
    schedule,
)
from tests.helpers import eventually, login_as

pytestmark = pytest.mark.browser

SLOW = "tests.e2e.jobs.plugin_slow"


def row(page: Any, attribute: str, value: str) -> Any:
    return page.locator(f"[{attribute}='{value}']")


async def no_horizontal_scroll(page: Any) -> None:
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


async def test_the_sidebar_links_each_plugin_page(plugin_page, plugin_data: PluginData):
    page = plugin_page
    await page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    for label, path in (
        ("Crons", "/crons"),
        ("Workflows", "/workflows"),
        ("Metrics", "/stats"),
        ("System", "/system"),
    ):
        await expect(nav.get_by_role("link", name=label, exact=True)).to_have_attribute(
            "href", path
        )
    await nav.get_by_role("link", name="Crons", exact=True).click()
    await expect(page).to_have_url(re.compile(r"/crons$"))
    await expect(nav.get_by_role("link", name="Crons", exact=True)).to_have_attribute(
        "aria-current", "page"
    )


async def test_crons_list_schedules_in_words_with_next_runs_and_last_outcome(
    plugin_page, plugin_data: PluginData
):
    page = plugin_page
    await page.goto("/crons")
    ok = row(page, "data-cron", plugin_data.cron_ok)
    await expect(ok).to_contain_text(re.compile("every minute", re.I))
    await expect(ok).to_contain_text("* * * * *")
    await expect(ok).to_contain_text(re.compile(r"in \d+ s|in 1 min|just now"))
    await expect(ok.get_by_text("succeeded", exact=True).first).to_be_visible()
    # Each of the latest jobs is a link to its page.
    await expect(ok.locator(f"a[href='/jobs/{plugin_data.cron_ok_jobs[0]}']")).to_have_count(1)

    failed = row(page, "data-cron", plugin_data.cron_failed)
    await expect(failed).to_contain_text(re.compile("at 09:00, Monday through Friday", re.I))
    await expect(failed).to_contain_text("Europe/Paris")
    await expect(failed.get_by_text("failed", exact=True)).to_be_visible()
    await expect(failed).to_contain_text("ValueError")

    # The timeline has a row per schedule, with the job that ran and the next runs.
    timeline = row(page, "data-cron-row", plugin_data.cron_ok)
    await expect(timeline.locator("a.past.succeeded").first).to_be_visible()
    assert await timeline.locator(".next").count() >= 2
    await page.get_by_role("button", name="2 days").click()
    await expect(page.get_by_role("button", name="2 days")).to_have_attribute(
        "aria-pressed", "true"
    )


async def test_a_cron_page_links_the_jobs_it_produced(plugin_page, plugin_data: PluginData):
    page = plugin_page
    await page.goto("/crons")
    await (
        row(page, "data-cron", plugin_data.cron_ok)
        .get_by_role("link", name=plugin_data.cron_ok, exact=True)
        .click()
    )
    await expect(page).to_have_url(re.compile(f"/crons/{plugin_data.cron_ok}$"))
    await expect(page.get_by_role("heading", name=plugin_data.cron_ok)).to_be_visible()
    await expect(page.get_by_role("region", name="Schedule")).to_contain_text(
        re.compile("every minute", re.I)
    )
    next_runs = page.get_by_role("region", name=re.compile(r"Next \d+ runs"))
    await expect(next_runs.locator("li")).to_have_count(10)

    job_id = plugin_data.cron_ok_jobs[0]
    recent = page.locator("table.recent")
    await expect(recent.locator(f"tr[data-job-id='{job_id}']")).to_contain_text("succeeded")
    await recent.locator(f"tr[data-job-id='{job_id}'] a").click()
    await expect(page).to_have_url(re.compile(f"/jobs/{job_id}$"))
    await expect(page.get_by_text(plugin_data.cron_ok, exact=True)).to_be_visible()


async def test_run_now_pushes_a_job_and_delete_unschedules(
    plugin_page, plugin_data: PluginData, chancy: Chancy
):
    page = plugin_page
    key = f"e2e-yearly-{uuid.uuid4().hex[:6]}"
    await schedule(chancy, key, "0 0 1 1 *", OK)
    await page.goto(f"/crons/{key}")
    await expect(page.get_by_text("No job yet")).to_be_visible()

    await page.get_by_role("button", name=f"Run now {key}").click()
    dialog = page.get_by_role("dialog", name=f"Run “{key}” now?")
    await expect(dialog).to_contain_text("The schedule is unchanged")
    await dialog.get_by_role("button", name="Run now").click()
    await expect(dialog).to_be_hidden()
    result = page.get_by_role("status").filter(has_text="Pushed a job of")
    await expect(result).to_be_visible()
    [job_id] = await eventually(lambda: jobs_of(chancy, key, "succeeded"), what="the run-now job")
    await expect(result.get_by_role("link", name="Follow the job →")).to_have_attribute(
        "href", f"/jobs/{job_id}"
    )
    # The page refreshes: the job shows among the recent ones.
    await expect(page.locator(f"table.recent tr[data-job-id='{job_id}']")).to_contain_text(
        "succeeded", timeout=15_000
    )

    await page.get_by_role("button", name=f"Delete schedule {key}").click()
    dialog = page.get_by_role("dialog", name=f"Delete the schedule “{key}”?")
    await dialog.get_by_role("button", name="Delete schedule").click()
    await expect(page.get_by_text("Schedule deleted")).to_be_visible()
    response = await page.request.get(f"/api/v1/crons/{key}")
    assert response.status == 404


async def test_run_now_while_a_job_waits_points_at_that_job(
    plugin_page, plugin_data: PluginData, chancy: Chancy
):
    page = plugin_page
    key = f"e2e-busy-{uuid.uuid4().hex[:6]}"
    # Its job goes to a queue nobody works, so the first run stays pending.
    await Cron.schedule(chancy, "0 0 1 1 *", Job(func=OK, queue=IDLE_QUEUE, unique_key=key))
    await page.goto(f"/crons/{key}")
    run = page.get_by_role("button", name=f"Run now {key}")
    await run.click()
    await page.get_by_role("dialog").get_by_role("button", name="Run now").click()
    await expect(page.get_by_role("status").filter(has_text="Pushed a job of")).to_be_visible()
    [pending] = await jobs_of(chancy, key, "pending")

    await run.click()
    await page.get_by_role("dialog").get_by_role("button", name="Run now").click()
    result = page.get_by_role("status").filter(has_text="already waiting or running")
    await expect(result).to_be_visible()
    await expect(result.get_by_role("link")).to_have_attribute("href", f"/jobs/{pending}")
    assert await jobs_of(chancy, key, "pending") == [pending]


async def test_viewers_get_no_cron_actions(plugin_context, plugin_data: PluginData):
    await login_as(plugin_context, "viewer")
    page = await plugin_context.new_page()
    await page.goto(f"/crons/{plugin_data.cron_ok}")
    await expect(page.get_by_role("heading", name=plugin_data.cron_ok)).to_be_visible()
    await expect(page.get_by_role("button", name=re.compile("^Run now"))).to_have_count(0)
    await expect(page.get_by_role("button", name=re.compile("Delete"))).to_have_count(0)


async def test_operators_may_run_but_not_delete(plugin_context, plugin_data: PluginData):
    await login_as(plugin_context, "operator")
    page = await plugin_context.new_page()
    await page.goto("/crons")
    actions = row(page, "data-cron", plugin_data.cron_ok)
    await expect(actions.get_by_role("button", name=re.compile("^Run now"))).to_be_visible()
    await expect(actions.get_by_role("button", name=re.compile("Delete"))).to_have_count(0)


async def test_workflows_list_filters_by_state_and_name(plugin_page, plugin_data: PluginData):
    page = plugin_page
    await page.goto("/workflows")
    done = row(page, "data-workflow-id", plugin_data.workflow_id)
    await expect(done).to_contain_text(plugin_data.workflow_name)
    await expect(done).to_contain_text("completed")
    await expect(done).to_contain_text("4/4 succeeded")
    await expect(done.get_by_role("img", name="4/4 succeeded")).to_be_visible()
    running = row(page, "data-workflow-id", plugin_data.running_id)
    await expect(running).to_contain_text("running")
    await expect(running).to_contain_text("1/2 succeeded · 1 queued")

    await (
        page.get_by_role("navigation", name="Workflow state")
        .get_by_role("link", name="Completed")
        .click()
    )
    await expect(page).to_have_url(re.compile(r"state=completed"))
    await expect(done).to_be_visible()
    await expect(running).to_have_count(0)

    await page.get_by_label("Name contains").fill(plugin_data.workflow_name)
    await expect(page).to_have_url(re.compile(f"name={plugin_data.workflow_name}"))
    await expect(page.locator("table.workflows tbody tr")).to_have_count(1)
    await page.reload()
    await expect(page.get_by_label("Name contains")).to_have_value(plugin_data.workflow_name)
    await expect(page.locator("table.workflows tbody tr")).to_have_count(1)


async def test_a_workflow_is_drawn_as_a_graph_with_a_timeline(plugin_page, plugin_data: PluginData):
    page = plugin_page
    await page.goto("/workflows")
    await page.get_by_role("link", name=plugin_data.workflow_name).click()
    await expect(page).to_have_url(re.compile(f"/workflows/{plugin_data.workflow_id}$"))
    await expect(page.get_by_text("Finished: no longer refreshed")).to_be_visible()

    graph = page.get_by_role("group", name=re.compile("Workflow graph: 4 steps in 3 columns"))
    nodes = graph.locator("button[data-step]")
    await expect(nodes).to_have_count(4)
    for step_id in ("fetch", "resize", "tag", "publish"):
        await expect(graph.locator(f"[data-step='{step_id}']")).to_have_attribute(
            "data-state", "succeeded"
        )
    await expect(graph.locator("path.edge")).to_have_count(4)
    # Left to right: each step right of its dependencies.
    xs = {
        s: (await graph.locator(f"[data-step='{s}']").bounding_box())["x"]
        for s in ("fetch", "resize", "tag", "publish")
    }
    assert xs["fetch"] < xs["resize"] == xs["tag"] < xs["publish"]

    timeline = page.get_by_role("table", name="Step timeline")
    await expect(timeline.get_by_role("row")).to_have_count(5)  # axis + 4 steps

    # A node opens its step: dependencies, the job, and the URL says which step.
    await graph.locator("[data-step='publish']").click()
    await expect(page).to_have_url(re.compile(r"\?step=publish$"))
    panel = page.get_by_role("region", name="Step publish")
    await expect(panel).to_contain_text("Succeeded.")
    await expect(panel.get_by_role("button", name="resize")).to_be_visible()
    await panel.get_by_role("button", name="tag").click()
    await expect(page).to_have_url(re.compile(r"\?step=tag$"))
    await (
        page.get_by_role("region", name="Step tag")
        .get_by_role("link", name=re.compile("→"))
        .click()
    )
    await expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]{36}$"))


async def test_the_graph_pans_and_zooms_with_mouse_and_keyboard(
    plugin_page, plugin_data: PluginData
):
    page = plugin_page
    await page.goto(f"/workflows/{plugin_data.workflow_id}")
    graph = page.get_by_role("group", name=re.compile("Workflow graph"))
    world = graph.locator(".world")
    await expect(world).to_have_css("transform", re.compile("matrix"))
    before = await world.evaluate("el => el.style.transform")

    await page.get_by_role("button", name="Zoom in").click()
    zoomed = await world.evaluate("el => el.style.transform")
    assert zoomed != before and "scale(" in zoomed
    await page.get_by_role("button", name="Fit").click()
    assert await world.evaluate("el => el.style.transform") == before

    # Drag the background to pan.
    box = await graph.bounding_box()
    await page.mouse.move(box["x"] + 10, box["y"] + 10)
    await page.mouse.down()
    await page.mouse.move(box["x"] + 80, box["y"] + 40, steps=4)
    await page.mouse.up()
    assert await world.evaluate("el => el.style.transform") != before

    # Keyboard: focus the graph, zoom out with "-", fit with "0"; Tab reaches the steps.
    await graph.focus()
    await page.keyboard.press("-")
    assert await world.evaluate("el => el.style.transform") != before
    await page.keyboard.press("0")
    assert await world.evaluate("el => el.style.transform") == before
    await page.keyboard.press("Tab")
    await expect(graph.locator("button[data-step]:focus")).to_have_count(1)
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(r"\?step="))


async def test_an_unfinished_workflow_is_live(plugin_page, plugin_data: PluginData):
    page = plugin_page
    await page.goto(f"/workflows/{plugin_data.running_id}")
    status = page.locator("main .live")
    await expect(status).to_contain_text(re.compile(r"Live\b"))
    await expect(status).to_have_class(re.compile(r"\bon\b"))
    graph = page.get_by_role("group", name=re.compile("Workflow graph"))
    await expect(graph.locator("[data-step='first']")).to_have_attribute("data-state", "succeeded")
    await expect(graph.locator("[data-step='stuck']")).to_have_attribute("data-state", "pending")
    await graph.locator("[data-step='stuck']").click()
    await expect(page.get_by_role("region", name="Step stuck")).to_contain_text(
        "waiting for a worker"
    )


async def test_the_workflows_list_follows_workflow_events(
    plugin_page, plugin_data: PluginData, chancy: Chancy
):
    page = plugin_page
    await page.clock.install()
    await page.goto("/workflows")
    await expect_streaming(live_status(page))
    await mark_document(page)
    await freeze_timers(page)
    # Its step waits on a queue nobody works: being created is the only event it makes.
    name = f"e2e-announced-{uuid.uuid4().hex[:6]}"
    workflow = Workflow(name).add("only", Job(func=OK, queue=IDLE_QUEUE))
    workflow_id = await WorkflowPlugin.push(chancy, workflow)
    created = row(page, "data-workflow-id", str(workflow_id))
    await expect(created).to_contain_text(name)
    assert await still_same_document(page)


async def test_a_workflow_page_follows_its_steps_completing(
    plugin_page, plugin_data: PluginData, chancy: Chancy
):
    page = plugin_page
    # A queue the plugin server's worker serves, paused until the page watches.
    queue = f"e2e-wf-live-{uuid.uuid4().hex[:6]}"
    await chancy.declare(
        Queue(
            queue,
            tags=tagged_queue(PLUGIN_QUEUE).tags,
            executor=Chancy.Executor.Async,
            polling_interval=1,
            state=Queue.State.PAUSED,
        )
    )
    name = f"e2e-completing-{uuid.uuid4().hex[:6]}"
    workflow_id = await WorkflowPlugin.push(
        chancy, Workflow(name).add("only", Job(func=OK, queue=queue))
    )
    await page.clock.install()
    await page.goto(f"/workflows/{workflow_id}")
    graph = page.get_by_role("group", name=re.compile("Workflow graph"))
    step = graph.locator("[data-step='only']")
    await expect(step).to_have_attribute("data-state", "pending")
    await expect_streaming(live_status(page, "main"))
    await mark_document(page)
    await freeze_timers(page)

    await chancy.resume_queue(queue)
    workflow = await WorkflowPlugin.wait_for_workflow(chancy, str(workflow_id), interval=0.2)
    assert workflow.state == Workflow.State.COMPLETED
    # The step's completion and the workflow's are events: with the page's clock stopped but
    # for a throttled refresh's second, only they can show it.
    finished = page.get_by_text("Finished: no longer refreshed")
    await until_refreshed(page, lambda: expect(finished).to_be_visible(timeout=3_000))
    await expect(step).to_have_attribute("data-state", "succeeded")
    assert await still_same_document(page)


async def test_metrics_chart_a_queue_and_a_function(plugin_page, plugin_data: PluginData):
    page = plugin_page
    await page.goto("/stats?range=1h")
    await expect(page.get_by_role("heading", name="Metrics")).to_be_visible()
    outcomes = page.get_by_role("region", name="All queues", exact=True)
    await expect(outcomes.locator("svg rect.bar").first).to_be_attached()

    queues = page.get_by_role("region", name="Queues", exact=True)
    await queues.get_by_role("link", name=PLUGIN_QUEUE, exact=True).click()
    await expect(page).to_have_url(re.compile(f"queue={PLUGIN_QUEUE}"))
    charts = page.get_by_label(f"Charts of queue {PLUGIN_QUEUE}")
    await expect(charts.locator("figure")).to_have_count(3)
    await expect(charts.locator("svg rect.bar").first).to_be_attached()
    await expect(charts.locator("svg path.line").first).to_be_attached()

    # Reading a bucket from the keyboard.
    chart = charts.get_by_role("group", name=re.compile("^Throughput"))
    await chart.focus()
    await page.keyboard.press("ArrowLeft")
    await expect(chart.locator(".tip")).to_contain_text("updates")

    functions = page.get_by_role("region", name="Functions", exact=True)
    await functions.get_by_role("link", name=re.compile("plugin_ok$")).click()
    await expect(page).to_have_url(re.compile(f"func={OK}"))
    await expect(page.get_by_label(f"Charts of function {OK}").locator("figure")).to_have_count(2)

    # The resolution and worker pickers rewrite the URL; a reload keeps them.
    await page.get_by_role("button", name="5min").click()
    await expect(page).to_have_url(re.compile(r"resolution=5min"))
    await expect(page.get_by_role("button", name="1day")).to_be_disabled()
    # 5-minute buckets are not kept for 7 days: the range's own resolution (hourly) is used.
    await page.get_by_label("Range").select_option("7d")
    await expect(page).to_have_url(re.compile(r"range=7d(&|$)"))
    assert "resolution=" not in page.url
    await page.reload()
    await expect(page.get_by_role("button", name="1hour")).to_have_attribute("aria-pressed", "true")
    workers = page.get_by_label("Worker")
    await expect(workers.locator("option")).not_to_have_count(1)


async def test_metrics_open_on_the_range_that_holds_the_data(plugin_page, plugin_data):
    page = plugin_page
    await page.goto("/stats")
    # The plugin server's metrics are minutes old: the last hour, in 1-minute steps.
    await expect(page).to_have_url(re.compile(r"range=1h(&|$)"))
    await expect(page.get_by_role("button", name="1min")).to_have_attribute("aria-pressed", "true")
    # Picking "Last hour" from the day's view also takes 1-minute steps.
    await page.get_by_label("Range").select_option("24h")
    await expect(page.get_by_role("button", name="5min")).to_have_attribute("aria-pressed", "true")
    await page.get_by_label("Range").select_option("1h")
    await expect(page.get_by_role("button", name="1min")).to_have_attribute("aria-pressed", "true")


async def test_the_functions_table_sorts_by_p95_and_links_each_functions_jobs(
    plugin_page, plugin_data: PluginData
):
    page = plugin_page
    await page.goto("/stats?range=1h")
    functions = page.get_by_role("region", name="Functions", exact=True)
    table = functions.get_by_role("table", name="Metrics by function")
    await expect(table.locator("tbody tr").first).to_be_visible()
    header = table.get_by_role("columnheader", name=re.compile("^p95"))
    await header.get_by_role("button").click()
    await expect(header).to_have_attribute("aria-sort", "descending")
    await expect(table.get_by_role("columnheader", name=re.compile("^p50"))).to_be_visible()
    cells = table.locator("tbody tr td:nth-child(7)")
    values = [await c.inner_text() for c in await cells.all()]
    assert values and values[0] != "—", values
    await header.get_by_role("button").click()
    await expect(header).to_have_attribute("aria-sort", "ascending")
    await table.get_by_role("link", name=f"Jobs ({OK})").click()
    # The jobs list's search, which writes every filter into `q`.
    await expect(page).to_have_url(re.compile(r"/jobs\?q=func(:|%3A)tests\.e2e\.jobs\.plugin_ok"))


async def test_the_slowest_jobs_panel_lists_the_slowest_first_and_opens_it(
    plugin_page, plugin_data: PluginData, chancy: Chancy
):
    refs = [
        await chancy.push(Job(func=SLOW, queue=PLUGIN_QUEUE, kwargs={"seconds": seconds}))
        for seconds in (0.05, 1.0, 0.2)
    ]
    for ref in refs:
        await chancy.wait_for_job(ref, timeout=30, interval=0.2)
    ids = [str(ref.identifier) for ref in refs]
    times = await run_times(chancy, ids)
    slowest_first = sorted(ids, key=times.__getitem__, reverse=True)
    # The Functions table lists the function once the worker has flushed its metrics.
    key = f"job:{SLOW}:execution_time"
    await eventually(lambda: has_metric(chancy, key), what=f"metric {key}")

    page = plugin_page
    await page.goto("/stats?range=1h")
    panel = page.get_by_role("region", name="Slowest jobs", exact=True)
    scopes = panel.get_by_role("group", name="Whose slowest jobs")
    await expect(scopes.get_by_role("button", name="All jobs")).to_have_attribute(
        "aria-pressed", "true"
    )
    await expect(panel.locator("tbody tr").first).to_be_visible()
    # This function's: pick it in the Functions table, then scope the panel to it.
    functions = page.get_by_role("region", name="Functions", exact=True)
    await functions.get_by_role("link", name=re.compile("plugin_slow$")).click()
    await scopes.get_by_role("button", name="Function plugin_slow").click()
    await expect(page).to_have_url(re.compile(r"slow=func"))
    rows = panel.locator("tbody tr")
    await expect(rows).to_have_count(3)
    assert [await row.get_attribute("data-job-id") for row in await rows.all()] == slowest_first
    first = rows.first
    await expect(first).to_contain_text(PLUGIN_QUEUE)
    await expect(first).to_contain_text("succeeded")
    await expect(first.locator("td.ran")).to_have_text(re.compile(r"^\d+(\.\d)? s$"))

    # "All slow jobs": the jobs list, searching for those at least as slow as the last listed.
    await panel.get_by_role("link", name=re.compile("^All slow jobs")).click()
    await expect(page).to_have_url(re.compile(r"/jobs\?q=.*duration"))
    for job_id in ids:
        await expect(page.locator(f'table.jobs tbody tr[data-job-id="{job_id}"]')).to_be_visible()
    await page.go_back()

    await panel.locator("tbody tr").first.get_by_role("link", name=SLOW).click()
    await expect(page).to_have_url(re.compile(f"/jobs/{slowest_first[0]}$"))
    await expect(page.get_by_role("heading", level=1)).to_contain_text("plugin_slow")


async def test_the_metric_explorer_shows_every_series_under_a_prefix(
    plugin_page, plugin_data: PluginData
):
    page = plugin_page
    await page.goto("/stats")
    await (
        page.get_by_role("region", name="Every metric", exact=True)
        .get_by_role("link", name=PLUGIN_QUEUE, exact=True)
        .click()
    )
    await expect(page).to_have_url(re.compile(f"/stats/queue(:|%3A){PLUGIN_QUEUE}"))
    key = f"queue:{PLUGIN_QUEUE}:throughput"
    card = page.get_by_role("region", name=key, exact=True)
    await expect(card).to_contain_text("counter · count · sum")
    await expect(card.locator("svg rect.bar").first).to_be_attached()
    histogram = page.get_by_role("region", name=f"queue:{PLUGIN_QUEUE}:execution_time", exact=True)
    await expect(histogram).to_contain_text("histogram · seconds")
    await expect(histogram.locator("svg path.band")).to_be_attached()


async def test_metrics_say_so_when_a_prefix_has_nothing(plugin_page, plugin_data: PluginData):
    page = plugin_page
    await page.goto("/stats/queue:never-used-queue")
    await expect(page.get_by_text("No metric under “queue:never-used-queue”")).to_be_visible()


async def test_the_system_page_shows_versions_schema_pool_events_and_plugins(
    plugin_page, plugin_data: PluginData
):
    page = plugin_page
    await page.goto("/system")
    versions = page.get_by_role("region", name="Versions", exact=True)
    await expect(versions).to_contain_text(version("chancy"))
    await expect(versions).to_contain_text("PostgreSQL")
    health = page.get_by_role("list", name="Health")
    await expect(health).to_contain_text("Ready")
    await expect(health).to_contain_text("Up to date")
    schema = page.get_by_role("region", name="Schema versions", exact=True)
    for key in ("chancy", "web", "cron", "workflow", "metrics"):
        await expect(schema.get_by_role("cell", name=key, exact=True)).to_be_visible()
    await expect(page.get_by_role("meter", name="Connections in use")).to_be_visible()
    await expect(page.get_by_role("region", name="Live events", exact=True)).to_contain_text(
        "chancy_events"
    )
    plugins = page.get_by_role("region", name=re.compile("^Plugins"))
    for identifier in ("chancy.cron", "chancy.workflow_plugin", "chancy.metrics", "chancy.api"):
        await expect(plugins.get_by_role("cell", name=identifier, exact=True)).to_be_visible()
    # At 1360 px the whole table fits its card: nothing is cut off or scrolled away.
    wrap = plugins.locator(".table-wrap")
    overflow = await wrap.evaluate("w => w.scrollWidth - w.clientWidth")
    assert overflow <= 0, f"the plugins table overflows by {overflow}px"


async def test_the_plugins_table_shows_every_name_in_full(plugin_page, plugin_data: PluginData):
    page = plugin_page
    await page.goto("/system")
    listed = await (await page.request.get("/api/v1/plugins")).json()
    prefix = (await (await page.request.get("/api/v1/system")).json())["database"]["prefix"]
    rows = page.get_by_role("region", name=re.compile("^Plugins")).locator("tbody tr")
    await expect(rows).to_have_count(len(listed))
    # Each plugin's identifier, and each of its tables, is shown whole: its text is the full
    # name, and no cell or chip is narrower than its content (an ellipsis or a clipped cell
    # would be).
    # And at this width none is broken across lines: a name reads as one.
    names = await rows.evaluate_all(
        """rows => rows.map(r => {
            // The lines its text is set on: one box per line of each of its text nodes.
            const lines = e => {
                const walk = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
                const tops = new Set();
                for (let t = walk.nextNode(); t; t = walk.nextNode()) {
                    const range = document.createRange();
                    range.selectNodeContents(t);
                    for (const box of range.getClientRects()) tops.add(Math.round(box.top));
                }
                return tops.size;
            };
            const cell = r.cells[0];
            const named = [cell, ...r.querySelectorAll('.chip')];
            return {
                name: cell.innerText,
                tables: [...r.cells[r.cells.length - 1].querySelectorAll('.chip')]
                    .map(c => c.textContent),
                clipped: [...r.cells, ...named]
                    .filter(e => e.scrollWidth > e.clientWidth).map(e => e.textContent),
                broken: named.filter(e => lines(e) > 1).map(e => e.textContent),
            };
        })"""
    )
    for plugin, shown in zip(listed, names, strict=True):
        assert shown["name"] == plugin["identifier"], shown
        assert shown["tables"] == [prefix + table for table in plugin["tables"]], shown
        assert shown["clipped"] == [], shown
        assert shown["broken"] == [], shown


@pytest.mark.parametrize(
    "path",
    ["/crons", "/crons/{cron}", "/workflows", "/workflows/{workflow}", "/stats", "/system"],
)
async def test_pages_fit_a_phone_in_dark_mode(plugin_page, plugin_data: PluginData, path: str):
    page = plugin_page
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.emulate_media(color_scheme="dark")
    await page.goto(path.format(cron=plugin_data.cron_ok, workflow=plugin_data.workflow_id))
    await expect(page.locator("main h1")).to_be_visible()
    await expect(page.locator("[aria-busy='true']")).to_have_count(0)
    background = await page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert background == "rgb(14, 16, 20)", background  # --bg, dark
    await no_horizontal_scroll(page)
