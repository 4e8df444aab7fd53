"""A real worker running the real Cron plugin, and a client of an app that serves crons."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from chancy import Chancy, Worker
from chancy.plugins.cron import Cron
from litestar.testing import AsyncTestClient

from tests.conftest import tagged_queue, worker_for
from tests.test_extensions import plugin_client

#: Worked only by `cron_worker`.
CRON_QUEUE = "crons"
#: Worked by nobody: its jobs stay pending.
IDLE_QUEUE = "crons-idle"


@pytest.fixture(scope="module")
async def cron_chancy(dsn: str, chancy: Chancy) -> AsyncIterator[Chancy]:  # chancy: migrated
    app = Chancy(dsn, plugins=[Cron(poll_interval=1)], no_default_plugins=True)
    async with app:
        await app.migrate()  # the Cron plugin's table
        await app.declare(tagged_queue(CRON_QUEUE), upsert=True)
        yield app


@pytest.fixture(scope="module")
async def cron_worker(cron_chancy: Chancy) -> AsyncIterator[Worker]:
    """Polls the schedules every second (the Cron plugin does not wait for leadership)."""
    async with worker_for(cron_chancy, CRON_QUEUE) as worker:
        yield worker


@pytest.fixture(scope="module")
async def cron_client(cron_chancy: Chancy, settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with plugin_client(cron_chancy.dsn, Cron(), settings=settings) as client:
        yield client
