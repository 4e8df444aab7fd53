"""Run the demo: a Chancy app with the `Api` plugin, a worker, and a producer of demo jobs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable

from chancy import Chancy, Worker
from chancy.plugins.cron import Cron
from chancy.plugins.leadership import Leadership
from chancy.plugins.metrics import Metrics
from chancy.plugins.retry import RetryPlugin
from chancy.plugins.workflow import WorkflowPlugin

from chancy_web.auth.backends import SimpleAuthBackend
from chancy_web.auth.passwords import hash_password
from chancy_web.demo.producer import declare_queues, produce
from chancy_web.plugin import Api

USERNAME = "admin"


def demo_chancy(dsn: str, api: Api) -> Chancy:
    return Chancy(
        dsn,
        plugins=[
            api,
            # Shorter intervals than the defaults, so that a fresh demo shows everything soon.
            Leadership(poll_interval=10, timeout=30),
            Cron(poll_interval=10),
            WorkflowPlugin(polling_interval=5),
            # Flushed every 10 s instead of 60 s, so the metrics charts fill in quickly.
            Metrics(sync_interval=10, collection_interval=15),
            RetryPlugin(),  # type: ignore[no-untyped-call]
        ],
        log=logging.getLogger("chancy"),
    )


def url_of(host: str, port: int) -> str:
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


async def run_demo(
    dsn: str, *, host: str, port: int, password: str, announce: Callable[[str], None]
) -> None:
    """Serve the demo until SIGINT or SIGTERM; a second signal stops without waiting for jobs.

    `announce` gets the dashboard's URL once the port is bound and the worker runs.
    """
    api = Api(
        host=host,
        port=port,
        authentication_backend=SimpleAuthBackend({USERNAME: hash_password(password)}),
    )
    chancy = demo_chancy(dsn, api)
    stopping = asyncio.Event()
    main = asyncio.current_task()

    def on_signal() -> None:
        if stopping.is_set() and main is not None:
            main.cancel()
        else:
            print("Stopping: letting running jobs finish (Ctrl-C again to stop now)...", flush=True)
        stopping.set()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, on_signal)

    async with chancy:
        await chancy.migrate()
        await declare_queues(chancy)
        # The demo owns the signals, to stop the producer and the database with the worker.
        worker = Worker(chancy, register_signal_handlers=False, shutdown_timeout=10)
        producer: asyncio.Task[None] | None = None
        try:
            # Binds the API's port, or fails if it is taken.
            await worker.start()  # type: ignore[no-untyped-call]
            announce(url_of(host, api.port_bound))
            producer = asyncio.create_task(produce(chancy), name="demo-producer")
            await stopping.wait()
        finally:
            if producer is not None:
                producer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await producer
            await worker.stop()
