"""The demo's queues and the steady mix of jobs pushed to them."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

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


def _job(func: Callable[..., object], queue: str = "default", **kwargs: object) -> Job:
    return Job(func=f"{func.__module__}.{func.__qualname__}", queue=queue, kwargs=kwargs)


#: Cron schedules: (expression, job, timezone). One always fails, for a red last outcome.
SCHEDULES = [
    ("* * * * *", _job(jobs.purge_temp_files).with_unique_key("purge"), "Etc/UTC"),
    (
        "*/5 * * * *",
        _job(jobs.export_table, table="customers", chunks=2).with_unique_key("export-customers"),
        "Etc/UTC",
    ),
    (
        "*/2 * * * *",
        _job(jobs.import_orders, source="legacy", rows=60).with_unique_key("legacy-import"),
        "Etc/UTC",
    ),
    (
        "0 9 * * 1-5",
        _job(jobs.build_report, "reports", kind="daily-sales", days=1).with_unique_key(
            "morning-report"
        ),
        "Europe/Paris",
    ),
    (
        "0 3 1 * *",
        _job(jobs.archive_invoice, "archive", invoice_id=0).with_unique_key("monthly-archive"),
        "America/New_York",
    ),
]


async def declare_queues(chancy: Chancy) -> None:
    # upsert: a kept --data-dir gets the demo's settings back on every start.
    for queue in QUEUES:
        await chancy.declare(queue, upsert=True)
    for cron, job, timezone in SCHEDULES:
        await Cron.schedule(chancy, cron, job, timezone=ZoneInfo(timezone))


def first_batch() -> list[Job]:
    """One of everything, so that the dashboard has every kind of job within seconds."""
    return [
        _job(jobs.send_email, "emails", to="ada@example.com", template="welcome"),
        _job(jobs.send_email, "emails", to="bob@example.invalid", template="welcome"),
        _job(jobs.resize_image, image_id=1, width=4000, height=3000),
        _job(jobs.charge_card, order_id=1001, amount_cents=2600).with_priority(10),
        _job(jobs.import_orders, source="legacy", rows=120),
        _retried(_job(jobs.sync_inventory, warehouse="berlin", fail_times=1)),
        _job(jobs.export_table, table="orders"),
        _job(jobs.build_report, "reports", kind="daily-sales", days=7),
        _job(jobs.build_report, "reports", kind="weekly-churn", days=0),
        _job(jobs.send_email, "emails", to="team@example.com", template="digest").with_scheduled_at(
            datetime.now(tz=UTC) + timedelta(minutes=2)
        ),
        _job(jobs.archive_invoice, "archive", invoice_id=1).with_unique_key("archive-1"),
    ]


def _retried(job: Job) -> Job:
    return job.with_max_attempts(3).with_meta(RETRY_SETTINGS)


# What the producer picks from, each given a random source and a running number. About one
# job in eight ends failed; more fail once and succeed on a retry.


def _receipt(rng: random.Random, n: int) -> Job:
    domain = "example.invalid" if rng.random() < 0.15 else "example.com"  # .invalid bounces
    return _job(jobs.send_email, "emails", to=f"user{n}@{domain}", template="receipt")


def _thumbnail(rng: random.Random, n: int) -> Job:
    width, height = rng.choice([800, 4000, 9000]), rng.choice([600, 3000, 6000])
    return _job(jobs.resize_image, image_id=n, width=width, height=height)


def _payment(rng: random.Random, n: int) -> Job:
    job = _job(jobs.charge_card, order_id=1000 + n, amount_cents=rng.randint(100, 20000))
    return job.with_priority(rng.choice([0, 0, 5, 10]))


def _import(rng: random.Random, n: int) -> Job:
    source = rng.choice(["shop", "shop", "legacy"])
    return _job(jobs.import_orders, source=source, rows=rng.randint(50, 400))


def _inventory(rng: random.Random, n: int) -> Job:
    warehouse, fail_times = rng.choice(["berlin", "lyon", "porto"]), rng.choice([0, 1, 2, 4])
    return _retried(_job(jobs.sync_inventory, warehouse=warehouse, fail_times=fail_times))


def _export(rng: random.Random, n: int) -> Job:
    return _job(jobs.export_table, table=rng.choice(["orders", "customers"]))


def _report(rng: random.Random, n: int) -> Job:
    kind, days = rng.choice(["sales", "churn"]), rng.choice([0, 7, 30])
    return _job(jobs.build_report, "reports", kind=kind, days=days).with_priority(rng.randint(0, 5))


def _reminder(rng: random.Random, n: int) -> Job:
    job = _job(jobs.send_email, "emails", to=f"user{n}@example.com", template="reminder")
    return job.with_scheduled_at(datetime.now(tz=UTC) + timedelta(seconds=rng.randint(30, 600)))


def _invoice(rng: random.Random, n: int) -> Job:
    # At most 25 invoices wait in the paused queue: one per unique key.
    job = _job(jobs.archive_invoice, "archive", invoice_id=n)
    return job.with_unique_key(f"archive-{n % 25}")


MAKERS = (
    _receipt,
    _thumbnail,
    _payment,
    _import,
    _inventory,
    _export,
    _report,
    _reminder,
    _invoice,
)


def next_batch(rng: random.Random, tick: int) -> list[Job]:
    """One to three jobs picked from MAKERS."""
    return [rng.choice(MAKERS)(rng, tick + 2) for _ in range(rng.randint(1, 3))]


def etl_workflow(tick: int, rng: random.Random) -> Workflow:
    """A wider DAG; with days=0 the churn report divides by zero, failing about one run in four."""
    days = rng.choice([7, 7, 7, 0])
    return (
        Workflow(f"nightly-etl-{tick}")
        .add("extract-orders", _job(jobs.import_orders, source="shop", rows=200))
        .add("extract-customers", _job(jobs.export_table, table="customers", chunks=2))
        .add_group(
            [
                ("sales", _job(jobs.build_report, "reports", kind="sales", days=7)),
                ("churn", _job(jobs.build_report, "reports", kind="churn", days=days)),
            ],
            ["extract-orders", "extract-customers"],
        )
        .add("load", _job(jobs.export_table, table="warehouse", chunks=2), ["sales", "churn"])
        .add(
            "notify",
            _job(jobs.send_email, "emails", to="data@example.com", template="etl-done"),
            ["load"],
        )
    )


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
            if tick % 60 == 0:
                await WorkflowPlugin.push(chancy, etl_workflow(tick, rng))
        except Exception:
            # The demo keeps going through a database hiccup; the worker retries the same way.
            log.warning("Could not push demo jobs", exc_info=True)
        await asyncio.sleep(interval)
        tick += 1
        batch = next_batch(rng, tick)
