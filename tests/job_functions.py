"""Real job functions that the tests' workers run."""

import asyncio


async def succeed(**kwargs: object) -> None:
    return None


async def fail(message: str = "boom", **kwargs: object) -> None:
    raise ValueError(message)


async def sleep(seconds: float = 30, **kwargs: object) -> None:
    await asyncio.sleep(seconds)


_failed_once: set[str] = set()


async def fail_once(marker: str, **kwargs: object) -> None:
    """Fails the first time it runs for `marker`, succeeds after (the worker is in-process)."""
    if marker not in _failed_once:
        _failed_once.add(marker)
        raise RuntimeError(f"first attempt of {marker}")
