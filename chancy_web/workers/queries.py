from __future__ import annotations

from chancy import Chancy
from psycopg import AsyncConnection, sql
from psycopg.rows import class_row

from chancy_web.db import table
from chancy_web.workers.schemas import WorkerInfo

SELECT_WORKERS = sql.SQL(
    """
    SELECT w.worker_id, coalesce(w.tags, '{{}}') AS tags, coalesce(w.queues, '{{}}') AS queues,
           w.last_seen, w.expires_at, l.worker_id IS NOT NULL AS is_leader,
           w.expires_at < now() AS expired
    FROM {workers} w
    LEFT JOIN {leader} l ON l.worker_id = w.worker_id AND l.expires_at > now()
    """
)


def _select(chancy: Chancy) -> sql.Composed:
    return SELECT_WORKERS.format(workers=table(chancy, "workers"), leader=table(chancy, "leader"))


async def list_workers(conn: AsyncConnection, chancy: Chancy) -> list[WorkerInfo]:
    async with conn.cursor(row_factory=class_row(WorkerInfo)) as cursor:
        await cursor.execute(_select(chancy) + sql.SQL(" ORDER BY w.worker_id"))
        return await cursor.fetchall()


async def get_worker(conn: AsyncConnection, chancy: Chancy, worker_id: str) -> WorkerInfo | None:
    async with conn.cursor(row_factory=class_row(WorkerInfo)) as cursor:
        await cursor.execute(_select(chancy) + sql.SQL(" WHERE w.worker_id = %s"), (worker_id,))
        return await cursor.fetchone()
