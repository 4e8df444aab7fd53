"""Keyset paging, the one way every list of this API pages (jobs, workflows, the audit log).

The contract: a list sorts by a key (a time, or none) and then by a unique id, and a page is
the `limit` rows after (or, reading backwards, before) a position. A position is a `Cursor`,
sent to clients as an opaque string: `next_cursor` continues the list and `prev_cursor` goes
back to the rows before the page. A list reads one row past the page, so it knows whether
more follow without counting; `keyset_page` turns those rows into a `Page`.

The query parameters are declared here once: `limit`, `cursor`, and `before`, which takes
either a cursor or, as chancy 0.26's web plugin did, a row id ("rows older than this one").
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Generic, Literal, Protocol, TypeVar
from uuid import UUID

import msgspec
from litestar.exceptions import ValidationException
from litestar.params import QueryParameter

from chancy_web.validation import check_time

#: Longer than any cursor this API makes; a longer one is refused before it is decoded.
MAX_CURSOR_LENGTH = 512
Direction = Literal["next", "prev"]
_CursorKey = Annotated[datetime, msgspec.Meta(tz=True)] | None
#: Job and workflow ids are UUIDs; audit entry ids are bigints.
RowId = UUID | int
_CURSOR = tuple[str, Direction, _CursorKey, UUID | int]
NOT_A_CURSOR = "cursor is not a cursor returned by this API"


@dataclass(frozen=True)
class Cursor:
    """A position in a list: the sort key of a row, which way to read, and the list's order.

    Every check of a cursor sent back is here: its shape (`decode`), then whether it fits
    the list it is used on (`check_order`)."""

    order: str
    direction: Direction
    key: datetime | None
    id: RowId

    @property
    def backwards(self) -> bool:
        return self.direction == "prev"

    def encode(self) -> str:
        raw = msgspec.json.encode([self.order, self.direction, self.key, self.id])
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            if len(text) > MAX_CURSOR_LENGTH:
                raise ValueError(text)
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            order, direction, key, id_ = msgspec.json.decode(raw, type=_CURSOR)
            if key is not None:
                check_time(key, "cursor")
        except (ValueError, binascii.Error, msgspec.DecodeError, ValidationException) as exc:
            raise ValidationException(NOT_A_CURSOR) from exc
        return cls(order=order, direction=direction, key=key, id=id_)

    def check_order(self, order: str, keyed: bool, id_type: type = UUID) -> None:
        """Refuse a cursor of a list in another order, or whose key does not fit the order:
        a time when the list sorts by a time (`keyed`), none when it sorts by id alone."""
        if self.order != order:
            raise ValidationException("cursor belongs to a list in another order (another state)")
        if (self.key is not None) != keyed or type(self.id) is not id_type:
            raise ValidationException(NOT_A_CURSOR)


def read_position(before: str | None, cursor: str | None) -> tuple[UUID | None, Cursor | None]:
    """The list's position from `before` and `cursor`: a row id given as `before` (chancy
    0.26's web plugin's paging), or a cursor given as either (clients echo `next_cursor`
    into `before`). Not yet checked against the list's order (see `Cursor.check_order`)."""
    before, cursor = before or None, cursor or None  # `?before=&cursor=` means neither
    if before is not None and cursor is not None:
        raise ValidationException("Pass either before or cursor, not both")
    if before is not None:
        try:
            return UUID(before), None
        except ValueError:
            cursor = before
    return None, Cursor.decode(cursor) if cursor else None


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, in the list's order, before its cursors are encoded."""

    items: list[T]
    has_more: bool
    next_cursor: Cursor | None
    prev_cursor: Cursor | None


def keyset_page(
    rows: list[T],
    limit: int,
    cursor: Cursor | None,
    position: Callable[[Direction, T], Cursor],
) -> Page[T]:
    """The page of `rows`, read with `LIMIT limit + 1` from `cursor` in its direction.

    `position(direction, row)` is the cursor of a row. Reading forwards, more rows follow if
    the query found one past the page; reading backwards, the page we came from follows.
    Rows precede the page if we came from them."""
    backwards = cursor is not None and cursor.backwards
    extra = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    has_more = (True if backwards else extra) and bool(rows)
    has_before = (extra if backwards else cursor is not None) and bool(rows)
    return Page(
        items=rows,
        has_more=has_more,
        next_cursor=position("next", rows[-1]) if has_more else None,
        prev_cursor=position("prev", rows[0]) if has_before else None,
    )


class PageStruct(Protocol):
    """The shape of the page Structs (`JobPage`, `WorkflowPage`, `AuditPage`, ...): each is
    written out, since a generic `Page[T]` Struct breaks Litestar 2's OpenAPI output."""

    def __init__(
        self,
        *,
        items: Sequence[object],
        has_more: bool,
        next_cursor: str | None,
        prev_cursor: str | None,
    ) -> None: ...


S = TypeVar("S", bound=PageStruct)


def page_struct(page: Page[T], struct: type[S]) -> S:
    """`page` as the response Struct `struct`, its cursors encoded."""
    return struct(
        items=page.items,
        has_more=page.has_more,
        next_cursor=page.next_cursor.encode() if page.next_cursor else None,
        prev_cursor=page.prev_cursor.encode() if page.prev_cursor else None,
    )


# The paging parameters, the same on every list.
LimitParam = Annotated[
    int, QueryParameter(ge=1, description="Page size; values above the maximum are clamped")
]
BeforeParam = Annotated[
    str | None,
    QueryParameter(
        description="An id (chancy 0.26's web plugin's paging: older ids follow) or a next_cursor"
    ),
]
CursorParam = Annotated[
    str | None, QueryParameter(description="An opaque next_cursor or prev_cursor from a page")
]
PaginationParam = Annotated[
    str | None,
    QueryParameter(
        description="`true` for a page envelope; otherwise a bare array "
        "(as chancy 0.26's web plugin returns)"
    ),
]
