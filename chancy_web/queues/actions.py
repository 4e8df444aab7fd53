"""Queue changes, through Chancy's own methods and with the NOTIFY events workers listen for.

Unlike chancy 0.26's web plugin, creating a queue that exists is a 409 (it used to reset every
setting left out), and pausing, resuming, updating or deleting a missing queue is a 404.
"""

from __future__ import annotations

from typing import Any

import msgspec
from chancy import Chancy, Queue
from litestar.exceptions import NotFoundException, PermissionDeniedException, ValidationException
from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row

from chancy_web.auth.roles import Role
from chancy_web.db import Reader, table
from chancy_web.errors import ConflictException
from chancy_web.queues import queries
from chancy_web.queues.schemas import QueueCreate, QueueInfo, QueuePause, QueueUpdate
from chancy_web.settings import Settings


async def _lock(conn: AsyncConnection, chancy: Chancy, name: str) -> QueueInfo:
    await conn.execute(
        sql.SQL("SELECT 1 FROM {queues} WHERE name = %s FOR UPDATE").format(
            queues=table(chancy, "queues")
        ),
        (name,),
    )
    queue = await queries.get_queue(Reader(conn), chancy, name)
    if queue is None:
        raise NotFoundException(f"Queue {name!r} not found")
    return queue


def _check_code_change(role: Role, changed: bool) -> None:
    # Tags are regular expressions and the executor a class: both run on every worker.
    if changed and not role.allows(Role.ADMIN):
        raise PermissionDeniedException("Changing a queue's tags or executor needs the admin role")


def _check_executor(settings: Settings, executor: str, changed: bool) -> None:
    if changed and executor not in settings.allowed_executors:
        allowed = ", ".join(settings.allowed_executors)
        raise ValidationException(f"Executor {executor!r} is not allowed; use one of {allowed}")


async def _declare(conn: AsyncConnection, chancy: Chancy, queue: Queue) -> QueueInfo:
    async with conn.cursor(row_factory=dict_row) as cursor:
        await chancy.declare_ex(cursor, queue, upsert=True)
        await chancy.notify(cursor, "queue.declared", {"q": queue.name})
    saved = await queries.get_queue(Reader(conn), chancy, queue.name)
    assert saved is not None
    return saved


def _queue(fields: dict[str, Any]) -> Queue:
    return Queue.unpack({**fields, "tags": set(fields["tags"])})


async def create_queue(
    conn: AsyncConnection, chancy: Chancy, settings: Settings, role: Role, new: QueueCreate
) -> QueueInfo:
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (new.name,))
    if await queries.get_queue(Reader(conn), chancy, new.name) is not None:
        raise ConflictException(f"Queue {new.name!r} already exists; PATCH it to change it")
    _check_code_change(role, changed=True)
    _check_executor(settings, new.executor, changed=True)
    return await _declare(conn, chancy, _queue(msgspec.structs.asdict(new)))


async def update_queue(
    conn: AsyncConnection,
    chancy: Chancy,
    settings: Settings,
    role: Role,
    name: str,
    changes: QueueUpdate,
) -> QueueInfo:
    current = await _lock(conn, chancy, name)
    given = {k: v for k, v in msgspec.structs.asdict(changes).items() if v is not msgspec.UNSET}
    merged = {**msgspec.structs.asdict(current), **given}
    executor_changed = any(
        k in given and given[k] != getattr(current, k) for k in ("executor", "executor_options")
    )
    tags_changed = "tags" in given and set(given["tags"]) != set(current.tags)
    _check_code_change(role, changed=executor_changed or tags_changed)
    _check_executor(settings, merged["executor"], changed=executor_changed)
    saved = await _declare(conn, chancy, _queue(merged))
    if "state" in given and given["state"] != current.state:
        # Chancy's own pause/resume events, so workers and viewers react at once.
        event = "queue.paused" if saved.state == "paused" else "queue.resumed"
        async with conn.cursor(row_factory=dict_row) as cursor:
            await chancy.notify(cursor, event, {"q": name})
    return saved


async def pause_queue(
    conn: AsyncConnection, chancy: Chancy, name: str, pause: QueuePause
) -> QueueInfo:
    await _lock(conn, chancy, name)
    async with conn.cursor(row_factory=dict_row) as cursor:
        await chancy.pause_queue_ex(cursor, name, resume_at=pause.resume_at)
        await chancy.notify(cursor, "queue.paused", {"q": name})
    return await _lock(conn, chancy, name)


async def resume_queue(conn: AsyncConnection, chancy: Chancy, name: str) -> QueueInfo:
    await _lock(conn, chancy, name)
    async with conn.cursor(row_factory=dict_row) as cursor:
        await chancy.resume_queue_ex(cursor, name)
        await chancy.notify(cursor, "queue.resumed", {"q": name})
    return await _lock(conn, chancy, name)


async def delete_queue(conn: AsyncConnection, chancy: Chancy, name: str, purge_jobs: bool) -> int:
    """Delete the queue; returns how many of its jobs were deleted with it."""
    await _lock(conn, chancy, name)
    async with conn.cursor(row_factory=dict_row) as cursor:
        await chancy.delete_queue_ex(cursor, name, purge_jobs=False)
    if not purge_jobs:
        return 0
    purged = await conn.execute(
        sql.SQL("DELETE FROM {jobs} WHERE queue = %s").format(jobs=table(chancy, "jobs")),
        (name,),
    )
    return purged.rowcount
