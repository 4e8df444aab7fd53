"""Metrics through the API: recorded by a real worker's Metrics plugin, flushed, read back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chancy import Chancy, Job, Worker
from chancy.plugins.metrics import Metrics

from tests.conftest import login
from tests.helpers import plugin_client
from tests.metrics.conftest import METRICS_QUEUE

PREFIX = f"queue:{METRICS_QUEUE}"


async def run(chancy: Chancy, func: str) -> None:
    ref = await chancy.push(Job(func=f"tests.job_functions.{func}", queue=METRICS_QUEUE))
    await chancy.wait_for_job(ref, timeout=30, interval=0.1)


@pytest.fixture(scope="module")
async def recorded(metrics_chancy: Chancy, metrics_worker: Worker) -> dict[str, Any]:
    """Two successes and a failure on the metrics queue, flushed to the database."""
    for func in ("succeed", "succeed", "fail"):
        await run(metrics_chancy, func)
    plugin: Metrics = metrics_chancy.plugins["chancy.metrics"]
    # The worker records a job's metrics as it saves the job: wait until all three are in.
    async with asyncio.timeout(10):
        while True:
            await plugin.flush(metrics_chancy)
            data = await plugin.get_metrics(metrics_chancy, PREFIX, resolution="1min", limit=5)
            total = data["series"].get(f"{PREFIX}:throughput")
            if total is not None and total.summary == 3:
                return data
            await asyncio.sleep(0.2)


async def test_the_catalog_groups_keys_by_category(metrics_client, recorded):
    response = await metrics_client.get("/api/v1/metrics", headers=await login(metrics_client))
    assert response.status_code == 200
    body = response.json()
    assert METRICS_QUEUE in body["categories"]["queue"]
    assert "status" in body["categories"]["global"]
    assert "tests.job_functions.succeed" in body["categories"]["job"]
    assert body["count"] >= len(recorded["series"])
    # Chancy's defaults: 60 one-minute buckets, 288 of five minutes, 168 hours, 90 days.
    assert body["retention"] == {"1min": 3600, "5min": 86400, "1hour": 604800, "1day": 7776000}


async def test_the_catalog_reports_the_plugins_own_retention(metrics_chancy, settings):
    kept = Metrics(max_points_per_resolution={"5min": 144, "1hour": 24})
    async with plugin_client(metrics_chancy.dsn, kept, settings=settings) as client:
        response = await client.get("/api/v1/metrics", headers=await login(client))
    assert response.status_code == 200
    assert response.json()["retention"] == {
        "1min": 3600,
        "5min": 144 * 300,
        "1hour": 24 * 3600,
        "1day": 7776000,
    }


async def test_a_prefix_returns_every_series_under_it(metrics_client, recorded):
    viewer = await login(metrics_client, "viewer")
    response = await metrics_client.get(
        f"/api/v1/metrics/{PREFIX}", params={"resolution": "1min", "limit": 5}, headers=viewer
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["resolution"] == "1min"
    start, end = datetime.fromisoformat(body["start"]), datetime.fromisoformat(body["end"])
    assert end - start == timedelta(minutes=5) and end > datetime.now(UTC)
    series = body["series"]
    assert {f"{PREFIX}:{name}" for name in ("succeeded", "failed", "throughput")} <= set(series)

    succeeded = series[f"{PREFIX}:succeeded"]
    assert (succeeded["type"], succeeded["unit"], succeeded["aggregation"]) == (
        "counter",
        "count",
        "sum",
    )
    assert succeeded["summary"] == 2
    assert sum(point["value"] for point in succeeded["data"]) == 2
    assert series[f"{PREFIX}:failed"]["summary"] == 1

    duration = series[f"{PREFIX}:execution_time"]
    assert (duration["type"], duration["unit"], duration["aggregation"]) == (
        "histogram",
        "seconds",
        "summary",
    )
    assert duration["summary"]["count"] == 3
    assert set(duration["data"][0]["value"]) == {"count", "sum", "avg", "min", "max"}


async def test_worker_id_keeps_only_that_workers_observations(
    metrics_client, recorded, metrics_worker
):
    admin = await login(metrics_client)
    key = f"{PREFIX}:throughput"
    params = {"resolution": "1min", "limit": 5}
    mine = await metrics_client.get(
        f"/api/v1/metrics/{key}",
        params={**params, "worker_id": metrics_worker.worker_id},
        headers=admin,
    )
    assert mine.json()["series"][key]["summary"] == 3
    other = await metrics_client.get(
        f"/api/v1/metrics/{key}", params={**params, "worker_id": "nobody"}, headers=admin
    )
    # A known key without data is still listed, empty.
    assert other.json()["series"][key] == {
        "type": "counter",
        "unit": "count",
        "data": [],
        "aggregation": "sum",
        "sampled_at": None,
        "summary": None,
    }


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"resolution": "2min"}, "resolution must be 1min, 5min, 1hour or 1day"),
        ({"range": 61, "resolution": "1min"}, "range must be a multiple of resolution"),
        ({"limit": 5, "range": 300}, "limit cannot be combined with start or range"),
        ({"limit": 100000}, "limit exceeds the retained bucket count"),
        ({"start": "2026-01-01T00:00:00"}, "start and end must be timezone-aware"),
        ({"end": "0"}, "Invalid isoformat string"),
        ({"range": 86400 * 365}, "range must be a multiple of resolution within retention"),
    ],
)
async def test_bad_windows_are_400_with_chancys_messages(metrics_client, params, message):
    response = await metrics_client.get(
        f"/api/v1/metrics/{PREFIX}", params=params, headers=await login(metrics_client)
    )
    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith(message)


async def test_a_window_can_be_given_by_start_and_end(metrics_client, recorded):
    end = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    start = end - timedelta(minutes=10)
    response = await metrics_client.get(
        f"/api/v1/metrics/{PREFIX}:throughput",
        params={"resolution": "1min", "start": start.isoformat(), "end": end.isoformat()},
        headers=await login(metrics_client),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (datetime.fromisoformat(body["start"]), datetime.fromisoformat(body["end"])) == (
        start,
        end,
    )
    assert body["series"][f"{PREFIX}:throughput"]["summary"] == 3


async def test_an_unknown_prefix_has_no_series(metrics_client):
    response = await metrics_client.get(
        "/api/v1/metrics/no-such-metric", headers=await login(metrics_client)
    )
    assert response.status_code == 200
    assert response.json()["series"] == {}


async def test_metrics_need_authentication(metrics_client):
    assert (await metrics_client.get("/api/v1/metrics")).status_code == 401
