from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, delete, get, post
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath, JSONBody, QueryParameter

from chancy_web.audit.recording import audited
from chancy_web.auth.roles import Role
from chancy_web.context import Ctx, TtlCache
from chancy_web.db import Reader, read, table
from chancy_web.errors import ConflictException
from chancy_web.jobs import actions, queries, suggest
from chancy_web.jobs.filters import JobFilter, QParam, SearchParam
from chancy_web.jobs.schemas import (
    BatchResult,
    JobActionResult,
    JobBatch,
    JobClone,
    JobClones,
    JobDetail,
    JobPage,
    JobRow,
    JobSummary,
    JobSummaryPage,
    Suggestions,
)
from chancy_web.pagination import page_struct
from chancy_web.query import compile_query
from chancy_web.query.counts import shared_job_counts
from chancy_web.query.language import MAX_LENGTH
from chancy_web.query.schemas import JobCounts
from chancy_web.shared_reads import json_body, request_key
from chancy_web.types import AnyRequest

SuggestQParam = Annotated[
    str, QueryParameter(description="The search as typed so far", max_length=MAX_LENGTH)
]
CursorOffsetParam = Annotated[
    int | None, QueryParameter(description="Where the cursor is in `q` (a character offset)", ge=0)
]
#: Key paths whose suggestions are cached at once; past it the cache starts again.
MAX_CACHED_PATHS = 256
JobList = JobPage | JobSummaryPage | list[JobRow] | list[JobSummary]


async def list_jobs(ctx: Ctx, request: AnyRequest, job_filter: JobFilter) -> Response[JobList]:
    """The core plugin's `GET /api/v1/jobs` (`chancy_web.CoreApiPlugin.get_jobs`)."""

    async def body() -> bytes:
        async with read(ctx) as db:
            page, searched = await queries.list_jobs(db, ctx.chancy, job_filter)
        if not job_filter.envelope:
            return msgspec.json.encode(page.items)
        envelope = JobSummaryPage if job_filter.summary else JobPage
        body = msgspec.structs.replace(page_struct(page, envelope), searched=searched)
        return msgspec.json.encode(body)

    return json_body(await ctx.reads.share(request_key(request), body))


async def get_job(ctx: Ctx, job_id: UUID) -> JobDetail:
    """The core plugin's `GET /api/v1/jobs/{id}` (`chancy_web.CoreApiPlugin.get_job`)."""
    async with read(ctx) as db:
        job = await queries.get_job(db, ctx.chancy, job_id)
    if job is None:
        raise NotFoundException(f"Job {job_id} not found")
    return job


