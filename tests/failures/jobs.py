"""Real job functions that fail, for the fingerprint tests' workers."""

import asyncio
import time

from chancy import QueuedJob


async def order_missing(order_id: str) -> None:
    raise LookupError(f"order {order_id} not found")


async def order_invalid(order_id: str) -> None:
    raise ValueError(f"order {order_id} not found")


async def order_missing_on_load(order_id: str) -> None:
    _load(order_id)


def _load(order_id: str) -> None:
    raise LookupError(f"order {order_id} not found")


async def charge(order_id: str) -> None:
    try:
        _load(order_id)
    except LookupError as exc:
        raise RuntimeError(f"cannot charge order {order_id}") from exc


async def fan_out(order_id: str, failing: int) -> None:
    async with asyncio.TaskGroup() as group:
        for n in range(failing):
            group.create_task(order_missing(f"{order_id}-{n}"))


async def hang() -> None:
    await asyncio.sleep(60)


def order_missing_sync(order_id: str) -> None:
    raise LookupError(f"order {order_id} not found")


def charge_sync(order_id: str) -> None:
    try:
        _load(order_id)
    except LookupError as exc:
        raise RuntimeError(f"cannot charge order {order_id}") from exc


def hang_sync() -> None:
    time.sleep(60)


def hang_cooperatively(*, job: QueuedJob) -> None:
    while True:
        time.sleep(0.05)
        job.checkpoint()
