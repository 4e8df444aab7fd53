"""The jobs a bulk operation acts on: its query (`q`, the search language of
`chancy_web.query`) compiled to a condition over the jobs table aliased `j`, and the bounds
that fix the set when the operation is created.

A query that no index serves is bounded to the newest `settings.search_window` jobs, as the
jobs list bounds it; for an operation that window is read once, at creation, and kept
(`lower_id`..`upper_id`), so that jobs pushed meanwhile neither enter the set nor push older
ones out of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from litestar.exceptions import ValidationException
from psycopg import AsyncConnection, sql

from chancy_web.query import QueryError, Selection, compile_query, search_window
from chancy_web.settings import Settings

__all__ = ["Bounds", "Selection", "fix_bounds", "select"]


@dataclass(frozen=True)
class Bounds:
    #: The oldest id of a bounded search's window; None when the query is not bounded.
    lower: UUID | None
    #: The newest job id when the operation was created; None when there were no jobs.
    upper: UUID | None


def select(
    q: str,
    *,
    jobs: sql.Identifier,
    now: datetime,
    settings: Settings,
    bounds: Bounds | None = None,
) -> Selection:
    """`q` as a condition over `jobs` (`j`), relative times read against `now`, within the
    window of `bounds` if it has one. A query that does not parse is a 400 saying where."""
    window = (bounds.lower, bounds.upper) if bounds and bounds.lower and bounds.upper else None
    try:
        return compile_query(q, table=jobs, now=now, settings=settings, window=window)
    except QueryError as exc:
        raise ValidationException(
            exc.message, extra={"position": exc.position, "expected": exc.expected}
        ) from None


async def fix_bounds(
    conn: AsyncConnection, jobs: sql.Identifier, sel: Selection, settings: Settings
) -> Bounds:
    """The set's bounds as of now: the newest id, and for a bounded query its window."""
    if sel.bounded:
        window = await search_window(conn, jobs, settings.search_window)
        return Bounds(*window) if window else Bounds(None, None)
    cursor = await conn.execute(sql.SQL("SELECT id FROM {} ORDER BY id DESC LIMIT 1").format(jobs))
    row = await cursor.fetchone()
    return Bounds(None, row[0] if row else None)
