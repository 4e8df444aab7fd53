"""The reference's own dashboard schemas, applied to a live chancy-web with real data.

chancy 0.26's dashboard validates every response it reads with zod schemas shipped in its
wheel (`chancy/plugins/api/ui/src/services/schemas.ts`). A chancy-web in plugin mode serves
jobs in every state made by a real worker, a cron, workflows and metrics from Chancy's Metrics
plugin; every endpoint of the reference (read from its installed route tables) is called, and
each response is checked in Node by the schema that dashboard applies to it
(`tests/reference_contract.mjs`). The few bodies it reads without a schema (login, logout,
health, the WebSocket) are checked here for what it reads.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import chancy as chancy_package
import httpx
import pytest
from chancy import Chancy, Job, Limit
from chancy.plugins.cron import Cron
from chancy.plugins.leadership import ImmediateLeadership
from chancy.plugins.metrics import Metrics
from chancy.plugins.retry import RetryPlugin
from chancy.plugins.workflow import Workflow, WorkflowPlugin
from websockets.asyncio.client import connect

from chancy_web import Api
from tests.conftest import (
    PASSWORD,
    auth_backend,
    free_port,
    tagged_queue,
    wait_for_state,
    worker_for,
)

ROOT = Path(__file__).parent.parent
UI_DIR = ROOT / "ui"
VALIDATOR = Path(__file__).parent / "reference_contract.mjs"
REFERENCE_UI = Path(chancy_package.__file__).parent / "plugins" / "api" / "ui"
SCHEMAS_TS = REFERENCE_UI / "src" / "services" / "schemas.ts"
#: Worked by this module's server; nobody works the idle one, whose jobs stay pending.
QUEUE = "contract"
IDLE = "contract-idle"
STATES = ("pending", "running", "retrying", "failed", "succeeded")


def job(func: str, queue: str = QUEUE, **kwargs: Any) -> Job:
    return Job(func=f"tests.job_functions.{func}", queue=queue, kwargs=kwargs)


@dataclass
class Data:
    jobs: dict[str, str] = field(default_factory=dict)  # one job id per state
    workflows: list[str] = field(default_factory=list)


@dataclass
class Server:
    url: str
    data: Data


async def make_data(app: Chancy) -> Data:
    """Jobs in every state, run (or not) by the real worker; a cron, workflows, metrics."""
    data = Data()
    succeeded, failed = [
        await app.push(job(f, message="contract", extra={"nested": [1, 2]}))
        for f in ("succeed", "fail")
    ]
    for ref in (succeeded, failed):
        await app.wait_for_job(ref, timeout=30, interval=0.1)
    # Retried later (Chancy's RetryPlugin), so it stays retrying while the test runs.
    retry_later = {"retry_settings": {"backoff": 3600, "backoff_jitter": [0, 1]}}
    retrying = await app.push(job("fail").with_max_attempts(3).with_meta(retry_later))
    running = await app.push(job("sleep", seconds=120))
    limits = [Limit(Limit.Type.TIME, 30), Limit(Limit.Type.MEMORY, 1 << 20)]
    pending = await app.push(job("succeed", queue=IDLE).with_limits(limits).with_priority(1))
    for state, ref in zip(STATES, (pending, running, retrying, failed, succeeded), strict=True):
        await wait_for_state(app, ref.identifier, state)
        data.jobs[state] = str(ref.identifier)

    nightly = job("succeed", queue=IDLE).with_unique_key("contract-nightly").with_limits(limits)
    await Cron.schedule(app, "0 3 * * *", nightly)
    done = (
        Workflow("contract-done")
        .add("first", job("succeed"))
        .add("second", job("succeed"), ["first"])
    )
    waiting = (
        Workflow("contract-waiting")
        .add("first", job("succeed", queue=IDLE))
        .add("second", job("succeed", queue=IDLE), ["first"])
    )
    data.workflows = [str(await WorkflowPlugin.push(app, w)) for w in (done, waiting)]
    await WorkflowPlugin.wait_for_workflow(app, data.workflows[0], interval=0.2, timeout=30)

    metrics: Metrics = app.plugins["chancy.metrics"]
    async with asyncio.timeout(20):
        while True:  # the worker records a job's metrics as it saves it
            await metrics.flush(app)
            found = await metrics.get_metrics(app, f"queue:{QUEUE}", resolution="1min", limit=5)
            if found["series"].get(f"queue:{QUEUE}:throughput"):
                return data
            await asyncio.sleep(0.2)


@pytest.fixture(scope="module")
async def server(dsn: str, chancy: Chancy, settings: Any) -> AsyncIterator[Server]:  # migrated
    api = Api(port=free_port(), authentication_backend=auth_backend(), settings=settings)
    plugins = [
        api,
        ImmediateLeadership(),
        Cron(poll_interval=1),
        WorkflowPlugin(polling_interval=1),
        Metrics(sync_interval=3600),  # flushed by hand
        RetryPlugin(),
    ]
    app = Chancy(dsn, plugins=plugins, no_default_plugins=True)
    async with app:
        await app.declare(tagged_queue(QUEUE), upsert=True)
        async with worker_for(app, QUEUE):
            yield Server(url=f"http://127.0.0.1:{api.port_bound}", data=await make_data(app))


def reference_routes() -> set[tuple[str, str]]:
    """(method, path) of every route of chancy 0.26's web plugin, from its own route tables."""
    from chancy.plugins.api.core import CoreApiPlugin
    from chancy.plugins.cron.api import CronApiPlugin
    from chancy.plugins.metrics.api import MetricsApiPlugin
    from chancy.plugins.workflow.api import WorkflowApiPlugin

    routes = set()
    for cls in (CoreApiPlugin, CronApiPlugin, MetricsApiPlugin, WorkflowApiPlugin):
        for route in cls(None).routes():
            for method in route.get("methods") or ["WS"]:
                routes.add((method, route["path"]))
    return routes


