"""Cron schedules (the Cron plugin's `{prefix}cron` table) and the jobs they produced.

A schedule's jobs are found by its unique_key: the Cron plugin pushes the stored job as is, and
a schedule's job must have a unique_key (`Cron.schedule` refuses one without). They are read
for every schedule of a list in one query, never one query per schedule. That query needs an
index on `(unique_key, id DESC)`: Chancy's own unique_key index covers only unfinished jobs,
and without one Postgres walks the jobs' primary key until it finds a schedule's jobs (all of
it for a schedule that never ran).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
from chancy import Chancy, Job
from chancy.plugins.cron import _next_run
from croniter import CroniterBadCronError, CroniterBadDateError
from litestar.exceptions import NotFoundException
from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row

from chancy_web.crons.describe import describe
from chancy_web.crons.schemas import CronJob, CronSchedule
from chancy_web.db import Reader, table
from chancy_web.errors import ConflictException
from chancy_web.job_template import JobTemplate
from chancy_web.query.columns import ERROR


def next_runs(cron: str, timezone: str, count: int, now: datetime) -> list[datetime]:
    """The next `count` run times after `now`, by the scheduler's own rule.

    `_next_run` is what the Cron plugin itself calls, so the list follows its daylight saving
    time behaviour exactly (a browser-side croniter would not). Raises ValueError for an
    invalid expression and ZoneInfoNotFoundError for an unknown timezone.
    """
    tz = ZoneInfo(timezone)
    runs: list[datetime] = []
    at = now
    for _ in range(count):
        at = _next_run(cron, at, tz)
        runs.append(at)
    return runs


def _schedule(row: dict[str, Any], jobs: list[CronJob], count: int, now: datetime) -> CronSchedule:
    error = None
    try:
        upcoming = next_runs(row["cron"], row["timezone"], count, now)
    except (ValueError, KeyError, ZoneInfoNotFoundError, CroniterBadCronError) as exc:
        # Stored by hand (the Django admin, SQL) and never validated: show it, do not fail.
        upcoming, error = [], f"Cannot compute the next runs: {exc}"
    except CroniterBadDateError:
        upcoming, error = [], "The expression matches no time in the next 50 years"
    return CronSchedule(
        unique_key=row["unique_key"],
        cron=row["cron"],
        timezone=row["timezone"],
        last_run=row["last_run"],
        next_run=row["next_run"],
        job=JobTemplate.from_packed(row["job"]),
        description=describe(row["cron"]),
        next_runs=upcoming,
        recent_jobs=jobs,
        error=error,
    )


async def list_schedules(
    db: Reader,
    chancy: Chancy,
    *,
    unique_key: str | None = None,
    jobs: int = 5,
    upcoming: int = 5,
) -> list[CronSchedule]:
    """Every schedule (or only `unique_key`'s), sorted by unique_key, with its latest `jobs`."""
    rows = await db.all(
        sql.SQL(
            """
            SELECT unique_key, cron, timezone, last_run, next_run, job FROM {cron}
            WHERE %(key)s::text IS NULL OR unique_key = %(key)s
            ORDER BY unique_key
            """
        ).format(cron=table(chancy, "cron")),
        {"key": unique_key},
        dict_row,
    )
    produced = await _recent_jobs(db, chancy, [row["unique_key"] for row in rows], jobs)
    now = datetime.now(UTC)
    return [_schedule(row, produced.get(row["unique_key"], []), upcoming, now) for row in rows]


async def _recent_jobs(
    db: Reader, chancy: Chancy, keys: list[str], limit: int
) -> dict[str, list[CronJob]]:
    if not keys or limit < 1:
        return {}
    rows = await db.all(
        sql.SQL(
            """
            SELECT k.unique_key, j.id, j.state, j.created_at, j.scheduled_at, j.started_at,
                j.completed_at, j.attempts, j.error
            FROM unnest(%s::text[]) AS k(unique_key)
            CROSS JOIN LATERAL (
                SELECT id, state, created_at, scheduled_at, started_at, completed_at,
                    attempts, {error}
                FROM {jobs} WHERE unique_key = k.unique_key
                ORDER BY id DESC LIMIT %s
            ) AS j
            ORDER BY k.unique_key, j.id DESC
            """
        ).format(error=ERROR, jobs=table(chancy, "jobs")),
        (keys, limit),
        dict_row,
    )
    found: dict[str, list[CronJob]] = {}
    for row in rows:
        key = row.pop("unique_key")
        found.setdefault(key, []).append(msgspec.convert(row, CronJob))
    return found


async def _active_job(conn: AsyncConnection, chancy: Chancy, unique_key: str) -> UUID | None:
    """The schedule's job that is still pending, retrying or running, if any.

    Chancy allows one such job per unique_key: pushing another returns the existing one.
    """
    cursor = await conn.execute(
        sql.SQL(
            """
            SELECT id FROM {jobs}
            WHERE unique_key = %s AND state NOT IN ('succeeded', 'failed')
            """
        ).format(jobs=table(chancy, "jobs")),
        (unique_key,),
    )
    row = await cursor.fetchone()
    return row[0] if row else None


async def run_now(conn: AsyncConnection, chancy: Chancy, unique_key: str) -> UUID:
    """Push the schedule's job as the Cron plugin would, but due now; returns its id."""
    # Locks the schedule until the transaction ends, so two clicks cannot both pass the check.
    cursor = await conn.execute(
        sql.SQL("SELECT job FROM {cron} WHERE unique_key = %s FOR UPDATE").format(
            cron=table(chancy, "cron")
        ),
        (unique_key,),
    )
    row = await cursor.fetchone()
    if row is None:
        raise NotFoundException(f"Cron schedule {unique_key!r} not found")
    active = await _active_job(conn, chancy, unique_key)
    if active is not None:
        raise ConflictException(
            f"A job of {unique_key!r} is already waiting or running",
            extra={"job_id": str(active)},
        )
    # The stored job keeps the time it was scheduled at; this run is due now.
    job = Job.unpack(row[0]).with_scheduled_at(datetime.now(UTC))
    async with conn.cursor(row_factory=dict_row) as push:
        [ref] = await chancy.push_many_ex(push, [job])
    return UUID(str(ref.identifier))


async def unschedule(conn: AsyncConnection, chancy: Chancy, unique_key: str) -> bool:
    """Delete the schedule; False if there was none.

    The statement of `Cron.unschedule`, which runs on a connection of its own: here it runs
    in the request's transaction, beside the audit entry.
    """
    cursor = await conn.execute(
        sql.SQL("DELETE FROM {cron} WHERE unique_key = %s RETURNING unique_key").format(
            cron=table(chancy, "cron")
        ),
        (unique_key,),
    )
    return await cursor.fetchone() is not None
