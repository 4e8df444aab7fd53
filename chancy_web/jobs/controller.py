from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath

from chancy_web.auth.roles import Role
from chancy_web.context import Ctx
from chancy_web.db import connect
from chancy_web.jobs import actions, queries
from chancy_web.jobs.filters import JobFilter, provide_job_filter
from chancy_web.jobs.schemas import JobActionResult, JobCounts, JobDetail, JobPage, JobSummary


class JobController(Controller):
    path = "/jobs"
    tags = ["jobs"]
    dependencies = {"job_filter": Provide(provide_job_filter)}

    @get(
        "/",
        operation_id="listJobs",
        summary="List jobs, newest first or in the order that fits the state",
        description=(
            "Without `pagination=true` the body is a bare array, as in the reference plugin. "
            "Pending and retrying jobs sort by scheduled_at, running ones by started_at, "
            "finished ones by completed_at (newest first); all states together by id, newest "
            "first. `before=<job id>` keeps the reference's id order."
        ),
        raises=[ValidationException],
    )
    async def list_jobs(
        self, ctx: Ctx, job_filter: NamedDependency[JobFilter]
    ) -> JobPage | list[JobSummary]:
        async with connect(ctx) as db:
            page = await queries.list_jobs(db, ctx.chancy, job_filter)
            if not job_filter.envelope:
                return page.items
            return JobPage(
                items=page.items,
                has_more=page.has_more,
                next_cursor=page.next_cursor.encode() if page.next_cursor else None,
                prev_cursor=page.prev_cursor.encode() if page.prev_cursor else None,
            )

    @get(
        "/functions",
        operation_id="listJobFunctions",
        summary="Distinct job function names, sorted (cached for a minute)",
    )
    async def list_job_functions(self, ctx: Ctx) -> list[str]:
        async def fetch() -> list[str]:
            async with connect(ctx) as db:
                return await queries.list_functions(db, ctx.chancy)

        functions: list[str] = await ctx.functions.get(fetch)
        return functions

    @get(
        "/counts",
        operation_id="countJobs",
        summary="Jobs by state and by queue, and each queue's oldest due job",
        description="Computed at most once per `counts_cache_s` seconds, shared by all viewers.",
    )
    async def count_jobs(self, ctx: Ctx) -> JobCounts:
        async def fetch() -> JobCounts:
            async with connect(ctx) as db:
                return await queries.count_jobs(db, ctx.chancy)

        counts: JobCounts = await ctx.counts.get(fetch)
        return counts

    @get(
        "/{job_id:uuid}",
        operation_id="getJob",
        summary="One job with its arguments, metadata and every attempt's traceback",
        raises=[NotFoundException],
    )
    async def get_job(self, ctx: Ctx, job_id: FromPath[UUID]) -> JobDetail:
        async with connect(ctx) as db:
            job = await queries.get_job(db, ctx.chancy, job_id)
            if job is None:
                raise NotFoundException(f"Job {job_id} not found")
            return job

    @post(
        "/{job_id:uuid}/retry",
        operation_id="retryJob",
        summary="Run a job again now (not while it is running)",
        opt={"role": Role.OPERATOR},
        status_code=200,
        raises=[NotFoundException, actions.ConflictException],
    )
    async def retry_job(self, ctx: Ctx, job_id: FromPath[UUID]) -> JobActionResult:
        async with connect(ctx) as db:
            await actions.retry_job(db, ctx.chancy, job_id)
            return JobActionResult(ok=True, id=job_id, state="retrying")

    @post(
        "/{job_id:uuid}/cancel",
        operation_id="cancelJob",
        summary="Cancel a pending, retrying or running job (it ends as failed)",
        opt={"role": Role.OPERATOR},
        status_code=200,
        raises=[NotFoundException, actions.ConflictException],
    )
    async def cancel_job(
        self,
        ctx: Ctx,
        request: Request,  # type: ignore[type-arg]
        job_id: FromPath[UUID],
    ) -> JobActionResult:
        async with connect(ctx) as db:
            await actions.cancel_job(db, ctx.chancy, job_id, request.user.username)
            return JobActionResult(ok=True, id=job_id, state="failed")

    @delete(
        "/{job_id:uuid}",
        operation_id="deleteJob",
        summary="Delete a job (a running one is also asked to stop)",
        opt={"role": Role.OPERATOR},
        status_code=200,
        raises=[NotFoundException],
    )
    async def delete_job(self, ctx: Ctx, job_id: FromPath[UUID]) -> JobActionResult:
        async with connect(ctx) as db:
            await actions.delete_job(db, ctx.chancy, job_id)
            return JobActionResult(ok=True, id=job_id, state=None)
