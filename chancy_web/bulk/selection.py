"""The jobs a bulk operation acts on: a query (`q`) compiled to a condition over the jobs
table aliased `j`, the one place bulk depends on the query language.

Until the shared query language (`chancy_web.query`) lands, a small stand-in understands
space-separated `state:a,b`, `queue:x`, `func:x` (exact) / `func:~x` (contains) and `id:x`
terms, ANDed; anything else is a 400.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from litestar.exceptions import ValidationException
from psycopg import sql

from chancy_web.db import contains_pattern
from chancy_web.jobs.schemas import JOB_STATES
from chancy_web.settings import Settings

MAX_QUERY_LENGTH = 2000


@dataclass(frozen=True)
class Selection:
    where: sql.Composable
    params: list[Any]


def select(q: str, *, jobs: sql.Identifier, now: datetime, settings: Settings) -> Selection:
    """`q` as a condition over `jobs` (aliased `j`), relative times read against `now`.

    Raises a 400 (ValidationException) when `q` is not a query.
    """
    if len(q) > MAX_QUERY_LENGTH:
        raise ValidationException(f"q is longer than {MAX_QUERY_LENGTH} characters")
    clauses: list[sql.Composable] = []
    params: list[Any] = []
    for term in q.split():
        name, colon, value = term.partition(":")
        if not colon or not value:
            raise ValidationException(f"Unknown search term {term[:100]!r}")
        if name == "state":
            states = value.split(",")
            if any(s not in JOB_STATES for s in states):
                raise ValidationException(f"state: expects one of {', '.join(JOB_STATES)}")
            clauses.append(sql.SQL("j.state = ANY(%s)"))
            params.append(states)
        elif name in ("queue", "func") and value.startswith("~"):
            clauses.append(sql.SQL("{} ILIKE %s").format(sql.Identifier("j", name)))
            params.append(contains_pattern(value[1:]))
        elif name in ("queue", "func"):
            clauses.append(sql.SQL("{} = %s").format(sql.Identifier("j", name)))
            params.append(value)
        elif name == "id":
            try:
                params.append(UUID(value))
            except ValueError:
                raise ValidationException("id: expects a job id") from None
            clauses.append(sql.SQL("j.id = %s"))
        else:
            raise ValidationException(f"Unknown search qualifier {name[:100]!r}")
    where = sql.SQL(" AND ").join(clauses) if clauses else sql.SQL("TRUE")
    return Selection(where=where, params=params)
