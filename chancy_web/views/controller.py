from __future__ import annotations

from datetime import UTC, datetime

from litestar import Controller, Request, delete, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException, ValidationException
from litestar.params import FromPath, JSONBody

from chancy_web.audit.recording import audited
from chancy_web.auth.roles import Role
from chancy_web.context import Ctx
from chancy_web.db import read, table
from chancy_web.query import compile_query
from chancy_web.views import queries
from chancy_web.views.schemas import NewSavedView, SavedView, SavedViewList


class ViewController(Controller):
    """Saved searches, listed in the sidebar under Jobs."""

    path = "/views"
    tags = ["views"]

    @get("/", operation_id="listViews", summary="The caller's saved views and the shared ones")
    async def list_views(self, ctx: Ctx, request: Request) -> SavedViewList:  # type: ignore[type-arg]
        async with read(ctx) as db:
            items = await queries.list_views(db, ctx.chancy, request.user.username)
        return SavedViewList(items=items)

    @post(
        "/",
        operation_id="createView",
        summary="Save a search, for oneself or (operators and above) for everyone",
        description="`q` must parse: a 400 gives `extra.position` and `expected`, as the job "
        "list does.",
        opt={"role": Role.VIEWER, "action": "view.create"},
        status_code=201,
        raises=[ValidationException, PermissionDeniedException],
    )
    async def create_view(
        self,
        ctx: Ctx,
        request: Request,  # type: ignore[type-arg]
        data: JSONBody[NewSavedView],
    ) -> SavedView:
        if data.shared and not request.user.role.allows(Role.OPERATOR):
            raise PermissionDeniedException("A shared view needs the operator role")
        # Checked as the list would run it, so that a saved view always opens.
        compile_query(
            data.q, table=table(ctx.chancy, "jobs"), now=datetime.now(UTC), settings=ctx.settings
        )
        async with audited(ctx, request) as op:
            view = await queries.create_view(op.db, ctx.chancy, data, request.user.username)
            op.target = str(view.id)
            op.detail.update(name=view.name, q=view.q, shared=view.shared)
        return view

    @delete(
        "/{view_id:int}",
        operation_id="deleteView",
        summary="Delete a saved view: one's own, or (admins) a shared one",
        opt={"role": Role.VIEWER, "action": "view.delete"},
        status_code=204,
        raises=[NotFoundException, PermissionDeniedException],
    )
    async def delete_view(
        self,
        ctx: Ctx,
        request: Request,  # type: ignore[type-arg]
        view_id: FromPath[int],
    ) -> None:
        user = request.user
        async with audited(ctx, request) as op:
            view = await queries.get_view_for_update(op.db, ctx.chancy, view_id)
            # Another user's personal view is not shown to the caller: a 404, not a 403.
            if view is None or (not view.shared and view.owner != user.username):
                raise NotFoundException(f"View {view_id} not found")
            if view.owner != user.username and not user.role.allows(Role.ADMIN):
                raise PermissionDeniedException("Only its owner or an admin deletes a shared view")
            await queries.delete_view(op.db, ctx.chancy, view_id)
            op.detail.update(name=view.name, shared=view.shared)
