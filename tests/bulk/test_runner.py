"""The runner across processes: a process killed inside a chunk leaves the operation where its
last committed chunk did, another process finishes it, and no job is acted on twice; a
cancel takes effect after the chunk in progress."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import psycopg
import pytest
from chancy import Chancy
from psycopg import sql

from chancy_web import Api
from chancy_web.auth.backends import SimpleAuthBackend
from chancy_web.bulk import queries
from chancy_web.bulk.runner import ChunkSize, step
from chancy_web.bulk.selection import fix_bounds, select
from chancy_web.context import WebContext
from chancy_web.settings import Settings
from tests.bulk.jobs import fresh_queue, insert_jobs, states, wait_finished
from tests.conftest import auth_backend, free_port, login, make_chancy, serving, web_app

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
async def own_database(server_dsn: str) -> AsyncIterator[tuple[str, Chancy]]:
    """A database of this test's own, so that no other chancy-web process of the session runs
    its operations: the test decides which process does each chunk."""
    name = f"chancy_web_bulk_{uuid.uuid4().hex[:8]}"
    async with await psycopg.AsyncConnection.connect(server_dsn, autocommit=True) as conn:
        await conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    info = psycopg.conninfo.conninfo_to_dict(server_dsn)
    dsn = psycopg.conninfo.make_conninfo(**{**info, "dbname": name})
    try:
        async with make_chancy(
            dsn, Api(authentication_backend=auth_backend(), port=free_port())
        ) as chancy:
            await chancy.migrate()
            yield dsn, chancy
    finally:
        async with await psycopg.AsyncConnection.connect(server_dsn, autocommit=True) as conn:
            await conn.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name))
            )


async def create(chancy: Chancy, action: str, q: str) -> uuid.UUID:
    """An operation as the API creates it (the API's own checks are tested elsewhere)."""
    now = datetime.now(UTC)
    jobs = sql.Identifier(f"{chancy.prefix}jobs")
    sel = select(q, jobs=jobs, now=now, settings=Settings())
    async with chancy.pool.connection() as conn:
        bounds = await fix_bounds(conn, jobs, sel, Settings())
        preview = await queries.count_matching(conn, chancy, sel, bounds.upper, 100_000)
        op = await queries.create_operation(
            conn,
            chancy,
            action=action,
            q=q,
            bounds=bounds,
            preview=preview,
            username="admin",
            role="admin",
            now=now,
        )
    return op.id


async def waiting_on_a_lock(chancy: Chancy, application_name: str) -> bool:
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
            "AND wait_event_type = 'Lock'",
            (application_name,),
        )
        return (await cursor.fetchone())[0] > 0


async def operation(chancy: Chancy, op_id: uuid.UUID) -> dict:
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(
            sql.SQL("SELECT state, processed, succeeded, skipped FROM {} WHERE id = %s").format(
                sql.Identifier(f"{chancy.prefix}web_bulk_operations")
            ),
            (op_id,),
        )
        state, processed, succeeded, skipped = await cursor.fetchone()
    return {"state": state, "processed": processed, "succeeded": succeeded, "skipped": skipped}


async def test_a_runner_killed_mid_chunk_is_finished_by_another_without_repeats(own_database):
    dsn, chancy = own_database
    queue = fresh_queue()
    ids = await insert_jobs(chancy, chancy.prefix, 1000, queue, "pending")
    op_id = await create(chancy, "cancel", f"queue:{queue}")
    name = f"bulk-runner-{uuid.uuid4().hex[:6]}"
    runner_dsn = psycopg.conninfo.make_conninfo(dsn, application_name=name)

    # A job of the third chunk (chunks of 100) is locked here: the runner's third chunk
    # waits for it, inside its transaction, where it is killed.
    async with chancy.pool.connection() as blocker:
        await blocker.execute(
            sql.SQL("SELECT 1 FROM {} WHERE id = %s FOR UPDATE").format(
                sql.Identifier(f"{chancy.prefix}jobs")
            ),
            (ids[250],),
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.bulk.run_steps",
            runner_dsn,
            "100",
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
        )
        try:
            assert process.stdout is not None
            for _ in range(2):
                assert await process.stdout.readline() == b"chunk\n"
            async with asyncio.timeout(30):
                while not await waiting_on_a_lock(chancy, name):  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
            process.send_signal(signal.SIGKILL)  # kill -9: no rollback, no goodbye
            await process.wait()
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        assert await operation(chancy, op_id) == {
            "state": "running",
            "processed": 200,
            "succeeded": 200,
            "skipped": 0,
        }
        await blocker.rollback()

    # Another process (this one) finishes it once the dead one's transaction is gone.
    ctx = WebContext(
        chancy=chancy, auth=SimpleAuthBackend({}), settings=Settings(bulk_chunk_size=100)
    )
    async with asyncio.timeout(60):
        while (await operation(chancy, op_id))["state"] != "done":
            if not await step(ctx):
                await asyncio.sleep(0.05)
    assert await operation(chancy, op_id) == {
        "state": "done",
        "processed": 1000,
        "succeeded": 1000,
        "skipped": 0,
    }
    assert await states(chancy, queue) == {"failed": 1000}
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(
            sql.SQL(
                "SELECT count(*) FROM {} WHERE queue = %s AND jsonb_array_length(errors) = 1"
            ).format(sql.Identifier(f"{chancy.prefix}jobs")),
            (queue,),
        )
        assert (await cursor.fetchone())[0] == 1000  # each cancelled exactly once


