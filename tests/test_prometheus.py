"""`/metrics` for Prometheus: the text format, and who may scrape it."""

from __future__ import annotations

import uuid

from litestar.testing import AsyncTestClient

from chancy_web import Settings, create_app
from tests.conftest import auth_backend, login, make_job


async def test_metrics_report_queue_depth_oldest_due_and_workers(chancy, worker):
    queue = f"prom-{uuid.uuid4().hex[:6]}"
    for _ in range(2):
        await make_job(chancy, queue=queue)
    settings = Settings(metrics_token="scrape-secret", counts_cache_s=0)
    app = create_app(chancy, authentication_backend=auth_backend(), settings=settings)
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


async def test_metrics_need_the_token_or_a_session_unless_public(chancy):
    settings = Settings(metrics_token="scrape-secret")
    app = create_app(chancy, authentication_backend=auth_backend(), settings=settings)
    async with AsyncTestClient(app) as client:
        assert (await client.get("/metrics")).status_code == 401
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        assert (
            await client.get("/metrics", headers=await login(client, "viewer"))
        ).status_code == 200
    public = create_app(
        chancy, authentication_backend=auth_backend(), settings=Settings(metrics_public=True)
    )
    async with AsyncTestClient(public) as client:
        assert (await client.get("/metrics")).status_code == 200
