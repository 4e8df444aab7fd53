"""Real job functions that the tests' workers run."""

import asyncio


async def succeed(**kwargs: object) -> None:
    return None


async def fail(message: str = "boom", **kwargs: object) -> None:
    raise ValueError(message)


async def sleep(seconds: float = 30, **kwargs: object) -> None:
    await asyncio.sleep(seconds)
