"""Failure group SQL: the inbox reads only the plugin's tables (never the jobs table), a page
of groups on the `(status, last_seen, fingerprint)` index, then their hourly counts for the
rows of the page only."""

from __future__ import annotations

from typing import Any

from chancy import Chancy
from psycopg import AsyncConnection, sql
from psycopg.rows import class_row, tuple_row

from chancy_web.db import Reader, contains_pattern, table
from chancy_web.failures.filters import FailureFilter, fingerprint_id, id_fingerprint, order_of
from chancy_web.failures.schemas import (
    FailureGroup,
    FailureGroupDetail,
    FailureHour,
    FailureStatus,
    FoldProgress,
)
from chancy_web.pagination import Cursor, Direction, Page, keyset_page

#: Hours are UTC buckets; `now` is truncated in UTC too, whatever the session's time zone.
_HOUR = "date_trunc('hour', now(), 'UTC')"

#: A group's columns, in FailureGroup's order, with its windowed counts and sparkline from
#: its hours of the last week (at most 168 rows of the hours' primary key).
_GROUP_COLUMNS = f"""
    g.fingerprint, g.exception, g.message_template AS message, g.frame, g.total AS count,
    coalesce(w.count_1h, 0) AS count_1h, coalesce(w.count_24h, 0) AS count_24h,
    coalesce(w.count_7d, 0) AS count_7d, g.first_seen, g.last_seen, g.status, g.regressed,
    g.first_seen >= now() - interval '24 hours' AS new, g.resolved_at, g.reopened_at,
    g.functions, g.queues, g.sample_job_id,
    ARRAY(
        SELECT coalesce(h.count, 0)
        FROM generate_series({_HOUR} - interval '23 hours', {_HOUR}, interval '1 hour') s(hour)
        LEFT JOIN {{hours}} h ON h.fingerprint = g.fingerprint AND h.hour = s.hour
        ORDER BY s.hour
    ) AS sparkline
"""
#: What the page's rows need from the groups table (the sample traceback stays behind).
_PAGE_COLUMNS = """g.fingerprint, g.exception, g.message_template, g.frame, g.total,
    g.first_seen, g.last_seen, g.status, g.regressed, g.resolved_at, g.reopened_at,
    g.functions, g.queues, g.sample_job_id"""
_WINDOWS = f"""
    LEFT JOIN LATERAL (
        SELECT
            sum(h.count) FILTER (WHERE h.hour >= {_HOUR} - interval '1 hour')::bigint AS count_1h,
            sum(h.count) FILTER (WHERE h.hour >= {_HOUR} - interval '24 hours')::bigint
                AS count_24h,
            sum(h.count)::bigint AS count_7d
        FROM {{hours}} h
        WHERE h.fingerprint = g.fingerprint AND h.hour >= {_HOUR} - interval '7 days'
    ) w ON true
"""


def _names(chancy: Chancy) -> dict[str, sql.Identifier]:
    return {
        "groups": table(chancy, "web_failure_groups"),
        "hours": table(chancy, "web_failure_hours"),
        "fold": table(chancy, "web_failure_fold"),
    }


async def list_groups(db: Reader, chancy: Chancy, f: FailureFilter) -> Page[FailureGroup]:
    where = ["g.status = %s"]
    params: list[Any] = [f.status]
    if f.since is not None:
        where.append("g.last_seen >= %s")
        params.append(f.since)
    if f.q is not None:
        # One ILIKE over the fields joined by newlines, which `q` cannot hold (so no match
        # spans two fields): a quarter of the work of one ILIKE per field.
        where.append(
            "(concat_ws(E'\\n', g.exception, g.message_template, g.frame,"
            " array_to_string(g.functions, E'\\n')) ILIKE %s OR g.fingerprint = %s)"
        )
        params += [contains_pattern(f.q), f.q.lower()]
    backwards = f.cursor is not None and f.cursor.backwards
    if f.cursor is not None:
        where.append(f"(g.last_seen, g.fingerprint) {'>' if backwards else '<'} (%s, %s)")
        params += [f.cursor.key, id_fingerprint(int(f.cursor.id))]
    direction = "ASC" if backwards else "DESC"
    query = sql.SQL(
        "SELECT "
        + _GROUP_COLUMNS
        + " FROM (SELECT "
        + _PAGE_COLUMNS
        + " FROM {groups} g WHERE "
        + " AND ".join(where)  # constant text; values are parameters
        + f" ORDER BY g.last_seen {direction}, g.fingerprint {direction} LIMIT %s) g"
        + _WINDOWS
        + f" ORDER BY g.last_seen {direction}, g.fingerprint {direction}"
    ).format(**_names(chancy))
    rows = await db.all(query, [*params, f.limit + 1], class_row(FailureGroup))

    def position(direction: Direction, row: FailureGroup) -> Cursor:
        return Cursor(order_of(f.status), direction, row.last_seen, fingerprint_id(row.fingerprint))

    return keyset_page(rows, f.limit, f.cursor, position)


