from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter

from chancy_web.audit.recording import audited
from chancy_web.auth.roles import Role
from chancy_web.context import Ctx
from chancy_web.crons import queries
from chancy_web.crons.schemas import CronDeleteResult, CronRunResult, CronSchedule
from chancy_web.db import read
from chancy_web.errors import ConflictException
from chancy_web.types import AnyRequest

#: Most upcoming run times a client may ask for.
MAX_NEXT = 50
#: Jobs shown per schedule: a glance in the list, a history on the detail.
LIST_JOBS, DETAIL_JOBS = 5, 25

NextRuns = Annotated[
    int,
    QueryParameter(
        name="next", ge=1, description=f"How many upcoming run times (at most {MAX_NEXT})"
    ),
]


class CronController(Controller):
    path = "/crons"
    tags = ["crons"]

    @get(
        "/",
        operation_id="listCrons",
        summary="Every cron schedule, in plain language, with its next runs and latest jobs",
        description=(
            "A bare array sorted by unique_key; chancy 0.26's web plugin's fields plus "
            "`description`, "
            "`next_runs` (computed on the server in the schedule's timezone), `recent_jobs` "
            f"(the latest {LIST_JOBS}, newest first) and `error`."
        ),
    )
    async def list_crons(self, ctx: Ctx, upcoming: NextRuns = 5) -> list[CronSchedule]:
        async with read(ctx) as db:
            return await queries.list_schedules(
                db, ctx.chancy, jobs=LIST_JOBS, upcoming=min(upcoming, MAX_NEXT)
            )

    @get(
        "/{unique_key:str}",
        operation_id="getCron",
        summary=f"One cron schedule, with its latest {DETAIL_JOBS} jobs",
        raises=[NotFoundException],
    )
    async def get_cron(
        self, ctx: Ctx, unique_key: FromPath[str], upcoming: NextRuns = 5
    ) -> CronSchedule:
        async with read(ctx) as db:
            found = await queries.list_schedules(
                db,
                ctx.chancy,
                unique_key=unique_key,
                jobs=DETAIL_JOBS,
                upcoming=min(upcoming, MAX_NEXT),
            )
        if not found:
            raise NotFoundException(f"Cron schedule {unique_key!r} not found")
        return found[0]

    @post(
        "/{unique_key:str}/run",
        operation_id="runCron",
        summary="Push the schedule's job now, outside its schedule",
        description=(
            "The schedule itself (last_run, next_run) is unchanged. 409 while a job of the "
            "schedule is pending, retrying or running: Chancy keeps one per unique_key."
        ),
        opt={"role": Role.OPERATOR, "action": "cron.run"},
        status_code=200,
        raises=[NotFoundException, ConflictException],
    )
    async def run_cron(
        self,
        ctx: Ctx,
        request: AnyRequest,
        unique_key: FromPath[str],
    ) -> CronRunResult:
        async with audited(ctx, request) as op:
            job_id = await queries.run_now(op.db, ctx.chancy, unique_key)
            op.detail["job_id"] = str(job_id)
        return CronRunResult(ok=True, unique_key=unique_key, job_id=job_id)

    @delete(
        "/{unique_key:str}",
        operation_id="deleteCron",
        summary="Unschedule: delete the schedule (its jobs are kept)",
        opt={"role": Role.ADMIN, "action": "cron.delete"},
        status_code=200,
        raises=[NotFoundException],
    )
    async def delete_cron(
        self,
        ctx: Ctx,
        request: AnyRequest,
        unique_key: FromPath[str],
    ) -> CronDeleteResult:
        async with audited(ctx, request) as op:
            if not await queries.unschedule(op.db, ctx.chancy, unique_key):
                raise NotFoundException(f"Cron schedule {unique_key!r} not found")
        return CronDeleteResult(ok=True, unique_key=unique_key)