class JobController(Controller):
    """Job routes beside the core plugin's list and detail (the functions above)."""

    path = "/jobs"
    tags = ["jobs"]

    @get(
        "/functions",
        operation_id="listJobFunctions",
        summary="Distinct job function names, sorted (cached for a minute)",
    )
    async def list_job_functions(self, ctx: Ctx) -> list[str]:
        async def fetch() -> list[str]:
            async with read(ctx) as db:
                return await queries.list_functions(db, ctx.chancy)

        return await ctx.functions.get(fetch)

    @get(
        "/suggest",
        operation_id="suggestJobSearch",
        summary="What may complete the search at the cursor",
        description=(
            "Qualifier names, states, queue and function names, and the kwargs and meta keys "
            "of the newest jobs. `q` need not parse; each suggestion's `insert` replaces "
            "`q[replace.from:replace.to]`. `cursor` is a character offset in `q` (default: "
            "its end)."
        ),
    )
    async def suggest_job_search(
        self, ctx: Ctx, q: SuggestQParam = "", cursor: CursorOffsetParam = None
    ) -> Suggestions:
        at = len(q) if cursor is None else min(cursor, len(q))
        async with read(ctx) as db:

            async def functions() -> list[str]:
                # The function list's cache, filled on this connection when it is stale.
                return await ctx.functions.get(lambda: queries.list_functions(db, ctx.chancy))

            async def keys(column: str, path: list[str]) -> list[str]:
                # Cached like the function list: reading the newest jobs' keys for every
                # keystroke of every viewer cost more than the rest of a suggestion.
                cache = ctx.suggest_keys.get((column, tuple(path)))
                if cache is None:
                    if len(ctx.suggest_keys) > MAX_CACHED_PATHS:
                        ctx.suggest_keys.clear()
                    cache = TtlCache(ctx.settings.functions_cache_s)
                    ctx.suggest_keys[(column, tuple(path))] = cache
                return await cache.get(lambda: suggest.read_keys(db, ctx.chancy, column, path))

            return await suggest.suggest(db, ctx.chancy, q, at, functions, keys)

    @get(
        "/counts",
        operation_id="countJobs",
        summary="Jobs by state and by queue (exact, or estimated for very large states)",
        description=(
            "Computed at most once per `counts_cache_s` seconds, shared by all viewers. With "
            "`q`, exact counts of the jobs the search selects (bounded as `searched` says), "
            "computed for each request under the statement timeout."
        ),
        raises=[ValidationException],
    )
    async def count_jobs(
        self, ctx: Ctx, q: QParam = None, search: SearchParam = "window"
    ) -> JobCounts:
        if q is not None and q.strip():
            selection = compile_query(
                q,
                table=table(ctx.chancy, "jobs"),
                now=datetime.now(UTC),
                settings=ctx.settings,
                unbounded=search == "all",
            )
            async with read(ctx) as reader:
                return await queries.count_matching(reader, ctx.chancy, selection)
        return await shared_job_counts(ctx)

    @post(
        "/",
        operation_id="runJobBatch",
        summary="Retry, cancel or purge many jobs, with a result per job",
        description=(
            "At most `max_batch` ids (1000 by default). Items that cannot be acted on are "
            "skipped with a reason; the others are done in the same transaction."
        ),
        opt={"role": Role.OPERATOR, "action": "job.batch"},
        status_code=200,
        raises=[ValidationException],
    )
    async def run_job_batch(
        self,
        ctx: Ctx,
        request: AnyRequest,
        data: JSONBody[JobBatch],
    ) -> BatchResult:
        # The schema has already refused an unknown action and an empty list of ids; the
        # largest batch is a setting, so it is checked here.
        action = data.action.lower()
        if len(data.ids) > ctx.settings.max_batch:
            raise ValidationException(f"At most {ctx.settings.max_batch} ids per batch")
        async with audited(ctx, request, target=None) as op:
            results = await actions.run_batch(
                op.db, ctx.chancy, action, data.ids, request.user.username
            )
            done = sum(r.status == "completed" for r in results)
            op.detail.update(action=action, requested=len(data.ids), completed=done)
        return BatchResult(ok=done == len(results), results=results)

    @post(
        "/{job_id:uuid}/retry",
        operation_id="retryJob",
        summary="Run a job again now (not while it is running)",
        opt={"role": Role.OPERATOR, "action": "job.retry"},
        status_code=200,
        raises=[NotFoundException, ConflictException],
    )
    async def retry_job(
        self,
        ctx: Ctx,
        request: AnyRequest,
        job_id: FromPath[UUID],
    ) -> JobActionResult:
        async with audited(ctx, request) as op:
            await actions.retry_job(op.db, ctx.chancy, job_id)
        return JobActionResult(ok=True, id=job_id, state="retrying")

    @post(
        "/{job_id:uuid}/cancel",
        operation_id="cancelJob",
        summary="Cancel a pending, retrying or running job (it ends as failed)",
        opt={"role": Role.OPERATOR, "action": "job.cancel"},
        status_code=200,
        raises=[NotFoundException, ConflictException],
    )
    async def cancel_job(
        self,
        ctx: Ctx,
        request: AnyRequest,
        job_id: FromPath[UUID],
    ) -> JobActionResult:
        async with audited(ctx, request) as op:
            await actions.cancel_job(op.db, ctx.chancy, job_id, request.user.username)
        return JobActionResult(ok=True, id=job_id, state="failed")

    @delete(
        "/{job_id:uuid}",
        operation_id="deleteJob",
        summary="Delete a job (a running one is also asked to stop)",
        opt={"role": Role.OPERATOR, "action": "job.delete"},
        status_code=200,
        raises=[NotFoundException],
    )
    async def delete_job(
        self,
        ctx: Ctx,
        request: AnyRequest,
        job_id: FromPath[UUID],
    ) -> JobActionResult:
        async with audited(ctx, request) as op:
            await actions.delete_job(op.db, ctx.chancy, job_id)
        return JobActionResult(ok=True, id=job_id, state=None)

    @post(
        "/{job_id:uuid}/clone",
        operation_id="cloneJob",
        summary="Re-run a job with edits: a new job of the same function",
        description=(
            "Copies the job's function, kwargs, queue, priority, max_attempts, limits and meta, "
            "applies the fields given, and sets `meta.cloned_from` to the original's id. The "
            "new job is due now unless `scheduled_at` says otherwise. Answers with the new job "
            "as `GET /api/v1/jobs/{id}` shows it."
        ),
        opt={"role": Role.OPERATOR, "action": "job.clone"},
        status_code=201,
        raises=[NotFoundException, ValidationException],
    )
    async def clone_job(
        self,
        ctx: Ctx,
        request: AnyRequest,
        job_id: FromPath[UUID],
        data: JSONBody[JobClone],
    ) -> JobDetail:
        async with audited(ctx, request) as op:
            new_id = await actions.clone_job(op.db, ctx.chancy, job_id, data)
            edited = [f for f in data.__struct_fields__ if getattr(data, f) is not None]
            op.detail.update(clone=str(new_id), edited=edited)
            job = await queries.get_job(Reader(op.db), ctx.chancy, new_id)
        assert job is not None
        return job

    @get(
        "/{job_id:uuid}/clones",
        operation_id="listJobClones",
        summary="The jobs re-run from this one (their meta.cloned_from), oldest first",
    )
    async def list_job_clones(
        self,
        ctx: Ctx,
        job_id: FromPath[UUID],
        limit: Annotated[int, QueryParameter(ge=1)] = 20,
    ) -> JobClones:
        size = min(limit, ctx.settings.max_page_size)
        async with read(ctx) as db:
            rows = await queries.list_clones(db, ctx.chancy, job_id, size)
        return JobClones(items=rows[:size], has_more=len(rows) > size)
