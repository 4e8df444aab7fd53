"""The slowest jobs of a window, through the API: jobs that really ran for different times on a
real worker, read back slowest first."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chancy import Chancy, Job, Worker
from chancy.plugins.metrics import Metrics
from psycopg import sql

from chancy_web import Settings
from tests.conftest import login, run_times
from tests.helpers import plugin_client
from tests.metrics.conftest import METRICS_QUEUE

SLEEP = "tests.job_functions.sleep"
FAIL = "tests.job_functions.fail"
ROUTE = "/api/v1/metrics/slowest-jobs"


async def run(chancy: Chancy, func: str, **kwargs: Any) -> str:
    ref = await chancy.push(Job(func=func, queue=METRICS_QUEUE, kwargs=kwargs))
    await chancy.wait_for_job(ref, timeout=30, interval=0.1)
    return str(ref.identifier)


@pytest.fixture(scope="module")
async def slept(metrics_chancy: Chancy, metrics_worker: Worker) -> dict[str, str]:
    """Jobs of one function that slept for different times, and one that failed."""
    jobs = {
        "short": await run(metrics_chancy, SLEEP, seconds=0.05),
        "long": await run(metrics_chancy, SLEEP, seconds=0.6),
        "medium": await run(metrics_chancy, SLEEP, seconds=0.3),
        "failed": await run(metrics_chancy, FAIL, message="slow and broken"),
    }
    return jobs


@pytest.fixture(scope="module")
async def slowest_first(metrics_chancy: Chancy, slept: dict[str, str]) -> list[str]:
    """The sleeping jobs by how long they ran, as the database has it (the API's order)."""
    sleepers = [slept["long"], slept["medium"], slept["short"]]
    times = await run_times(metrics_chancy, sleepers)
    return sorted(sleepers, key=times.__getitem__, reverse=True)


#: Wider than every job the suite makes: other modules' jobs (a bulk test's 50,000, say) share
#: the table, and must not push these out of the window the tests read.
WIDE = 10_000_000


@pytest.fixture(scope="module")
async def client(metrics_chancy: Chancy, settings: Settings) -> AsyncIterator[Any]:
    """A client of an app whose slowest jobs consider every finished job of their window."""
    wide = dataclasses.replace(settings, slowest_jobs_window=WIDE)
    async with plugin_client(metrics_chancy.dsn, Metrics(), settings=wide) as test_client:
        yield test_client


async def slowest(client: Any, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await client.get(ROUTE, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_lists_a_functions_jobs_slowest_first(client, metrics_chancy, slept, slowest_first):
    viewer = await login(client, "viewer")
    body = await slowest(client, viewer, range=3600, func=SLEEP, queue=METRICS_QUEUE)
    assert [item["id"] for item in body["items"]] == slowest_first
    times = await run_times(metrics_chancy, slowest_first)
    for item in body["items"]:
        assert item["func"] == SLEEP and item["queue"] == METRICS_QUEUE
        assert item["state"] == "succeeded"
        assert item["duration"] == pytest.approx(times[item["id"]].total_seconds())
        started = datetime.fromisoformat(item["started_at"])
        completed = datetime.fromisoformat(item["completed_at"])
        assert (completed - started).total_seconds() == pytest.approx(item["duration"])
    # It slept 0.6 s: it ran at least that long, whatever else the machine was doing.
    assert times[slept["long"]] >= timedelta(seconds=0.6)
    assert body["bounded"] is False and body["considered_since"] is None
    assert body["size"] == WIDE
    assert datetime.now(UTC) - datetime.fromisoformat(body["start"]) >= timedelta(hours=1)


async def test_limit_keeps_the_slowest(client, slowest_first):
    admin = await login(client)
    body = await slowest(client, admin, range=3600, func=SLEEP, queue=METRICS_QUEUE, limit=2)
    assert [item["id"] for item in body["items"]] == slowest_first[:2]


async def test_failed_jobs_count_too(client, slept):
    admin = await login(client)
    body = await slowest(client, admin, range=3600, func=FAIL, queue=METRICS_QUEUE)
    assert slept["failed"] in [item["id"] for item in body["items"]]
    assert {item["state"] for item in body["items"]} == {"failed"}


async def test_queue_and_worker_filters(client, metrics_worker, slowest_first):
    admin = await login(client)
    elsewhere = await slowest(client, admin, range=3600, func=SLEEP, queue="nowhere")
    assert elsewhere["items"] == []
    mine = await slowest(client, admin, range=3600, func=SLEEP, worker_id=metrics_worker.worker_id)
    assert [item["id"] for item in mine["items"]] == slowest_first
    other = await slowest(client, admin, range=3600, func=SLEEP, worker_id="nobody")
    assert other["items"] == []


async def test_the_window_leaves_out_jobs_that_finished_before_it(
    client, metrics_chancy, metrics_worker
):
    # A job that really ran, then moved back in time: it ran for an hour, two hours ago.
    moved = await run(metrics_chancy, SLEEP, seconds=0)
    async with metrics_chancy.pool.connection() as conn:
        await conn.execute(
            sql.SQL(
                "UPDATE {} SET completed_at = now() - interval '2 hours', "
                "started_at = now() - interval '3 hours' WHERE id = %s"
            ).format(sql.Identifier(f"{metrics_chancy.prefix}jobs")),
            (moved,),
        )
    admin = await login(client)
    params = {"func": SLEEP, "queue": METRICS_QUEUE}
    body = await slowest(client, admin, range=3600, **params)
    assert moved not in [item["id"] for item in body["items"]]
    body = await slowest(client, admin, range=4 * 3600, **params)
    assert body["items"][0]["id"] == moved
    assert body["items"][0]["duration"] == 3600


async def test_says_when_only_the_newest_finished_jobs_were_considered(metrics_chancy, slept):
    settings = Settings(slowest_jobs_window=2, login_failures_per_user=1000)
    async with plugin_client(metrics_chancy.dsn, Metrics(), settings=settings) as client:
        body = await slowest(client, await login(client), range=3600)
    assert body["bounded"] is True and body["size"] == 2
    assert len(body["items"]) <= 2
    since = datetime.fromisoformat(body["considered_since"])
    assert all(datetime.fromisoformat(i["completed_at"]) >= since for i in body["items"])


@pytest.mark.parametrize(
    "params",
    [
        {"range": 0},
        {"range": "day"},
        {"range": 367 * 86400},
        {"limit": 0},
        {"limit": 101},
        {"func": "a\x00b"},
    ],
)
async def test_bad_parameters_are_400s(metrics_client, params):
    response = await metrics_client.get(ROUTE, params=params, headers=await login(metrics_client))
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["status_code"] == 400


async def test_needs_authentication(metrics_client):
    assert (await metrics_client.get(ROUTE)).status_code == 401


async def test_a_metric_prefix_is_still_served_beside_it(metrics_client):
    # `/metrics/slowest-jobs` is its own route; any other name is a metric prefix.
    response = await metrics_client.get(
        f"/api/v1/metrics/slowest-{uuid.uuid4().hex[:4]}", headers=await login(metrics_client)
    )
    assert response.status_code == 200 and response.json()["series"] == {}
