"""Helpers for bulk tests: many jobs in one statement, and waiting for an operation."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from chancy import Chancy
from chancy.utils import chancy_uuid
from psycopg import AsyncConnection, sql

FUNC = "tests.job_functions.succeed"


def fresh_queue() -> str:
    """A queue of the test's own (no worker works it), so a query on it sees only its jobs."""
    return f"bulk-{uuid.uuid4().hex[:10]}"


async def insert_jobs(
    target: Chancy | AsyncConnection, prefix: str, n: int, queue: str, state: str = "pending"
) -> list[uuid.UUID]:
    """`n` jobs of `queue` in `state`, in one multi-row INSERT; their ids, in id order."""
    ids = sorted(chancy_uuid() for _ in range(n))
    finished = state in ("succeeded", "failed")
    query = sql.SQL(
        """
        INSERT INTO {jobs} (id, queue, func, state, started_at, completed_at)
        SELECT id, %s, %s, %s, {started}, {completed} FROM unnest(%s::uuid[]) AS t(id)
        """
    ).format(
        jobs=sql.Identifier(f"{prefix}jobs"),
        started=sql.SQL("now()" if state in ("running", *("succeeded", "failed")) else "NULL"),
        completed=sql.SQL("now()" if finished else "NULL"),
    )
    if isinstance(target, AsyncConnection):
        await target.execute(query, (queue, FUNC, state, ids))
    else:
        async with target.pool.connection() as conn:
            await conn.execute(query, (queue, FUNC, state, ids))
    return ids


async def states(chancy: Chancy, queue: str) -> dict[str, int]:
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(
            sql.SQL("SELECT state, count(*) FROM {} WHERE queue = %s GROUP BY state").format(
                sql.Identifier(f"{chancy.prefix}jobs")
            ),
            (queue,),
        )
        return {state: count for state, count in await cursor.fetchall()}


async def wait_finished(client: Any, headers: dict[str, str], op_id: str) -> dict[str, Any]:
    """The operation once it has finished (done, cancelled or failed); fails after 120 s."""
    async with asyncio.timeout(120):
        while True:
            response = await client.get(f"/api/v1/jobs/bulk/{op_id}", headers=headers)
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            if body["state"] in ("done", "cancelled", "failed"):
                return body
            await asyncio.sleep(0.1)


async def run_bulk(client: Any, headers: dict[str, str], action: str, q: str) -> dict[str, Any]:
    """Preview `q`, confirm with its count, and wait until the operation finishes."""
    preview = await client.post(
        "/api/v1/jobs/bulk", json={"action": action, "q": q, "dry_run": True}, headers=headers
    )
    assert preview.status_code == 200, preview.text
    created = await client.post(
        "/api/v1/jobs/bulk",
        json={"action": action, "q": q, "expected": preview.json()["matched"]},
        headers=headers,
    )
    assert created.status_code == 202, created.text
    return await wait_finished(client, headers, created.json()["id"])
