"""The inbox's query, parsed once into one typed `FailureFilter`."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Literal

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException
from litestar.params import QueryParameter

from chancy_web.context import Ctx
from chancy_web.failures.schemas import FailureStatus
from chancy_web.jobs.filters import CursorParam, LimitParam
from chancy_web.validation import NO_CONTROL, check_time

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
MAX_CURSOR_LENGTH = 200
MAX_SEARCH_LENGTH = 200
_FINGERPRINT = re.compile(r"^[0-9a-f]{1,64}$")


@dataclass(frozen=True)
class GroupCursor:
    """A position in a tab: a group's last_seen and fingerprint, and which way to read."""

    status: str
    direction: Literal["next", "prev"]
    last_seen: datetime
    fingerprint: str

    def encode(self) -> str:
        raw = msgspec.json.encode([self.status, self.direction, self.last_seen, self.fingerprint])
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str, status: str) -> GroupCursor:
        try:
            if len(text) > MAX_CURSOR_LENGTH:
                raise ValueError(text)
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            kind = tuple[str, Literal["next", "prev"], datetime, str]
            cursor_status, direction, last_seen, fingerprint = msgspec.json.decode(raw, type=kind)
            check_time(last_seen, "cursor")
            if not _FINGERPRINT.match(fingerprint):
                raise ValueError(fingerprint)
        except (ValueError, binascii.Error, msgspec.DecodeError, ValidationException) as exc:
            raise ValidationException("cursor is not a cursor returned by this API") from exc
        if cursor_status != status:
            raise ValidationException("cursor belongs to another tab (another status)")
        return cls(cursor_status, direction, last_seen, fingerprint)


@dataclass(frozen=True)
class FailureFilter:
    status: FailureStatus
    limit: int
    since: datetime | None = None
    #: Words that the exception, template, frame or a function name contains.
    q: str | None = None
    cursor: GroupCursor | None = None


async def provide_failure_filter(
    ctx: Ctx,
    request: Request,  # type: ignore[type-arg]
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
        cursor=GroupCursor.decode(cursor, failure_status) if cursor else None,
    )
