"""The inbox's query, parsed once into one typed `FailureFilter`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from litestar.exceptions import ValidationException
from litestar.params import QueryParameter

from chancy_web.context import Ctx
from chancy_web.failures.schemas import FailureStatus
from chancy_web.pagination import NOT_A_CURSOR, Cursor, CursorParam, LimitParam
from chancy_web.types import AnyRequest
from chancy_web.validation import NO_CONTROL, check_time

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
MAX_SEARCH_LENGTH = 200


def order_of(status: str) -> str:
    """The order a tab's cursors carry, so that a cursor of one tab is refused in another."""
    return f"failures:{status}"


def fingerprint_id(fingerprint: str) -> int:
    """A fingerprint (16 hex digits) as a cursor's row id: their orders agree."""
    return int(fingerprint, 16)


def id_fingerprint(row_id: int) -> str:
    return f"{row_id:016x}"


def _cursor(text: str, status: str) -> Cursor:
    cursor = Cursor.decode(text)
    cursor.check_order(order_of(status), keyed=True, id_type=int)
    if not 0 <= int(cursor.id) < 1 << 64:
        raise ValidationException(NOT_A_CURSOR)
    return cursor


@dataclass(frozen=True)
class FailureFilter:
    status: FailureStatus
    limit: int
    since: datetime | None = None
    #: Words that the exception, template, frame or a function name contains.
    q: str | None = None
    cursor: Cursor | None = None


async def provide_failure_filter(
    ctx: Ctx,
    request: AnyRequest,
    failure_status: Annotated[
        FailureStatus, QueryParameter(name="status", description="The tab")
    ] = "open",
    since: Annotated[
        datetime | None,
        QueryParameter(description="Only groups seen since this ISO 8601 time (UTC if no offset)"),
    ] = None,
    q: Annotated[
        str | None,
        QueryParameter(
            description="Only groups whose exception, message, frame or a function contains this",
            pattern=NO_CONTROL,
            max_length=MAX_SEARCH_LENGTH,
        ),
    ] = None,
    limit: LimitParam = 50,
    cursor: CursorParam = None,
) -> FailureFilter:
    # Litestar would also read `since=0.5` as a Unix time; only ISO 8601 is meant.
    if since is not None and not ISO_DATE.match(request.query_params.get("since", "")):
        raise ValidationException("since must be an ISO 8601 time")
    if since is not None:
        since = check_time(since if since.tzinfo else since.replace(tzinfo=UTC), "since")
    return FailureFilter(
        status=failure_status,
        limit=min(limit, ctx.settings.max_page_size),
        since=since,
        q=(q or "").strip() or None,
        cursor=_cursor(cursor, failure_status) if cursor else None,
    )
