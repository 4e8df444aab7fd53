"""Database access shared by every resource: table names and one connection per request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from chancy import Chancy
from psycopg import AsyncConnection, sql

from chancy_web.context import WebContext


def table(chancy: Chancy, name: str) -> sql.Identifier:
    """A Chancy table, named with the app's prefix (`jobs` -> `chancy_jobs`)."""
    return sql.Identifier(f"{chancy.prefix}{name}")


@asynccontextmanager
async def connect(ctx: WebContext) -> AsyncIterator[AsyncConnection]:
    """A pooled connection for one request, in a transaction that commits when it succeeds.

    Handlers open it themselves rather than through a generator dependency: Litestar does not
    close a generator dependency when a sibling dependency fails validation, which leaked
    connections until the pool ran dry.

    The statement timeout is transaction-local, so it never leaks into Chancy's own use of the
    shared pool. Pool exhaustion and timeouts surface as psycopg errors, which the app turns
    into 503s (see `chancy_web.errors`).
    """
    async with ctx.chancy.pool.connection(timeout=ctx.settings.pool_timeout_s) as conn:
        await conn.execute(
            "SELECT set_config('statement_timeout', %s, true)",
            (str(ctx.settings.statement_timeout_ms),),
        )
        yield conn
