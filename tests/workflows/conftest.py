"""A real worker running the real WorkflowPlugin, and a client of an app that serves workflows."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from chancy import Chancy, Worker
from chancy.plugins.leadership import ImmediateLeadership
from chancy.plugins.workflow import WorkflowPlugin
from litestar.testing import AsyncTestClient

from tests.conftest import tagged_queue, worker_for
from tests.test_extensions import plugin_client

#: Worked only by `workflow_worker`.
WORKFLOW_QUEUE = "workflows"
#: Worked by nobody: workflows whose steps go there never finish.
IDLE_QUEUE = "workflows-idle"


@pytest.fixture(scope="module")
async def workflow_chancy(dsn: str, chancy: Chancy) -> AsyncIterator[Chancy]:  # chancy: migrated
    # The workflow scheduler runs on the leader only; this worker leads from its first second
    # (the real election takes a minute). Another leader elsewhere would be harmless.
    app = Chancy(
        dsn,
        plugins=[ImmediateLeadership(), WorkflowPlugin(polling_interval=1)],
        no_default_plugins=True,
    )
    async with app:
        await app.declare(tagged_queue(WORKFLOW_QUEUE), upsert=True)
        yield app


@pytest.fixture(scope="module")
async def workflow_worker(workflow_chancy: Chancy) -> AsyncIterator[Worker]:
    async with worker_for(workflow_chancy, WORKFLOW_QUEUE) as worker:
        yield worker


@pytest.fixture(scope="module")
async def workflow_client(workflow_chancy: Chancy, settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with plugin_client(workflow_chancy.dsn, WorkflowPlugin(), settings=settings) as client:
        yield client
