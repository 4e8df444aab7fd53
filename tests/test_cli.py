"""`chancy-web hash-password | openapi | serve`, run as a user runs them: the console script."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError

from chancy_web.auth.backends import SimpleAuthBackend
from chancy_web.cli import USERS_ENV, CliError, choose_backend, load_chancy, parse_users
from chancy_web.openapi import openapi_json
from tests.conftest import USERS, free_port

CLI = str(Path(sys.executable).parent / "chancy-web")
PASSWORD = "tr0ub4dor & 3"


def run_cli(*args: str, stdin: str = "", **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, *args], input=stdin, capture_output=True, text=True, timeout=60, **kwargs
    )


def test_hash_password_reads_stdin_and_prints_an_argon2id_hash():
    result = run_cli("hash-password", stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    hashed = result.stdout.strip()
    assert hashed.startswith("$argon2id$")
    assert PASSWORD not in result.stdout + result.stderr
    assert PasswordHasher().verify(hashed, PASSWORD)
    with pytest.raises(VerifyMismatchError):
        PasswordHasher().verify(hashed, PASSWORD + "\n")


def test_hash_password_prompts_twice_on_a_terminal_without_echo():
    pid, terminal = pty.fork()
    if pid == 0:  # the child: its stdin, stdout and stderr are the terminal
        os.execv(CLI, [CLI, "hash-password"])
    seen = ""

    def read_until(pattern: str) -> re.Match[str]:
        nonlocal seen
        deadline = time.monotonic() + 30
        while not (found := re.search(pattern, seen)):
            assert time.monotonic() < deadline, f"no {pattern!r} in {seen!r}"
            if select.select([terminal], [], [], 1)[0]:
                seen += os.read(terminal, 1024).decode()
        return found

    read_until("Password: ")
    os.write(terminal, f"{PASSWORD}\n".encode())
    read_until("Repeat it: ")
    os.write(terminal, f"{PASSWORD}\n".encode())
    hashed = read_until(r"(\$argon2id\$\S+)\r?\n").group(1)
    _, status = os.waitpid(pid, 0)
    os.close(terminal)
    assert os.waitstatus_to_exitcode(status) == 0
    assert PASSWORD not in seen
    assert PasswordHasher().verify(hashed, PASSWORD)


def test_hash_password_refuses_an_empty_password():
    result = run_cli("hash-password", stdin="\n")
    assert result.returncode == 2
    assert "empty" in result.stderr
    assert result.stdout == ""


def test_hash_password_takes_no_password_argument():
    result = run_cli("hash-password", PASSWORD)
    assert result.returncode == 2
    assert result.stdout == ""


def test_openapi_prints_the_schema():
    result = run_cli("openapi")
    assert result.returncode == 0, result.stderr
    assert result.stdout == openapi_json()
    assert json.loads(result.stdout)["openapi"].startswith("3.1")


def write_app(directory: Path, source: str) -> None:
    (directory / "webapp.py").write_text(textwrap.dedent(source))


def test_serve_refuses_a_plain_password_without_echoing_it(tmp_path):
    write_app(tmp_path, "from chancy import Chancy\nchancy = Chancy('postgresql:///unused')\n")
    result = run_cli(
        "serve",
        "--app",
        "webapp:chancy",
        "--user",
        "admin",
        "--password-hash",
        PASSWORD,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "hash-password" in result.stderr
    assert PASSWORD not in result.stderr


def test_load_chancy_accepts_colon_dotted_and_factory_forms(tmp_path, monkeypatch):
    write_app(
        tmp_path,
        """
        from chancy import Chancy
        chancy = Chancy("postgresql:///unused")
        def make():
            return chancy
        not_an_app = 42
        """,
    )
    monkeypatch.chdir(tmp_path)  # the CLI finds the app from the current directory
    monkeypatch.setattr(sys, "path", list(sys.path))
    try:
        app = load_chancy("webapp:chancy")
        assert load_chancy("webapp.chancy") is app
        assert load_chancy("webapp:make") is app
        assert load_chancy("webapp.make") is app
        for bad in ("webapp:not_an_app", "webapp:missing", "no_such_module:chancy", "webapp"):
            with pytest.raises(CliError, match="--app"):
                load_chancy(bad)
    finally:
        sys.modules.pop("webapp", None)


def test_users_are_name_hash_pairs_separated_by_whitespace():
    users = parse_users(f"admin:{USERS['admin']}\n  ops:{USERS['viewer']}".split(), USERS_ENV)
    assert users == {"admin": USERS["admin"], "ops": USERS["viewer"]}
    with pytest.raises(CliError, match=USERS_ENV) as error:
        parse_users(["admin:hunter2"], USERS_ENV)
    assert "hunter2" not in str(error.value)


def test_credentials_come_from_flags_then_the_plugin_then_the_environment(monkeypatch):
    flags = argparse.Namespace(user=["ops"], password_hash=[USERS["viewer"]])
    no_flags = argparse.Namespace(user=None, password_hash=None)
    plugin_backend = SimpleAuthBackend({"plugin-user": USERS["admin"]})
    monkeypatch.setenv(USERS_ENV, f"env-user:{USERS['admin']}")

    from_flags = choose_backend(flags, plugin_backend)
    assert isinstance(from_flags, SimpleAuthBackend)
    assert from_flags.users == {"ops": USERS["viewer"]}
    assert choose_backend(no_flags, plugin_backend) is plugin_backend
    from_env = choose_backend(no_flags, None)
    assert isinstance(from_env, SimpleAuthBackend)
    assert from_env.users == {"env-user": USERS["admin"]}
    with pytest.raises(CliError, match="--password-hash"):
        choose_backend(argparse.Namespace(user=["a", "b"], password_hash=[USERS["admin"]]), None)
    monkeypatch.delenv(USERS_ENV)
    assert choose_backend(no_flags, None) is None  # serve then makes a temporary admin


@dataclass
class Served:
    url: str
    process: asyncio.subprocess.Process


@asynccontextmanager
async def serving(cwd: Path, *args: str, env: dict[str, str]) -> AsyncIterator[Served]:
    """Run `chancy-web serve` until /health answers; on exit, SIGINT it and expect status 0."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        CLI,
        "serve",
        *args,
        "--port",
        str(port),
        cwd=cwd,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with asyncio.timeout(60), httpx.AsyncClient(base_url=url) as http:
            while True:
                assert process.returncode is None, (await process.communicate())[1]
                try:
                    if (await http.get("/health", timeout=1)).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.2)
        yield Served(url, process)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        try:
            async with asyncio.timeout(30):
                _, stderr = await process.communicate()
        except TimeoutError:
            process.kill()
            raise
    assert process.returncode == 0, stderr.decode()