async def test_cancelling_midway_stops_after_the_chunk_in_progress(dsn, chancy):
    # A real server on this loop: the cancel request must wait while the test goes on.
    async with serving(web_app(dsn)) as url, httpx.AsyncClient(base_url=url) as client:
        admin = await login(client)
        await _cancel_midway(client, admin, chancy)


async def _cancel_midway(client, admin, chancy) -> None:
    queue = fresh_queue()
    ids = await insert_jobs(chancy, chancy.prefix, 3000, queue, "pending")
    async with chancy.pool.connection() as blocker:
        # The chunk that reaches this job waits for it while the cancel is sent.
        await blocker.execute(
            sql.SQL("SELECT 1 FROM {} WHERE id = %s FOR UPDATE").format(
                sql.Identifier(f"{chancy.prefix}jobs")
            ),
            (ids[1500],),
        )
        created = await client.post(
            "/api/v1/jobs/bulk",
            json={"action": "cancel", "q": f"queue:{queue}", "expected": 3000},
            headers=admin,
        )
        assert created.status_code == 202
        op_id = created.json()["id"]
        async with asyncio.timeout(30):
            while not await _waiting(chancy, "%%FOR UPDATE OF j%%"):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        cancel = asyncio.create_task(
            client.post(f"/api/v1/jobs/bulk/{op_id}/cancel", headers=admin)
        )
        async with asyncio.timeout(30):  # the cancel waits for the chunk holding the operation
            while not await _waiting(chancy, "%%cancel_requested = true%%"):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        await blocker.rollback()
        response = await cancel
    assert response.status_code == 200, response.text
    body = response.json()
    # The chunk in progress (the one that waited, holding job 1500) counts; no later one ran.
    done = body["processed"]
    assert body["state"] == "cancelled" and body["succeeded"] == done and 1500 < done < 3000
    assert body["finished_at"] is not None
    # No runner takes it up again: the remaining jobs stay as they were.
    ctx = WebContext(chancy=chancy, auth=SimpleAuthBackend({}), settings=Settings())
    while await step(ctx):  # other operations, if any, run to their end
        pass
    assert await states(chancy, queue) == {"failed": done, "pending": 3000 - done}
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(
            sql.SQL("SELECT id FROM {} WHERE queue = %s AND state = 'failed'").format(
                sql.Identifier(f"{chancy.prefix}jobs")
            ),
            (queue,),
        )
        assert {row[0] for row in await cursor.fetchall()} == set(ids[:done])  # in id order
    again = await client.post(f"/api/v1/jobs/bulk/{op_id}/cancel", headers=admin)
    assert again.status_code == 409
    final = await wait_finished(client, admin, op_id)
    assert final["processed"] == done
    entries = (await client.get("/api/v1/audit?limit=50", headers=admin)).json()["items"]
    finished = next(
        e for e in entries if e["action"] == "job.bulk.finished" and e["target"] == op_id
    )
    assert finished["detail"]["state"] == "cancelled" and finished["detail"]["processed"] == done


async def _waiting(chancy: Chancy, query: str) -> bool:
    """Whether a statement like `query` waits on a lock."""
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE %s",
            (query.replace("%%", "%"),),
        )
        return (await cursor.fetchone())[0] > 0


async def test_chunks_shrink_while_the_database_is_slow_and_grow_back(chancy):
    ctx = WebContext(chancy=chancy, auth=SimpleAuthBackend({}), settings=Settings())
    sizes = ChunkSize()
    assert sizes.get(ctx) == 1000
    sizes.measured(ctx, 1000, 0.4)  # four times the target: a quarter as many
    assert sizes.get(ctx) == 250
    sizes.measured(ctx, 250, 10.0)
    assert sizes.get(ctx) == ChunkSize.MINIMUM
    for _ in range(10):  # quick again: back to the ceiling, half again at a time
        sizes.measured(ctx, sizes.get(ctx), 0.01)
    assert sizes.get(ctx) == 1000
