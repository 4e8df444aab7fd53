"""The job list's query: parsed once from the URL into one typed `JobFilter`.

The `filters` parameter is the reference's JSON array of `[field, operator, value]` triples,
extended with more fields; every value is checked against its field's type here, so a bad
value is a 400 with a readable message, never a database error.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar.exceptions import ValidationException
from litestar.params import QueryParameter

from chancy_web.context import Ctx
from chancy_web.db import table
from chancy_web.jobs.schemas import JOB_STATES, JobState
from chancy_web.query import Selection, compile_query
from chancy_web.validation import NO_NUL, check_json_depth, check_time

Operator = Literal["=", "~", ">", "<", ">=", "<="]
_COMPARISONS = ("=", ">", "<", ">=", "<=")
MAX_FILTERS = 20

#: Each filterable column, its value type and the operators it allows.
FIELDS: dict[str, tuple[type, tuple[str, ...]]] = {
    "state": (str, ("=",)),
    "queue": (str, ("=", "~")),
    "func": (str, ("=", "~")),
    "priority": (int, _COMPARISONS),
    "attempts": (int, _COMPARISONS),
    "max_attempts": (int, _COMPARISONS),
    "id": (UUID, ("=",)),
    "unique_key": (str, ("=", "~")),
    "taken_by": (str, ("=", "~")),
    "created_at": (datetime, _COMPARISONS),
    "scheduled_at": (datetime, _COMPARISONS),
    "started_at": (datetime, _COMPARISONS),
    "completed_at": (datetime, _COMPARISONS),
}


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any


#: Longer than any cursor this API makes; a longer one is refused before it is decoded.
MAX_CURSOR_LENGTH = 512
_CursorKey = Annotated[datetime, msgspec.Meta(tz=True)] | None
_CURSOR = tuple[str, Literal["next", "prev"], _CursorKey, UUID]


@dataclass(frozen=True)
class Cursor:
    """A position in a list: the sort key of a row, which way to read, and the list's order.

    Every check of a cursor sent back is here: its shape (`decode`), then whether it fits
    the list it is used on (`check_order`)."""

    order: str
    direction: Literal["next", "prev"]
    key: datetime | None
    id: UUID

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
            raise ValidationException("cursor is not a cursor returned by this API") from exc
        return cls(order=order, direction=direction, key=key, id=id_)

    def check_order(self, order: str, keyed: bool) -> None:
        """Refuse a cursor of a list in another order, or whose key does not fit the order:
        a time when the list sorts by a time (`keyed`), none when it sorts by id alone."""
        if self.order != order:
            raise ValidationException("cursor belongs to a list in another order (another state)")
        if (self.key is not None) != keyed:
            raise ValidationException("cursor is not a cursor returned by this API")


@dataclass(frozen=True)
class JobFilter:
    limit: int
    conditions: tuple[Condition, ...] = ()
    state: JobState | None = None
    before: UUID | None = None
    cursor: Cursor | None = None
    envelope: bool = False
    #: Slim rows (`view=summary`) instead of the reference's full ones.
    summary: bool = False
    #: The search (`q=`), compiled; None without one.
    search: Selection | None = None


def _coerce(name: str, kind: type, value: Any) -> Any:
    try:
        if kind is int:
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise ValueError
            return int(value)
        if kind is UUID:
            return UUID(str(value))
        if kind is datetime:
            parsed = datetime.fromisoformat(str(value))
            if parsed.tzinfo is None:
                raise ValueError
            return check_time(parsed, f"The value of filter field {name!r}")
        if not isinstance(value, str):
            raise ValueError
        if name == "state" and value not in JOB_STATES:
            raise ValueError
        return value
    except ValidationException:  # one of ValueError's, with its own message
        raise
    except ValueError:
        expected = {int: "an integer", UUID: "a UUID", datetime: "an ISO 8601 time with offset"}
        raise ValidationException(
            f"Invalid value {value!r} for filter field {name!r}: expected "
            + (
                f"one of {', '.join(JOB_STATES)}"
                if name == "state"
                else expected.get(kind, "a string")
            )
        ) from None


def parse_triples(
    text: str | None, operators: Mapping[str, tuple[str, ...]]
) -> list[tuple[str, str, Any]]:
    """The reference's `filters` syntax, with its error messages: a JSON array of
    `[field, operator, value]`, each field and operator among `operators`. Values are returned
    as given; each resource checks them against its fields' types."""
    if not text:
        return []
    check_json_depth(text, "filters")
    try:
        triples = msgspec.json.decode(text)
    except msgspec.DecodeError:
        raise ValidationException("Invalid JSON in filters parameter") from None
    if not isinstance(triples, list):
        raise ValidationException("filters must be an array")
    if len(triples) > MAX_FILTERS:
        raise ValidationException(f"At most {MAX_FILTERS} filters are allowed")
    parsed = []
    for triple in triples:
        if not (isinstance(triple, list) and len(triple) == 3 and isinstance(triple[0], str)):
            raise ValidationException("Each filter must be [key, operator, value]")
        name, op, value = triple
        if name not in operators:
            raise ValidationException(f"Unknown filter field: {name}")
        if op not in operators[name]:
            raise ValidationException(f"Operator '{op}' not allowed for field '{name}'")
        parsed.append((name, op, value))
    return parsed


