"""The `Api` Chancy plugin: a drop-in for the reference's, failing loudly when misconfigured."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from chancy import Worker

from chancy_web import Api, Settings
from tests.conftest import (
    PASSWORD,
    USERS,
    auth_backend,
    free_port,
    make_chancy,
    make_job,
)
from tests.test_cli import failed_logins_from_many_addresses

ROOT = Path(__file__).parent.parent


def test_keeps_the_reference_constructor_and_identifier():
    api = Api(authentication_backend=auth_backend())
    assert (api.port, api.host, api.debug, api.allow_origins) == (8000, "127.0.0.1", False, [])
    assert Api.get_identifier() == "chancy.api"
    custom = Api(
        port=9000,
        host="0.0.0.0",
        debug=True,
        allow_origins=["https://ops.example"],
        secret_key="s",
        authentication_backend=auth_backend(),
    )
    assert (custom.port, custom.host, custom.allow_origins) == (
        9000,
        "0.0.0.0",
        ["https://ops.example"],
    )


def test_refuses_to_exist_without_an_auth_backend():
    with pytest.raises(TypeError):
        Api()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="authentication_backend"):
        Api(authentication_backend=None)  # type: ignore[arg-type]


async def test_a_taken_port_fails_the_worker_start(dsn, chancy):  # chancy: migrated
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with make_chancy(dsn, Api(port=port, authentication_backend=auth_backend())) as app:
            worker = Worker(app, register_signal_handlers=False)
            with pytest.raises(RuntimeError, match=f"cannot listen on 127.0.0.1:{port}"):
                await worker.start()


def _spawn(dsn: str, *command: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    env = {
        **os.environ,
        "CHANCY_WEB_PLUGIN_DSN": dsn,
        "CHANCY_WEB_PLUGIN_PORT": str(port),
        "CHANCY_WEB_PLUGIN_HASH": USERS["admin"],
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "chancy.cli.cli", "--app", "tests.plugin_app.chancy", *command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[0]
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    pytest.fail(f"chancy {' '.join(command)} did not serve chancy-web: {process.communicate()[0]}")


async def _use(url: str, job_id: str) -> None:
    async with httpx.AsyncClient(base_url=url) as http:
        # chancy-web answers, not the reference: the schema is ours.
        schema = (await http.get("/api/v1/schema/openapi.json")).json()
        assert schema["info"]["title"] == "chancy-web"
        login = await http.post("/api/v1/login", json={"username": "admin", "password": PASSWORD})
        jobs = await http.get(
            "/api/v1/jobs",
            params={"queue": "plugin-cli"},
            headers={"Authorization": f"Bearer {login.json()['token']}"},
        )
    assert jobs.status_code == 200
    assert job_id in [row["id"] for row in jobs.json()]


def _stop(process: subprocess.Popen[str], sig: int) -> tuple[int, str]:
    process.send_signal(sig)
    try:
        output, _ = process.communicate(timeout=45)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the process did not stop on " + signal.Signals(sig).name)
    return process.returncode, output


async def test_chancy_worker_web_serves_chancy_web(dsn, chancy):
    job_id = str(await make_job(chancy, queue="plugin-cli"))
    process, url = _spawn(dsn, "worker", "web")
    try:
        await _use(url, job_id)
    finally:
        _stop(process, signal.SIGINT)


async def test_a_worker_with_the_plugin_serves_and_stops_cleanly(dsn, chancy):
    job_id = str(await make_job(chancy, queue="plugin-cli"))
    process, url = _spawn(dsn, "worker", "start")
    await _use(url, job_id)
    code, output = _stop(process, signal.SIGTERM)
    assert code == 0, output
    with pytest.raises(httpx.TransportError):
        async with httpx.AsyncClient() as http:
            await http.get(f"{url}/health", timeout=1)


def test_listening_socket_is_tcp_so_keep_alive_responses_are_not_delayed():
    # asyncio sets TCP_NODELAY only on accepted sockets whose protocol is IPPROTO_TCP; a
    # socket made with proto 0 left every keep-alive response waiting ~40 ms on Nagle.
    import socket as s

    api = Api(port=0, authentication_backend=auth_backend())
    sock = api.bind()
    try:
        assert sock.proto == s.IPPROTO_TCP
        assert api.port_bound > 0
    finally:
        sock.close()


@pytest.mark.parametrize(("proxies", "last"), [(None, 429), ("127.0.0.1", 401)])
async def test_forwarded_headers_are_believed_only_from_the_proxies_named(
    dsn, chancy, proxies, last
):
    limits = Settings(forwarded_allow_ips=proxies, login_failures_per_client=3)
    api = Api(port=free_port(), authentication_backend=auth_backend(), settings=limits)
    async with make_chancy(dsn, api) as app:
        worker = Worker(app, register_signal_handlers=False)
        await worker.start()  # binds the port: connections wait until the server takes them
        try:
            statuses = await failed_logins_from_many_addresses(f"http://127.0.0.1:{api.port}", app)
        finally:
            await worker.stop()
    assert statuses == [401, 401, 401, last]
