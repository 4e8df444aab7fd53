"""Screenshots of every page for the README, made by `python scripts/screenshots.py`.

Not a test module (pytest only collects it when named on the command line): it reuses the
browser tests' set-up (live server, real worker, real Postgres) plus a more varied mix of demo
jobs, and writes PNGs to the directory named by CHANCY_WEB_SCREENSHOTS.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from chancy import Chancy, Job, Queue
from playwright.async_api import expect
from psycopg import sql

from tests.conftest import LIVE_QUEUE, PASSWORD, LiveServer, make_job
from tests.e2e.conftest import Seeded

pytestmark = pytest.mark.browser
OUT = os.environ.get("CHANCY_WEB_SCREENSHOTS")
DEMO = "chancy_web.demo.jobs"


def output_dir() -> Path:
    assert OUT, "set CHANCY_WEB_SCREENSHOTS to the output directory (see scripts/screenshots.py)"
    out = Path(OUT)
    out.mkdir(parents=True, exist_ok=True)
    return out


async def seed_demo_mix(chancy: Chancy) -> str:
    """Jobs with real names, arguments and failures; returns a failed job's id."""
    for name, tags in (("emails", {"role=nobody"}), ("billing", {"role=nobody"})):
        await chancy.declare(Queue(name, tags=tags, concurrency=4), upsert=True)
    await chancy.declare(
        Queue("archive", tags={"role=nobody"}, state=Queue.State.PAUSED), upsert=True
    )
    jobs = []
    for i in range(14):
        to = f"user{i}@example.{'invalid' if i % 5 == 0 else 'com'}"
        jobs.append(
            Job(
                func=f"{DEMO}.send_email",
                queue=LIVE_QUEUE,
                kwargs={"to": to, "template": "welcome"},
            )
        )
    for i in range(10):
        jobs.append(
            Job(
                func=f"{DEMO}.charge_card",
                queue=LIVE_QUEUE,
                kwargs={"order_id": 1000 + i, "amount_cents": 1300 * (i % 3) + 1999 + (i % 4) * 11},
                meta={"customer": f"cus_{i:04d}"},
            )
        )
    for i in range(6):
        jobs.append(
            Job(
                func=f"{DEMO}.resize_image",
                queue=LIVE_QUEUE,
                kwargs={"image_id": i, "width": 1920, "height": 1080},
            )
        )
    jobs.append(
        Job(
            func=f"{DEMO}.import_orders",
            queue=LIVE_QUEUE,
            kwargs={"source": "legacy", "rows": 120},
            max_attempts=2,
        )
    )
    refs = [ref async for batch in chancy.push_many(jobs) for ref in batch]
    for ref in refs:
        await chancy.wait_for_job(ref, timeout=60, interval=0.2)
    # Work nobody has picked up yet, so queues show depth and wait.
    for _ in range(7):
        await make_job(chancy, queue="emails", func=f"{DEMO}.send_email")
    for _ in range(3):
        await make_job(chancy, queue="billing", func=f"{DEMO}.charge_card")
    await make_job(chancy, queue="archive", func=f"{DEMO}.archive_invoice")
    await chancy.push(
        Job(
            func=f"{DEMO}.export_table", queue=LIVE_QUEUE, kwargs={"table": "orders", "chunks": 120}
        )
    )
    await asyncio.sleep(1.5)
    failed = await chancy.get_job(refs[-1])
    return str(failed.id) if failed else str(refs[-1].identifier)