async def get_group(db: Reader, chancy: Chancy, fingerprint: str) -> FailureGroupDetail | None:
    hours = (
        "FROM {hours} h WHERE h.fingerprint = g.fingerprint"
        f" AND h.hour >= {_HOUR} - interval '14 days' ORDER BY h.hour"
    )
    query = sql.SQL(
        "SELECT " + _GROUP_COLUMNS + ", g.sample_traceback AS traceback,"
        f" ARRAY(SELECT h.hour {hours}), ARRAY(SELECT h.count {hours})"
        " FROM {groups} g" + _WINDOWS + " WHERE g.fingerprint = %s"
    ).format(**_names(chancy))
    row = await db.one(query, [fingerprint], tuple_row)
    if row is None:
        return None
    *fields, traceback, starts, counts = row
    return FailureGroupDetail(
        **dict(zip(FailureGroup.__struct_fields__, fields, strict=True)),
        traceback=traceback,
        hours=[FailureHour(hour=h, count=n) for h, n in zip(starts, counts, strict=True)],
    )


_STATUS_CHANGES: dict[FailureStatus, str] = {
    "resolved": "status = 'resolved', resolved_at = now(), regressed = false",
    "ignored": "status = 'ignored', regressed = false",
    "open": "status = 'open', regressed = false, reopened_at = now()",
}


async def set_status(
    conn: AsyncConnection, chancy: Chancy, fingerprint: str, status: FailureStatus
) -> FailureStatus | None:
    """Change a group's status in `conn`'s transaction; returns the status it had, or None
    when there is no such group."""
    names = _names(chancy)
    cursor = await conn.execute(
        sql.SQL("SELECT status FROM {groups} WHERE fingerprint = %s FOR UPDATE").format(**names),
        (fingerprint,),
    )
    row = await cursor.fetchone()
    if row is None:
        return None
    await conn.execute(
        sql.SQL(
            "UPDATE {groups} SET " + _STATUS_CHANGES[status] + ", updated_at = now()"
            " WHERE fingerprint = %s"
        ).format(**names),
        (fingerprint,),
    )
    previous: FailureStatus = row[0]
    return previous


async def fold_progress(db: Reader, chancy: Chancy) -> FoldProgress:
    row = await db.one(
        sql.SQL(
            """
            SELECT true AS started, backfill_done, backfill_total,
                backfill_finished_at IS NOT NULL AS backfill_finished,
                watermark_at AS folded_until, folded_at
            FROM {fold}
            """
        ).format(**_names(chancy)),
        row_factory=class_row(FoldProgress),
    )
    return row or FoldProgress(
        started=False,
        backfill_done=0,
        backfill_total=None,
        backfill_finished=False,
        folded_until=None,
        folded_at=None,
    )


async def status_counts(conn: AsyncConnection, chancy: Chancy) -> tuple[dict[str, int], int]:
    """Groups by status, and occurrences folded in all (for Prometheus)."""
    cursor = await conn.execute(
        sql.SQL(
            "SELECT status, count(*), coalesce(sum(total), 0) FROM {groups} GROUP BY status"
        ).format(**_names(chancy))
    )
    by_status = {"open": 0, "resolved": 0, "ignored": 0}
    events = 0
    for status, groups, total in await cursor.fetchall():
        by_status[status] = groups
        events += int(total)
    return by_status, events
