"""The listener against a real Postgres: drops, shutdown, and its reported state."""

from __future__ import annotations

import json

from chancy_web.events.listener import EventListener
from tests.events.conftest import IsolatedApp, notify
from tests.helpers import eventually


async def test_slow_subscriber_drops_are_counted_and_reported(dsn):
    listener = EventListener(IsolatedApp(dsn), buffer_size=4, coalesce_s=0)  # type: ignore[arg-type]
    try:
        listener.start()
        assert await listener.wait_connected(within_s=10)
        slow, _ = listener.subscribe()
        fast, _ = listener.subscribe()
        payloads = [json.dumps({"t": "job.cancelled", "j": str(n)}) for n in range(20)]
        await notify(dsn, listener.channel, *payloads)
        await eventually(lambda: listener.status().events_received >= 20)
        got = [await slow.next(wait_s=1) for _ in range(5)]
        assert [e.data.get("j") for e in got[:4]] == ["0", "1", "2", "3"]
        assert got[4].event == "stream.dropped"
        assert got[4].data == {"dropped": 16, "total_dropped": 16}
        assert got[4].id == got[3].id.rsplit("-", 1)[0] + "-" + str(
            int(got[3].id.split("-")[1]) + 16
        )
        assert listener.status().events_dropped == 32  # both subscribers read nothing in time
        # Once it catches up, a slow client gets events again.
        await notify(dsn, listener.channel, json.dumps({"t": "job.cancelled", "j": "after"}))
        assert (await slow.next(wait_s=5)).data == {"j": "after"}
        del fast
    finally:
        await listener.stop()


async def test_status_reports_the_connection(chancy):
    listener = EventListener(chancy)
    assert listener.status().state == "idle"
    listener.start()
    try:
        assert await listener.wait_connected(within_s=10)
        status = listener.status()
        assert status.state == "connected" and status.channel == f"{chancy.prefix}events"
        assert status.backend_pid and status.connected_since and status.last_error is None
    finally:
        await listener.stop()
    assert listener.status().state == "stopped"


async def test_stop_closes_streams_and_later_subscribers(chancy):
    listener = EventListener(chancy)
    listener.start()
    sub, _ = listener.subscribe()
    await listener.stop("bye")
    closed = await sub.next(wait_s=1)
    assert closed is not None and closed.event == "stream.closed"
    late, opened = listener.subscribe()
    assert opened.listener.state == "stopped"
    assert (await late.next(wait_s=1)).event == "stream.closed"


async def test_unreachable_database_is_reported_and_retried(chancy):
    class Unreachable:
        prefix = chancy.prefix
        dsn = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1"

    listener = EventListener(Unreachable(), backoff_initial_s=0.05, backoff_max_s=0.1)  # type: ignore[arg-type]
    listener.start()
    try:
        await eventually(lambda: listener.status().last_error is not None)
        status = listener.status()
        assert status.state == "reconnecting" and "OperationalError" in status.last_error
    finally:
        await listener.stop()


async def test_close_streams_ends_open_streams_but_keeps_listening(chancy):
    listener = EventListener(chancy)
    try:
        sub, _ = listener.subscribe()
        listener.close_streams("restarting")
        closed = await sub.next(wait_s=1)
        assert closed is not None and closed.data == {"reason": "restarting"}
        assert listener.status().subscribers == 0
        assert await listener.wait_connected(within_s=10)
    finally:
        await listener.stop()
