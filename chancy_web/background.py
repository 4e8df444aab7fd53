"""Work that outlives a request: bulk operations, folding failures into groups.

It runs inside every chancy-web process that is up, plugin or standalone, never in the browser
or in a request. Each kind of work is a `BackgroundJob`: a `step` that does one short piece
(one chunk, one fold) in its own transaction and says whether more is waiting. Its state lives
in the plugin's tables, so a restart resumes where the last committed step stopped, and a
Postgres lock taken inside the step (`try_lock`, or a row lock with SKIP LOCKED) makes sure
that, across processes and replicas, one of them does each piece.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from psycopg import AsyncConnection
from psycopg.rows import tuple_row

from chancy_web.tasks import cancel_until_done

log = logging.getLogger(__name__)

#: What a step is given: the app's `chancy_web.context.WebContext` (generic here so that this
#: module, which the context holds, does not import it).
C = TypeVar("C")


@dataclass(frozen=True)
class BackgroundJob(Generic[C]):
    name: str
    #: One short piece of work; True when more is waiting, to run again at once.
    step: Callable[[C], Awaitable[bool]]
    #: Seconds between steps when there was nothing to do.
    interval_s: float


class Background(Generic[C]):
    """Runs each job's steps in a task of its own until the app stops. A step that raises is
    logged and retried after the job's interval (doubling, up to a minute), so one bad row or a
    database outage never stops the others."""

    def __init__(self, ctx: C, jobs: Sequence[BackgroundJob[C]]) -> None:
        self._ctx = ctx
        self._jobs = {job.name: job for job in jobs}
        self._wakers: dict[str, asyncio.Event] = {}
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def names(self) -> list[str]:
        return list(self._jobs)

    def start(self) -> None:
        for job in self._jobs.values():
            self._wakers[job.name] = asyncio.Event()
            self._tasks.append(asyncio.create_task(self._loop(job), name=f"chancy-web {job.name}"))

    async def stop(self) -> None:
        await cancel_until_done(self._tasks)
        self._tasks.clear()
        self._wakers.clear()

    def wake(self, name: str) -> None:
        """Run `name`'s next step now rather than after its interval (after a request created
        work for it). Other processes find the work on their next step."""
        if waker := self._wakers.get(name):
            waker.set()

    async def _loop(self, job: BackgroundJob[C]) -> None:
        waker = self._wakers[job.name]
        delay = job.interval_s
        while True:
            waker.clear()
            try:
                more = await job.step(self._ctx)
                delay = job.interval_s
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("Background job %s failed; retrying in %.0f s", job.name, delay)
                more = False
                delay = min(delay * 2, 60.0)
            if more:
                await asyncio.sleep(0)  # let requests in between pieces
                continue
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):  # not wait_for: see chancy_web.tasks
                    await waker.wait()


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for `name` (the same in every process)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


async def try_lock(conn: AsyncConnection, name: str) -> bool:
    """Take the transaction-level advisory lock `name` if no other session holds it, inside
    `conn`'s open transaction: it is released at commit or rollback, so a process that dies
    gives it up with its connection."""
    async with conn.cursor(row_factory=tuple_row) as cursor:
        await cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", (lock_key(name),))
        row = await cursor.fetchone()
    return bool(row and row[0])
