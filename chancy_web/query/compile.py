"""A search query compiled into one parameterised condition over the jobs table (`j`).

Every place that selects jobs (lists, counts, bulk operations, failure groups, saved views)
goes through `compile_query`, so a query means the same everywhere. When a term has no index
to serve it (see `qualifiers.py`), the whole search is bounded to the newest
`settings.search_window` jobs, as a range of ids (ids are time-ordered): `search_window` reads
that range, and `compile_query(..., window=...)` applies it, so that the response can say
which jobs were searched. Without a window read beforehand, the bound is a subquery of the
same statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection, sql

from chancy_web.query.language import And, Empty, Node, Not, Or, Term, parse
from chancy_web.query.qualifiers import Clause, Env, compile_bare, lookup
from chancy_web.settings import Settings

NIL = UUID(int=0)


@dataclass(frozen=True)
class Selection:
    #: A condition over the jobs table aliased `j`, with `%s` placeholders; TRUE when empty.
    where: sql.Composable
    #: The placeholders' values, in order.
    params: list[Any]
    #: True when an unindexed term limits the search to the newest jobs.
    bounded: bool
    #: The ids searched when bounded and the window was read first (`search_window`).
    window: tuple[UUID, UUID] | None
    tree: Node


def _compile(node: Node, env: Env) -> Clause:
    if isinstance(node, Term):
        if node.name is None:
            return compile_bare(node, env)
        return lookup(node).compile(node, env)
    if isinstance(node, Not):
        child = _compile(node.child, env)
        # IS NOT TRUE, not NOT: a condition that is NULL for a job (no such key, no error)
        # is false for it, so its negation holds.
        return Clause(
            sql.SQL("(") + child.sql + sql.SQL(") IS NOT TRUE"), child.params, child.bounded
        )
    if isinstance(node, And | Or):
        children = [_compile(child, env) for child in node.children]
        joiner = sql.SQL(" AND " if isinstance(node, And) else " OR ")
        return Clause(
            sql.SQL("(") + joiner.join(c.sql for c in children) + sql.SQL(")"),
            [p for c in children for p in c.params],
            any(c.bounded for c in children),
        )
    assert isinstance(node, Empty)
    return Clause(sql.SQL("TRUE"))


def compile_query(
    q: str | None,
    *,
    table: sql.Identifier,
    now: datetime,
    settings: Settings,
    window: tuple[UUID, UUID] | None = None,
    unbounded: bool = False,
) -> Selection:
    """`q` as a condition; raises QueryError. A bounded search covers `window` if given,
    otherwise the newest `settings.search_window` jobs (a subquery); `unbounded` lifts the
    bound (`?search=all`), leaving only the statement timeout."""
    tree = parse(q or "")
    clause = _compile(tree, Env(table=table, now=now, settings=settings))
    if not clause.bounded or unbounded:
        return Selection(clause.sql, clause.params, False, None, tree)
    if window is not None:
        where = clause.sql + sql.SQL(" AND j.id BETWEEN %s AND %s")
        return Selection(where, [*clause.params, *window], True, window, tree)
    lowest = sql.SQL(
        "j.id >= coalesce((SELECT id FROM {t} ORDER BY id DESC OFFSET %s LIMIT 1), %s)"
    ).format(t=table)
    where = clause.sql + sql.SQL(" AND ") + lowest
    return Selection(where, [*clause.params, settings.search_window - 1, NIL], True, None, tree)


async def search_window(
    conn: AsyncConnection, table: sql.Identifier, size: int
) -> tuple[UUID, UUID] | None:
    """The ids of the newest `size` jobs, oldest and newest (None when there are none): a walk
    of the primary key's last `size` entries."""
    cursor = await conn.execute(
        sql.SQL(
            """SELECT coalesce((SELECT id FROM {t} ORDER BY id DESC OFFSET %s LIMIT 1),
                               (SELECT id FROM {t} ORDER BY id LIMIT 1)),
                      (SELECT id FROM {t} ORDER BY id DESC LIMIT 1)"""
        ).format(t=table),
        (size - 1,),
    )
    row = await cursor.fetchone()
    if row is None or row[0] is None:
        return None
    return row[0], row[1]