def parse_filters(text: str | None) -> tuple[Condition, ...]:
    operators = {name: ops for name, (_, ops) in FIELDS.items()}
    return tuple(
        Condition(name, op, _coerce(name, FIELDS[name][0], value))
        for name, op, value in parse_triples(text, operators)
    )


# The paging parameters of every list that pages like the reference (jobs, workflows).
LimitParam = Annotated[
    int, QueryParameter(ge=1, description="Page size; values above the maximum are clamped")
]
BeforeParam = Annotated[
    str | None,
    QueryParameter(description="An id (the reference's paging: older ids follow) or a next_cursor"),
]
CursorParam = Annotated[
    str | None, QueryParameter(description="An opaque next_cursor or prev_cursor from a page")
]
PaginationParam = Annotated[
    str | None,
    QueryParameter(description="`true` for a page envelope; otherwise a bare array (reference)"),
]
FiltersParam = Annotated[
    str | None,
    QueryParameter(description='JSON array of [field, operator, value], e.g. [["state","=","x"]]'),
]
QParam = Annotated[
    str | None,
    QueryParameter(
        description="A search (see docs/search.md), ANDed with the other filters, e.g. "
        "`state:failed kwargs.user_id:42`. A query that does not parse is a 400 whose "
        "`extra` gives the `position` (a character offset) and what was `expected` there."
    ),
]
SearchParam = Annotated[
    Literal["window", "all"],
    QueryParameter(
        description="`window`: a search using a term no index serves covers the newest "
        "`search_window` jobs (100,000 by default), as `searched` says; `all`: every job, "
        "within the statement timeout"
    ),
]
ViewParam = Annotated[
    Literal["full", "summary"],
    QueryParameter(
        description="`full`: every field of the reference's rows (kwargs, meta, limits, errors, "
        "claim_id); `summary`: without them, for screens of many rows"
    ),
]


async def provide_job_filter(
    ctx: Ctx,
    job_state: Annotated[
        JobState | None, QueryParameter(name="state", description="Only jobs in this state")
    ] = None,
    queue: Annotated[
        str | None, QueryParameter(description="Only jobs of this queue", pattern=NO_NUL)
    ] = None,
    func: Annotated[
        str | None,
        QueryParameter(description="Only jobs whose function name contains this", pattern=NO_NUL),
    ] = None,
    limit: LimitParam = 100,
    before: BeforeParam = None,
    cursor: CursorParam = None,
    pagination: PaginationParam = None,
    filters: FiltersParam = None,
    view: ViewParam = "full",
    q: QParam = None,
    search: SearchParam = "window",
) -> JobFilter:
    before, cursor = before or None, cursor or None  # `?before=&cursor=` means neither
    if before is not None and cursor is not None:
        raise ValidationException("Pass either before or cursor, not both")
    conditions = list(parse_filters(filters))
    if queue is not None:
        conditions.append(Condition("queue", "=", queue))
    if func is not None:
        conditions.append(Condition("func", "~", func))
    # A single state condition from `filters` picks the state's order, as `state=` does.
    states = {c.value for c in conditions if c.field == "state"}
    if job_state is None and len(states) == 1:
        job_state = states.pop()
    legacy_before = None
    if before is not None:
        # Reference clients echo next_cursor into `before`: accept both that and a job id.
        try:
            legacy_before = UUID(before)
        except ValueError:
            cursor = before
    selection = None
    if q is not None and q.strip():
        selection = compile_query(
            q,
            table=table(ctx.chancy, "jobs"),
            now=datetime.now(UTC),
            settings=ctx.settings,
            unbounded=search == "all",
        )
    return JobFilter(
        limit=min(limit, ctx.settings.max_page_size),
        conditions=tuple(conditions),
        state=job_state,
        before=legacy_before,
        cursor=Cursor.decode(cursor) if cursor else None,
        envelope=pagination == "true",
        summary=view == "summary",
        search=selection,
    )
