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

from dataclasses import dataclass, field, replace
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
    #: The parsed query (a `language.Node`). Typed Any: Litestar checks a dependency's value
    #: against its type with msgspec, which refuses a union of several dataclasses.
    tree: Any
    #: How many of the newest jobs a bounded search covers.
    size: int = 0
    #: The condition before any bound, and its values.
    condition: sql.Composable = field(default_factory=lambda: sql.SQL("TRUE"))
    condition_params: tuple[Any, ...] = ()

    def within(self, window: tuple[UUID, UUID]) -> Selection:
        """This bounded search over the ids of `window` (as `search_window` read them)."""
        assert self.bounded
        where = self.condition + sql.SQL(" AND j.id BETWEEN %s AND %s")
        params = [*self.condition_params, *window]
        return replace(self, where=where, params=params, window=window)


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
    selection = Selection(
        clause.sql,
        clause.params,
        True,
        None,
        tree,
        size=settings.search_window,
        condition=clause.sql,
        condition_params=tuple(clause.params),
    )
    if window is not None:
        return selection.within(window)
    lowest = sql.SQL(
        "j.id >= coalesce((SELECT id FROM {t} ORDER BY id DESC OFFSET %s LIMIT 1), %s)"
    ).format(t=table)
    where = clause.sql + sql.SQL(" AND ") + lowest
    return replace(selection, where=where, params=[*clause.params, settings.search_window - 1, NIL])


def window_query(table: sql.Identifier, size: int) -> tuple[sql.Composed, list[Any]]:
    """The oldest and newest ids of the newest `size` jobs (NULLs when there are none): two
    short walks of the primary key."""
    query = sql.SQL(
        """SELECT coalesce((SELECT id FROM {t} ORDER BY id DESC OFFSET %s LIMIT 1),
                           (SELECT id FROM {t} ORDER BY id LIMIT 1)),
                  (SELECT id FROM {t} ORDER BY id DESC LIMIT 1)"""
    ).format(t=table)
    return query, [size - 1]


async def search_window(
    conn: AsyncConnection, table: sql.Identifier, size: int
) -> tuple[UUID, UUID] | None:
    """The ids of the newest `size` jobs, oldest and newest (None when there are none): a walk
    of the primary key's last `size` entries."""
    query, params = window_query(table, size)
    cursor = await conn.execute(query, params)
    row = await cursor.fetchone()
    if row is None or row[0] is None:
        return None
    return row[0], row[1]
