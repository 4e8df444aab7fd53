"""Ending background tasks for sure, at shutdown.

Python 3.11's `asyncio.wait_for` (which psycopg_pool uses to wait for a connection) loses a
cancellation that arrives as the thing it awaits completes. A task cancelled once at shutdown
may then carry on for ever, and the shutdown that waits for it never ends: the app's lifespan
hung that way in CI, once in a few runs. So, like Chancy's TaskManager, cancel again until the
tasks have ended.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

#: Seconds between one cancellation and the next.
AGAIN_S = 0.1


async def cancel_until_done(tasks: Iterable[asyncio.Task[Any]]) -> None:
    """Cancel `tasks`, again every `AGAIN_S` while any is still running, and wait for them.
    Their results and errors are dropped (they are logged where they happen)."""
    tasks = list(tasks)
    pending = {task for task in tasks if not task.done()}
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=AGAIN_S)
    for task in tasks:
        if not task.cancelled():
            task.exception()  # retrieved, so asyncio does not warn that nobody did
