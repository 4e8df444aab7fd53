"""Bulk operation SQL: counting what a query matches, and the operations table."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from chancy import Chancy
from chancy.utils import chancy_uuid
from psycopg import AsyncConnection, sql
from psycopg.rows import class_row, dict_row

from chancy_web.audit.queries import AuditRecord, record
from chancy_web.bulk.schemas import BulkOperation, BulkPreview
from chancy_web.bulk.selection import Bounds, Selection
from chancy_web.db import Reader, table

#: The columns of BulkOperation, from the operations table.
COLUMNS = sql.SQL(
    """id, action, q, state, matched, estimated, processed, succeeded, skipped, failed,
    created_by, created_at, started_at, finished_at, error"""
)


def tolerance(expected: int, estimated: bool) -> int:
    """How far the count may move between the preview and the request that confirms it, with
    jobs finishing meanwhile (a retry of `state:failed` loses the ones retried by hand): 2 %
    of an exact count and 10 % of an estimate, and never less than 10 jobs."""
    return max(10, expected // (10 if estimated else 50))


async def count_matching(
    conn: AsyncConnection, chancy: Chancy, sel: Selection, upper: UUID | None, exact_limit: int
) -> BulkPreview:
    """How many jobs up to `upper` (see `selection.fix_bounds`) `sel` matches: exact up to
    `exact_limit`, past that the planner's estimate (counting millions of rows would hold the
    request for seconds)."""
    if upper is None:
        return BulkPreview(matched=0, estimated=False)
    matching = sql.SQL("SELECT 1 FROM {jobs} AS j WHERE j.id <= %s AND ({where})").format(
        jobs=table(chancy, "jobs"), where=sel.where
    )
    params = [upper, *sel.params]
    cursor = await conn.execute(
        sql.SQL("SELECT count(*) FROM ({matching} LIMIT %s) AS m").format(matching=matching),
        [*params, exact_limit + 1],
    )
    row = await cursor.fetchone()
    exact = int(row[0]) if row else 0
    if exact <= exact_limit:
        return BulkPreview(matched=exact, estimated=False)
    cursor = await conn.execute(sql.SQL("EXPLAIN (FORMAT JSON) {}").format(matching), params)
    row = await cursor.fetchone()
    plan = row[0] if row else [{}]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    estimate = int(plan[0].get("Plan", {}).get("Plan Rows", exact))
    return BulkPreview(matched=max(estimate, exact), estimated=True)


async def create_operation(
    conn: AsyncConnection,
    chancy: Chancy,
    *,
    action: str,
    q: str,
    bounds: Bounds,
    preview: BulkPreview,
    username: str,
    role: str,
    now: datetime,
) -> BulkOperation:
    async with conn.cursor(row_factory=class_row(BulkOperation)) as cursor:
        await cursor.execute(
            sql.SQL(
                """
                INSERT INTO {ops} (id, action, q, lower_id, upper_id, matched, estimated,
                                   created_by, created_role, created_at)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                RETURNING {columns}
                """
            ).format(ops=table(chancy, "web_bulk_operations"), columns=COLUMNS),
            (
                chancy_uuid(),
                action,
                q,
                bounds.lower,
                bounds.upper,
                preview.matched,
                preview.estimated,
                username,
                role,
                now,
            ),
        )
        created = await cursor.fetchone()
    assert created is not None
    return created


async def list_operations(db: Reader, chancy: Chancy, limit: int) -> list[BulkOperation]:
    query = sql.SQL("SELECT {columns} FROM {ops} ORDER BY created_at DESC, id DESC LIMIT %s")
    return await db.all(
        query.format(columns=COLUMNS, ops=table(chancy, "web_bulk_operations")),
        (limit,),
        class_row(BulkOperation),
    )


async def get_operation(db: Reader, chancy: Chancy, op_id: UUID) -> BulkOperation | None:
    query = sql.SQL("SELECT {columns} FROM {ops} WHERE id = %s")
    return await db.one(
        query.format(columns=COLUMNS, ops=table(chancy, "web_bulk_operations")),
        (op_id,),
        class_row(BulkOperation),
    )


async def cancel_operation(
    conn: AsyncConnection, chancy: Chancy, op_id: UUID
) -> tuple[BulkOperation, str] | None:
    """Stop an unfinished operation: the operation and its creator's role, or None if it is
    not (or no longer) unfinished.

    A runner holds the operation's row for the length of one chunk, so this waits for the
    chunk in progress (a short transaction) and takes effect right after it: that chunk
    counts, no later one runs.
    """
    async with conn.cursor(row_factory=dict_row) as cursor:
        await cursor.execute(
            sql.SQL(
                """
                UPDATE {ops} SET cancel_requested = true, state = 'cancelled',
                    finished_at = now()
                WHERE id = %s AND state IN ('queued', 'running')
                RETURNING {columns}, created_role
                """
            ).format(ops=table(chancy, "web_bulk_operations"), columns=COLUMNS),
            (op_id,),
        )
        row = await cursor.fetchone()
    if row is None:
        return None
    role = row.pop("created_role")
    return BulkOperation(**row), role


def event_body(op: BulkOperation) -> dict[str, Any]:
    """What `bulk.progress` and `bulk.done` carry: enough for a progress bar without a read."""
    return {
        "id": str(op.id),
        "action": op.action,
        "state": op.state,
        "matched": op.matched,
        "processed": op.processed,
        "succeeded": op.succeeded,
        "skipped": op.skipped,
        "failed": op.failed,
    }


async def announce_finished(
    conn: AsyncConnection, chancy: Chancy, op: BulkOperation, role: str
) -> None:
    """In the transaction that finished `op`: its audit entry with the totals, and
    `bulk.done` on the live stream (sent when that transaction commits)."""
    await record(
        conn,
        chancy,
        AuditRecord(
            username=op.created_by,
            role=role,
            action="job.bulk.finished",
            target=str(op.id),
            outcome="allowed",
            status_code=200,
            detail={**event_body(op), "q": op.q[:500], "error": op.error},
            client=None,
        ),
    )
    async with conn.cursor(row_factory=dict_row) as cursor:
        await chancy.notify(cursor, "bulk.done", event_body(op))
