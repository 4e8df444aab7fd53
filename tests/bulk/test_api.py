"""Bulk operations through the API: the preview, the guard on its count, the set it acts on,
roles, audit and progress events, on real jobs run by the app's own background runner."""

from __future__ import annotations

import asyncio
import uuid

import msgspec
import psycopg
from litestar.testing import AsyncTestClient
from psycopg import sql

from tests.bulk.jobs import fresh_queue, insert_jobs, run_bulk, states, wait_finished
from tests.conftest import login, web_app


async def test_dry_run_counts_and_changes_nothing(client, admin, chancy):
    queue = fresh_queue()
    await insert_jobs(chancy, chancy.prefix, 30, queue, "failed")
    await insert_jobs(chancy, chancy.prefix, 5, queue, "succeeded")
    response = await client.post(
        "/api/v1/jobs/bulk",
        json={"action": "retry", "q": f"queue:{queue} state:failed", "dry_run": True},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"matched": 30, "estimated": False}
    assert await states(chancy, queue) == {"failed": 30, "succeeded": 5}
    listed = await client.get("/api/v1/jobs/bulk", headers=admin)
    assert all(queue not in op["q"] for op in listed.json()["items"])


async def test_expected_is_required_and_a_moved_count_is_409(client, admin, chancy):
    queue = fresh_queue()
    await insert_jobs(chancy, chancy.prefix, 30, queue, "failed")
    body = {"action": "retry", "q": f"queue:{queue}"}
    missing = await client.post("/api/v1/jobs/bulk", json=body, headers=admin)
    assert missing.status_code == 400 and "expected" in missing.json()["detail"]
    moved = await client.post("/api/v1/jobs/bulk", json={**body, "expected": 100}, headers=admin)
    assert moved.status_code == 409, moved.text
    assert moved.json()["extra"] == {"matched": 30, "estimated": False}
    assert await states(chancy, queue) == {"failed": 30}
    # Within the tolerance (jobs finishing meanwhile): accepted, and acts on what matches now.
    near = await client.post("/api/v1/jobs/bulk", json={**body, "expected": 35}, headers=admin)
    assert near.status_code == 202, near.text
    done = await wait_finished(client, admin, near.json()["id"])
    assert (done["state"], done["matched"], done["succeeded"]) == ("done", 30, 30)


async def test_a_query_that_does_not_parse_is_a_positioned_400(client, admin):
    body = {"action": "retry", "q": "state:failed nonsense:1", "dry_run": True}
    response = await client.post("/api/v1/jobs/bulk", json=body, headers=admin)
    assert response.status_code == 400
    assert response.json()["detail"] == "Unknown qualifier: nonsense"
    assert response.json()["extra"]["position"] == 13
    assert "state" in response.json()["extra"]["expected"]


async def test_a_bounded_query_keeps_the_window_read_at_creation(dsn, chancy):
    # kwargs without the search indexes: bounded to the newest `search_window` jobs, here 50.
    async with AsyncTestClient(web_app(dsn, search_window=50)) as small:
        admin = await login(small)
        queue = fresh_queue()
        older = await insert_jobs(chancy, chancy.prefix, 30, queue, "pending")
        newest = await insert_jobs(chancy, chancy.prefix, 50, queue, "pending")
        q = f"queue:{queue} -kwargs.never:*"
        preview = await small.post(
            "/api/v1/jobs/bulk", json={"action": "cancel", "q": q, "dry_run": True}, headers=admin
        )
        assert preview.json() == {"matched": 50, "estimated": False}
        created = await small.post(
            "/api/v1/jobs/bulk", json={"action": "cancel", "q": q, "expected": 50}, headers=admin
        )
        assert created.status_code == 202
        later = await insert_jobs(chancy, chancy.prefix, 20, queue, "pending")
        done = await wait_finished(small, admin, created.json()["id"])
    assert (done["state"], done["succeeded"]) == ("done", 50)
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(
            sql.SQL("SELECT id, state FROM {} WHERE queue = %s").format(
                sql.Identifier(f"{chancy.prefix}jobs")
            ),
            (queue,),
        )
        by_id = dict(await cursor.fetchall())
    assert {by_id[i] for i in newest} == {"failed"}
    assert {by_id[i] for i in [*older, *later]} == {"pending"}


async def test_a_bad_query_or_action_is_400(client, admin):
    for body in (
        {"action": "retry", "q": "nonsense:1", "dry_run": True},
        {"action": "explode", "q": "", "dry_run": True},
        {"action": "retry", "q": "state:nope", "dry_run": True},
    ):
        response = await client.post("/api/v1/jobs/bulk", json=body, headers=admin)
        assert response.status_code == 400, (body, response.text)


async def test_retry_acts_like_the_single_retry_and_skips_running_jobs(client, admin, chancy):
    queue = fresh_queue()
    failed = await insert_jobs(chancy, chancy.prefix, 20, queue, "failed")
    [running] = await insert_jobs(chancy, chancy.prefix, 1, queue, "running")
    done = await run_bulk(client, admin, "retry", f"queue:{queue}")
    assert done["state"] == "done"
    assert (done["matched"], done["processed"], done["succeeded"], done["skipped"]) == (
        21,
        21,
        20,
        1,
    )
    assert await states(chancy, queue) == {"retrying": 20, "running": 1}
    job = await client.get(f"/api/v1/jobs/{failed[0]}", headers=admin)
    assert job.json()["attempts"] == 0 and job.json()["completed_at"] is None
    still = await client.get(f"/api/v1/jobs/{running}", headers=admin)
    assert still.json()["state"] == "running"


