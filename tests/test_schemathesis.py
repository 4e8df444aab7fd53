"""Property-based tests of the live API against its own OpenAPI schema (schemathesis).

Every operation of the schema is called with generated valid and invalid input on a real
server in plugin mode, over HTTP, with every schemathesis check: no 5xx, and status codes,
content types, headers and bodies as the schema says. `logout` runs last, on a session of
its own (it revokes the one it is sent with), and the event stream, which never ends by
itself, is ended by the server every few tenths of a second while the runs go on.

(The WebSocket, `/api/v1/ws`, is not in an OpenAPI schema; tests/events/test_ws.py covers it.)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import psycopg
import pytest

from tests.conftest import LiveServer

EXAMPLES_PER_OPERATION = 40

# Stateful sequences are left out: schemathesis infers links from response fields, and the
# reference-compatible batch result echoes the invalid ids it was given (e.g. ""), which it
# then substitutes into /jobs/{job_id}, reaching /jobs/ (the list) and reporting a mismatch.
PHASES = ["--phases", "examples,coverage,fuzzing"]
#: Logging out revokes the session every other call is sent with: it has a run of its own.
NOT_LOGOUT = ["--exclude-operation-id", "logout"]

RUNS = {
    "all-checks": [
        *PHASES,
        *NOT_LOGOUT,
        "--checks",
        "all",
        # Litestar 2 builds the automatic OPTIONS handler of a path served by several handlers
        # (GET and DELETE /jobs/{id}) before they are merged, so its Allow header lists only
        # some methods. CORS preflights do not use it.
        "--exclude-checks",
        "allow_header_conformance,positive_data_acceptance",
    ],
    # Every operation must accept every schema-valid request, except where validity depends
    # on more than a schema can say, and a 400 is the right answer:
    # - listJobs, listWorkflows, listAuditEntries, listFailureGroups: `filters` and `cursor`
    #   are JSON triples and opaque cursors;
    # - getMetrics: the window rules of Chancy's metrics (bucket alignment, retention);
    # - createBulkOperation, createView: `q` is a search, whose grammar a schema cannot
    #   hold; a bulk operation also needs the `expected` count its dry run answered;
    # - createQueue, updateQueue: free-form `executor_options` may hold "\u0000", which JSON
    #   allows and Postgres cannot store, and tags must be regular expressions that cannot
    #   backtrack catastrophically.
    "valid-data-accepted": [
        *PHASES,
        *NOT_LOGOUT,
        "--checks",
        "positive_data_acceptance",
        *[
            arg
            for op in (
                "listJobs",
                "listWorkflows",
                "listAuditEntries",
                "listFailureGroups",
                "getMetrics",
                "createBulkOperation",
                "createView",
                "createQueue",
                "updateQueue",
            )
            for arg in ("--exclude-operation-id", op)
        ],
    ],
    "logout": [
        *PHASES,
        "--include-operation-id",
        "logout",
        "--checks",
        "all",
        "--exclude-checks",
        "allow_header_conformance",
    ],
}


@pytest.fixture
def forget_failed_logins(dsn: str) -> Iterator[None]:
    """Failed logins are counted in Postgres for every replica; the fuzzed ones must not lock
    later tests (which log in from the same address) out."""
    yield
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DELETE FROM chancy_web_login_failures")


@contextmanager
def streams_ended_often(live_server: LiveServer) -> Iterator[None]:
    """Ends the server's open event streams every 0.3 s, so that each streamEvents call
    schemathesis makes gets a whole response."""
    done = threading.Event()

    def end_streams() -> None:
        while not done.wait(0.3):
            live_server.end_streams()

    thread = threading.Thread(target=end_streams, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


@pytest.mark.parametrize("run_name", RUNS)
@pytest.mark.usefixtures("forget_failed_logins")
def test_live_api_conforms_to_its_schema(live_server: LiveServer, run_name: str, request):
    login = httpx.post(
        f"{live_server.url}/api/v1/login",
        json={"username": live_server.username, "password": live_server.password},
    )
    with streams_ended_often(live_server):
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "run",
                f"{live_server.url}/api/v1/schema/openapi.json",
                "--header",
                f"Authorization: Bearer {login.json()['token']}",
                *RUNS[run_name],
                "--max-examples",
                str(EXAMPLES_PER_OPERATION),
                "--seed",
                "20261128",
            ],
            capture_output=True,
            text=True,
            timeout=900,
            env={**os.environ, "NO_COLOR": "1"},
        )
    counts = re.search(r"(\d+) generated.*", run.stdout)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and counts:
        reporter.write_line(f"schemathesis {run_name}: {counts.group(0)}")
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
    assert counts and int(counts.group(1)) > 0


def test_every_operation_is_fuzzed(live_server: LiveServer):
    """No operation is left out of every run."""
    schema = httpx.get(f"{live_server.url}/api/v1/schema/openapi.json").json()
    published = {op["operationId"] for item in schema["paths"].values() for op in item.values()}
    left_out = set(published)
    for args in RUNS.values():
        included = {args[i + 1] for i, a in enumerate(args) if a == "--include-operation-id"}
        excluded = {args[i + 1] for i, a in enumerate(args) if a == "--exclude-operation-id"}
        left_out -= (included or published) - excluded
    assert left_out == set()
