"""Job actions, through Chancy's own methods, each in the request's transaction.

Unlike chancy 0.26's web plugin, a single action on a missing job is a 404, and an action that
makes no sense for the job's state is a 409 instead of a silent no-op (retrying a running job)
or a wrong result (cancelling a succeeded job used to turn it into a failed one).
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from chancy import Chancy, Job, Limit, Reference
from litestar.exceptions import NotFoundException, ValidationException
from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from chancy_web.db import table
from chancy_web.errors import ConflictException
from chancy_web.jobs.schemas import BatchItemResult, JobClone
from chancy_web.validation import check_time

FINISHED = ("succeeded", "failed")


async def _lock(conn: AsyncConnection, chancy: Chancy, job_id: UUID) -> tuple[str, str, int]:
    """The job's state, queue and attempts, with its row locked until the transaction ends."""
    cursor = await conn.execute(
        sql.SQL("SELECT state, queue, attempts FROM {jobs} WHERE id = %s FOR UPDATE").format(
            jobs=table(chancy, "jobs")
        ),
        (job_id,),
    )
    row = await cursor.fetchone()
    if row is None:
        raise NotFoundException(f"Job {job_id} not found")
    return row[0], row[1], row[2]


async def retry_job(conn: AsyncConnection, chancy: Chancy, job_id: UUID) -> None:
    state, _, _ = await _lock(conn, chancy, job_id)
    if state == "running":
        raise ConflictException("Running jobs cannot be retried; cancel it first")
    async with conn.cursor(row_factory=dict_row) as cursor:
        for queue in await chancy.retry_jobs_ex(cursor, [Reference(job_id)]):
            await chancy.notify(cursor, "queue.pushed", {"q": queue})


async def cancel_job(conn: AsyncConnection, chancy: Chancy, job_id: UUID, username: str) -> None:
    state, _, attempts = await _lock(conn, chancy, job_id)
    if state in FINISHED:
        raise ConflictException(f"Job is already {state}")
    async with conn.cursor(row_factory=dict_row) as cursor:
        await chancy.cancel_job_ex(cursor, Reference(job_id))
        # Chancy marks a cancelled job failed without saying why; say it in its errors.
        note = {"attempt": attempts, "traceback": f"Cancelled by {username} from chancy-web"}
        await cursor.execute(
            sql.SQL("UPDATE {jobs} SET errors = errors || %s WHERE id = %s").format(
                jobs=table(chancy, "jobs")
            ),
            (Jsonb([note]), job_id),
        )
        await chancy.notify(cursor, "job.cancelled", {"j": str(job_id)})


async def delete_job(conn: AsyncConnection, chancy: Chancy, job_id: UUID) -> None:
    state, _, _ = await _lock(conn, chancy, job_id)
    async with conn.cursor(row_factory=dict_row) as cursor:
        await chancy.purge_jobs_ex(cursor, [Reference(job_id)])
        if state == "running":
            # Deleting the row does not stop the worker running it; ask it to.
            await chancy.notify(cursor, "job.cancelled", {"j": str(job_id)})


BATCH_ACTIONS = ("retry", "purge", "cancel")


def _distinct_ids(ids: list[str]) -> list[tuple[str, UUID | None]]:
    """Each job once, under the first spelling given (`ABC…`, `{abc…}` and `urn:uuid:abc…` are
    one job), in first-seen order; ids that are not UUIDs, once each, with None."""
    seen: dict[UUID | str, tuple[str, UUID | None]] = {}
    for raw in ids:
        try:
            job_id: UUID | None = UUID(raw)
        except ValueError:
            job_id = None
        seen.setdefault(job_id or raw, (raw, job_id))
    return list(seen.values())


async def run_batch(
    conn: AsyncConnection, chancy: Chancy, action: str, ids: list[str], username: str
) -> list[BatchItemResult]:
    """Apply `action` to each job, each in a savepoint of the request's transaction, so that
    one item's failure neither stops nor undoes the others."""
    results = []
    for raw, job_id in _distinct_ids(ids):
        if job_id is None:
            results.append(BatchItemResult(id=raw, status="failed", message="Invalid job ID"))
            continue
        try:
            async with conn.transaction():
                if action == "retry":
                    await retry_job(conn, chancy, job_id)
                elif action == "cancel":
                    await cancel_job(conn, chancy, job_id, username)
                else:
                    await delete_job(conn, chancy, job_id)
        except NotFoundException:
            results.append(
                BatchItemResult(id=raw, status="skipped", message="Job no longer exists")
            )
        except ConflictException as exc:
            results.append(BatchItemResult(id=raw, status="skipped", message=exc.detail))
        else:
            results.append(BatchItemResult(id=raw, status="completed"))
    return results


async def clone_job(conn: AsyncConnection, chancy: Chancy, job_id: UUID, edits: JobClone) -> UUID:
    """Push a new job like `job_id` with `edits` applied and `meta.cloned_from` set to the
    original's id (the lineage the job page shows both ways); returns the new job's id."""
    async with conn.cursor(row_factory=dict_row) as cursor:
        await cursor.execute(
            sql.SQL(
                "SELECT queue, func, kwargs, meta, limits, priority, max_attempts "
                "FROM {jobs} WHERE id = %s"
            ).format(jobs=table(chancy, "jobs")),
            (job_id,),
        )
        original = await cursor.fetchone()
        if original is None:
            raise NotFoundException(f"Job {job_id} not found")
        if edits.queue is not None:
            await cursor.execute(
                sql.SQL("SELECT 1 FROM {queues} WHERE name = %s").format(
                    queues=table(chancy, "queues")
                ),
                (edits.queue,),
            )
            if await cursor.fetchone() is None:
                raise ValidationException(f"Queue {edits.queue!r} does not exist")
        scheduled_at = edits.scheduled_at or datetime.now(UTC)
        check_time(scheduled_at, "scheduled_at")
        job = Job(
            func=original["func"],
            queue=edits.queue or original["queue"],
            kwargs=edits.kwargs if edits.kwargs is not None else (original["kwargs"] or {}),
            priority=edits.priority if edits.priority is not None else original["priority"] or 0,
            max_attempts=edits.max_attempts or original["max_attempts"] or 1,
            scheduled_at=scheduled_at,
            limits=[Limit.deserialize(limit) for limit in original["limits"] or []],
            meta={**(original["meta"] or {}), "cloned_from": str(job_id)},
        )
        [ref] = await chancy.push_many_ex(cursor, [job])
    return UUID(str(ref.identifier))
