"""Saved views: a table of the plugin's own (migration v7)."""

from __future__ import annotations

from typing import Any

from chancy import Chancy
from psycopg import AsyncConnection, sql
from psycopg.rows import class_row

from chancy_web.db import Reader, table
from chancy_web.views.schemas import NewSavedView, SavedView

COLUMNS = sql.SQL("id, name, q, shared, owner")


async def list_views(db: Reader, chancy: Chancy, username: str) -> list[SavedView]:
    query = sql.SQL(
        "SELECT {c} FROM {views} WHERE owner = %s OR shared ORDER BY shared DESC, name, id"
    ).format(c=COLUMNS, views=table(chancy, "web_views"))
    rows: list[SavedView] = await db.all(query, (username,), class_row(SavedView))
    return rows


async def create_view(
    conn: AsyncConnection, chancy: Chancy, view: NewSavedView, owner: str
) -> SavedView:
    query = sql.SQL(
        "INSERT INTO {views} (name, q, shared, owner) VALUES (%s, %s, %s, %s) RETURNING {c}"
    ).format(c=COLUMNS, views=table(chancy, "web_views"))
    async with conn.cursor(row_factory=class_row(SavedView)) as cursor:
        await cursor.execute(query, (view.name.strip(), view.q, view.shared, owner))
        row = await cursor.fetchone()
    assert row is not None
    return row


async def get_view_for_update(conn: AsyncConnection, chancy: Chancy, view_id: int) -> Any:
    query = sql.SQL("SELECT {c} FROM {views} WHERE id = %s FOR UPDATE").format(
        c=COLUMNS, views=table(chancy, "web_views")
    )
    async with conn.cursor(row_factory=class_row(SavedView)) as cursor:
        await cursor.execute(query, (view_id,))
        return await cursor.fetchone()


async def delete_view(conn: AsyncConnection, chancy: Chancy, view_id: int) -> None:
    await conn.execute(
        sql.SQL("DELETE FROM {views} WHERE id = %s").format(views=table(chancy, "web_views")),
        (view_id,),
    )
