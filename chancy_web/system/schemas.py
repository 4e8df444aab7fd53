from __future__ import annotations

import msgspec


class Health(msgspec.Struct, kw_only=True):
    status: str


class Readiness(msgspec.Struct, kw_only=True):
    #: "ready", or "unavailable" with a 503.
    status: str
    database: bool
    migrations: bool
    detail: str | None = None


class Configuration(msgspec.Struct, kw_only=True):
    #: Class names of the Chancy plugins in use, in registration order (the dashboard shows
    #: crons, workflows and metrics when `Cron`, `WorkflowPlugin` and `Metrics` are present).
    plugins: list[str]


class DatabaseInfo(msgspec.Struct, kw_only=True):
    version: str | None
    prefix: str


class SystemInfo(msgspec.Struct, kw_only=True):
    chancy_version: str
    chancy_web_version: str
    database: DatabaseInfo


class PluginInfo(msgspec.Struct, kw_only=True):
    identifier: str
    tables: list[str]
    migrate_key: str | None
    migrate_package: str | None
    api_plugin: str | None
    dependencies: list[str]
    scope: str
