"""Screenshots of the crons, workflows, metrics and system pages, made by
`python scripts/screenshots.py` (not a test module: pytest collects it only when named).

Runs on the plugin server of the browser tests (tests/e2e/plugin_fixtures.py) with the demo's
job functions: schedules in three timezones, workflows that complete, fail and run, and the
metrics their jobs leave.
"""

from __future__ import annotations

import asyncio
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from chancy import Chancy, Job, Queue
from chancy.plugins.cron import Cron
from chancy.plugins.workflow import Workflow, WorkflowPlugin
from playwright.async_api import expect

from tests.conftest import PASSWORD, tagged_queue
from tests.e2e.plugin_fixtures import (
    PLUGIN_QUEUE,
    PluginServer,
    has_metric,
    jobs_of,
    make_due,
)
from tests.e2e.screenshots import output_dir
from tests.helpers import eventually

pytestmark = pytest.mark.browser
DEMO = "chancy_web.demo.jobs"


def demo(func: str, **kwargs: Any) -> Job:
    return Job(func=f"{DEMO}.{func}", queue=PLUGIN_QUEUE, kwargs=kwargs)


def etl(name: str, *, legacy: bool, chunks: int = 2) -> Workflow:
    return (
        Workflow(name)
        .add("extract-orders", demo("import_orders", source="shop", rows=200))
        .add("extract-customers", demo("export_table", table="customers", chunks=chunks))
        .add_group(
            [
                ("sales", demo("fetch_feed", feed="sales")),
                (
                    "churn",
                    demo("import_orders", source="legacy" if legacy else "crm", rows=80),
                ),
            ],
            ["extract-orders", "extract-customers"],
        )
        .add("load", demo("export_table", table="warehouse", chunks=2), ["sales", "churn"])
        .add("notify", demo("send_email", to="data@example.com", template="etl"), ["load"])
    )


async def seed(chancy: Chancy) -> dict[str, str]:
    await chancy.declare(tagged_queue(PLUGIN_QUEUE), upsert=True)
    await chancy.declare(Queue("reports", tags={"role=nobody"}), upsert=True)
    schedules = [
        ("purge-temp-files", "* * * * *", "Etc/UTC", demo("purge_temp_files")),
        (
            "legacy-import",
            "*/2 * * * *",
            "Etc/UTC",
            demo("import_orders", source="legacy", rows=40),
        ),
        (
            "nightly-export",
            "0 2 * * *",
            "Europe/Paris",
            demo("export_table", table="orders", chunks=1),
        ),
        (
            "weekly-digest",
            "0 9 * * 1",
            "America/New_York",
            demo("send_email", to="team@example.com", template="digest"),
        ),
        ("month-end-close", "30 6 1 * *", "Asia/Tokyo", demo("fetch_feed", feed="ledger")),
    ]
    for key, cron, zone, job in schedules:
        await Cron.schedule(chancy, cron, job.with_unique_key(key), timezone=ZoneInfo(zone))
    for key in ("purge-temp-files", "legacy-import", "nightly-export"):
        await make_due(chancy, key)

    jobs = [
        demo(
            "send_email",
            to=f"user{i}@example.{'invalid' if i % 6 == 0 else 'com'}",
            template="welcome",
        )
        for i in range(18)
    ]
    # Amounts that are multiples of 13 are declined.
    jobs += [
        demo("charge_card", order_id=1000 + i, amount_cents=1300 if i % 5 == 0 else 1999 + i)
        for i in range(12)
    ]
    jobs += [demo("resize_image", image_id=i, width=1920, height=1080) for i in range(8)]
    async for _ in chancy.push_many(jobs):
        pass

    done = await WorkflowPlugin.push(chancy, etl("nightly-etl-41", legacy=False))
    failed = await WorkflowPlugin.push(chancy, etl("nightly-etl-42", legacy=True))
    feeds = await WorkflowPlugin.push(
        chancy,
        Workflow("refresh-feeds-17")
        .add("fetch-news", demo("fetch_feed", feed="news"))
        .add("fetch-blog", demo("fetch_feed", feed="blog"))
        .add("publish", demo("publish_feed", feed="all"), ["fetch-news", "fetch-blog"]),
    )
    for workflow_id in (done, failed, feeds):
        await WorkflowPlugin.wait_for_workflow(chancy, workflow_id, interval=0.2, timeout=60)
    running = await WorkflowPlugin.push(chancy, etl("nightly-etl-43", legacy=False, chunks=60))
    await eventually(lambda: jobs_of(chancy, "legacy-import", "failed"), what="a failed cron run")
    await eventually(lambda: jobs_of(chancy, "nightly-export", "succeeded"), what="a cron run")
    await eventually(
        lambda: has_metric(chancy, f"job:{DEMO}.charge_card:execution_time"), what="metrics"
    )
    await asyncio.sleep(3)  # the step timeline of the running workflow moves on a little
    return {"workflow": str(failed), "running": str(running)}


async def test_plugin_screenshots(browser: Any, plugin_server: PluginServer, chancy: Chancy):
    out = output_dir()
    ids = await seed(chancy)

    async def shoot(
        path: str,
        name: str,
        *,
        scheme: str = "light",
        width: int = 1360,
        height: int = 860,
        full: bool = False,
        ready: str = "main h1",
    ) -> None:
        context = await browser.new_context(
            base_url=plugin_server.url,
            viewport={"width": width, "height": height},
            color_scheme=scheme,
            device_scale_factor=1,
        )
        await context.request.post(
            "/api/v1/login", data={"username": "admin", "password": PASSWORD}
        )
        page = await context.new_page()
        await page.goto(path)
        await expect(page.locator(ready).first).to_be_visible()
        await page.wait_for_load_state("networkidle")
        await page.wait_for_timeout(400)
        await page.screenshot(path=str(out / f"{name}.png"), full_page=full)
        await context.close()

    await shoot("/crons", "crons", ready="table.crons tbody tr", full=True)
    await shoot("/crons/legacy-import", "cron-detail", ready="table.recent tbody tr", full=True)
    await shoot("/workflows", "workflows", ready="table.workflows tbody tr")
    await shoot(
        f"/workflows/{ids['workflow']}?step=churn", "workflow-detail", ready=".node", full=True
    )
    await shoot(
        f"/workflows/{ids['running']}",
        "workflow-detail-dark",
        scheme="dark",
        ready=".node",
        full=True,
    )
    await shoot("/stats?range=1h", "metrics", ready="svg rect.bar", full=True)
    await shoot("/stats", "metrics-dark", scheme="dark", ready="svg rect.bar", full=True)
    await shoot(f"/stats/queue:{PLUGIN_QUEUE}?range=1h", "metrics-explorer", ready="svg", full=True)
    await shoot("/system", "system", ready="table.plugins tbody tr", full=True)
    await shoot("/workflows/" + ids["workflow"], "workflow-narrow", width=420, ready=".node")
