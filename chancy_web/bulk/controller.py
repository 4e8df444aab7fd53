"""Bulk operations on a query: preview, create (guarded by the previewed count), read, cancel.

The work itself is done by `chancy_web.bulk.runner` in the background, never in the request.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException, ValidationException
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter
from psycopg import AsyncConnection

from chancy_web.audit.recording import audited
from chancy_web.auth.roles import Role
from chancy_web.bulk import queries
from chancy_web.bulk.schemas import BulkOperation, BulkOperationList, BulkPreview, BulkRequest
from chancy_web.bulk.selection import Bounds, Selection, fix_bounds, select
from chancy_web.context import Ctx, WebContext
from chancy_web.db import Reader, connect, read, table
from chancy_web.errors import ConflictException
from chancy_web.types import AnyRequest


class BulkController(Controller):
    """`/jobs/bulk` is a path of its own: Litestar prefers it to `/jobs/{job_id:uuid}`, which
    only takes UUIDs anyway."""

    path = "/jobs/bulk"
    tags = ["bulk"]

    @post(
        "/",
        operation_id="createBulkOperation",
        summary="Retry, cancel or purge every job a query matches, in the background",
        description=(
            "With `dry_run: true`: 200 with how many jobs match, and nothing changes. "
            "Otherwise `expected` (the count of the dry run) is required: if the query now "
            "matches a count further from it than the tolerance (2 % of an exact count, 10 % "
            "of an estimate, at least 10 jobs), the answer is 409 with `extra.matched`, the "
            "count now. Else 202 with the operation, which runs in chunks of at most 1,000 "
            "jobs; jobs pushed after it was created are never touched. Retry and cancel "
            "need the operator role, purge the admin role."
        ),
        opt={"role": Role.OPERATOR, "action": "job.bulk"},
        status_code=202,
        responses={
            200: ResponseSpec(BulkPreview, description="The dry run's count"),
            202: ResponseSpec(BulkOperation, description="The operation, queued"),
        },
        raises=[ValidationException, ConflictException, PermissionDeniedException],
    )
    async def create_bulk_operation(
        self,
        ctx: Ctx,
        request: AnyRequest,
        data: JSONBody[BulkRequest],
    ) -> Response[BulkOperation | BulkPreview]:
        user = request.user
        if data.action == "purge" and not user.role.allows(Role.ADMIN):
            raise PermissionDeniedException("Purging jobs needs the admin role")
        if not data.dry_run and data.expected is None:
            raise ValidationException(
                "expected is required: send the count a dry run (dry_run: true) answered"
            )
        now = datetime.now(UTC)
        jobs = table(ctx.chancy, "jobs")
        sel = select(data.q, jobs=jobs, now=now, settings=ctx.settings)
        if data.dry_run:
            async with connect(ctx) as db:
                preview, _ = await _count(ctx, db, data.q, sel, now)
            return Response(preview, status_code=200)
        assert data.expected is not None
        async with audited(ctx, request) as op:
            preview, bounds = await _count(ctx, op.db, data.q, sel, now)
            allowed = queries.tolerance(data.expected, preview.estimated)
            if abs(preview.matched - data.expected) > allowed:
                raise ConflictException(
                    f"The query now matches {preview.matched} jobs, not {data.expected}; "
                    "look again and confirm the new count",
                    extra={"matched": preview.matched, "estimated": preview.estimated},
                )
            created = await queries.create_operation(
                op.db,
                ctx.chancy,
                action=data.action,
                q=data.q,
                bounds=bounds,
                preview=preview,
                username=user.username,
                role=user.role.value,
                now=now,
            )
            op.target = str(created.id)
            op.detail.update(
                action=data.action,
                q=data.q[:500],
                expected=data.expected,
                matched=preview.matched,
                estimated=preview.estimated,
            )
        ctx.background.wake("bulk")
        return Response(created, status_code=202)

    @get(
        "/",
        operation_id="listBulkOperations",
        summary="Bulk operations, newest first, with their progress or results",
    )
    async def list_bulk_operations(
        self, ctx: Ctx, limit: Annotated[int, QueryParameter(ge=1)] = 50
    ) -> BulkOperationList:
        async with read(ctx) as db:
            items = await queries.list_operations(
                db, ctx.chancy, min(limit, ctx.settings.max_page_size)
            )
        return BulkOperationList(items=items)

    @get(
        "/{op_id:uuid}",
        operation_id="getBulkOperation",
        summary="One bulk operation and its progress",
        raises=[NotFoundException],
    )
    async def get_bulk_operation(self, ctx: Ctx, op_id: FromPath[UUID]) -> BulkOperation:
        async with read(ctx) as db:
            found = await queries.get_operation(db, ctx.chancy, op_id)
        if found is None:
            raise NotFoundException(f"Bulk operation {op_id} not found")
        return found

    @post(
        "/{op_id:uuid}/cancel",
        operation_id="cancelBulkOperation",
        summary="Stop a bulk operation after the chunk in progress (jobs done stay done)",
        opt={"role": Role.OPERATOR, "action": "job.bulk.cancel"},
        status_code=200,
        raises=[NotFoundException, ConflictException],
    )
    async def cancel_bulk_operation(
        self,
        ctx: Ctx,
        request: AnyRequest,
        op_id: FromPath[UUID],
    ) -> BulkOperation:
        async with audited(ctx, request) as op:
            cancelled = await queries.cancel_operation(op.db, ctx.chancy, op_id)
            if cancelled is None:
                existing = await queries.get_operation(Reader(op.db), ctx.chancy, op_id)
                if existing is None:
                    raise NotFoundException(f"Bulk operation {op_id} not found")
                raise ConflictException(f"The operation is already {existing.state}")
            found, role = cancelled
            await queries.announce_finished(op.db, ctx.chancy, found, role)
            op.detail.update(processed=found.processed, matched=found.matched)
        return found


async def _count(
    ctx: WebContext, db: AsyncConnection, q: str, sel: Selection, now: datetime
) -> tuple[BulkPreview, Bounds]:
    """How many jobs the set holds if it is fixed now, and its bounds."""
    jobs = table(ctx.chancy, "jobs")
    bounds = await fix_bounds(db, jobs, sel, ctx.settings)
    if bounds.lower is not None:  # bounded: count within the window just read
        sel = select(q, jobs=jobs, now=now, settings=ctx.settings, bounds=bounds)
    preview = await queries.count_matching(
        db, ctx.chancy, sel, bounds.upper, ctx.settings.counts_exact_limit
    )
    return preview, bounds
