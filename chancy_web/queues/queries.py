from __future__ import annotations

import functools

from chancy import Chancy
from psycopg import sql
from psycopg.rows import class_row

from chancy_web.db import Reader, render, table
from chancy_web.queues.schemas import QueueInfo

COLUMNS = sql.SQL(
    """name, concurrency, coalesce(tags, '{}') AS tags, state, executor,
    coalesce(executor_options, '{}') AS executor_options, polling_interval, rate_limit,
    rate_limit_window, resume_at, eager_polling, created_at"""
)


@functools.cache
def _select(chancy: Chancy) -> str:
    query = sql.SQL("SELECT {columns} FROM {queues}")
    return render(query.format(columns=COLUMNS, queues=table(chancy, "queues")))


async def list_queues(db: Reader, chancy: Chancy) -> list[QueueInfo]:
    return await db.all(_select(chancy) + " ORDER BY name", (), class_row(QueueInfo))


async def get_queue(db: Reader, chancy: Chancy, name: str) -> QueueInfo | None:
    return await db.one(_select(chancy) + " WHERE name = %s", (name,), class_row(QueueInfo))
