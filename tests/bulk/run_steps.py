"""A chancy-web process that only runs bulk chunks, for the crash test:
`python -m tests.bulk.run_steps <dsn> <chunk size>` prints `chunk` after each committed one."""

from __future__ import annotations

import asyncio
import sys

from chancy import Chancy

from chancy_web.auth.backends import SimpleAuthBackend
from chancy_web.bulk.runner import step
from chancy_web.context import WebContext
from chancy_web.settings import Settings


async def main(dsn: str, chunk: int) -> None:
    async with Chancy(dsn) as chancy:
        settings = Settings(bulk_chunk_size=chunk)
        ctx = WebContext(chancy=chancy, auth=SimpleAuthBackend({}), settings=settings)
        while await step(ctx):
            print("chunk", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
