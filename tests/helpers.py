"""Helpers every test package shares: log in, make a unique name, wait for a condition, and
one fixture factory for "a Chancy app with this plugin, a worker and a client"."""

from __future__ import annotations

import asyncio
import inspect
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from chancy import Chancy, Worker
from chancy.plugin import Plugin
from litestar.testing import AsyncTestClient

from chancy_web import create_app
from tests.conftest import PASSWORD, auth_backend, tagged_queue, worker_for


def unique(prefix: str = "q") -> str:
    """A name no other test uses (queues, schedules, unique keys)."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def login_as(context: Any, username: str = "admin") -> str:
    """Log a browser context in as `username`; returns the session's bearer token."""
    response = await context.request.post(
        "/api/v1/login", data={"username": username, "password": PASSWORD}
    )
    assert response.ok, await response.text()
    token: str = (await response.json())["token"]
    return token


async def eventually(
    check: Callable[[], Any], what: str = "condition", within_s: float = 60, every_s: float = 0.05
) -> Any:
    """Poll `check()` (sync or async) until it returns something truthy, and return that;
    for states that send no event to wait on. Fails after `within_s` seconds."""
    try:
        async with asyncio.timeout(within_s):
            while True:
                result = check()
                if inspect.isawaitable(result):
                    result = await result
                if result:
                    return result
                await asyncio.sleep(every_s)
    except TimeoutError:
        raise AssertionError(f"no {what} after {within_s} s") from None


@asynccontextmanager
async def plugin_client(
    dsn: str, *plugins: Plugin, settings: Any
) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    """A client of the app for a Chancy with exactly these plugins.

    The app gets a Chancy of its own, which it opens in its lifespan: the test client runs
    the app in another thread and event loop, where a pool opened by the test cannot grow.
    """
    app = Chancy(dsn, plugins=list(plugins), no_default_plugins=True)
    web = create_app(app, authentication_backend=auth_backend(), settings=settings)
    async with AsyncTestClient(web) as client:
        yield client


def _takes(function: Callable[..., Any], *names: str) -> Callable[..., Any]:
    """`function(**kwargs)` as a fixture that asks for the fixtures `names`."""
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    function.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(name, kind) for name in names]
    )
    return function


def plugin_app_fixtures(
    prefix: str,
    *,
    plugins: Callable[[], list[Plugin]],
    queue: str,
    served: Callable[[], Plugin],
    migrate: bool = False,
) -> tuple[Any, Any, Any]:
    """Three module-scoped fixtures, `<prefix>_chancy`, `<prefix>_worker`, `<prefix>_client`:
    a Chancy app with `plugins()` and `queue` declared (its tables migrated if `migrate`), a
    real worker for `queue`, and a client of a chancy-web app serving `served()`'s routes.

    Assign them in a conftest: `cron_chancy, cron_worker, cron_client = plugin_app_fixtures(...)`.
    """

    async def app_chancy(dsn: str, chancy: Chancy) -> AsyncIterator[Chancy]:  # chancy: migrated
        app = Chancy(dsn, plugins=plugins(), no_default_plugins=True)
        async with app:
            if migrate:
                await app.migrate()
            await app.declare(tagged_queue(queue), upsert=True)
            yield app

    async def app_worker(**fixtures: Any) -> AsyncIterator[Worker]:
        async with worker_for(fixtures[f"{prefix}_chancy"], queue) as worker:
            yield worker

    async def app_client(**fixtures: Any) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
        dsn = fixtures[f"{prefix}_chancy"].dsn
        async with plugin_client(dsn, served(), settings=fixtures["settings"]) as client:
            yield client

    module = pytest.fixture(scope="module", name=f"{prefix}_chancy")(app_chancy)
    worker = pytest.fixture(scope="module", name=f"{prefix}_worker")(
        _takes(app_worker, f"{prefix}_chancy")
    )
    client = pytest.fixture(scope="module", name=f"{prefix}_client")(
        _takes(app_client, f"{prefix}_chancy", "settings")
    )
    return module, worker, client
