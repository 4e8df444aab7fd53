"""The workflow list's query, parsed once into one typed `WorkflowFilter`.

The parameters follow the job list (`chancy_web.query.filters`): chancy 0.26's `filters`
triples (here only `state` and `name`, as in chancy 0.26's web plugin), `limit`, `before` (a
workflow id
or a cursor) and `pagination=true`, plus opaque `cursor`s in both directions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar.exceptions import ValidationException
from litestar.params import QueryParameter

from chancy_web.context import Ctx
from chancy_web.pagination import (
    BeforeParam,
    Cursor,
    CursorParam,
    LimitParam,
    PaginationParam,
    read_position,
)
from chancy_web.query.filters import Condition, FiltersParam, parse_triples
from chancy_web.validation import NO_NUL
from chancy_web.workflows.schemas import WORKFLOW_STATES, WorkflowState

#: Each filterable column and the operators it allows (chancy 0.26's web plugin's set).
FIELDS: dict[str, tuple[str, ...]] = {"state": ("=",), "name": ("=", "~")}
#: The list's only order; cursors carry it so that a job cursor is refused here.
ORDER = "workflows"


@dataclass(frozen=True)
class WorkflowFilter:
    limit: int
    conditions: tuple[Condition, ...] = ()
    cursor: Cursor | None = None
    envelope: bool = False


def _check(name: str, value: Any) -> str:
    if not isinstance(value, str) or (name == "state" and value not in WORKFLOW_STATES):
        expected = f"one of {', '.join(WORKFLOW_STATES)}" if name == "state" else "a string"
        raise ValidationException(
            f"Invalid value {value!r} for filter field {name!r}: expected {expected}"
        )
    return value


def parse_filters(text: str | None) -> tuple[Condition, ...]:
    """Chancy 0.26's web plugin's triples; values are checked, never coerced."""
    return tuple(
        Condition(name, op, _check(name, value)) for name, op, value in parse_triples(text, FIELDS)
    )


async def provide_workflow_filter(
    ctx: Ctx,
    workflow_state: Annotated[
        WorkflowState | None,
        QueryParameter(name="state", description="Only workflows in this state"),
    ] = None,
    name: Annotated[
        str | None,
        QueryParameter(description="Only workflows whose name contains this", pattern=NO_NUL),
    ] = None,
    limit: LimitParam = 100,
    before: BeforeParam = None,
    cursor: CursorParam = None,
    pagination: PaginationParam = None,
    filters: FiltersParam = None,
) -> WorkflowFilter:
    before_id, position = read_position(before, cursor)
    conditions = list(parse_filters(filters))
    if workflow_state is not None:
        conditions.append(Condition("state", "=", workflow_state))
    if name is not None:
        conditions.append(Condition("name", "~", name))
    if before_id is not None:
        # An id given as `before` (chancy 0.26's web plugin's paging) is a cursor at that row.
        position = Cursor(order=ORDER, direction="next", key=None, id=before_id)
    elif position is not None:
        position.check_order(ORDER, keyed=False)
    return WorkflowFilter(
        limit=min(limit, ctx.settings.max_page_size),
        conditions=tuple(conditions),
        cursor=position,
        envelope=pagination == "true",
    )
