"""The demo's queues and the steady mix of jobs pushed to them."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from chancy import Chancy, Job, Queue
from chancy.plugins.cron import Cron
from chancy.plugins.workflow import Workflow, WorkflowPlugin

from chancy_web.demo import jobs

log = logging.getLogger("chancy_web.demo")

Async = Chancy.Executor.Async

QUEUES = [
    Queue("default", concurrency=4, executor=Async, polling_interval=2),
    # Rate-limited like a mail provider's API: bursts wait for the next window.
    Queue(
        "emails",
        concurrency=2,
        executor=Async,
        polling_interval=2,
        rate_limit=30,
        rate_limit_window=60,
    ),
    # Synchronous functions run in threads.
    Queue("reports", concurrency=1, executor=Chancy.Executor.Threaded, polling_interval=2),
    # Paused: its jobs stay pending until someone resumes it from the dashboard.
    Queue("archive", concurrency=1, executor=Async, state=Queue.State.PAUSED),
]

#: Retried jobs wait a few seconds (chancy.plugins.retry.RetryPlugin reads this).
RETRY_SETTINGS = {"retry_settings": {"backoff": 2, "backoff_factor": 2, "backoff_jitter": [0, 1]}}


async def declare_queues(chancy: Chancy) -> None:
    # upsert: a kept --data-dir gets the demo's settings back on every start.
    for queue in QUEUES:
        await chancy.declare(queue, upsert=True)
    await Cron.schedule(
        chancy, "* * * * *", Job.from_func(jobs.purge_temp_files, unique_key="purge_temp_files")
    )


def _job(func: Callable[..., object], queue: str = "default", **kwargs: object) -> Job:
    return Job.from_func(func, queue=queue, kwargs=kwargs)


def first_batch() -> list[Job]:
    """One of everything, so that the dashboard has every kind of job within seconds."""
    soon = datetime.now(tz=UTC)
    return [
        _job(jobs.send_email, "emails", to="ada@example.com", template="welcome"),
        _job(jobs.send_email, "emails", to="bob@example.invalid", template="welcome"),
        _job(jobs.resize_image, image_id=1, width=4000, height=3000),
        _job(jobs.charge_card, order_id=1001, amount_cents=2600).with_priority(10),
        _job(jobs.import_orders, source="legacy", rows=120),
        _job(jobs.sync_inventory, warehouse="berlin", fail_times=1)
        .with_max_attempts(3)
        .with_meta(RETRY_SETTINGS),
        _job(jobs.export_table, table="orders"),
        _job(jobs.build_report, "reports", kind="daily-sales", days=7),
        _job(jobs.build_report, "reports", kind="weekly-churn", days=0),
        _job(jobs.send_email, "emails", to="team@example.com", template="digest").with_scheduled_at(
            soon + timedelta(minutes=2)
        ),
        _job(jobs.archive_invoice, "archive", invoice_id=1).with_unique_key("archive-1"),
    ]


def next_batch(rng: random.Random, tick: int) -> list[Job]:
    """One to three jobs, about one in six of them failing."""
    now = datetime.now(tz=UTC)
    n = tick + 2
    makers: list[Callable[[], Job]] = [
        lambda: _job(
            jobs.send_email,
            "emails",
            template="receipt",
            to=f"user{n}@example.{'invalid' if rng.random() < 0.15 else 'com'}",
        ),
        lambda: _job(
            jobs.resize_image,
            image_id=n,
            width=rng.choice([800, 4000, 9000]),
            height=rng.choice([600, 3000, 6000]),
        ),
        lambda: _job(
            jobs.charge_card, order_id=1000 + n, amount_cents=rng.randint(100, 20000)
        ).with_priority(rng.choice([0, 0, 5, 10])),
        lambda: _job(
            jobs.import_orders,
            source=rng.choice(["shop", "shop", "legacy"]),
            rows=rng.randint(50, 400),
        ),
        lambda: (
            _job(
                jobs.sync_inventory,
                warehouse=rng.choice(["berlin", "lyon", "porto"]),
                fail_times=rng.choice([0, 1, 2, 4]),
            )
            .with_max_attempts(3)
            .with_meta(RETRY_SETTINGS)
        ),
        lambda: _job(jobs.export_table, table=rng.choice(["orders", "customers"])),
        lambda: _job(
            jobs.build_report,
            "reports",
            kind=rng.choice(["sales", "churn"]),
            days=rng.choice([0, 7, 30, 30]),
        ).with_priority(rng.randint(0, 5)),
        lambda: _job(
            jobs.send_email, "emails", to=f"user{n}@example.com", template="reminder"
        ).with_scheduled_at(now + timedelta(seconds=rng.randint(30, 600))),
        # At most 25 invoices wait in the paused queue: one per unique key.
        lambda: _job(jobs.archive_invoice, "archive", invoice_id=n).with_unique_key(
            f"archive-{n % 25}"
        ),
    ]
    return [rng.choice(makers)() for _ in range(rng.randint(1, 3))]


def feed_workflow(tick: int) -> Workflow:
    return (
        Workflow(f"refresh-feeds-{tick}")
        .add("fetch-news", _job(jobs.fetch_feed, feed="news"))
        .add("fetch-blog", _job(jobs.fetch_feed, feed="blog"))
        .add("publish", _job(jobs.publish_feed, feed="all"), ["fetch-news", "fetch-blog"])
    )


async def produce(chancy: Chancy, *, interval: float = 1.5, seed: int | None = None) -> None:
    """Push jobs until cancelled."""
    rng = random.Random(seed)
    batch, tick = first_batch(), 0
    while True:
        try:
            async for _ in chancy.push_many(batch):
                pass
            if tick % 40 == 0:
                await WorkflowPlugin.push(chancy, feed_workflow(tick))
        except Exception:
            # The demo keeps going through a database hiccup; the worker retries the same way.
            log.warning("Could not push demo jobs", exc_info=True)
        await asyncio.sleep(interval)
        tick += 1
        batch = next_batch(rng, tick)
