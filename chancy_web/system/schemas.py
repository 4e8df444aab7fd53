from __future__ import annotations

import msgspec

from chancy_web.events.schemas import ListenerStatus


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


class MigrationState(msgspec.Struct, kw_only=True):
    #: `chancy` for Chancy's own tables, else a plugin's migrate key (`web` for chancy-web).
    key: str
    #: The schema version the database is at (0: never migrated).
    version: int
    #: The newest version this installation knows.
    latest: int
    up_to_date: bool


class PoolStats(msgspec.Struct, kw_only=True):
    """Chancy's connection pool in this process (shared with its worker in plugin mode)."""

    min_size: int
    max_size: int
    size: int
    available: int
    requests_waiting: int


class SystemInfo(msgspec.Struct, kw_only=True):
    """Chancy 0.26's web plugin's fields, plus what an operator needs to see the installation's
    health."""

    chancy_version: str
    chancy_web_version: str
    database: DatabaseInfo
    migrations: list[MigrationState]
    up_to_date: bool
    pool: PoolStats
    events: ListenerStatus


class PluginInfo(msgspec.Struct, kw_only=True):
    identifier: str
    tables: list[str]
    migrate_key: str | None
    migrate_package: str | None
    api_plugin: str | None
    dependencies: list[str]
    scope: str
