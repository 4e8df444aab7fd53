from __future__ import annotations

from chancy import Chancy
from psycopg import AsyncConnection, sql
from psycopg.rows import class_row

from chancy_web.db import table
from chancy_web.queues.schemas import QueueInfo

COLUMNS = sql.SQL(
    """name, concurrency, coalesce(tags, '{}') AS tags, state, executor,
    coalesce(executor_options, '{}') AS executor_options, polling_interval, rate_limit,
    rate_limit_window, resume_at, eager_polling, created_at"""
)


async def list_queues(conn: AsyncConnection, chancy: Chancy) -> list[QueueInfo]:
    async with conn.cursor(row_factory=class_row(QueueInfo)) as cursor:
        await cursor.execute(
            sql.SQL("SELECT {columns} FROM {queues} ORDER BY name").format(
                columns=COLUMNS, queues=table(chancy, "queues")
            )
        )
        return await cursor.fetchall()


async def get_queue(conn: AsyncConnection, chancy: Chancy, name: str) -> QueueInfo | None:
    async with conn.cursor(row_factory=class_row(QueueInfo)) as cursor:
        await cursor.execute(
            sql.SQL("SELECT {columns} FROM {queues} WHERE name = %s").format(
                columns=COLUMNS, queues=table(chancy, "queues")
            ),
            (name,),
        )
        return await cursor.fetchone()
