"""Fan-out pieces on their own: payload parsing, topics, bounded buffers and coalescing."""

from __future__ import annotations

import asyncio
import re

import pytest

from chancy_web.events.fanout import (
    MAX_TOPICS,
    TOPICS_PATTERN,
    Coalescer,
    Subscription,
    encode,
    parse_topics,
)
from chancy_web.events.listener import parse_payload
from chancy_web.events.schemas import StreamEvent


def event(n: int, name: str = "queue.pushed", **data: object) -> StreamEvent:
    return StreamEvent(id=f"p-{n}", event=name, data=dict(data) or {"q": "x"})


def test_parse_payload_splits_name_from_body():
    assert parse_payload('{"t": "job.recovered", "j": "1", "c": "2"}') == (
        "job.recovered",
        {"j": "1", "c": "2"},
    )


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "null",
        "[]",
        '"t"',
        '{"q": 1}',
        '{"t": ""}',
        '{"t": "a b"}',
        '{"t": "stream.open"}',
        '{"t": "x", "v": Infinity}',
    ],
)
def test_parse_payload_rejects_what_is_not_a_chancy_event(raw):
    assert parse_payload(raw) is None


def test_parse_topics():
    assert parse_topics(None) == ()
    assert parse_topics(" queue., job.cancelled ,") == ("queue.", "job.cancelled")
    with pytest.raises(ValueError):
        parse_topics("queue.;drop")
    with pytest.raises(ValueError):
        parse_topics(",".join(f"t{i}" for i in range(21)))


async def test_full_buffer_drops_and_reports_them_in_order():
    sub = Subscription((), capacity=2)
    for n in range(1, 6):
        sub.offer(event(n))
    assert sub.total_dropped == 3
    got = [await sub.next(0) for _ in range(3)]
    assert [e.id for e in got] == ["p-1", "p-2", "p-5"]
    assert got[2].event == "stream.dropped"
    assert got[2].data == {"dropped": 3, "total_dropped": 3}
    assert await sub.next(0.01) is None
    sub.offer(event(6))
    assert (await sub.next(0)).id == "p-6"


async def test_topics_select_events_but_never_hide_notices():
    sub = Subscription(("job.",), capacity=10)
    sub.offer(event(1, "queue.pushed"))
    sub.offer(event(2, "job.cancelled", j="a"))
    sub.offer(event(3, "stream.listener", state="connected"))
    assert [(await sub.next(0)).id for _ in range(2)] == ["p-2", "p-3"]


async def test_closed_subscription_drains_then_says_closed():
    sub = Subscription((), capacity=10)
    sub.offer(event(1))
    sub.close("bye")
    assert (await sub.next(0)).id == "p-1"
    closed = await sub.next(None)
    assert closed.event == "stream.closed" and closed.data == {"reason": "bye"}
    assert (await sub.next(None)).event == "stream.closed"


async def test_coalescer_passes_the_first_at_once_and_merges_the_rest():
    emitted: list[tuple[str, dict, int]] = []
    coalescer = Coalescer(0.05, lambda name, body, count: emitted.append((name, body, count)))
    for _ in range(10):
        coalescer.feed("queue.pushed", {"q": "a"})
    coalescer.feed("job.cancelled", {"j": "1"})
    coalescer.feed("job.cancelled", {"j": "2"})
    assert emitted == [
        ("queue.pushed", {"q": "a"}, 1),
        ("job.cancelled", {"j": "1"}, 1),
        ("job.cancelled", {"j": "2"}, 1),
    ]
    await asyncio.sleep(0.2)
    assert emitted[3:] == [("queue.pushed", {"q": "a"}, 9)]
    assert coalescer.coalesced == 8
    coalescer.feed("queue.pushed", {"q": "a"})  # the window has closed: sent at once again
    assert emitted[-1] == ("queue.pushed", {"q": "a"}, 1)
    coalescer.cancel()


def test_encode_never_raises():
    bad = StreamEvent(id="p-1", event="x", data={"o": object()})
    assert encode(bad) == '{"id":"p-1","event":"x","data":{"unencodable":true},"count":1}'


def test_topics_take_exactly_what_the_schema_says():
    for raw in ("queue., job.cancelled", " a ,\tb,,", "x" * 100, ",".join(["t"] * MAX_TOPICS)):
        assert re.fullmatch(TOPICS_PATTERN, raw), raw
        parse_topics(raw)
    for raw in ("Z\u00a0", "a b", "x" * 101, ",".join(["t"] * (MAX_TOPICS + 1)), "q\n"):
        assert not re.fullmatch(TOPICS_PATTERN, raw), raw
        with pytest.raises(ValueError):
            parse_topics(raw)
