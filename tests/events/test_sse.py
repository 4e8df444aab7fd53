"""GET /api/v1/events over a real server, fed by NOTIFYs from other connections and processes."""

from __future__ import annotations

import re
import uuid

import psycopg
from chancy import Job

from tests.conftest import TEST_QUEUE, make_chancy, run_job
from tests.events.conftest import (
    HEARTBEAT_S,
    bearer,
    open_stream,
    payload,
    session_cookie,
)
from tests.helpers import eventually, unique


async def test_event_notified_by_another_connection_arrives(events_server, http):
    queue = unique()
    async with open_stream(http, await bearer(http)) as stream:
        await events_server.notify(payload("queue.paused", q=queue))
        message = await stream.until(lambda m: m["data"].get("q") == queue)
    assert message["event"] == "queue.paused"
    assert message["data"] == {"q": queue}
    assert message["count"] == 1
    assert re.fullmatch(r"[0-9a-f]{8}-\d+", message["id"])
    assert message["_sse_id"] == message["id"]


async def test_push_from_another_chancy_instance_arrives_as_queue_pushed(events_server, http, dsn):
    queue = unique()
    async with open_stream(http, await bearer(http)) as stream:
        async with make_chancy(dsn) as other:
            await other.push(Job(func="tests.job_functions.succeed", queue=queue))
        message = await stream.until(lambda m: m["data"].get("q") == queue)
    assert message["event"] == "queue.pushed"


async def test_job_run_by_a_real_worker_produces_queue_pushed(events_server, http, chancy, worker):
    async with open_stream(http, await bearer(http), topics="queue.pushed") as stream:
        await run_job(chancy, "succeed")
        message = await stream.until(lambda m: m["data"].get("q") == TEST_QUEUE)
    assert message["event"] == "queue.pushed"


async def test_a_burst_of_identical_events_is_coalesced_with_a_count(events_server, http):
    queue, other = unique(), unique()
    burst = [payload("queue.pushed", q=queue)] * 50
    async with open_stream(http, await bearer(http)) as stream:
        await events_server.notify_each(*burst, payload("queue.pushed", q=other))
        messages, total = [], 0
        while total < 50:
            message = await stream.until(lambda m: m["data"].get("q") in (queue, other))
            if message["data"]["q"] == queue:
                messages.append(message)
                total += message["count"]
    assert total == 50
    # The first is sent at once, the rest of the burst as one more per 0.5 s window.
    assert messages[0]["count"] == 1
    assert 2 <= len(messages) <= 3
    ids = [int(m["id"].split("-")[1]) for m in messages]
    assert ids == sorted(ids)


async def test_topics_filter_keeps_only_matching_events(isolated, http):
    queue, job = unique(), str(uuid.uuid4())
    headers = await bearer(http)
    async with open_stream(http, headers, topics="job.,leadership.") as stream:
        assert stream.opened["data"]["topics"] == ["job.", "leadership."]
        await isolated.notify(payload("queue.pushed", q=queue), payload("job.cancelled", j=job))
        message = await stream.until(lambda m: not m["event"].startswith("stream."))
    assert message["event"] == "job.cancelled" and message["data"] == {"j": job}


async def test_invalid_topics_are_400(http):
    response = await http.get(
        "/api/v1/events", params={"topics": "queue.,bad topic"}, headers=await bearer(http)
    )
    assert response.status_code == 400
    assert "Invalid topic" in response.json()["detail"]


async def test_unauthenticated_stream_is_401_json(http):
    response = await http.get("/api/v1/events")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["status_code"] == 401


async def test_session_cookie_authenticates_the_stream(events_server, http):
    queue = unique()
    cookie = await session_cookie(http)
    async with open_stream(http, {"Cookie": cookie}) as stream:
        await events_server.notify(payload("queue.resumed", q=queue))
        message = await stream.until(lambda m: m["data"].get("q") == queue)
    assert message["event"] == "queue.resumed"


async def test_malformed_payloads_do_not_break_the_stream(isolated, http):
    queue = unique()
    garbage = [
        "not json",
        "[1, 2]",
        '{"q": "no name"}',
        '{"t": 5}',
        '{"t": "bad\\nname"}',
        '{"t": "stream.closed", "reason": "forged"}',
        '{"t": "queue.pushed", "q": "unterminated',
        '{"t": "queue.pushed", "q": NaN}',
    ]
    async with open_stream(http, await bearer(http)) as stream:
        await isolated.notify(*garbage, payload("queue.paused", q=queue))
        message = await stream.until(
            lambda m: m["event"] == "stream.closed" or m["data"].get("q") == queue
        )
    assert message["event"] == "queue.paused"
    assert isolated.listener.status().events_malformed == len(garbage)
    assert isolated.listener.status().state == "connected"