async def log_in_and_list_jobs(url: str, username: str, password: str = PASSWORD) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        assert (await http.get("/health/ready")).status_code == 200
        assert (await http.get("/api/v1/jobs")).status_code == 401
        login = await http.post("/api/v1/login", json={"username": username, "password": password})
        assert login.status_code == 200, login.text
        http.cookies.clear()
        jobs = await http.get(
            "/api/v1/jobs", headers={"Authorization": f"Bearer {login.json()['token']}"}
        )
        assert jobs.status_code == 200, jobs.text
        assert isinstance(jobs.json(), list)


async def test_serve_logs_in_with_a_hash_from_hash_password(tmp_path, dsn, chancy):  # migrated
    hashed = (await asyncio.to_thread(run_cli, "hash-password", stdin=PASSWORD)).stdout.strip()
    write_app(
        tmp_path, "import os\nfrom chancy import Chancy\nchancy = Chancy(os.environ['DSN'])\n"
    )
    async with serving(
        tmp_path,
        "--app",
        "webapp:chancy",
        "--user",
        "admin",
        "--password-hash",
        hashed,
        env={"DSN": dsn},
    ) as served:
        await log_in_and_list_jobs(served.url, "admin")


async def test_serve_uses_the_api_plugin_of_an_app_factory(tmp_path, dsn, chancy):  # migrated
    hashed = (await asyncio.to_thread(run_cli, "hash-password", stdin=PASSWORD)).stdout.strip()
    write_app(
        tmp_path,
        """
        import os
        from chancy import Chancy
        from chancy_web import Api, SimpleAuthBackend

        def make():
            backend = SimpleAuthBackend({"ops": os.environ["HASH"]})
            return Chancy(os.environ["DSN"], plugins=[Api(authentication_backend=backend)])
        """,
    )
    env = {"DSN": dsn, "HASH": hashed, USERS_ENV: f"admin:{hashed}"}
    async with serving(tmp_path, "--app", "webapp.make", env=env) as served:
        await log_in_and_list_jobs(served.url, "ops")  # the plugin's backend, not the env's users


