"""Identical reads at the same moment share one query and one encoded body.

When an event reaches every open dashboard, each of them asks for the same list within a few
milliseconds; a script polling from several workers does the same. A request that finds an
identical one in flight waits for that one's body instead of running its own query: nothing is
kept once the first request is answered, so no answer is older than a request that was
already running when it arrived.

Mutations through this process, and every event the listener receives (a change committed
elsewhere), start a new generation, and a read never joins one that began before it: a client
that changed something and then reads sees its change, and so does a page refreshing for an
event.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from litestar import Request, Response
from litestar.enums import MediaType


class SharedReads:
    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self._generation = 0
        self._in_flight: dict[tuple[int, str], asyncio.Task[bytes]] = {}

    def invalidate(self) -> None:
        """A mutation committed: reads from now on must not join reads already running."""
        self._generation += 1

    async def share(self, key: str, compute: Callable[[], Coroutine[Any, Any, bytes]]) -> bytes:
        """The body `compute()` makes, or that of an identical `key` already being made.

        The work runs in a task of its own, which every request for it awaits through a
        shield: a client that goes away cancels its wait, never the others' query.
        """
        if not self.enabled:
            return await compute()
        slot = (self._generation, key)
        task = self._in_flight.get(slot)
        if task is None:
            task = asyncio.ensure_future(compute())
            self._in_flight[slot] = task
            task.add_done_callback(lambda done: self._finished(slot, done))
        return await asyncio.shield(task)

    def _finished(self, slot: tuple[int, str], task: asyncio.Task[bytes]) -> None:
        if self._in_flight.get(slot) is task:
            del self._in_flight[slot]
        if not task.cancelled():
            task.exception()  # retrieved, even when every waiter has gone


def request_key(request: Request[Any, Any, Any]) -> str:
    """What makes two reads identical: the path and the query string (not the user, so only
    for reads whose answer is the same for everyone allowed to make them)."""
    return f"{request.scope['path']}?{request.scope['query_string'].decode('latin-1')}"


def json_body(body: bytes) -> Response[Any]:
    """A response of JSON already encoded (the handler declares its schema)."""
    return Response(body, media_type=MediaType.JSON)
