"""Job counts that stay cheap at any table size.

Each state is counted exactly while the planner expects fewer than `counts_exact_limit` rows
in it (an index-only scan of a partial index), and estimated above that from the planner's
statistics, per queue; the response lists the states whose numbers are estimates. The result
is computed at most once per `counts_cache_s` and shared by every viewer and scraper
(`shared_job_counts`: the job list's counts and Prometheus's `/metrics` read the same).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chancy import Chancy
from psycopg import AsyncConnection, sql

from chancy_web.context import WebContext
from chancy_web.db import connect, table
from chancy_web.jobs.schemas import JOB_STATES
from chancy_web.query.schemas import JobCounts


async def _planned_rows(conn: AsyncConnection, query: sql.Composable) -> int:
    cursor = await conn.execute(sql.SQL("EXPLAIN (FORMAT JSON) ") + query)
    row = await cursor.fetchone()
    assert row is not None
    return int(row[0][0]["Plan"]["Plan Rows"])


async def _known_queues(conn: AsyncConnection, chancy: Chancy) -> list[str]:
    """Declared queues, plus the queues the statistics see in the jobs table (jobs can name
    queues that were never declared or were deleted)."""
    cursor = await conn.execute(
        sql.SQL(
            """
            SELECT name FROM {queues}
            UNION
            SELECT unnest(most_common_vals::text::text[]) FROM pg_stats
            WHERE schemaname = current_schema() AND tablename = %s AND attname = 'queue'
            """
        ).format(queues=table(chancy, "queues")),
        (f"{chancy.prefix}jobs",),
    )
    return sorted(name for (name,) in await cursor.fetchall())


async def count_jobs(conn: AsyncConnection, chancy: Chancy, exact_limit: int) -> JobCounts:
    jobs = table(chancy, "jobs")
    by_state: dict[str, int] = dict.fromkeys(JOB_STATES, 0)
    by_queue: dict[str, dict[str, int]] = {}
    estimated: list[str] = []

    def add(queue: str, state: str, count: int) -> None:
        by_state[state] = by_state.get(state, 0) + count
        by_queue.setdefault(queue, dict.fromkeys(JOB_STATES, 0))[state] = count

    exact_states: list[str] = []
    for known in JOB_STATES:
        where = sql.SQL("SELECT 1 FROM {jobs} WHERE state = {state}").format(
            jobs=jobs, state=sql.Literal(known)
        )
        if await _planned_rows(conn, where) < exact_limit:
            exact_states.append(known)
        else:
            estimated.append(known)

    if exact_states:
        cursor = await conn.execute(
            sql.SQL(
                "SELECT queue, state, count(*) FROM {jobs} WHERE state = ANY(%s) GROUP BY 1, 2"
            ).format(jobs=jobs),
            (exact_states,),
        )
        for queue, state, count in await cursor.fetchall():
            add(queue, state, count)
    if estimated:
        for queue in await _known_queues(conn, chancy):
            for state in estimated:
                query = sql.SQL("SELECT 1 FROM {jobs} WHERE state = {s} AND queue = {q}").format(
                    jobs=jobs, s=sql.Literal(state), q=sql.Literal(queue)
                )
                add(queue, state, await _planned_rows(conn, query))

    oldest = await _oldest_due(conn, chancy, sorted(by_queue))
    scheduled = {} if "pending" in estimated else await _scheduled_later(conn, chancy)
    cursor = await conn.execute("SELECT now()")
    now_row = await cursor.fetchone()
    assert now_row is not None
    return JobCounts(
        by_state=by_state,
        by_queue=by_queue,
        oldest_pending_at=oldest,
        scheduled_pending=scheduled,
        exact=not estimated,
        estimated_states=estimated,
        computed_at=now_row[0],
    )


async def _scheduled_later(conn: AsyncConnection, chancy: Chancy) -> dict[str, int]:
    """Per queue, the pending jobs not due yet (run at a later time): a pending count alone
    reads as a backlog when those jobs are only waiting for their time. Only called while
    pending jobs are few enough to count exactly."""
    cursor = await conn.execute(
        sql.SQL(
            "SELECT queue, count(*) FROM {jobs} WHERE state = 'pending' AND scheduled_at > now()"
            " GROUP BY queue"
        ).format(jobs=table(chancy, "jobs"))
    )
    return {queue: count for queue, count in await cursor.fetchall()}


async def _oldest_due(conn: AsyncConnection, chancy: Chancy, queues: list[str]) -> dict[str, Any]:
    """When each queue's longest-waiting due job became due: one short walk of the waiting
    index per queue and state, instead of a scan of every pending job."""
    if not queues:
        return {}
    cursor = await conn.execute(
        sql.SQL(
            """
            SELECT q, least(
                (SELECT scheduled_at FROM {jobs} WHERE state = 'pending' AND queue = q
                   AND scheduled_at <= now() ORDER BY scheduled_at LIMIT 1),
                (SELECT scheduled_at FROM {jobs} WHERE state = 'retrying' AND queue = q
                   AND scheduled_at <= now() ORDER BY scheduled_at LIMIT 1))
            FROM unnest(%s::text[]) AS q
            """
        ).format(jobs=table(chancy, "jobs")),
        (queues,),
    )
    result: dict[str, datetime] = {q: at for q, at in await cursor.fetchall() if at is not None}
    return result


async def shared_job_counts(ctx: WebContext) -> JobCounts:
    """The counts, computed at most once per `counts_cache_s` for everyone."""

    async def fetch() -> JobCounts:
        async with connect(ctx) as db:
            return await count_jobs(db, ctx.chancy, ctx.settings.counts_exact_limit)

    return await ctx.counts.get(fetch)
