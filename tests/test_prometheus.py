"""`/metrics` for Prometheus: the text format, and who may scrape it."""

from __future__ import annotations

import uuid

from litestar.testing import AsyncTestClient

from tests.conftest import login, make_job, web_app


async def test_metrics_report_queue_depth_oldest_due_and_workers(dsn, chancy, worker):
    queue = f"prom-{uuid.uuid4().hex[:6]}"
    for _ in range(2):
        await make_job(chancy, queue=queue)
    app = web_app(dsn, metrics_token="scrape-secret", counts_cache_s=0)
    async with AsyncTestClient(app) as client:
        response = await client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    assert f'chancy_jobs{{queue="{queue}",state="pending",estimated="false"}} 2' in text
    assert f'chancy_queue_oldest_due_seconds{{queue="{queue}"}}' in text
    alive = next(line for line in text.splitlines() if line.startswith("chancy_workers_alive "))
    assert int(alive.split()[1]) >= 1
    assert "# TYPE chancy_jobs gauge" in text


async def test_metrics_need_the_token_or_a_session_unless_public(dsn, chancy):
    app = web_app(dsn, metrics_token="scrape-secret")
    async with AsyncTestClient(app) as client:
        refused = await client.get("/metrics")
        assert refused.status_code == 401
        # JSON, like every error, although the route serves text.
        assert refused.headers["content-type"] == "application/json"
        assert refused.json() == {"status_code": 401, "detail": "Authentication required"}
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        assert (
            await client.get("/metrics", headers=await login(client, "viewer"))
        ).status_code == 200
    public = web_app(dsn, metrics_public=True)
    async with AsyncTestClient(public) as client:
        assert (await client.get("/metrics")).status_code == 200
