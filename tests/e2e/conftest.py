"""Browser fixtures: Debian's Chromium driven by the `playwright` package, a live server with
real jobs run by a real worker, and the same app mounted under a prefix in a host app.

Without Chromium or a built dashboard these tests skip locally and fail when `CI` is set.
"""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from chancy import Chancy, Job
from litestar import Litestar, asgi

from chancy_web import create_app
from chancy_web.spa.serve import STATIC_DIR
from tests.conftest import (
    LIVE_QUEUE,
    PASSWORD,
    LiveServer,
    auth_backend,
    free_port,
    make_chancy,
    wait_for_port,
)

CHROMIUM = Path(os.environ.get("CHANCY_WEB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
MOUNT_PREFIX = "/ops/chancy"
OK_JOBS = 60
FAILED_JOBS = 3


def require(condition: bool, reason: str) -> None:
    """Skip when something the browser tests need is missing, but fail in CI."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so browser tests may not skip)")
    pytest.skip(reason)


def require_browser_and_build() -> None:
    require(CHROMIUM.is_file(), f"{CHROMIUM} is missing: apt-get install chromium")
    require(
        (STATIC_DIR / "index.html").is_file(),
        "the dashboard is not built: bash scripts/build_ui.sh",
    )


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    require_browser_and_build()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        await chromium.close()


@dataclass
class Seeded:
    ok: list[str]
    failed: list[str]
    func_ok: str = "tests.e2e.jobs.e2e_ok"
    func_fail: str = "tests.e2e.jobs.e2e_fail"


@pytest.fixture(scope="session")
async def seeded(chancy: Chancy, live_server: LiveServer) -> Seeded:
    """Real jobs, run to the end by the live server's worker: successes and failures."""

    async def push(jobs: list[Job]) -> list[Any]:
        return [ref async for batch in chancy.push_many(jobs) for ref in batch]

    ok = await push(
        [Job(func=Seeded.func_ok, queue=LIVE_QUEUE, kwargs={"n": i}) for i in range(OK_JOBS)]
    )
    failed = await push(
        [
            Job(func=Seeded.func_fail, queue=LIVE_QUEUE, kwargs={"message": f"kaput {i}"})
            for i in range(FAILED_JOBS)
        ]
    )
    for ref in [*ok, *failed]:
        await chancy.wait_for_job(ref, timeout=60, interval=0.2)
    return Seeded(ok=[str(r.identifier) for r in ok], failed=[str(r.identifier) for r in failed])


@dataclass
class Server:
    url: str
    prefix: str = ""


@pytest.fixture(scope="session")
def mounted_server(dsn: str, live_server: LiveServer) -> Iterator[Server]:
    """create_app() mounted at MOUNT_PREFIX inside a host Litestar app, served by uvicorn."""
    port = free_port()
    app_chancy = make_chancy(dsn)

    async def open_pool() -> None:
        # A mounted app's own lifespan does not run: the host opens the pool.
        await app_chancy.pool.open()

    async def close_pool() -> None:
        await app_chancy.pool.close()

    inner = create_app(app_chancy, authentication_backend=auth_backend())
    host = Litestar(
        route_handlers=[asgi(MOUNT_PREFIX, is_mount=True, copy_scope=True)(inner)],
        on_startup=[open_pool],
        on_shutdown=[close_pool],
    )
    server = uvicorn.Server(uvicorn.Config(host, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for_port(port)
    yield Server(url=f"http://127.0.0.1:{port}", prefix=MOUNT_PREFIX)
    server.should_exit = True
    thread.join(30)


class Watcher:
    """Collects what must never happen on a page: uncaught errors and CSP violations."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def attach(self, page: Any) -> None:
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
            self.problems.append(f"CSP: {text}")


@pytest.fixture
async def context(browser: Any, live_server: LiveServer) -> AsyncIterator[Any]:
    ctx = await browser.new_context(
        base_url=live_server.url, viewport={"width": 1360, "height": 900}
    )
    ctx.set_default_timeout(10_000)
    yield ctx
    await ctx.close()


@pytest.fixture
async def page(context: Any) -> AsyncIterator[Any]:
    watcher = Watcher()
    tab = await context.new_page()
    watcher.attach(tab)
    yield tab
    assert not watcher.problems, watcher.problems


async def api_login(context: Any, prefix: str = "") -> None:
    """Log the browser context in through the API (the login form has its own test)."""
    response = await context.request.post(
        f"{prefix}/api/v1/login", data={"username": "admin", "password": PASSWORD}
    )
    assert response.ok, await response.text()


@pytest.fixture
async def logged_in(page: Any, context: Any) -> Any:
    await api_login(context)
    return page
