"""chancy_web.db: the web layer borrows Chancy's own connections, gives them back unchanged,
and never holds more than its share of them."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import psycopg
import pytest
from chancy import Chancy
from psycopg.pq import TransactionStatus

from chancy_web import create_app
from chancy_web.context import WebContext
from chancy_web.db import read
from chancy_web.settings import Settings
from tests.conftest import PASSWORD, auth_backend, make_job, serving
from tests.jobs.test_shared_reads import jobs_table_locked, queries_waiting


async def assert_as_chancy_expects(ctx: WebContext) -> None:
    """The pool's one connection opens transactions, idle, with the server's own timeout."""
    async with ctx.chancy.pool.connection() as conn:
        assert conn.autocommit is False
        assert conn.info.transaction_status == TransactionStatus.IDLE
        timeout = await (await conn.execute("SHOW statement_timeout")).fetchone()
        assert timeout == ("0",)


async def test_reads_leave_the_shared_connection_as_chancy_expects_it(dsn, chancy):
    # `chancy` (the fixture) has migrated the database; this one has a pool of one connection.
    own = Chancy(dsn, min_connection_pool_size=1, max_connection_pool_size=1)
    async with own:
        ctx = WebContext(
            chancy=own, auth=auth_backend(), settings=Settings(statement_timeout_ms=200)
        )
        async with read(ctx) as db:
            assert await db.all("SELECT %s::int + 1", (41,)) == [(42,)]
            assert await db.one("SELECT 1 WHERE false") is None
        await assert_as_chancy_expects(ctx)

        with pytest.raises(psycopg.errors.UndefinedTable):
            async with read(ctx) as db:
                await db.all("SELECT * FROM no_such_table")
        await assert_as_chancy_expects(ctx)

        # The timeout applies to the read, and ends with it.
        with pytest.raises(psycopg.errors.QueryCanceled):
            async with read(ctx) as db:
                await db.all("SELECT pg_sleep(2)")
        await assert_as_chancy_expects(ctx)

        # A request cancelled mid-query (its client went away).
        async def slow() -> None:
            async with read(ctx) as db:
                await db.all("SELECT pg_sleep(0.15)")

        task = asyncio.create_task(slow())
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await assert_as_chancy_expects(ctx)


async def test_the_web_layer_holds_at_most_its_share_of_the_pool(dsn, chancy):
    """A burst of requests queues for `max_db_connections`, leaving the rest of Chancy's
    pool to its worker; a request that cannot get a turn in time is a 503."""
    queue = f"q-{uuid.uuid4().hex[:8]}"
    await make_job(chancy, queue=queue)
    path = f"/api/v1/jobs?pagination=true&queue={queue}"
    settings = Settings(max_db_connections=2, share_reads=False, pool_timeout_s=1.0)
    app = create_app(chancy, authentication_backend=auth_backend(), settings=settings)
    async with serving(app) as url, httpx.AsyncClient(base_url=url, timeout=20) as client:
        login = await client.post("/api/v1/login", json={"username": "admin", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        async with jobs_table_locked(dsn, chancy.prefix):
            burst = {
                asyncio.create_task(client.get(f"{path}&limit={n}", headers=headers))
                for n in range(1, 7)
            }
            # Two queries reach the database; the other four wait for a turn, and give up
            # with a 503 after pool_timeout_s, while the lock still holds the two.
            refused: set[asyncio.Task[httpx.Response]] = set()
            held = burst
            async with asyncio.timeout(20):
                while len(refused) < 4:
                    done, held = await asyncio.wait(held, return_when=asyncio.FIRST_COMPLETED)
                    refused |= done
            assert [r.result().status_code for r in refused] == [503] * 4
            assert await queries_waiting(dsn, queue, expected=2) == 2
        # The lock gone, the two are served.
        assert [(await r).status_code for r in held] == [200, 200]
        # The lock gone, every request is served again.
        assert (await client.get(path, headers=headers)).status_code == 200
