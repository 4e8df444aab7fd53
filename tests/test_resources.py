"""Queues, workers, system information and health, read from the real cluster."""

from __future__ import annotations

import asyncio
from importlib.metadata import version

from chancy import Chancy, Queue
from litestar.testing import AsyncTestClient

from chancy_web import Api, Settings, create_app
from tests.conftest import TEST_QUEUE, auth_backend, login, make_chancy, web_app


async def test_lists_queues_by_name_with_reference_fields(client, admin, chancy):
    await chancy.declare(Queue("aaa-first", concurrency=3, rate_limit=10, rate_limit_window=60))
    response = await client.get("/api/v1/queues", headers=admin)
    assert response.status_code == 200
    queues = response.json()
    names = [q["name"] for q in queues]
    assert names == sorted(names) and {"aaa-first", TEST_QUEUE} <= set(names)
    first = next(q for q in queues if q["name"] == "aaa-first")
    assert first["concurrency"] == 3 and first["rate_limit"] == 10
    assert first["state"] == "active" and first["tags"] == [".*"]
    assert first["executor"] == "chancy.executors.process.ProcessExecutor"
    expected = {
        "name",
        "concurrency",
        "tags",
        "state",
        "executor",
        "executor_options",
        "polling_interval",
        "rate_limit",
        "rate_limit_window",
        "resume_at",
        "eager_polling",
    }
    assert expected <= set(first)


async def test_gets_one_queue_or_404(client, admin):
    assert (await client.get(f"/api/v1/queues/{TEST_QUEUE}", headers=admin)).json()[
        "name"
    ] == TEST_QUEUE
    missing = await client.get("/api/v1/queues/no-such-queue", headers=admin)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Queue 'no-such-queue' not found"


async def test_lists_the_running_worker(client, admin, worker, chancy):
    # A worker records its queues at each heartbeat (every 30 s); announce now instead.
    async with asyncio.timeout(20):
        while True:
            async with chancy.pool.connection() as conn:
                await worker.announce_worker(conn)
            response = await client.get("/api/v1/workers", headers=admin)
            assert response.status_code == 200
            row = next(w for w in response.json() if w["worker_id"] == worker.worker_id)
            if TEST_QUEUE in row["queues"]:
                break
            await asyncio.sleep(0.2)
    assert TEST_QUEUE in row["queues"]
    assert f"worker_id={worker.worker_id}" in row["tags"]
    assert row["expired"] is False
    one = await client.get(f"/api/v1/workers/{worker.worker_id}", headers=admin)
    assert one.json() == row
    assert (await client.get("/api/v1/workers/ghost", headers=admin)).status_code == 404


async def test_system_reports_versions_schema_pool_and_listener(client, admin):
    body = (await client.get("/api/v1/system", headers=admin)).json()
    assert body["chancy_version"] == version("chancy")
    assert body["chancy_web_version"] == version("chancy-web")
    assert body["database"]["prefix"] == "chancy_"
    assert body["database"]["version"].startswith("PostgreSQL")
    migrations = {m["key"]: m for m in body["migrations"]}
    assert {"chancy", "cron", "workflow", "metrics"} <= set(migrations)
    assert migrations["chancy"]["version"] == migrations["chancy"]["latest"] == 8
    assert body["up_to_date"] is True and all(m["up_to_date"] for m in migrations.values())
    assert body["pool"]["max_size"] == 20 and body["pool"]["size"] >= 1
    assert body["events"]["channel"] == "chancy_events"
    assert body["events"]["state"] in ("connected", "connecting", "idle", "reconnecting", "stopped")


async def test_configuration_and_plugins_list_the_chancy_plugins(dsn, chancy):
    own = make_chancy(dsn, Api(authentication_backend=auth_backend()))
    app = create_app(own, authentication_backend=auth_backend())
    async with AsyncTestClient(app) as client:
        headers = await login(client)
        configuration = (await client.get("/api/v1/configuration", headers=headers)).json()
        plugins = (await client.get("/api/v1/plugins", headers=headers)).json()
    # Registration order: the app's own plugins, then Chancy's defaults.
    assert configuration["plugins"] == [
        "Api",
        "Cron",
        "Leadership",
        "Pruner",
        "Recovery",
        "Metrics",
        "WorkflowPlugin",
    ]
    assert [p["identifier"] for p in plugins] == list(own.plugins)
    api = plugins[0]
    assert api["identifier"] == "chancy.api" and api["migrate_key"] == "web"
    assert api["tables"] == [
        "web_sessions",
        "web_login_failures",
        "web_audit",
        "web_failure_groups",
        "web_failure_hours",
        "web_failure_jobs",
        "web_failure_fold",
    ]


async def test_readiness_checks_database_and_migrations(client, dsn):
    ready = await client.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    # A prefix whose tables were never migrated is not ready, and says what to do.
    unmigrated = make_chancy(dsn)
    unmigrated.prefix = "unmigrated_"
    app = create_app(
        unmigrated, authentication_backend=auth_backend(), settings=Settings(migrate_on_start=False)
    )  # its own, unopened Chancy: the app's lifespan opens it on the app's loop
    async with AsyncTestClient(app) as other:
        response = await other.get("/health/ready")
        assert response.status_code == 503
        assert response.json()["migrations"] is False
        assert "chancy misc migrate" in response.json()["detail"]


async def test_an_unreachable_database_is_503_not_500():
    down = Chancy("postgresql://nobody@127.0.0.1:1/none", min_connection_pool_size=0)
    app = create_app(
        down,
        authentication_backend=auth_backend(),
        settings=Settings(migrate_on_start=False, pool_timeout_s=0.5),
    )
    async with AsyncTestClient(app) as client:
        ready = await client.get("/health/ready")
        assert ready.status_code == 503 and ready.json()["database"] is False
        login = await client.post("/api/v1/login", json={"username": "admin", "password": "x"})
        assert login.status_code == 503
        assert login.json()["detail"] in ("The database is unavailable", "The database timed out")


async def test_a_blocked_query_times_out_as_503_instead_of_hanging(dsn, chancy):
    async with AsyncTestClient(web_app(dsn, statement_timeout_ms=300)) as client:
        headers = await login(client)
        async with chancy.pool.connection() as blocker:
            # Another session holds the queues table: any read of it has to wait.
            await blocker.execute(f"LOCK TABLE {chancy.prefix}queues IN ACCESS EXCLUSIVE MODE")
            async with asyncio.timeout(10):
                response = await client.get("/api/v1/queues", headers=headers)
            await blocker.rollback()
    assert response.status_code == 503
    assert response.json()["detail"] == "The database timed out"
    assert response.headers["retry-after"] == "5"
