"""Job functions the browser tests push to the live server's worker."""


async def e2e_ok(n: int = 0, **kwargs: object) -> int:
    return n


async def e2e_fail(message: str = "kaput", **kwargs: object) -> None:
    raise ValueError(message)
