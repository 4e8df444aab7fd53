"""Job filters: chancy 0.26's web plugin's `filters` parameter, the conditions it makes, and
their SQL. Shared by every list that filters jobs (and, in part, workflows).

`filters` is a JSON array of `[field, operator, value]` triples, extended with more fields
than chancy 0.26's web plugin had; every value is checked against its field's type here, so
a bad value is a 400 with a readable message, never a database error.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar.exceptions import ValidationException
from litestar.params import QueryParameter
from psycopg import sql

from chancy_web.db import contains_pattern
from chancy_web.jobs.schemas import JOB_STATES
from chancy_web.query.qualifiers import id_at
from chancy_web.validation import check_json_depth, check_time

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
    """Chancy 0.26's web plugin's `filters` syntax, with its error messages: a JSON array of
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


FiltersParam = Annotated[
    str | None,
    QueryParameter(description='JSON array of [field, operator, value], e.g. [["state","=","x"]]'),
]


#: How far a job's id timestamp (the pusher's clock) may be from its created_at (the database's).
ID_CLOCK_SKEW = timedelta(days=1)


@functools.cache
def identifier(name: str) -> str:
    """A quoted SQL name, as text (job lists are built as text; see `jobs.queries`)."""
    return sql.Identifier(name).as_string(None)


def _condition(c: Condition) -> tuple[str, Any]:
    # Fields and operators come from the allow-lists above, never from the request.
    column = identifier(c.field)
    if c.op == "~":
        return f"{column} ILIKE %s", contains_pattern(c.value)
    return f"{column} {c.op} %s", c.value


def job_conditions_sql(conditions: tuple[Condition, ...]) -> tuple[list[str], list[Any]]:
    """The WHERE clauses (to be ANDed) of job `conditions` on the jobs table, and their
    parameters."""
    where: list[str] = []
    params: list[Any] = []
    for condition in conditions:
        clause, value = _condition(condition)
        where.append(clause)
        params.append(value)
        if condition.field == "created_at":
            # Job ids start with their creation time, so the same bound on the id (widened
            # for clock skew) lets the primary key serve time windows as a range scan.
            lower = condition.op in (">", ">=")
            moment = condition.value + (-ID_CLOCK_SKEW if lower else ID_CLOCK_SKEW)
            where.append("id >= %s" if lower else "id < %s")
            params.append(id_at(moment))
    return where, params
