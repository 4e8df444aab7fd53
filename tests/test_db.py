"""chancy_web.db: reads borrow Chancy's own connections, and must give them back unchanged."""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from chancy import Chancy
from psycopg.pq import TransactionStatus

from chancy_web.context import WebContext
from chancy_web.db import read
from chancy_web.settings import Settings
from tests.conftest import auth_backend


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
