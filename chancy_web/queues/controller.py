from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath, JSONBody, QueryParameter
from msgspec import UNSET

from chancy_web.audit.recording import audited
from chancy_web.auth.roles import Role
from chancy_web.context import Ctx
from chancy_web.db import read
from chancy_web.errors import ConflictException
from chancy_web.queues import actions, queries
from chancy_web.queues.schemas import (
    QueueActionResult,
    QueueCreate,
    QueueDeleted,
    QueueInfo,
    QueuePause,
    QueueUpdate,
)
from chancy_web.types import AnyRequest


class QueueController(Controller):
    """Queue routes beside the core plugin's list (`chancy_web.CoreApiPlugin`)."""

    path = "/queues"
    tags = ["queues"]

    @get(
        "/{name:str}",
        operation_id="getQueue",
        summary="One queue's settings",
        raises=[NotFoundException],
    )
    async def get_queue(self, ctx: Ctx, name: FromPath[str]) -> QueueInfo:
        async with read(ctx) as db:
            queue = await queries.get_queue(db, ctx.chancy, name)
            if queue is None:
                raise NotFoundException(f"Queue {name!r} not found")
            return queue

    @post(
        "/",
        operation_id="createQueue",
        summary="Create a queue (409 if it exists)",
        opt={"role": Role.ADMIN, "action": "queue.create"},
        status_code=200,
        raises=[ConflictException, ValidationException],
    )
    async def create_queue(
        self,
        ctx: Ctx,
        request: AnyRequest,
        data: JSONBody[QueueCreate],
    ) -> QueueInfo:
        async with audited(ctx, request, target=data.name) as op:
            queue = await actions.create_queue(
                op.db, ctx.chancy, ctx.settings, request.user.role, data
            )
        return queue

    @patch(
        "/{name:str}",
        operation_id="updateQueue",
        summary="Change some of a queue's settings (tags and the executor need the admin role)",
        opt={"role": Role.OPERATOR, "action": "queue.update"},
        raises=[NotFoundException, ValidationException],
    )
    async def update_queue(
        self,
        ctx: Ctx,
        request: AnyRequest,
        name: FromPath[str],
        data: JSONBody[QueueUpdate],
    ) -> QueueInfo:
        async with audited(ctx, request) as op:
            queue = await actions.update_queue(
                op.db, ctx.chancy, ctx.settings, request.user.role, name, data
            )
            op.detail["changed"] = sorted(
                f for f in data.__struct_fields__ if getattr(data, f) is not UNSET
            )
        return queue

    @post(
        "/{name:str}/pause",
        operation_id="pauseQueue",
        summary="Pause a queue, until resumed or until `resume_at`",
        opt={"role": Role.OPERATOR, "action": "queue.pause"},
        status_code=200,
        raises=[NotFoundException],
    )
    async def pause_queue(
        self,
        ctx: Ctx,
        request: AnyRequest,
        name: FromPath[str],
        data: JSONBody[QueuePause | None] = None,
    ) -> QueueActionResult:
        pause = data or QueuePause()
        async with audited(ctx, request) as op:
            queue = await actions.pause_queue(op.db, ctx.chancy, name, pause)
            op.detail["resume_at"] = pause.resume_at.isoformat() if pause.resume_at else None
        return QueueActionResult(ok=True, queue=queue)

    @post(
        "/{name:str}/resume",
        operation_id="resumeQueue",
        summary="Resume a paused queue",
        opt={"role": Role.OPERATOR, "action": "queue.resume"},
        status_code=200,
        raises=[NotFoundException],
    )
    async def resume_queue(
        self,
        ctx: Ctx,
        request: AnyRequest,
        name: FromPath[str],
    ) -> QueueActionResult:
        async with audited(ctx, request) as op:
            queue = await actions.resume_queue(op.db, ctx.chancy, name)
        return QueueActionResult(ok=True, queue=queue)

    @delete(
        "/{name:str}",
        operation_id="deleteQueue",
        summary="Delete a queue and, unless purge_jobs=false, all of its jobs",
        opt={"role": Role.ADMIN, "action": "queue.delete"},
        status_code=200,
        raises=[NotFoundException],
    )
    async def delete_queue(
        self,
        ctx: Ctx,
        request: AnyRequest,
        name: FromPath[str],
        purge_jobs: Annotated[bool, QueryParameter(description="Also delete its jobs")] = True,
    ) -> QueueDeleted:
        async with audited(ctx, request) as op:
            purged = await actions.delete_queue(op.db, ctx.chancy, name, purge_jobs)
            op.detail["purged_jobs"] = purged
        return QueueDeleted(ok=True, name=name, purged_jobs=purged)
