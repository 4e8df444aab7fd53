from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec

from chancy_web.job_template import JobTemplate

WorkflowState = Literal["pending", "running", "completed", "failed"]
WORKFLOW_STATES: tuple[WorkflowState, ...] = ("pending", "running", "completed", "failed")


class WorkflowSummary(msgspec.Struct, kw_only=True):
    """A row of the workflow list, with its steps counted by their job's state."""

    id: UUID
    name: str
    #: One of WORKFLOW_STATES (a plain string, for rows written by other Chancy versions).
    state: str
    created_at: datetime | None
    updated_at: datetime | None
    total_steps: int
    #: Steps not queued yet (no job), including those waiting on dependencies.
    waiting_steps: int
    pending_steps: int
    running_steps: int
    succeeded_steps: int
    failed_steps: int
    retrying_steps: int


class WorkflowPage(msgspec.Struct, kw_only=True):
    """One keyset page, newest first. Pass `next_cursor` as `cursor` (or `before`) for older
    workflows and `prev_cursor` for newer ones; `next_cursor` is null on the last page."""

    items: list[WorkflowSummary]
    has_more: bool
    next_cursor: str | None
    prev_cursor: str | None


class WorkflowStepRun(msgspec.Struct, kw_only=True):
    """The job a step was queued as: its timing, for the step timeline."""

    created_at: datetime
    scheduled_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    attempts: int
    max_attempts: int
    #: The last line of the latest traceback, if any.
    error: str | None


class WorkflowStep(msgspec.Struct, kw_only=True):
    step_id: str
    job: JobTemplate
    #: step_ids this step waits for; each is an edge dependency -> step.
    dependencies: list[str]
    #: The linked job's state; null before the step is queued, or if its job was deleted.
    state: str | None
    job_id: UUID | None
    #: Longest chain of dependencies before this step (0 for a step without any): the
    #: step's column when the graph is drawn left to right.
    level: int
    #: Null until the step is queued (or if its job was deleted).
    run: WorkflowStepRun | None


class WorkflowEdge(msgspec.Struct, kw_only=True):
    #: The step that must succeed first...
    source: str
    #: ...before this one is queued.
    target: str


class WorkflowDetail(msgspec.Struct, kw_only=True):
    id: UUID
    name: str
    state: str
    created_at: datetime | None
    updated_at: datetime | None
    #: Keyed by step_id, in step_id order (chancy 0.26's web plugin's shape).
    steps: dict[str, WorkflowStep]
    #: The graph's edges, sorted; the same information as each step's dependencies.
    edges: list[WorkflowEdge]
