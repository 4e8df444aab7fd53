"""Property-based tests of the live API against its own OpenAPI schema (schemathesis).

Every operation is called with generated valid and invalid input on a real server in plugin
mode, over HTTP, with every schemathesis check: no 5xx, and status codes, content types,
headers and bodies as the schema says.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator

import httpx
import psycopg
import pytest

from tests.conftest import LiveServer

EXAMPLES_PER_OPERATION = 40

# Stateful sequences are left out: schemathesis infers links from response fields, and the
# reference-compatible batch result echoes the invalid ids it was given (e.g. ""), which it
# then substitutes into /jobs/{job_id}, reaching /jobs/ (the list) and reporting a mismatch.
PHASES = ["--phases", "examples,coverage,fuzzing"]

RUNS = {
    "all-checks": [
        *PHASES,
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
    # - listJobs, listWorkflows: `filters` and `cursor` are JSON triples and opaque cursors;
    # - getMetrics: the window rules of Chancy's metrics (bucket alignment, retention);
    # - createQueue, updateQueue: free-form `executor_options` may hold "\u0000", which JSON
    #   allows and Postgres cannot store.
    "valid-data-accepted": [
        *PHASES,
        "--checks",
        "positive_data_acceptance",
        *[
            arg
            for op in ("listJobs", "listWorkflows", "getMetrics", "createQueue", "updateQueue")
            for arg in ("--exclude-operation-id", op)
        ],
    ],
}


@pytest.fixture
def forget_failed_logins(dsn: str) -> Iterator[None]:
    """Failed logins are counted in Postgres for every replica; the fuzzed ones must not lock
    later tests (which log in from the same address) out."""
    yield
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DELETE FROM chancy_web_login_failures")


@pytest.mark.parametrize("run_name", RUNS)
@pytest.mark.usefixtures("forget_failed_logins")
def test_live_api_conforms_to_its_schema(live_server: LiveServer, run_name: str, request):
    login = httpx.post(
        f"{live_server.url}/api/v1/login",
        json={"username": live_server.username, "password": live_server.password},
    )
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
            # Logging out would revoke the token every other call uses; tests/auth covers it.
            "--exclude-operation-id",
            "logout",
            # The event stream never ends by design; tests/events covers it.
            "--exclude-operation-id",
            "streamEvents",
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
