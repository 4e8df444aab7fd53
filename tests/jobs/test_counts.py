"""Job counts: exact for small states, planner estimates for big ones, shared by viewers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from litestar.testing import AsyncTestClient

from tests.conftest import login, make_job, web_app


async def test_counts_are_exact_per_queue_and_state(chancy, dsn):
    queue = f"q-{uuid.uuid4().hex[:8]}"
    for state, n in (("pending", 3), ("failed", 2), ("succeeded", 1)):
        for _ in range(n):
            await make_job(chancy, queue=queue, state=state)
    app = web_app(dsn, counts_cache_s=0)
    async with AsyncTestClient(app) as client:
        body = (await client.get("/api/v1/jobs/counts", headers=await login(client))).json()
    assert body["exact"] is True and body["estimated_states"] == []
    assert body["by_queue"][queue] == {
        "pending": 3,
        "running": 0,
        "failed": 2,
        "retrying": 0,
        "succeeded": 1,
    }
    assert body["by_state"]["pending"] >= 3


async def test_oldest_due_job_per_queue(chancy, dsn):
    queue = f"q-{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    await make_job(chancy, queue=queue, scheduled_at=now - timedelta(minutes=5))
    await make_job(chancy, queue=queue, state="retrying", scheduled_at=now - timedelta(minutes=9))
    await make_job(chancy, queue=queue, scheduled_at=now + timedelta(hours=1))  # not due yet
    app = web_app(dsn, counts_cache_s=0)
    async with AsyncTestClient(app) as client:
        body = (await client.get("/api/v1/jobs/counts", headers=await login(client))).json()
    oldest = datetime.fromisoformat(body["oldest_pending_at"][queue])
    assert abs((oldest - (now - timedelta(minutes=9))).total_seconds()) < 1


async def test_pending_jobs_scheduled_for_later_are_counted_apart(chancy, dsn):
    queue = f"q-{uuid.uuid4().hex[:8]}"
    idle = f"q-{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    await make_job(chancy, queue=queue, scheduled_at=now - timedelta(minutes=5))
    for hours in (1, 2):
        await make_job(chancy, queue=queue, scheduled_at=now + timedelta(hours=hours))
    await make_job(chancy, queue=idle, scheduled_at=now - timedelta(minutes=1))
    app = web_app(dsn, counts_cache_s=0)
    async with AsyncTestClient(app) as client:
        body = (await client.get("/api/v1/jobs/counts", headers=await login(client))).json()
    assert body["by_queue"][queue]["pending"] == 3
    assert body["scheduled_pending"][queue] == 2  # so 1 is due
    assert idle not in body["scheduled_pending"]


async def test_big_states_are_estimated_and_marked(chancy, dsn):
    queue = f"q-{uuid.uuid4().hex[:8]}"
    for _ in range(50):
        await make_job(chancy, queue=queue, state="succeeded")
    async with chancy.pool.connection() as conn:
        await conn.execute(f"ANALYZE {chancy.prefix}jobs")
    app = web_app(dsn, counts_exact_limit=10, counts_cache_s=0)
    async with AsyncTestClient(app) as client:
        body = (await client.get("/api/v1/jobs/counts", headers=await login(client))).json()
    assert body["exact"] is False and "succeeded" in body["estimated_states"]
    # Estimates come from the statistics: the right order of magnitude for the whole table.
    assert body["by_state"]["succeeded"] > 10


async def test_counts_are_computed_once_per_interval_for_everyone(client, chancy):
    first = (await client.get("/api/v1/jobs/counts", headers=await login(client, "viewer"))).json()
    await make_job(chancy, queue="cached-counts")
    second = (await client.get("/api/v1/jobs/counts", headers=await login(client, "admin"))).json()
    assert second == first  # the same computation, although a job was added since
