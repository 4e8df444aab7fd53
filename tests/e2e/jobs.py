"""Job functions the browser tests push to the live server's worker."""

import asyncio


async def e2e_ok(n: int = 0, **kwargs: object) -> int:
    return n


async def e2e_fail(message: str = "kaput", **kwargs: object) -> None:
    raise ValueError(message)


# The plugin pages' jobs run functions of their own, so that the dashboard tests' counts of
# e2e_ok and e2e_fail jobs hold whichever tests ran before them.
async def plugin_ok(n: int = 0, **kwargs: object) -> int:
    return n


async def plugin_fail(message: str = "kaput", **kwargs: object) -> None:
    raise ValueError(message)


async def plugin_slow(seconds: float = 0, **kwargs: object) -> None:
    """Runs for `seconds`: the Metrics page's slowest jobs."""
    await asyncio.sleep(seconds)


_missing_once: set[str] = set()


async def e2e_order_missing(order: int, marker: str, **kwargs: object) -> None:
    """Fails the first time it runs for `marker` (an order that is not there yet), succeeds
    after: a failure group whose retry works. The live server's worker is in-process."""
    if marker not in _missing_once:
        _missing_once.add(marker)
        raise LookupError(f"order {order} is missing from warehouse 'north-{order % 3}'")


async def e2e_card_declined(customer: int = 0, **kwargs: object) -> None:
    raise PermissionError(f"card of customer {customer} was declined")
