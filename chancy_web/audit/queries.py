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


@dataclass(frozen=True)
class AuditFilter:
    limit: int
    before_id: int | None = None
    username: str | None = None
    action: str | None = None
    outcome: str | None = None
    target: str | None = None
    since: datetime | None = None


async def list_entries(db: Reader, chancy: Chancy, f: AuditFilter) -> list[AuditEntry]:
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
    if f.before_id is not None:
        where.append(sql.SQL("id < %s"))
        params.append(f.before_id)
    query = sql.SQL(
        """
        SELECT id, at, username, role, action, target, outcome, status_code, detail, client
        FROM {audit} {where} ORDER BY id DESC LIMIT %s
        """
    ).format(
        audit=table(chancy, "web_audit"),
        where=sql.SQL("WHERE ") + sql.SQL(" AND ").join(where) if where else sql.SQL(""),
    )
    return await db.all(query, [*params, f.limit + 1], class_row(AuditEntry))


async def delete_older_than(conn: AsyncConnection, chancy: Chancy, days: int) -> int:
    cursor = await conn.execute(
        sql.SQL("DELETE FROM {audit} WHERE at < now() - make_interval(days => %s)").format(
            audit=table(chancy, "web_audit")
        ),
        (days,),
    )
    return cursor.rowcount
