"""Browser fixtures for the plugin pages: a live server whose worker runs the real Cron,
WorkflowPlugin and Metrics plugins, and the live data they make.

`plugin_server` is chancy-web in plugin mode, as `live_server` is, with the plugins tuned for
tests: schedules polled every second, the workflow scheduler leading at once and polling every
second, metrics flushed every second. `plugin_data` schedules crons and makes them due, runs a
workflow to completion, leaves another one waiting on a queue nobody works, and waits until
the worker's metrics are in the database.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from chancy import Chancy, Job, Queue
from chancy.plugins.cron import Cron
from chancy.plugins.leadership import ImmediateLeadership
from chancy.plugins.metrics import Metrics
from chancy.plugins.workflow import Workflow, WorkflowPlugin
from psycopg import sql

from chancy_web import Api, Settings
from tests.conftest import (
    auth_backend,
    free_port,
    tagged_queue,
    wait_for_port,
    worker_for,
)
from tests.e2e.conftest import Watcher
from tests.helpers import eventually, login_as

#: Worked only by the plugin server's worker.
PLUGIN_QUEUE = "e2e-plugins"
#: Worked by nobody: a workflow step queued there waits for ever.
IDLE_QUEUE = "e2e-plugins-idle"
OK = "tests.e2e.jobs.plugin_ok"
FAIL = "tests.e2e.jobs.plugin_fail"


@dataclass
class PluginServer:
    url: str


@dataclass
class PluginData:
    #: A `* * * * *` schedule whose job ran and succeeded.
    cron_ok: str
    #: A weekday schedule in Europe/Paris whose job ran and failed.
    cron_failed: str
    #: The jobs `cron_ok` produced.
    cron_ok_jobs: list[str]
    #: fetch -> (resize, tag) -> publish, run to completion.
    workflow_id: str
    workflow_name: str
    #: first -> stuck, where `stuck` waits on IDLE_QUEUE.
    running_id: str


@pytest.fixture(scope="session")
def plugin_server(dsn: str, chancy: Chancy) -> Iterator[PluginServer]:
    """A real worker with the Cron, WorkflowPlugin and Metrics plugins, serving chancy-web."""
    port = free_port()
    ready = threading.Event()
    stop: dict[str, Any] = {}

    async def main() -> None:
        api = Api(
            port=port,
            authentication_backend=auth_backend(),
            settings=Settings(login_failures_per_user=1000, login_failures_per_client=1000),
        )
        app = Chancy(
            dsn,
            plugins=[
                api,
                ImmediateLeadership(),
                Cron(poll_interval=1),
                WorkflowPlugin(polling_interval=1),
                Metrics(sync_interval=1),
            ],
            no_default_plugins=True,
            max_connection_pool_size=10,
        )
        async with app, worker_for(app, PLUGIN_QUEUE):
            stop["loop"], stop["event"] = asyncio.get_running_loop(), asyncio.Event()
            ready.set()
            await stop["event"].wait()

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(30), "plugin server did not start"
    wait_for_port(port)
    yield PluginServer(url=f"http://127.0.0.1:{port}")
    stop["loop"].call_soon_threadsafe(stop["event"].set)
    thread.join(30)


async def schedule(chancy: Chancy, key: str, cron: str, func: str, timezone: str = "Etc/UTC"):
    await Cron.schedule(
        chancy,
        cron,
        Job(func=func, queue=PLUGIN_QUEUE, unique_key=key, kwargs={"n": 1}),
        timezone=ZoneInfo(timezone),
    )


async def make_due(chancy: Chancy, key: str) -> None:
    """Bring a schedule's next run to now, so that the Cron plugin pushes it on its next poll."""
    async with chancy.pool.connection() as conn:
        await conn.execute(
            sql.SQL(
                "UPDATE {} SET next_run = now() - interval '1 second' WHERE unique_key = %s"
            ).format(sql.Identifier(f"{chancy.prefix}cron")),
            (key,),
        )