async def test_quiet_stream_gets_heartbeats(http):
    async with open_stream(http, await bearer(http), topics="nothing.matches") as stream:
        message = await stream.next(within_s=HEARTBEAT_S * 5)
    assert message["event"] == "stream.heartbeat"
    assert message["data"]["listener"] == "connected"
    assert message["id"] is None and message["_sse_id"] is None


async def test_last_event_id_replays_what_was_missed(events_server, http):
    queue = unique()
    headers = await bearer(http)
    async with open_stream(http, headers) as stream:
        await events_server.notify(payload("queue.paused", q=queue))
        seen = await stream.until(lambda m: m["data"].get("q") == queue)
    received = events_server.listener.status().events_received
    await events_server.notify(
        payload("queue.resumed", q=queue), payload("queue.declared", q=queue)
    )
    await eventually(lambda: events_server.listener.status().events_received >= received + 2)
    async with open_stream(http, {**headers, "Last-Event-ID": seen["id"]}) as stream:
        assert stream.opened["data"]["resumed"] is True
        assert stream.opened["data"]["gap"] is False
        first = await stream.until(lambda m: m["data"].get("q") == queue)
        second = await stream.until(lambda m: m["data"].get("q") == queue)
    assert [first["event"], second["event"]] == ["queue.resumed", "queue.declared"]


async def test_unknown_last_event_id_reports_a_gap(http):
    headers = {**await bearer(http), "Last-Event-ID": "0badcafe-12"}
    async with open_stream(http, headers) as stream:
        assert stream.opened["data"]["resumed"] is False
        assert stream.opened["data"]["gap"] is True
    async with open_stream(http, await bearer(http), last_event_id="garbage") as stream:
        assert stream.opened["data"]["gap"] is True


async def test_logout_ends_an_open_stream(events_server, http):
    headers = await bearer(http)
    async with open_stream(http, headers) as stream:
        response = await http.post("/api/v1/logout", headers=headers)
        assert response.status_code in (200, 201)
        message = await stream.until(lambda m: m["event"] == "stream.closed")
        assert message["data"] == {"reason": "Session ended"}
        # ...and the server ends the response.
        assert await stream.rest() == []


async def test_listener_reconnects_after_its_connection_is_terminated(events_server, http, dsn):
    listener = events_server.listener
    queue = unique()
    async with open_stream(http, await bearer(http)) as stream:
        pid = listener.status().backend_pid
        reconnects = listener.status().reconnects
        assert pid is not None
        async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
            await conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
        down = await stream.until(lambda m: m["event"] == "stream.listener")
        assert down["data"]["state"] == "reconnecting" and down["data"]["error"]
        up = await stream.until(lambda m: m["event"] == "stream.listener", within_s=20)
        assert up["data"]["state"] == "connected"
        await events_server.notify(payload("queue.paused", q=queue))
        message = await stream.until(lambda m: m["data"].get("q") == queue)
    assert message["event"] == "queue.paused"
    status = listener.status()
    assert status.state == "connected"
    assert status.reconnects == reconnects + 1
    assert status.backend_pid not in (None, pid)


async def test_no_event_is_lost_silently_when_a_burst_overflows_a_stream(isolated, http):
    # 2,000 events in one transaction may arrive faster than the stream sends them (its buffer
    # holds 256): whatever was not delivered must be reported in `stream.dropped`.
    tag = unique("j")
    sent = 2000
    payloads = [payload("job.cancelled", j=f"{tag}-{n}") for n in range(sent)]
    delivered = dropped = 0
    async with open_stream(http, await bearer(http), topics="job.cancelled") as stream:
        await isolated.notify(*payloads)
        while delivered + dropped < sent:
            message = await stream.until(lambda m: m["event"] != "stream.listener")
            if message["event"] == "stream.dropped":
                dropped += message["data"]["dropped"]
            elif message["data"]["j"].startswith(tag):
                delivered += message["count"]
    assert delivered + dropped == sent
