"""A real worker recording metrics with the real Metrics plugin, and a client of an app that
serves them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from chancy import Chancy, Queue, Worker
from chancy.plugins.metrics import Metrics
from litestar.testing import AsyncTestClient

from tests.test_extensions import plugin_client

#: Worked only by `metrics_worker`; its metric keys are `queue:web-metrics:...`.
METRICS_QUEUE = "web-metrics"


@pytest.fixture(scope="module")
async def metrics_chancy(dsn: str, chancy: Chancy) -> AsyncIterator[Chancy]:  # chancy: migrated
    # The tests flush by hand rather than wait for the minute-long sync interval.
    app = Chancy(dsn, plugins=[Metrics(sync_interval=3600)], no_default_plugins=True)
    async with app:
        await app.declare(
            Queue(
                METRICS_QUEUE,
                executor=Chancy.Executor.Async,
                polling_interval=1,
                concurrency=4,
                tags={f"role={METRICS_QUEUE}-worker"},
            ),
            upsert=True,
        )
        yield app


@pytest.fixture(scope="module")
async def metrics_worker(metrics_chancy: Chancy) -> AsyncIterator[Worker]:
    worker = Worker(
        metrics_chancy,
        register_signal_handlers=False,
        queue_change_poll_interval=1,
        tags={f"role={METRICS_QUEUE}-worker"},
    )
    await worker.start()
    yield worker
    await worker.stop()


@pytest.fixture(scope="module")
async def metrics_client(metrics_chancy: Chancy, settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with plugin_client(metrics_chancy.dsn, Metrics(), settings=settings) as client:
        yield client
