"""Runs bulk operations, one chunk per step, in whichever chancy-web processes are up.

A step claims the oldest unfinished operation with `FOR UPDATE SKIP LOCKED` (so across every
process and replica one runner holds each operation, and another process takes the next
one), acts on at most `bulk_chunk_size` (≤ 1000) of its jobs, and records the progress, all in
one short transaction. A crash or restart rolls back the chunk in progress and nothing else:
the next step, in any process, starts from the last committed `cursor`, so no job is acted on
twice and none is missed.

The set is walked by keyset on the primary key (`cursor < id <= upper_id`), a window of at most
`SCAN_WINDOW` ids at a time, so a chunk's cost is bounded however rare the matching jobs are.
Jobs are locked (`FOR UPDATE`) before they are acted on; Chancy's workers fetch with SKIP
LOCKED, so they pass over the chunk's rows rather than wait for them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from chancy import Chancy, Reference
from litestar.exceptions import ValidationException
from psycopg import AsyncConnection, sql
from psycopg.rows import class_row, dict_row

from chancy_web.background import BackgroundJob
from chancy_web.bulk import queries
from chancy_web.bulk.schemas import BulkOperation
from chancy_web.bulk.selection import Bounds, Selection, select
from chancy_web.db import connect, table

if TYPE_CHECKING:
    from chancy_web.context import WebContext

log = logging.getLogger("chancy_web.bulk")

#: Ids looked at per chunk at most, matching or not.
SCAN_WINDOW = 20_000
#: Windows a chunk walks at most while it finds nothing to act on.
WINDOWS_PER_CHUNK = 8
FINISHED = ("succeeded", "failed")


@dataclass
class Claimed:
    id: UUID
    action: str
    q: str
    lower_id: UUID | None
    upper_id: UUID | None
    cursor: UUID | None
    created_by: str
    created_role: str
    created_at: datetime


@dataclass(frozen=True)
class Outcome:
    succeeded: int
    skipped: int


class ChunkSize:
    """How many jobs the next chunk takes: `bulk_chunk_size` while chunks are quick, fewer
    while the database is busy, so that a chunk's transaction (and the row locks it holds)
    stays near TARGET_S whatever the load. Per process; each process measures its own."""

    TARGET_S = 0.1
    MINIMUM = 100

    def __init__(self) -> None:
        self._sizes: dict[int, int] = {}

    def get(self, ctx: WebContext) -> int:
        ceiling = min(ctx.settings.bulk_chunk_size, 1000)
        return min(self._sizes.get(id(ctx), ceiling), ceiling)

    def measured(self, ctx: WebContext, size: int, seconds: float) -> None:
        ceiling = min(ctx.settings.bulk_chunk_size, 1000)
        scaled = int(size * self.TARGET_S / max(seconds, 1e-3))
        # Shrink at once, grow by at most half again per chunk.
        self._sizes[id(ctx)] = max(min(ceiling, self.MINIMUM), min(ceiling, scaled, size * 3 // 2))


CHUNK_SIZE = ChunkSize()


async def step(ctx: WebContext) -> bool:
    """One chunk of the oldest unfinished operation no other process holds; True if one ran."""
    began = time.perf_counter()
    size = CHUNK_SIZE.get(ctx)
    # A request's connection: within the web layer's share of the pool, the statement
    # timeout and the deadline, committed when the block ends.
    async with connect(ctx) as conn:
        claimed = await _claim(conn, ctx.chancy)
        if claimed is None:
            return False
        await run_chunk(conn, ctx, claimed, size)
    CHUNK_SIZE.measured(ctx, size, time.perf_counter() - began)
    return True


async def _claim(conn: AsyncConnection, chancy: Chancy) -> Claimed | None:
    async with conn.cursor(row_factory=class_row(Claimed)) as cursor:
        await cursor.execute(
            sql.SQL(
                """
                SELECT id, action, q, lower_id, upper_id, cursor, created_by, created_role,
                    created_at
                FROM {ops} WHERE state IN ('queued', 'running')
                ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED
                """
            ).format(ops=table(chancy, "web_bulk_operations"))
        )
        return await cursor.fetchone()


async def run_chunk(conn: AsyncConnection, ctx: WebContext, op: Claimed, size: int) -> None:
    """Act on the next `size` (at most) matching jobs of `op` and record it, in `conn`'s open
    transaction."""
    chancy = ctx.chancy
    jobs = table(chancy, "jobs")
    try:
        bounds = Bounds(op.lower_id, op.upper_id)
        sel = select(op.q, jobs=jobs, now=op.created_at, settings=ctx.settings, bounds=bounds)
    except ValidationException as exc:  # a query this version no longer understands
        await _record(conn, ctx, op, op.cursor, Outcome(0, 0), done=True, error=str(exc.detail))
        return
    if op.upper_id is None:
        await _record(conn, ctx, op, None, Outcome(0, 0), done=True)
        return

    # A bounded query's set starts at its window; the walk need not pass the jobs before it.
    start, hits = op.cursor, []
    first = op.lower_id if op.cursor is None else None
    # Windows without a match (the set's jobs are often a few among many) are passed over in
    # the same chunk, a few at a time, so that walking to them costs few transactions.
    for _ in range(WINDOWS_PER_CHUNK):
        window_end = await _window_end(conn, jobs, start, first, op.upper_id)
        hits = await _lock_matching(conn, jobs, sel, start, first, window_end, size)
        if hits or window_end == op.upper_id:
            break
        start, first = window_end, None
    outcome = await ACTIONS[op.action](conn, chancy, op, hits)
    full = len(hits) == size
    new_cursor = hits[-1][0] if full else window_end
    await _record(conn, ctx, op, new_cursor, outcome, done=not full and window_end == op.upper_id)


def _after(start: UUID | None, first: UUID | None) -> tuple[sql.Composable, list[UUID]]:
    """The walk's lower bound: after the last id done, or from the set's first id."""
    if start is not None:
        return sql.SQL("j.id > %s AND "), [start]
    if first is not None:
        return sql.SQL("j.id >= %s AND "), [first]
    return sql.SQL(""), []


async def _window_end(
    conn: AsyncConnection,
    jobs: sql.Identifier,
    start: UUID | None,
    first: UUID | None,
    upper: UUID,
) -> UUID:
    """The id SCAN_WINDOW ids after `start`, or `upper` if the set ends sooner."""
    lower, params = _after(start, first)
    cursor = await conn.execute(
        sql.SQL(
            "SELECT j.id FROM {jobs} AS j WHERE {lower} j.id <= %s ORDER BY j.id OFFSET %s LIMIT 1"
        ).format(jobs=jobs, lower=lower),
        [*params, upper, SCAN_WINDOW - 1],
    )
    row = await cursor.fetchone()
    return row[0] if row else upper


async def _lock_matching(
    conn: AsyncConnection,
    jobs: sql.Identifier,
    sel: Selection,
    start: UUID | None,
    first: UUID | None,
    end: UUID,
    size: int,
) -> list[tuple[UUID, str]]:
    """The first `size` matching jobs in `start < id <= end`, locked, with their states.

    Locking re-reads each row as it is now, so a job that no longer matches (retried by hand
    meanwhile) is left out rather than acted on.
    """
    lower, params = _after(start, first)
    cursor = await conn.execute(
        sql.SQL(
            "SELECT j.id, j.state FROM {jobs} AS j WHERE {lower} j.id <= %s AND ({where}) "
            "ORDER BY j.id LIMIT %s FOR UPDATE OF j"
        ).format(jobs=jobs, lower=lower, where=sel.where),
        [*params, end, *sel.params, size],
    )
    return [(r[0], r[1]) for r in await cursor.fetchall()]


async def _retry(
    conn: AsyncConnection, chancy: Chancy, op: Claimed, hits: list[tuple[UUID, str]]
) -> Outcome:
    # As the single retry: a running job is refused (Chancy's retry_jobs_ex ignores them).
    ids = [job_id for job_id, state in hits if state != "running"]
    async with conn.cursor(row_factory=dict_row) as cursor:
        queues = await chancy.retry_jobs_ex(cursor, [Reference(i) for i in ids])
        await chancy.notify_many(cursor, [("queue.pushed", {"q": q}) for q in sorted(queues)])
    return Outcome(succeeded=len(ids), skipped=len(hits) - len(ids))


async def _cancel(
    conn: AsyncConnection, chancy: Chancy, op: Claimed, hits: list[tuple[UUID, str]]
) -> Outcome:
    """As the single cancel (`chancy_web.jobs.actions.cancel_job`): finished jobs are refused;
    the others end failed, with who cancelled them in their errors. Chancy cancels one job per
    call; this is the same statement as its `cancel_job_ex`, for the whole chunk at once."""
    targets = [(job_id, state) for job_id, state in hits if state not in FINISHED]
    note = f"Cancelled by {op.created_by} from chancy-web (bulk operation {op.id})"
    await conn.execute(
        sql.SQL(
            """
            UPDATE {jobs} SET state = 'failed', claim_id = NULL, completed_at = NOW(),
                errors = errors || jsonb_build_array(
                    jsonb_build_object('attempt', attempts, 'traceback', %s::text))
            WHERE id = ANY(%s)
            """
        ).format(jobs=table(chancy, "jobs")),
        (note, [job_id for job_id, _ in targets]),
    )
    await _stop_running(conn, chancy, targets)
    return Outcome(succeeded=len(targets), skipped=len(hits) - len(targets))


async def _purge(
    conn: AsyncConnection, chancy: Chancy, op: Claimed, hits: list[tuple[UUID, str]]
) -> Outcome:
    async with conn.cursor(row_factory=dict_row) as cursor:
        await chancy.purge_jobs_ex(cursor, [Reference(job_id) for job_id, _ in hits])
    # Deleting the row does not stop the worker running it; ask it to, as the single delete.
    await _stop_running(conn, chancy, hits)
    return Outcome(succeeded=len(hits), skipped=0)


async def _stop_running(
    conn: AsyncConnection, chancy: Chancy, jobs: list[tuple[UUID, str]]
) -> None:
    """`job.cancelled` for the running ones, which their workers act on. Jobs that were not
    running have no worker to tell, and 1,000 events a chunk would flood every stream."""
    events = [("job.cancelled", {"j": str(job_id)}) for job_id, state in jobs if state == "running"]
    async with conn.cursor(row_factory=dict_row) as cursor:
        await chancy.notify_many(cursor, events)


ACTIONS: dict[str, Any] = {"retry": _retry, "cancel": _cancel, "purge": _purge}


async def _record(
    conn: AsyncConnection,
    ctx: WebContext,
    op: Claimed,
    new_cursor: UUID | None,
    outcome: Outcome,
    *,
    done: bool,
    error: str | None = None,
) -> None:
    """The chunk's progress, in the chunk's own transaction, and its event."""
    chancy = ctx.chancy
    async with conn.cursor(row_factory=class_row(BulkOperation)) as cursor:
        await cursor.execute(
            sql.SQL(
                """
                UPDATE {ops} SET
                    state = %s, cursor = %s, error = %s,
                    started_at = coalesce(started_at, now()),
                    finished_at = CASE WHEN %s THEN now() END,
                    processed = processed + %s, succeeded = succeeded + %s,
                    skipped = skipped + %s
                WHERE id = %s
                RETURNING {columns}
                """
            ).format(ops=table(chancy, "web_bulk_operations"), columns=queries.COLUMNS),
            (
                ("failed" if error else "done") if done else "running",
                new_cursor,
                error,
                done,
                outcome.succeeded + outcome.skipped,
                outcome.succeeded,
                outcome.skipped,
                op.id,
            ),
        )
        updated = await cursor.fetchone()
    assert updated is not None
    if (
        outcome.succeeded + outcome.skipped or done
    ):  # a walk past non-matching jobs is news to nobody
        async with conn.cursor(row_factory=dict_row) as cursor:
            await chancy.notify(cursor, "bulk.progress", queries.event_body(updated))
    if done:
        await queries.announce_finished(conn, chancy, updated, op.created_role)


BULK = BackgroundJob("bulk", step, interval_s=2.0)
