from __future__ import annotations

from uuid import UUID

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath

from chancy_web.context import Ctx
from chancy_web.db import read
from chancy_web.pagination import page_struct
from chancy_web.workflows import queries
from chancy_web.workflows.filters import WorkflowFilter, provide_workflow_filter
from chancy_web.workflows.schemas import WorkflowDetail, WorkflowPage, WorkflowSummary


class WorkflowController(Controller):
    path = "/workflows"
    tags = ["workflows"]
    dependencies = {"workflow_filter": Provide(provide_workflow_filter)}

    @get(
        "/",
        operation_id="listWorkflows",
        summary="List workflows, newest first, with their steps counted by state",
        description=(
            "Without `pagination=true` the body is a bare array, as in chancy 0.26's web plugin. "
            "Step counts are computed for the rows of the page only."
        ),
        raises=[ValidationException],
    )
    async def list_workflows(
        self, ctx: Ctx, workflow_filter: NamedDependency[WorkflowFilter]
    ) -> WorkflowPage | list[WorkflowSummary]:
        async with read(ctx) as db:
            page = await queries.list_workflows(db, ctx.chancy, workflow_filter)
        if not workflow_filter.envelope:
            return page.items
        return page_struct(page, WorkflowPage)

    @get(
        "/{workflow_id:uuid}",
        operation_id="getWorkflow",
        summary="One workflow: its steps (the DAG), their states, jobs and timing",
        raises=[NotFoundException],
    )
    async def get_workflow(self, ctx: Ctx, workflow_id: FromPath[UUID]) -> WorkflowDetail:
        async with read(ctx) as db:
            workflow = await queries.get_workflow(db, ctx.chancy, workflow_id)
        if workflow is None:
            raise NotFoundException(f"Workflow {workflow_id} not found")
        return workflow