async def read_announcement(process: asyncio.subprocess.Process) -> str:
    """What `serve` printed, up to the end of its announcement (which ends with why)."""
    assert process.stdout is not None
    printed = ""
    async with asyncio.timeout(30):
        while "No users are configured" not in printed:
            line = (await process.stdout.readline()).decode()
            assert line, f"serve ended its output without announcing: {printed!r}"
            printed += line
    return printed


async def test_serve_without_users_prints_a_temporary_password_that_logs_in(
    tmp_path, dsn, chancy
):  # chancy: migrated
    write_app(
        tmp_path, "import os\nfrom chancy import Chancy\nchancy = Chancy(os.environ['DSN'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != USERS_ENV}
    origin = "https://ops.example"
    args = ("--app", "webapp:chancy", "-h", "127.0.0.1", "-o", origin, "--debug")
    async with serving(tmp_path, *args, env={**env, "DSN": dsn}) as served:
        printed = await read_announcement(served.process)
        assert f"Dashboard:  {served.url}/" in printed
        assert "Username:   admin" in printed
        assert "for this run only" in printed
        password = re.search(r"Password:   (\S+)", printed).group(1)  # type: ignore[union-attr]
        await log_in_and_list_jobs(served.url, "admin", password)
        async with httpx.AsyncClient(base_url=served.url) as http:
            wrong = await http.post("/api/v1/login", json={"username": "admin", "password": "x"})
            assert wrong.status_code == 401
            preflight = await http.options(
                "/api/v1/jobs",
                headers={"Origin": origin, "Access-Control-Request-Method": "GET"},
            )
            assert preflight.headers.get("access-control-allow-origin") == origin
        served.process.send_signal(signal.SIGINT)
        rest, logged = await served.process.communicate()
    # Printed once, to the terminal: never to the logs.
    assert password not in rest.decode() + logged.decode()


LIMITED_APP = """
import os
from chancy import Chancy
from chancy_web import Api, Settings, SimpleAuthBackend

def make():
    backend = SimpleAuthBackend({"ops": os.environ["HASH"]})
    limits = Settings(login_failures_per_client=3, login_failures_per_user=1000)
    return Chancy(os.environ["DSN"], plugins=[Api(authentication_backend=backend, settings=limits)])
"""


async def failed_logins_from_many_addresses(url: str, chancy) -> list[int]:
    """Four failed logins, each claiming another client address in X-Forwarded-For."""
    async with chancy.pool.connection() as conn:  # the limit counts from here
        await conn.execute("DELETE FROM chancy_web_login_failures")
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        statuses = []
        for n in range(4):
            response = await http.post(
                "/api/v1/login",
                json={"username": f"guess-{n}", "password": "x"},
                headers={"X-Forwarded-For": f"203.0.113.{n}"},
            )
            statuses.append(response.status_code)
    async with chancy.pool.connection() as conn:
        await conn.execute("DELETE FROM chancy_web_login_failures")
    return statuses


async def test_serve_keys_login_limits_on_the_peer_not_on_x_forwarded_for(tmp_path, dsn, chancy):
    hashed = (await asyncio.to_thread(run_cli, "hash-password", stdin=PASSWORD)).stdout.strip()
    write_app(tmp_path, LIMITED_APP)
    env = {"DSN": dsn, "HASH": hashed}
    async with serving(tmp_path, "--app", "webapp.make", env=env) as served:
        # Whatever the header says, the guesses all come from 127.0.0.1: the fourth is refused.
        assert await failed_logins_from_many_addresses(served.url, chancy) == [401, 401, 401, 429]


async def test_serve_trusts_forwarded_headers_from_the_proxies_named(tmp_path, dsn, chancy):
    hashed = (await asyncio.to_thread(run_cli, "hash-password", stdin=PASSWORD)).stdout.strip()
    write_app(tmp_path, LIMITED_APP)
    env = {"DSN": dsn, "HASH": hashed}
    args = ("--app", "webapp.make", "--forwarded-allow-ips", "127.0.0.1")
    async with serving(tmp_path, *args, env=env) as served:
        # Behind a trusted proxy each client is its own, as the proxy says.
        assert await failed_logins_from_many_addresses(served.url, chancy) == [401, 401, 401, 401]
