from __future__ import annotations

import functools

from chancy import Chancy
from psycopg import sql
from psycopg.rows import class_row

from chancy_web.db import Reader, render, table
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


@functools.cache
def _select(chancy: Chancy) -> str:
    return render(
        SELECT_WORKERS.format(workers=table(chancy, "workers"), leader=table(chancy, "leader"))
    )


async def list_workers(db: Reader, chancy: Chancy) -> list[WorkerInfo]:
    query = _select(chancy) + " ORDER BY w.worker_id"
    return await db.all(query, (), class_row(WorkerInfo))


async def get_worker(db: Reader, chancy: Chancy, worker_id: str) -> WorkerInfo | None:
    query = _select(chancy) + " WHERE w.worker_id = %s"
    return await db.one(query, (worker_id,), class_row(WorkerInfo))
