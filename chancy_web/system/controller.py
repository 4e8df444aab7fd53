from __future__ import annotations

from importlib.metadata import version

from litestar import Controller, Response, get

from chancy_web import migrations
from chancy_web.__about__ import __version__
from chancy_web.context import Ctx
from chancy_web.db import connect, on_chancys_pool, pooled
from chancy_web.system import queries
from chancy_web.system.schemas import (
    DatabaseInfo,
    Health,
    PluginInfo,
    Readiness,
    SystemInfo,
)
from chancy_web.types import AnyRequest


@get("/health", operation_id="getHealth", summary="Liveness: the process answers", tags=["system"])
async def get_health() -> Health:
    return Health(status="healthy")


def _unavailable(detail: str) -> Response[Readiness]:
    return Response(
        Readiness(status="unavailable", database=False, migrations=False, detail=detail),
        status_code=503,
    )


@get(
    "/health/ready",
    operation_id="getReadiness",
    summary="Readiness: the database answers and every migration is applied (503 otherwise)",
    tags=["system"],
    responses={},
)
async def get_readiness(ctx: Ctx) -> Response[Readiness]:
    try:
        async with pooled(ctx) as conn:
            await conn.execute("SELECT 1")
    except Exception as exc:  # any failure to reach the database means "not ready"
        return _unavailable(str(exc))
    try:
        current = await on_chancys_pool(ctx, lambda: migrations.all_applied(ctx.chancy))
    except Exception as exc:
        return _unavailable(str(exc))
    return Response(
        Readiness(
            status="ready" if current else "unavailable",
            database=True,
            migrations=current,
            detail=None if current else "Migrations are pending: run `chancy misc migrate`",
        ),
        status_code=200 if current else 503,
    )


class SystemController(Controller):
    """System routes beside the core plugin's configuration (`chancy_web.CoreApiPlugin`)."""

    path = "/"
    tags = ["system"]

    @get(
        "/system",
        operation_id="getSystem",
        summary="Versions, database, schema versions, connection pool and live-event listener",
    )
    async def get_system(self, ctx: Ctx, request: AnyRequest) -> SystemInfo:
        async with connect(ctx) as db:
            cursor = await db.execute("SELECT version()")
            row = await cursor.fetchone()
            migration_states = await queries.migration_states(db, ctx.chancy)
        return SystemInfo(
            chancy_version=version("chancy"),
            chancy_web_version=__version__,
            database=DatabaseInfo(version=row[0] if row else None, prefix=ctx.chancy.prefix),
            migrations=migration_states,
            up_to_date=all(m.up_to_date for m in migration_states),
            pool=queries.pool_stats(ctx.chancy),
            events=ctx.listener.status(),
        )

    @get("/plugins", operation_id="listPlugins", summary="Every Chancy plugin in use")
    async def list_plugins(self, ctx: Ctx) -> list[PluginInfo]:
        return [
            PluginInfo(
                identifier=plugin.get_identifier(),
                tables=plugin.get_tables(),
                migrate_key=plugin.migrate_key(),
                migrate_package=plugin.migrate_package(),
                api_plugin=plugin.api_plugin(),
                dependencies=plugin.get_dependencies(),
                scope=plugin.get_scope().value,
            )
            for plugin in ctx.chancy.plugins.values()
        ]
