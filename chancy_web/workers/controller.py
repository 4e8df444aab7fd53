from __future__ import annotations

from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from chancy_web.context import Ctx
from chancy_web.db import read
from chancy_web.workers import queries
from chancy_web.workers.schemas import WorkerInfo


class WorkerController(Controller):
    """One worker; the list is the core plugin's (`chancy_web.CoreApiPlugin`)."""

    path = "/workers"
    tags = ["workers"]

    @get(
        "/{worker_id:str}",
        operation_id="getWorker",
        summary="One worker",
        raises=[NotFoundException],
    )
    async def get_worker(self, ctx: Ctx, worker_id: FromPath[str]) -> WorkerInfo:
        async with read(ctx) as db:
            worker = await queries.get_worker(db, ctx.chancy, worker_id)
            if worker is None:
                raise NotFoundException(f"Worker {worker_id!r} not found")
            return worker
