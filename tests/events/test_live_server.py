"""End to end in plugin mode: the `live_server` worker serves the stream from create_app."""

from __future__ import annotations

import uuid

import httpx
import pytest
from chancy import Job

from tests.conftest import LIVE_QUEUE, make_chancy
from tests.events.conftest import SSE, notify, payload


async def _login(client: httpx.AsyncClient, live_server) -> dict[str, str]:
    response = await client.post(
        "/api/v1/login",
        json={"username": live_server.username, "password": live_server.password},
    )
    assert response.status_code == 200, response.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def test_plugin_mode_streams_an_event_notified_by_another_process(live_server, chancy):
    queue = f"q-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=live_server.url, timeout=10) as client:
        headers = await _login(client, live_server)
        async with client.stream("GET", "/api/v1/events", headers=headers) as response:
            assert response.status_code == 200
            stream = SSE(response)
            opened = await stream.next()
            assert opened["event"] == "stream.open"
            assert opened["data"]["listener"]["state"] == "connected"
            await notify(
                live_server.dsn, f"{chancy.prefix}events", payload("queue.paused", q=queue)
            )
            message = await stream.until(lambda m: m["data"].get("q") == queue)
    assert message["event"] == "queue.paused"


async def test_plugin_mode_streams_queue_pushed_for_a_job_its_worker_runs(live_server, dsn):
    async with httpx.AsyncClient(base_url=live_server.url, timeout=10) as client:
        headers = await _login(client, live_server)
        params = {"topics": "queue.pushed"}
        async with client.stream(
            "GET", "/api/v1/events", headers=headers, params=params
        ) as response:
            stream = SSE(response)
            await stream.next()
            async with make_chancy(dsn) as producer:
                ref = await producer.push(Job(func="tests.job_functions.succeed", queue=LIVE_QUEUE))
                message = await stream.until(lambda m: m["data"].get("q") == LIVE_QUEUE)
                job = await producer.wait_for_job(ref, timeout=30, interval=0.2)
    assert message["event"] == "queue.pushed"
    assert job is not None and job.state.value == "succeeded"


async def test_plugin_mode_websocket_is_refused_without_auth(live_server):
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    url = live_server.url.replace("http://", "ws://") + "/api/v1/ws"
    with pytest.raises(InvalidStatus) as refused:
        async with connect(url):
            pass
    assert refused.value.response.status_code == 403
