"""Database access shared by every resource: table names, and a pooled connection per request.

Two ways in, both under the statement timeout and on Chancy's shared pool:

- `read(ctx)` for reads of one statement each: every statement is one round trip.
- `connect(ctx)` for everything else: one transaction, committed when the block succeeds.

Handlers open them themselves rather than through a generator dependency: Litestar does not
close a generator dependency when a sibling dependency fails validation, which leaked
connections until the pool ran dry. Pool exhaustion, timeouts and a database that stopped
answering surface as psycopg errors, which the app turns into 503s (see `chancy_web.errors`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import psycopg
from chancy import Chancy
from psycopg import AsyncClientCursor, AsyncConnection, sql
from psycopg.abc import Params
from psycopg.pq import TransactionStatus
from psycopg.rows import AsyncRowFactory, tuple_row
from psycopg_pool import PoolTimeout

from chancy_web.context import WebContext
from chancy_web.deadline import Deadline, run_within

Row = TypeVar("Row")
T = TypeVar("T")
INTRANS, INERROR = TransactionStatus.INTRANS, TransactionStatus.INERROR


def table(chancy: Chancy, name: str) -> sql.Identifier:
    """A Chancy table, named with the app's prefix (`jobs` -> `chancy_jobs`)."""
    return sql.Identifier(f"{chancy.prefix}{name}")


@asynccontextmanager
async def _turn(ctx: WebContext) -> AsyncIterator[None]:
    """One of the web layer's `settings.max_db_connections` turns at Chancy's pool.

    A burst of dashboard requests queues here instead of taking the connections Chancy's
    worker needs to fetch jobs (and opening connections that a 2-core database could not use
    anyway). Waiting for a turn counts against `pool_timeout_s`, like waiting for the pool,
    and ends in the same 503.
    """
    slots, timeout = ctx.db_slots, ctx.settings.pool_timeout_s
    try:
        # Not wait_for: in Python 3.11 it loses a cancellation that comes as the turn does.
        async with asyncio.timeout(timeout):
            await slots.acquire()
    except TimeoutError:
        raise PoolTimeout(f"no database connection free within {timeout} s") from None
    try:
        yield
    finally:
        slots.release()


@asynccontextmanager
async def pooled(ctx: WebContext) -> AsyncIterator[AsyncConnection]:
    """A connection of Chancy's pool, within the web layer's share of it and the deadline.

    Every database use of a request comes through here: waiting for a turn and a connection,
    the block's statements and its commit (or rollback) together take at most
    `settings.deadline_s`, after which the block raises `DeadlineExceeded` (a 503) and the
    connection is closed, never given back to the pool (see `chancy_web.deadline`).
    """
    async with (
        Deadline(ctx.settings.deadline_s) as deadline,
        _turn(ctx),
        ctx.chancy.pool.connection(timeout=ctx.settings.pool_timeout_s) as conn,
    ):
        deadline.hold(conn)
        try:
            yield conn
            # Here, not on the pool's way out, so that the deadline covers it too.
            if conn.info.transaction_status in (INTRANS, INERROR):
                await conn.commit()
        except BaseException as exc:
            await _end_failed(conn, exc, deadline)
            raise
        finally:
            deadline.stop()


async def _end_failed(conn: AsyncConnection, exc: BaseException, deadline: Deadline) -> None:
    """Roll back a block that failed, or close its connection when its state is unknown."""
    status = conn.info.transaction_status
    if isinstance(exc, Exception) and not deadline.expired and status != TransactionStatus.ACTIVE:
        try:
            await conn.rollback()
            return
        except psycopg.Error:
            pass
    await conn.close()


async def on_chancys_pool(ctx: WebContext, call: Callable[[], Awaitable[T]]) -> T:
    """`await call()`, for Chancy's own methods that take a connection from its pool by
    themselves (a plugin's readers): within the web layer's share, and the deadline."""

    async def in_turn() -> T:
        async with _turn(ctx):
            return await call()

    return await run_within(ctx.settings.deadline_s, in_turn)


@asynccontextmanager
async def connect(ctx: WebContext) -> AsyncIterator[AsyncConnection]:
    """A pooled connection in a transaction that commits when the block succeeds.

    The statement timeout is transaction-local, so it never leaks into Chancy's own use of the
    shared pool.
    """
    async with pooled(ctx) as conn:
        await conn.execute(
            "SELECT set_config('statement_timeout', %s, true)",
            (str(ctx.settings.statement_timeout_ms),),
        )
        yield conn


class Reader:
    """Runs read statements one at a time, each in a single round trip.

    `connect()` costs four round trips for one query (BEGIN, the timeout, the query, COMMIT),
    and each costs the web process more CPU than reading fifty rows. Here the timeout and the
    statement travel together as one simple query, which Postgres runs as one implicit
    transaction, so `SET LOCAL` applies to the statement and ends with it. Parameters are
    bound client-side (psycopg quotes them), as the simple protocol requires.

    Without `timeout_ms` it reads inside the transaction of a `connect()` block, whose
    timeout is already set, so that the same query functions serve reads and mutations.
    Queries are best passed as strings rendered once (see `render`): composing them anew for
    each request costs more than running them.
    """

    def __init__(self, conn: AsyncConnection, timeout_ms: int | None = None) -> None:
        self._conn = conn
        self._timeout = (
            "" if timeout_ms is None else f"SET LOCAL statement_timeout = {timeout_ms:d}; "
        )

    async def all(
        self,
        query: str | sql.Composable,
        params: Params = (),
        row_factory: AsyncRowFactory[Row] = tuple_row,  # type: ignore[assignment]
    ) -> list[Row]:
        text = query if isinstance(query, str) else query.as_string(self._conn)
        async with AsyncClientCursor(self._conn, row_factory=row_factory) as cursor:
            await cursor.execute(self._timeout + text, _in_utc(params))
            if self._timeout:
                cursor.nextset()  # past the SET's empty result
            return await cursor.fetchall()

    async def one(
        self,
        query: str | sql.Composable,
        params: Params = (),
        row_factory: AsyncRowFactory[Row] = tuple_row,  # type: ignore[assignment]
    ) -> Row | None:
        rows = await self.all(query, params, row_factory)
        return rows[0] if rows else None


def _in_utc(params: Params) -> Params:
    """Times as UTC: bound client-side, they reach Postgres as text literals, and its text
    input refuses UTC offsets beyond ±15:59 that the binary protocol (and ISO 8601) allow."""
    if isinstance(params, Mapping):
        return {k: _utc(v) for k, v in params.items()}
    return [_utc(v) for v in params]


def _utc(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return value


def contains_pattern(value: str) -> str:
    """An ILIKE pattern matching `value` anywhere, its own `%`, `_` and `\\` taken literally."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def render(query: sql.Composable) -> str:
    """A composed query as text, for a module to keep (queries naming only tables and
    columns render the same every time)."""
    return query.as_string(None)


@asynccontextmanager
async def read(ctx: WebContext) -> AsyncIterator[Reader]:
    """A pooled connection for single-statement reads (see `Reader`).

    The connection is switched to autocommit while it is ours and back before it returns to
    the pool, because Chancy expects its connections as it configured them (opening
    transactions); one left in any other state (a cancelled request) is closed, and the pool
    replaces it.
    """
    async with pooled(ctx) as conn:
        was_autocommit = conn.autocommit
        await conn.set_autocommit(True)
        try:
            yield Reader(conn, ctx.settings.statement_timeout_ms)
        finally:
            if conn.info.transaction_status == TransactionStatus.IDLE:
                await conn.set_autocommit(was_autocommit)
            else:
                await conn.close()