async def test_cancel_of_50000_jobs_is_observed_in_the_queue(client, admin, chancy):
    queue = fresh_queue()
    await insert_jobs(chancy, chancy.prefix, 50_000, queue, "pending")
    done = await run_bulk(client, admin, "cancel", f"queue:{queue}")
    assert (done["state"], done["matched"], done["processed"], done["succeeded"]) == (
        "done",
        50_000,
        50_000,
        50_000,
    )
    assert await states(chancy, queue) == {"failed": 50_000}
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(
            sql.SQL(
                "SELECT count(*) FROM {} WHERE queue = %s AND jsonb_array_length(errors) = 1 "
                "AND errors->0->>'traceback' LIKE 'Cancelled by admin%%'"
            ).format(sql.Identifier(f"{chancy.prefix}jobs")),
            (queue,),
        )
        assert (await cursor.fetchone())[0] == 50_000


async def test_jobs_pushed_after_creation_are_untouched(client, admin, chancy):
    queue = fresh_queue()
    await insert_jobs(chancy, chancy.prefix, 10, queue, "pending")
    created = await client.post(
        "/api/v1/jobs/bulk",
        json={"action": "cancel", "q": f"queue:{queue}", "expected": 10},
        headers=admin,
    )
    assert created.status_code == 202
    [later] = await insert_jobs(chancy, chancy.prefix, 1, queue, "pending")
    done = await wait_finished(client, admin, created.json()["id"])
    assert done["succeeded"] == 10
    job = await client.get(f"/api/v1/jobs/{later}", headers=admin)
    assert job.json()["state"] == "pending"


async def test_roles_operators_retry_and_cancel_admins_purge(client, admin, chancy):
    viewer, operator = await login(client, "viewer"), await login(client, "operator")
    queue = fresh_queue()
    await insert_jobs(chancy, chancy.prefix, 5, queue, "failed")
    body = {"action": "retry", "q": f"queue:{queue}", "dry_run": True}
    assert (await client.post("/api/v1/jobs/bulk", json=body, headers=viewer)).status_code == 403
    purge = {"action": "purge", "q": f"queue:{queue}", "expected": 5}
    denied = await client.post("/api/v1/jobs/bulk", json=purge, headers=operator)
    assert denied.status_code == 403 and "admin" in denied.json()["detail"]
    assert await states(chancy, queue) == {"failed": 5}
    assert (await run_bulk(client, operator, "retry", f"queue:{queue}"))["succeeded"] == 5
    assert (await client.get("/api/v1/jobs/bulk", headers=viewer)).status_code == 200
    purged = await run_bulk(client, admin, "purge", f"queue:{queue}")
    assert purged["succeeded"] == 5 and await states(chancy, queue) == {}

    entries = (await client.get("/api/v1/audit?limit=100", headers=admin)).json()["items"]
    denial = next(e for e in entries if e["action"] == "job.bulk" and e["outcome"] == "denied")
    assert denial["username"] == "operator"
    created = next(
        e
        for e in entries
        if e["action"] == "job.bulk" and e["target"] == purged["id"] and e["outcome"] == "allowed"
    )
    assert created["detail"]["matched"] == 5 and created["detail"]["action"] == "purge"
    finished = next(
        e for e in entries if e["action"] == "job.bulk.finished" and e["target"] == purged["id"]
    )
    assert finished["username"] == "admin" and finished["role"] == "admin"
    assert finished["detail"]["succeeded"] == 5 and finished["detail"]["state"] == "done"


async def test_progress_and_done_events_reach_the_events_channel(client, admin, chancy, dsn):
    queue = fresh_queue()
    await insert_jobs(chancy, chancy.prefix, 2500, queue, "pending")
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as listen:
        await listen.execute(sql.SQL("LISTEN {}").format(sql.Identifier(f"{chancy.prefix}events")))
        done = await run_bulk(client, admin, "cancel", f"queue:{queue}")
        events: list[dict] = []
        async with asyncio.timeout(20):
            async for notify in listen.notifies():
                event = msgspec.json.decode(notify.payload)
                if event.get("id") == done["id"]:
                    events.append(event)
                    if event["t"] == "bulk.done":
                        break
    progress = [e for e in events if e["t"] == "bulk.progress"]
    # Chunks of at most 1,000: progress counting up, then the totals.
    counts = [e["processed"] for e in progress]
    assert counts == sorted(counts) and counts[-1] == 2500 and len(counts) >= 3
    assert all(b - a <= 1000 for a, b in zip([0, *counts], counts, strict=False))
    assert progress[-1]["state"] == "done"
    assert events[-1]["t"] == "bulk.done" and events[-1]["succeeded"] == 2500


async def test_bulk_routes_do_not_collide_with_job_routes(client, admin):
    listed = await client.get("/api/v1/jobs/bulk", headers=admin)
    assert listed.status_code == 200 and "items" in listed.json()
    missing = await client.get(f"/api/v1/jobs/bulk/{uuid.uuid4()}", headers=admin)
    assert missing.status_code == 404 and missing.json()["detail"].startswith("Bulk operation")
    cancel = await client.post(f"/api/v1/jobs/bulk/{uuid.uuid4()}/cancel", headers=admin)
    assert cancel.status_code == 404
