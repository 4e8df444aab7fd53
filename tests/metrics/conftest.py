"""A real worker recording metrics with the real Metrics plugin, and a client of an app that
serves them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from chancy import Chancy, Worker
from chancy.plugins.metrics import Metrics
from litestar.testing import AsyncTestClient

from tests.conftest import tagged_queue, worker_for
from tests.test_extensions import plugin_client

#: Worked only by `metrics_worker`; its metric keys are `queue:web-metrics:...`.
METRICS_QUEUE = "web-metrics"


@pytest.fixture(scope="module")
async def metrics_chancy(dsn: str, chancy: Chancy) -> AsyncIterator[Chancy]:  # chancy: migrated
    # The tests flush by hand rather than wait for the minute-long sync interval.
    app = Chancy(dsn, plugins=[Metrics(sync_interval=3600)], no_default_plugins=True)
    async with app:
        await app.declare(tagged_queue(METRICS_QUEUE), upsert=True)
        yield app


@pytest.fixture(scope="module")
async def metrics_worker(metrics_chancy: Chancy) -> AsyncIterator[Worker]:
    async with worker_for(metrics_chancy, METRICS_QUEUE) as worker:
        yield worker


@pytest.fixture(scope="module")
async def metrics_client(metrics_chancy: Chancy, settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with plugin_client(metrics_chancy.dsn, Metrics(), settings=settings) as client:
        yield client
