from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath

from chancy_web.audit.recording import audited
from chancy_web.auth.roles import Role
from chancy_web.context import Ctx, WebContext
from chancy_web.db import Reader, read
from chancy_web.failures import queries
from chancy_web.failures.filters import FailureFilter, provide_failure_filter
from chancy_web.failures.schemas import FailureGroupDetail, FailurePage, FailureStatus
from chancy_web.types import AnyRequest


async def _group(db: Reader, ctx: WebContext, fingerprint: str) -> FailureGroupDetail:
    group = await queries.get_group(db, ctx.chancy, fingerprint)
    if group is None:
        raise NotFoundException(f"Failure group {fingerprint!r} not found")
    return group


class FailureController(Controller):
    """The failure inbox: failed attempts grouped by fingerprint (`chancy_web.failures.fold`)."""

    path = "/failures"
    tags = ["failures"]
    dependencies = {"failure_filter": Provide(provide_failure_filter)}

    @get(
        "/",
        operation_id="listFailureGroups",
        summary="Failure groups of one status, most recently seen first, with hourly counts",
        description=(
            "`fold` says how far folding has got: until the first backfill has finished, "
            "older failures are still being counted."
        ),
        raises=[ValidationException],
    )
    async def list_failure_groups(
        self, ctx: Ctx, failure_filter: NamedDependency[FailureFilter]
    ) -> FailurePage:
        async with read(ctx) as db:
            page = await queries.list_groups(db, ctx.chancy, failure_filter)
            progress = await queries.fold_progress(db, ctx.chancy)
        return FailurePage(
            items=page.items,
            has_more=page.has_more,
            next_cursor=page.next_cursor.encode() if page.next_cursor else None,
            prev_cursor=page.prev_cursor.encode() if page.prev_cursor else None,
            fold=progress,  # beyond the page_struct shape
        )

    @get(
        "/{fingerprint:str}",
        operation_id="getFailureGroup",
        summary="One failure group, with its sample traceback and 14 days of hourly counts",
        raises=[NotFoundException],
    )
    async def get_failure_group(self, ctx: Ctx, fingerprint: FromPath[str]) -> FailureGroupDetail:
        async with read(ctx) as db:
            return await _group(db, ctx, fingerprint)

    async def _set_status(
        self,
        ctx: WebContext,
        request: AnyRequest,
        fingerprint: str,
        status: FailureStatus,
    ) -> FailureGroupDetail:
        async with audited(ctx, request) as op:
            previous = await queries.set_status(op.db, ctx.chancy, fingerprint, status)
            if previous is None:
                raise NotFoundException(f"Failure group {fingerprint!r} not found")
            op.detail.update({"from": previous, "to": status})
            group = await _group(Reader(op.db), ctx, fingerprint)
        return group

    @post(
        "/{fingerprint:str}/resolve",
        operation_id="resolveFailureGroup",
        summary="Mark a group resolved; it reopens by itself (regressed) if it fails again",
        opt={"role": Role.OPERATOR, "action": "failure.resolve"},
        status_code=200,
        raises=[NotFoundException],
    )
    async def resolve_failure_group(
        self,
        ctx: Ctx,
        request: AnyRequest,
        fingerprint: FromPath[str],
    ) -> FailureGroupDetail:
        return await self._set_status(ctx, request, fingerprint, "resolved")

    @post(
        "/{fingerprint:str}/ignore",
        operation_id="ignoreFailureGroup",
        summary="Mark a group ignored: it stays in the ignored tab, counted, whatever happens",
        opt={"role": Role.OPERATOR, "action": "failure.ignore"},
        status_code=200,
        raises=[NotFoundException],
    )
    async def ignore_failure_group(
        self,
        ctx: Ctx,
        request: AnyRequest,
        fingerprint: FromPath[str],
    ) -> FailureGroupDetail:
        return await self._set_status(ctx, request, fingerprint, "ignored")

    @post(
        "/{fingerprint:str}/reopen",
        operation_id="reopenFailureGroup",
        summary="Put a resolved or ignored group back in the open tab",
        opt={"role": Role.OPERATOR, "action": "failure.reopen"},
        status_code=200,
        raises=[NotFoundException],
    )
    async def reopen_failure_group(
        self,
        ctx: Ctx,
        request: AnyRequest,
        fingerprint: FromPath[str],
    ) -> FailureGroupDetail:
        return await self._set_status(ctx, request, fingerprint, "open")
