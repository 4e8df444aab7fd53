"""The application's own deadline on a database use, for when Postgres stops answering.

The statement timeout is enforced by Postgres itself, so a server that has stopped answering
(frozen, partitioned, out of memory) never enforces it, and every request on it would wait
forever. `Deadline` ends such a use from the client side:

- while waiting for a connection (for the web layer's share or from the pool), the wait is
  cancelled;
- once a connection is held, its socket is shut down, so the statement fails at once and the
  connection is closed rather than given back to the pool. Cancelling the task would not do:
  psycopg then asks the server to cancel the statement and waits up to ten seconds for an
  answer that a frozen server never gives.

Either way the block raises `DeadlineExceeded`, a `psycopg.OperationalError`, which the app
answers with 503 like any other unavailable database. Until the block has ended, the deadline
strikes again every `AGAIN_S`: Python 3.11's `asyncio.wait_for` (which psycopg_pool uses)
loses a cancellation that arrives as the awaited thing completes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TypeVar

import psycopg
from psycopg import AsyncConnection

T = TypeVar("T")

AGAIN_S = 0.1


class DeadlineExceeded(psycopg.OperationalError):
    """The database did not answer within the deadline."""


def cut(conn: AsyncConnection) -> None:
    """Shut the connection's socket down: whatever waits on it fails at once, without a
    round trip to a server that may never answer."""
    try:
        fd = os.dup(conn.pgconn.socket)
    except (psycopg.Error, OSError):
        return  # closed already
    with socket.socket(fileno=fd) as sock, contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class Deadline:
    """`async with Deadline(s) as d:` ends the block `s` seconds on; see the module."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._conn: AsyncConnection | None = None
        self._task: asyncio.Task[object] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._cancels = 0

    def hold(self, conn: AsyncConnection | None) -> None:
        """From now on the block uses `conn` (None: no connection any more)."""
        self._conn = conn
        if conn is not None and self.expired:
            cut(conn)

    def stop(self) -> None:
        """The block's work is done: handing its connection back needs no deadline (it is
        idle or closed by now, so that takes no round trip)."""
        self._conn = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self) -> None:
        self.expired = True
        if self._conn is not None:
            cut(self._conn)
        elif self._task is not None:
            self._cancels += 1
            self._task.cancel()
        self._timer = asyncio.get_running_loop().call_later(AGAIN_S, self._expire)

    async def __aenter__(self) -> Deadline:
        self._task = asyncio.current_task()
        self._timer = asyncio.get_running_loop().call_later(self.seconds, self._expire)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
        elsewhere = 0
        for _ in range(self._cancels):  # ours, not to be seen by anyone after this block
            if self._task is not None:
                elsewhere = self._task.uncancel()
        if not self.expired or not isinstance(exc, psycopg.Error | asyncio.CancelledError):
            return  # in time, or an error of the block's own
        if elsewhere > 0:
            return  # cancelled from elsewhere too (the client left): stay cancelled
        raise DeadlineExceeded(f"The database did not answer within {self.seconds:g} s") from exc


async def run_within(seconds: float, call: Callable[[], Awaitable[T]]) -> T:
    """`await call()` for at most `seconds`, for work that takes its connections from Chancy's
    pool by itself (a Chancy plugin's own readers), so its socket cannot be cut from here.

    Past the deadline the caller gets `DeadlineExceeded` at once; the work is cancelled and
    ends in the background, as soon as psycopg gives up on its statement.
    """
    task = asyncio.ensure_future(call())
    task.add_done_callback(lambda done: done.cancelled() or done.exception())
    try:
        await asyncio.wait({task}, timeout=seconds)
    finally:
        if not task.done():
            task.cancel()
    if not task.done():
        raise DeadlineExceeded(f"The database did not answer within {seconds:g} s")
    return task.result()