async def jobs_of(chancy: Chancy, key: str, *states: str) -> list[str]:
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(
            sql.SQL(
                "SELECT id::text FROM {} WHERE unique_key = %s AND state = ANY(%s) ORDER BY id DESC"
            ).format(sql.Identifier(f"{chancy.prefix}jobs")),
            (key, list(states)),
        )
        return [row[0] for row in await cursor.fetchall()]


async def has_metric(chancy: Chancy, key: str) -> bool:
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(
            sql.SQL(
                "SELECT 1 FROM {} d JOIN {} m ON m.metric_id = d.id WHERE d.key = %s LIMIT 1"
            ).format(
                sql.Identifier(f"{chancy.prefix}metric_definitions"),
                sql.Identifier(f"{chancy.prefix}metrics"),
            ),
            (key,),
        )
        return await cursor.fetchone() is not None


def step(func: str = OK, queue: str = PLUGIN_QUEUE) -> Job:
    return Job(func=func, queue=queue, kwargs={"n": 2})


@pytest.fixture(scope="session")
async def plugin_data(chancy: Chancy, plugin_server: PluginServer) -> PluginData:
    await chancy.declare(tagged_queue(PLUGIN_QUEUE), upsert=True)
    await chancy.declare(Queue(IDLE_QUEUE, tags={"role=nobody"}), upsert=True)
    suffix = uuid.uuid4().hex[:6]

    cron_ok, cron_failed = f"e2e-every-minute-{suffix}", f"e2e-weekday-report-{suffix}"
    await schedule(chancy, cron_ok, "* * * * *", OK)
    await schedule(chancy, cron_failed, "0 9 * * 1-5", FAIL, timezone="Europe/Paris")
    for key in (cron_ok, cron_failed):
        await make_due(chancy, key)

    name = f"e2e-diamond-{suffix}"
    workflow_id = await WorkflowPlugin.push(
        chancy,
        Workflow(name)
        .add("fetch", step())
        .add_group([("resize", step()), ("tag", step())], ["fetch"])
        .add("publish", step(), ["resize", "tag"]),
    )
    running_id = await WorkflowPlugin.push(
        chancy,
        Workflow(f"e2e-stuck-{suffix}")
        .add("first", step())
        .add("stuck", step(queue=IDLE_QUEUE), ["first"]),
    )

    ok_jobs = await eventually(lambda: jobs_of(chancy, cron_ok, "succeeded"), what="a cron run")
    await eventually(lambda: jobs_of(chancy, cron_failed, "failed"), what="a failed cron run")
    done = await WorkflowPlugin.wait_for_workflow(chancy, workflow_id, interval=0.2, timeout=60)
    assert done.state == Workflow.State.COMPLETED

    async def stuck_is_queued() -> bool:
        workflow = await WorkflowPlugin.fetch_workflow(chancy, running_id)
        return workflow is not None and workflow.steps["stuck"].job_id is not None

    await eventually(stuck_is_queued, what="the stuck step to be queued")
    # The worker flushes its metrics every second; wait until this queue's are in.
    for key in (f"queue:{PLUGIN_QUEUE}:throughput", f"queue:{PLUGIN_QUEUE}:execution_time"):
        await eventually(lambda key=key: has_metric(chancy, key), what=f"metric {key}")
    return PluginData(
        cron_ok=cron_ok,
        cron_failed=cron_failed,
        cron_ok_jobs=ok_jobs,
        workflow_id=str(workflow_id),
        workflow_name=name,
        running_id=str(running_id),
    )


@pytest.fixture
async def plugin_context(browser: Any, plugin_server: PluginServer) -> AsyncIterator[Any]:
    ctx = await browser.new_context(
        base_url=plugin_server.url, viewport={"width": 1360, "height": 900}
    )
    ctx.set_default_timeout(10_000)
    yield ctx
    await ctx.close()


@pytest.fixture
async def plugin_page(plugin_context: Any) -> AsyncIterator[Any]:
    """A logged-in admin's tab; the test fails on any page error or CSP violation."""
    watcher = Watcher()
    tab = await plugin_context.new_page()
    watcher.attach(tab)
    await login_as(plugin_context)
    yield tab
    assert not watcher.problems, watcher.problems