async def test_screenshots(browser: Any, live_server: LiveServer, seeded: Seeded, chancy: Chancy):
    out = output_dir()
    failed_id = await seed_demo_mix(chancy)

    async def shoot(
        path: str,
        name: str,
        *,
        scheme: str = "light",
        width: int = 1360,
        height: int = 860,
        full: bool = False,
        ready: str | None = None,
    ) -> None:
        context = await browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            color_scheme=scheme,
            device_scale_factor=1,
        )
        await context.request.post(
            "/api/v1/login", data={"username": "admin", "password": PASSWORD}
        )
        page = await context.new_page()
        await page.goto(path)
        if ready:
            await expect(page.locator(ready).first).to_be_visible()
        await page.wait_for_load_state("networkidle")
        await page.wait_for_timeout(300)
        await page.screenshot(path=str(out / f"{name}.png"), full_page=full)
        await context.close()

    login = await browser.new_context(
        base_url=live_server.url, viewport={"width": 1360, "height": 760}
    )
    page = await login.new_page()
    await page.goto("/login")
    await page.get_by_label("Username").fill("admin")
    await page.screenshot(path=str(out / "login.png"))
    await login.close()

    await shoot("/", "overview", ready="table.failures tbody tr", full=True)
    await shoot("/", "overview-dark", scheme="dark", ready="table.failures tbody tr", full=True)
    await shoot("/failures", "failures", ready="table.failures tbody tr")
    await shoot(
        f"/failures/{await fingerprint_of(chancy, failed_id)}",
        "failure-detail",
        ready=".traceback",
        full=True,
    )
    await shoot("/jobs", "jobs", ready="table.jobs tbody tr")
    await shoot("/jobs?state=failed", "jobs-failed", ready="table.jobs tbody tr")
    await shoot(f"/jobs/{failed_id}", "job-detail", ready=".traceback", full=True)
    await shoot(
        f"/jobs/{failed_id}", "job-detail-dark", scheme="dark", ready=".traceback", full=True
    )
    await shoot("/queues", "queues", ready="table.data tbody tr")
    await shoot(f"/queues/{LIVE_QUEUE}", "queue-detail", ready="table.jobs tbody tr", full=True)
    await shoot("/workers", "workers", ready="table.data tbody tr")
    workers = [w for w in await chancy.get_all_workers() if LIVE_QUEUE in (w.get("queues") or [])]
    worker_id = workers[0]["worker_id"] if workers else None
    if worker_id:
        await shoot(f"/workers/{worker_id}", "worker-detail", ready="h1", full=True)
    await shoot(
        "/jobs?state=failed", "jobs-narrow", width=420, height=860, ready="table.jobs tbody tr"
    )
    # At phone width: the top bar (other pages under "More"), light and dark.
    phone = {"width": 390, "height": 844}
    await shoot("/", "overview-phone", **phone, ready="table.jobs tbody tr")
    await shoot(
        f"/jobs/{failed_id}", "job-detail-phone-dark", scheme="dark", **phone, ready=".traceback"
    )
    await shoot("/queues", "queues-phone-dark", scheme="dark", **phone, ready="table.data tbody tr")

    # The operations pages: a few audited actions (one denied), and events arriving live.
    await audited_actions(browser, live_server, failed_id)
    await shoot("/audit", "audit", ready="table.audit tbody tr")
    context = await browser.new_context(
        base_url=live_server.url, viewport={"width": 1360, "height": 760}, device_scale_factor=1
    )
    await context.request.post("/api/v1/login", data={"username": "admin", "password": PASSWORD})
    page = await context.new_page()
    await page.goto("/events")
    await expect(page.locator(".page-header .status")).to_contain_text("Connected")
    for _ in range(4):
        await chancy.push(Job(func=f"{DEMO}.send_email", queue=LIVE_QUEUE, kwargs={"to": "a@b.c"}))
        await asyncio.sleep(0.3)
    await chancy.pause_queue("billing")
    await chancy.resume_queue("billing")
    await expect(page.locator("table.events tbody tr").nth(5)).to_be_visible()
    await page.wait_for_timeout(300)
    await page.screenshot(path=str(out / "events.png"))
    await context.close()


async def fingerprint_of(chancy: Chancy, job_id: str) -> str:
    """The failure group of a failed job, once the server's fold has counted it."""
    async with asyncio.timeout(60):
        while True:
            async with chancy.pool.connection() as conn:
                cursor = await conn.execute(
                    sql.SQL("SELECT fingerprint FROM {} WHERE job_id = %s").format(
                        sql.Identifier(f"{chancy.prefix}web_failure_jobs")
                    ),
                    (job_id,),
                )
                row = await cursor.fetchone()
            if row:
                return str(row[0])
            await asyncio.sleep(0.3)


async def audited_actions(browser: Any, live_server: LiveServer, job_id: str) -> None:
    """Actions through the API, as the audit page shows them."""
    tokens = {}
    for user in ("admin", "operator", "viewer"):
        # A context each: logging in again with a session cookie ends that session.
        login = await browser.new_context(base_url=live_server.url)
        response = await login.request.post(
            "/api/v1/login", data={"username": user, "password": PASSWORD}
        )
        tokens[user] = {"Authorization": f"Bearer {(await response.json())['token']}"}
        await login.close()
    context = await browser.new_context(base_url=live_server.url)
    await context.request.post(f"/api/v1/jobs/{job_id}/cancel", headers=tokens["viewer"])
    await context.request.post("/api/v1/queues/archive/resume", headers=tokens["operator"])
    await context.request.post("/api/v1/queues/archive/pause", headers=tokens["operator"])
    await context.request.post(f"/api/v1/jobs/{job_id}/retry", headers=tokens["operator"])
    await context.request.patch(
        "/api/v1/queues/emails", data={"concurrency": 6}, headers=tokens["admin"]
    )
    await context.request.delete("/api/v1/queues/nothing-here", headers=tokens["admin"])
    await context.close()
