from __future__ import annotations

from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from chancy_web.context import Ctx
from chancy_web.db import connect
from chancy_web.queues import queries
from chancy_web.queues.schemas import QueueInfo


class QueueController(Controller):
    path = "/queues"
    tags = ["queues"]

    @get("/", operation_id="listQueues", summary="Every queue, by name")
    async def list_queues(self, ctx: Ctx) -> list[QueueInfo]:
        async with connect(ctx) as db:
            return await queries.list_queues(db, ctx.chancy)

    @get(
        "/{name:str}",
        operation_id="getQueue",
        summary="One queue's settings",
        raises=[NotFoundException],
    )
    async def get_queue(self, ctx: Ctx, name: FromPath[str]) -> QueueInfo:
        async with connect(ctx) as db:
            queue = await queries.get_queue(db, ctx.chancy, name)
            if queue is None:
                raise NotFoundException(f"Queue {name!r} not found")
            return queue
