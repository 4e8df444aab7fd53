from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chancy import Chancy
from psycopg import AsyncConnection, sql
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from chancy_web.audit.schemas import AuditEntry
from chancy_web.db import Reader, table
from chancy_web.pagination import Cursor, Direction, Page, keyset_page


@dataclass(frozen=True)
class AuditRecord:
    username: str | None
    role: str | None
    action: str
    target: str | None
    outcome: str
    status_code: int
    detail: dict[str, Any]
    client: str | None


async def record(conn: AsyncConnection, chancy: Chancy, entry: AuditRecord) -> None:
    await conn.execute(
        sql.SQL(
            """
            INSERT INTO {audit}
                (username, role, action, target, outcome, status_code, detail, client)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
            """
        ).format(audit=table(chancy, "web_audit")),
        (
            entry.username,
            entry.role,
            entry.action,
            entry.target,
            entry.outcome,
            entry.status_code,
            Jsonb(entry.detail),
            entry.client,
        ),
    )


#: The list's only order (newest first, by id); cursors carry it so a job cursor is refused.
ORDER = "audit"


@dataclass(frozen=True)
class AuditFilter:
    limit: int
    cursor: Cursor | None = None
    username: str | None = None
    action: str | None = None
    outcome: str | None = None
    target: str | None = None
    since: datetime | None = None


async def list_entries(db: Reader, chancy: Chancy, f: AuditFilter) -> Page[AuditEntry]:
    where: list[sql.Composable] = []
    params: list[Any] = []
    for column, value in (
        ("username", f.username),
        ("action", f.action),
        ("outcome", f.outcome),
        ("target", f.target),
    ):
        if value is not None:
            where.append(sql.SQL("{} = %s").format(sql.Identifier(column)))
            params.append(value)
    if f.since is not None:
        where.append(sql.SQL("at >= %s"))
        params.append(f.since)
    backwards = f.cursor is not None and f.cursor.backwards
    if f.cursor is not None:
        where.append(sql.SQL("id > %s" if backwards else "id < %s"))
        params.append(f.cursor.id)
    query = sql.SQL(
        """
        SELECT id, at, username, role, action, target, outcome, status_code, detail, client
        FROM {audit} {where} ORDER BY id {direction} LIMIT %s
        """
    ).format(
        audit=table(chancy, "web_audit"),
        where=sql.SQL("WHERE ") + sql.SQL(" AND ").join(where) if where else sql.SQL(""),
        direction=sql.SQL("ASC" if backwards else "DESC"),
    )
    rows = await db.all(query, [*params, f.limit + 1], class_row(AuditEntry))
    return keyset_page(rows, f.limit, f.cursor, _cursor)


def _cursor(direction: Direction, entry: AuditEntry) -> Cursor:
    return Cursor(ORDER, direction, None, entry.id)


async def delete_older_than(conn: AsyncConnection, chancy: Chancy, days: int) -> int:
    cursor = await conn.execute(
        sql.SQL("DELETE FROM {audit} WHERE at < now() - make_interval(days => %s)").format(
            audit=table(chancy, "web_audit")
        ),
        (days,),
    )
    return cursor.rowcount
