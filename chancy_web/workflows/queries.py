"""Workflow SQL (the WorkflowPlugin's `{prefix}workflows` and `{prefix}workflow_steps` tables).

The list pages by id (newest first) on the primary key and counts steps only for the rows of
the page; chancy 0.26's web plugin aggregated every step of every workflow on each poll.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from chancy import Chancy
from psycopg import sql
from psycopg.rows import class_row, dict_row

from chancy_web.db import Reader, contains_pattern, table
from chancy_web.job_template import JobTemplate
from chancy_web.pagination import Cursor, Direction, Page, keyset_page
from chancy_web.query.columns import ERROR
from chancy_web.query.filters import Condition
from chancy_web.workflows.filters import ORDER, WorkflowFilter
from chancy_web.workflows.schemas import (
    WorkflowDetail,
    WorkflowEdge,
    WorkflowStep,
    WorkflowStepRun,
    WorkflowSummary,
)


def _condition(c: Condition) -> tuple[sql.Composable, Any]:
    column = sql.SQL("w.{}").format(sql.Identifier(c.field))
    if c.op == "~":
        return sql.SQL("{} ILIKE %s").format(column), contains_pattern(c.value)
    return sql.SQL("{} = %s").format(column), c.value


async def list_workflows(db: Reader, chancy: Chancy, f: WorkflowFilter) -> Page[WorkflowSummary]:
    where: list[sql.Composable] = []
    params: list[Any] = []
    for condition in f.conditions:
        clause, value = _condition(condition)
        where.append(clause)
        params.append(value)
    backwards = f.cursor is not None and f.cursor.backwards
    if f.cursor is not None:
        where.append(sql.SQL("w.id > %s" if backwards else "w.id < %s"))
        params.append(f.cursor.id)
    direction = sql.SQL("ASC" if backwards else "DESC")
    query = sql.SQL(
        """
        SELECT p.id, p.name, p.state, p.created_at, p.updated_at,
            count(s.id) AS total_steps,
            count(s.id) FILTER (WHERE s.job_id IS NULL) AS waiting_steps,
            count(j.id) FILTER (WHERE j.state = 'pending') AS pending_steps,
            count(j.id) FILTER (WHERE j.state = 'running') AS running_steps,
            count(j.id) FILTER (WHERE j.state = 'succeeded') AS succeeded_steps,
            count(j.id) FILTER (WHERE j.state = 'failed') AS failed_steps,
            count(j.id) FILTER (WHERE j.state = 'retrying') AS retrying_steps
        FROM (
            SELECT w.id, w.name, w.state, w.created_at, w.updated_at FROM {workflows} w
            {where} ORDER BY w.id {direction} LIMIT %s
        ) AS p
        LEFT JOIN {steps} s ON s.workflow_id = p.id
        LEFT JOIN {jobs} j ON j.id = s.job_id
        GROUP BY p.id, p.name, p.state, p.created_at, p.updated_at
        ORDER BY p.id {direction}
        """
    ).format(
        workflows=table(chancy, "workflows"),
        steps=table(chancy, "workflow_steps"),
        jobs=table(chancy, "jobs"),
        where=sql.SQL("WHERE ") + sql.SQL(" AND ").join(where) if where else sql.SQL(""),
        direction=direction,
    )
    rows = await db.all(query, [*params, f.limit + 1], class_row(WorkflowSummary))
    return keyset_page(rows, f.limit, f.cursor, _cursor)


def _cursor(direction: Direction, row: WorkflowSummary) -> Cursor:
    return Cursor(ORDER, direction, None, row.id)


def _levels(dependencies: dict[str, list[str]]) -> dict[str, int]:
    """Each step's longest chain of dependencies (Chancy refuses cyclic workflows)."""
    levels: dict[str, int] = {}

    def level(step: str, seen: frozenset[str]) -> int:
        if step not in levels:
            parents = [d for d in dependencies.get(step, []) if d in dependencies and d not in seen]
            levels[step] = 1 + max((level(d, seen | {step}) for d in parents), default=-1)
        return levels[step]

    for step in dependencies:
        level(step, frozenset())
    return levels


async def get_workflow(db: Reader, chancy: Chancy, workflow_id: UUID) -> WorkflowDetail | None:
    workflow = await db.one(
        sql.SQL(
            "SELECT id, name, state, created_at, updated_at FROM {workflows} WHERE id = %s"
        ).format(workflows=table(chancy, "workflows")),
        (workflow_id,),
        dict_row,
    )
    if workflow is None:
        return None
    rows = await db.all(
        sql.SQL(
            """
            SELECT s.step_id, s.job_data, s.dependencies, s.job_id, j.id AS run_id,
                j.state, j.created_at, j.scheduled_at, j.started_at, j.completed_at,
                j.attempts, j.max_attempts, {error}
            FROM {steps} s LEFT JOIN {jobs} j ON j.id = s.job_id
            WHERE s.workflow_id = %s
            ORDER BY s.step_id
            """
        ).format(error=ERROR, steps=table(chancy, "workflow_steps"), jobs=table(chancy, "jobs")),
        (workflow_id,),
        dict_row,
    )

    levels = _levels({row["step_id"]: row["dependencies"] for row in rows})
    steps = {
        row["step_id"]: WorkflowStep(
            step_id=row["step_id"],
            job=JobTemplate.from_packed(row["job_data"]),
            dependencies=row["dependencies"],
            state=row["state"],
            job_id=row["job_id"],
            level=levels[row["step_id"]],
            run=None if row["run_id"] is None else msgspec.convert(row, WorkflowStepRun),
        )
        for row in rows
    }
    edges = sorted(
        (
            WorkflowEdge(source=dep, target=step.step_id)
            for step in steps.values()
            for dep in step.dependencies
        ),
        key=lambda e: (e.source, e.target),
    )
    return WorkflowDetail(**workflow, steps=steps, edges=edges)
