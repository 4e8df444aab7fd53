"""axe-core over every page of the dashboard, in both themes, at desktop and phone width: no
serious or critical findings.

axe-core comes from ui/node_modules (an npm devDependency); it is injected into each page, so
the contexts here bypass the page's Content Security Policy (which rightly refuses it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from chancy import Chancy
from playwright.async_api import expect

from tests.e2e.conftest import Watcher, require
from tests.e2e.plugin_fixtures import *  # noqa: F403 - the fixtures of the plugin pages
from tests.e2e.plugin_fixtures import PluginData, PluginServer, jobs_of, login_as

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "ui" / "node_modules" / "axe-core" / "axe.min.js"
VARIANTS = {
    "light": ("light", {"width": 1360, "height": 900}),
    "dark": ("dark", {"width": 1360, "height": 900}),
    "phone-light": ("light", {"width": 390, "height": 844}),
    "phone-dark": ("dark", {"width": 390, "height": 844}),
}
SERIOUS = {"serious", "critical"}


async def pages_to_check(chancy: Chancy, data: PluginData) -> list[str]:
    failed = await jobs_of(chancy, data.cron_failed, "failed")
    workers = await chancy.get_all_workers()
    return [
        "/",
        "/jobs",
        "/jobs?state=failed",
        f"/jobs/{failed[0]}",
        "/queues",
        "/queues/e2e-plugins",
        "/workers",
        f"/workers/{workers[0]['worker_id']}",
        "/crons",
        f"/crons/{data.cron_ok}",
        "/workflows",
        f"/workflows/{data.workflow_id}",
        f"/workflows/{data.running_id}",
        "/stats",
        "/stats/queue:e2e-plugins",
        "/system",
        "/events",
        "/audit",
    ]


async def findings(page: Any) -> list[str]:
    """axe's serious and critical violations on the page as it is now, one line per element."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE))
    result = await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")
    return [
        f"{rule['id']} ({rule['impact']}): {' '.join(node['target'])}: {node['failureSummary']}"
        for rule in result["violations"]
        if rule["impact"] in SERIOUS
        for node in rule["nodes"]
    ]


async def settled(page: Any) -> None:
    await expect(page.locator("h1").first).to_be_visible()
    await expect(page.locator("[aria-busy='true']")).to_have_count(0)
    await page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("variant", list(VARIANTS))
async def test_axe_finds_nothing_serious_on_any_page(
    browser: Any, plugin_server: PluginServer, plugin_data: PluginData, chancy: Chancy, variant
):
    require(AXE.is_file(), f"{AXE} is missing: (cd ui && npm ci)")
    scheme, viewport = VARIANTS[variant]
    context = await browser.new_context(
        base_url=plugin_server.url, viewport=viewport, color_scheme=scheme, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    watcher = Watcher()
    page = await context.new_page()
    watcher.attach(page)
    problems: list[str] = []
    try:
        await page.goto("/login")
        await settled(page)
        problems += [f"/login: {f}" for f in await findings(page)]
        await login_as(context)
        for path in await pages_to_check(chancy, plugin_data):
            await page.goto(path)
            await settled(page)
            problems += [f"{path}: {f}" for f in await findings(page)]
    finally:
        await context.close()
    assert not problems, "\n".join(problems)
    assert not watcher.problems, watcher.problems