@dataclass
class Check:
    """A response, and the reference schema it must pass."""

    name: str
    schema: str
    body: Any


class Calls:
    """Calls the server as the reference's dashboard does, keeping each response to check."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.checks: list[Check] = []
        #: (method, route) of the reference's routes called, as its route tables name them.
        self.covered: set[tuple[str, str]] = set()

    async def __call__(
        self, schema: str, route: str, method: str = "GET", *, body: Any = None, **params: Any
    ) -> Any:
        """`method route` with `params`: those named in the route fill it, others are the
        query string. The response must be a 200 passing `schema`."""
        path = route.format(**params)
        query = {k: v for k, v in params.items() if f"{{{k}}}" not in route}
        response = await self.client.request(method, path, params=query, json=body)
        name = f"{method} {path} {query or ''}"
        assert response.status_code == 200, (name, response.text)
        self.checks.append(Check(name, schema, response.json()))
        self.covered.add((method, route))
        return response.json()


def validate(checks: list[Check]) -> list[dict[str, Any]]:
    """The Node validator's verdicts, one per check."""
    cases = [{"name": c.name, "schema": c.schema, "body": c.body} for c in checks]
    run = subprocess.run(
        ["node", str(VALIDATOR), str(SCHEMAS_TS), str(UI_DIR)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    results: list[dict[str, Any]] = json.loads(run.stdout)
    assert len(results) == len(checks)
    return results


def require_node_and_zod() -> None:
    assert SCHEMAS_TS.is_file(), f"chancy's dashboard schemas are missing: {SCHEMAS_TS}"
    assert shutil.which("node"), "node is needed to run the reference's zod schemas"
    assert (UI_DIR / "node_modules" / "zod").is_dir(), "run `npm ci` in ui/ (it installs zod)"


async def read_everything(call: Calls, data: Data) -> None:
    """Every read, with the schema the reference's dashboard parses it with (its chancy.ts)."""
    await call("ConfigurationSchema", "/api/v1/configuration")
    await call("SystemSchema", "/api/v1/system")
    await call("PluginSchema[]", "/api/v1/plugins")
    await call("QueueSchema[]", "/api/v1/queues")
    await call("WorkerSchema[]", "/api/v1/workers")
    await call("string[]", "/api/v1/jobs/functions")
    page = await call("JobPageSchema", "/api/v1/jobs", pagination="true", limit=2)
    await call("JobPageSchema", "/api/v1/jobs", pagination="true", before=page["next_cursor"])
    for state, job_id in data.jobs.items():
        # The job itself, by state: other modules' jobs may fill the state's first page.
        filters = json.dumps([["state", "=", state], ["id", "=", job_id]])
        listed = await call("JobPageSchema", "/api/v1/jobs", pagination="true", filters=filters)
        assert job_id in {row["id"] for row in listed["items"]}, state
        await call("JobSchema", "/api/v1/jobs/{id}", id=job_id)
    # Scripts written against the reference read the bare array too.
    await call("JobSchema[]", "/api/v1/jobs", queue=QUEUE)
    await call("CronSchema[]", "/api/v1/crons")
    await call("WorkflowPageSchema", "/api/v1/workflows", pagination="true")
    for workflow_id in data.workflows:
        await call("WorkflowSchema", "/api/v1/workflows/{id}", id=workflow_id)
    overview = await call("MetricsOverviewSchema", "/api/v1/metrics")
    assert QUEUE in overview["categories"]["queue"]
    for key in (f"queue:{QUEUE}:throughput", f"queue:{QUEUE}:execution_time", f"queue:{QUEUE}"):
        await call("MetricDetailSchema", "/api/v1/metrics/{prefix}", prefix=key, resolution="1min")


async def act_on_everything(call: Calls, data: Data) -> None:
    jobs, name, ok = data.jobs, f"contract-{uuid.uuid4().hex[:6]}", "ActionResponseSchema"
    await call("QueueSchema", "/api/v1/queues", "POST", body={"name": name, "tags": []})
    await call("QueueSchema", "/api/v1/queues/{name}", "PATCH", body={"concurrency": 2}, name=name)
    await call(ok, "/api/v1/queues/{name}/pause", "POST", body={}, name=name)
    await call(ok, "/api/v1/queues/{name}/resume", "POST", name=name)
    await call(ok, "/api/v1/queues/{name}", "DELETE", name=name)
    await call(ok, "/api/v1/jobs/{id}/retry", "POST", id=jobs["failed"])
    await call(ok, "/api/v1/jobs/{id}/cancel", "POST", id=jobs["running"])
    batch = {"action": "cancel", "ids": [jobs["pending"], jobs["succeeded"], "not-an-id"]}
    await call("BatchJobResponseSchema", "/api/v1/jobs", "POST", body=batch)
    await call(ok, "/api/v1/jobs/{id}", "DELETE", id=jobs["succeeded"])


async def check_unschematised(client: httpx.AsyncClient, server: Server, headers: Any) -> None:
    """What the reference's clients read from the bodies its dashboard has no schema for."""
    assert (await client.get("/health")).json()["status"] == "healthy"
    ws = server.url.replace("http", "ws", 1) + "/api/v1/ws"
    async with connect(ws, additional_headers=headers) as socket:
        await client.post(f"/api/v1/queues/{QUEUE}/pause", json={}, headers=headers)
        await client.post(f"/api/v1/queues/{QUEUE}/resume", headers=headers)
        async with asyncio.timeout(20):
            while (message := json.loads(await socket.recv()))["event"] != "queue.paused":
                pass
    assert message["data"] == {"q": QUEUE}
    logout = await client.post("/api/v1/logout", headers=headers)
    assert logout.json()["success"] is True


async def test_every_reference_endpoint_passes_the_reference_dashboards_schemas(server):
    require_node_and_zod()
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        login = await client.post("/api/v1/login", json={"username": "admin", "password": PASSWORD})
        assert login.status_code == 200
        client.cookies.clear()  # the reference's dashboard sends the bearer token
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        call = Calls(httpx.AsyncClient(base_url=server.url, timeout=30, headers=headers))
        async with call.client:
            await read_everything(call, server.data)
            await act_on_everything(call, server.data)
        await check_unschematised(client, server, headers)

    call.covered |= {
        ("POST", "/api/v1/login"),
        ("POST", "/api/v1/logout"),
        ("GET", "/health"),
        ("WS", "/api/v1/ws"),
    }
    assert reference_routes() - call.covered == set(), "reference endpoints not called"
    failures = [
        f"{r['name']}: {json.dumps(r['issues'])[:2000]}"
        for r in validate(call.checks)
        if not r["ok"]
    ]
    assert not failures, "\n".join(failures)
