from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from litestar import Controller, get
from litestar.exceptions import ValidationException
from litestar.params import QueryParameter

from chancy_web.audit import queries
from chancy_web.audit.schemas import AuditPage, Outcome
from chancy_web.auth.roles import Role
from chancy_web.context import Ctx
from chancy_web.db import read
from chancy_web.pagination import NOT_A_CURSOR, Cursor, CursorParam, LimitParam, page_struct
from chancy_web.types import AnyRequest
from chancy_web.validation import NO_NUL, check_time

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
#: Entry ids are Postgres bigints.
MAX_ID = 2**63 - 1


def _position(cursor: str | None) -> Cursor | None:
    """A cursor of this list, or an entry id: the cursors this list gave before it paged
    like the others (a bare id; older entries follow), which saved links still hold."""
    if not cursor:  # `?cursor=` means the first page
        return None
    if cursor.isdigit():
        if len(cursor) > len(str(MAX_ID)) or int(cursor) > MAX_ID:
            raise ValidationException(NOT_A_CURSOR)
        return Cursor(order=queries.ORDER, direction="next", key=None, id=int(cursor))
    position = Cursor.decode(cursor)
    position.check_order(queries.ORDER, keyed=False, id_type=int)
    return position


class AuditController(Controller):
    path = "/audit"
    tags = ["audit"]

    @get(
        "/",
        operation_id="listAuditEntries",
        summary="The audit log, newest first: every mutation allowed, denied or failed",
        opt={"role": Role.ADMIN},
        raises=[ValidationException],
    )
    async def list_audit_entries(
        self,
        ctx: Ctx,
        request: AnyRequest,
        username: Annotated[str | None, QueryParameter(pattern=NO_NUL)] = None,
        action: Annotated[
            str | None, QueryParameter(description="e.g. job.retry", pattern=NO_NUL)
        ] = None,
        outcome: Annotated[Outcome | None, QueryParameter()] = None,
        target: Annotated[
            str | None, QueryParameter(description="a job id, a queue", pattern=NO_NUL)
        ] = None,
        since: Annotated[
            datetime | None, QueryParameter(description="ISO 8601 time (UTC without an offset)")
        ] = None,
        limit: LimitParam = 100,
        cursor: CursorParam = None,
    ) -> AuditPage:
        position = _position(cursor)
        # Litestar would also read `since=0.5` as a Unix time; only ISO 8601 is meant.
        if since is not None and not ISO_DATE.match(request.query_params.get("since", "")):
            raise ValidationException("since must be an ISO 8601 time")
        if since is not None:
            since = check_time(since if since.tzinfo else since.replace(tzinfo=UTC), "since")
        page_size = min(limit, ctx.settings.max_page_size)
        f = queries.AuditFilter(
            limit=page_size,
            cursor=position,
            username=username,
            action=action,
            outcome=outcome,
            target=target,
            since=since,
        )
        async with read(ctx) as db:
            page = await queries.list_entries(db, ctx.chancy, f)
        return page_struct(page, AuditPage)
