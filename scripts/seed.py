"""Seed a Chancy database with realistic job history, by COPY, deterministically.

    python scripts/seed.py --dsn postgresql://localhost/app --jobs 1000000 --reset

Writes into a database already migrated by Chancy (with the cron and workflow plugins if their
tables should be filled too), under `--prefix`:

* `{prefix}jobs`: N jobs over `--days` days, in creation order. Ids have the layout of
  `chancy.utils.chancy_uuid` (a 100 ns timestamp in the high bits), so id order is creation
  order, as it is for jobs Chancy makes. States come in realistic proportions: mostly
  succeeded, some failed (every attempt's traceback in `errors`), pending (some scheduled in
  the future), retrying, and a few running (with `taken_by` and `claim_id`). Finished jobs are
  denser recently; the backlog is recent. Several queues, functions, kwargs, priorities,
  retries, time limits and unique keys.
* `{prefix}workflows` and `{prefix}workflow_steps` (if present): DAG workflows whose submitted
  steps point at job rows of the same seeding (their `meta.workflow_id` is set).
* `{prefix}cron` (if present): schedules whose jobs appear in the history with their key.
* `{prefix}queues`: each seeded queue not declared yet, tagged `role=seeded` so that no
  ordinary worker drains its backlog.

Seeded ids end in `5eed5eed` and seeded cron keys start with `seed:`; that is how `--reset`
finds the rows of earlier runs (TRUNCATE when a table holds nothing else). The same
`--rng-seed`, `--now` and arguments give the same rows. Rows are made and copied in chunks of
about 50,000 in time order, so memory stays flat at any size.

Importable: `seed(dsn, prefix, jobs, ...)` does the same and returns a summary.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
import uuid
from bisect import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import accumulate
from typing import Any, TextIO

import psycopg
from psycopg import sql

#: The low 32 bits of every seeded id (and workflow id): how `--reset` recognises them.
TAG = 0x5EED5EED
TAG_HEX = f"{TAG:08x}"
CRON_KEY_PREFIX = "seed:"
CHUNK_ROWS = 50_000
DAY = 86_400.0

STATE_WEIGHTS = {"succeeded": 80.0, "failed": 6.0, "pending": 9.0, "retrying": 4.0, "running": 1.0}
QUEUE_WEIGHTS = {
    "default": 30,
    "emails": 28,
    "webhooks": 18,
    "reports": 9,
    "billing": 9,
    "maintenance": 6,
}
EXECUTORS = {
    "webhooks": "chancy.executors.asyncex.AsyncExecutor",
    "reports": "chancy.executors.process.ProcessExecutor",
}
PAUSED_QUEUES = {"maintenance"}
DOMAINS = ("example.com", "example.org", "mail.test", "shop.invalid")
SUBJECTS = (
    "Welcome aboard",
    "Your receipt",
    "Reset your password",
    "Weekly digest",
    "Invoice overdue",
    "New sign-in",
    "Your order has shipped",
)
WORKERS = 8

# --- kwargs ---------------------------------------------------------------------------------


def kw_email(r: random.Random) -> dict[str, Any]:
    return {
        "to": f"user{r.randrange(1, 500_000)}@{r.choice(DOMAINS)}",
        "subject": r.choice(SUBJECTS),
        "template_id": r.randrange(1, 40),
    }


def kw_digest(r: random.Random) -> dict[str, Any]:
    return {"user_id": r.randrange(1, 500_000), "period": r.choice(("daily", "weekly"))}


def kw_webhook(r: random.Random) -> dict[str, Any]:
    return {
        "url": f"https://hooks.{r.choice(DOMAINS)}/in/{r.getrandbits(40):010x}",
        "event": r.choice(("order.created", "order.paid", "user.signup", "invoice.failed")),
        "attempt_budget_s": r.choice((10, 30, 60)),
    }


def kw_report(r: random.Random) -> dict[str, Any]:
    return {
        "report_id": r.randrange(1, 90_000),
        "format": r.choice(("pdf", "xlsx", "csv")),
        "filters": {"region": r.choice(("eu", "us", "apac")), "days": r.choice((7, 30, 90))},
    }


def kw_charge(r: random.Random) -> dict[str, Any]:
    return {
        "customer_id": r.randrange(1, 200_000),
        "amount_cents": r.randrange(99, 250_000),
        "currency": r.choice(("usd", "eur", "gbp")),
    }


def kw_sync(r: random.Random) -> dict[str, Any]:
    return {"warehouse": r.choice(("ams1", "fra2", "iad1", "sfo3")), "full": r.random() < 0.1}


def kw_product(r: random.Random) -> dict[str, Any]:
    return {"product_id": r.randrange(1, 1_000_000)}


def kw_none(r: random.Random) -> dict[str, Any]:
    return {}


# --- tracebacks -----------------------------------------------------------------------------

SITE = "/srv/app/.venv/lib/python3.12/site-packages"
WRAPPERS = {
    "thread": (f"{SITE}/chancy/executors/base.py", 272, "job_wrapper", "return func(**kwargs)"),
    "async": (
        f"{SITE}/chancy/executors/asyncex.py",
        59,
        "_job_wrapper",
        "result = await func(**kwargs)",
    ),
}
Frame = tuple[str, int, str, str]


def traceback(executor: str, frames: list[Frame], exception: str) -> str:
    lines = ["Traceback (most recent call last):\n"]
    for path, line, function, source in [WRAPPERS[executor], *frames]:
        lines.append(f'  File "{path}", line {line}, in {function}\n    {source}\n')
    return "".join(lines) + exception + "\n"


def err_smtp(r: random.Random, kw: dict[str, Any]) -> str:
    return traceback(
        "thread",
        [
            ("/srv/app/app/tasks/emails.py", 41, "send_email", "client.send(message)"),
            (
                "/srv/app/app/mail.py",
                r.randrange(80, 140),
                "send",
                "raise SMTPTemporaryError(code, reply)",
            ),
        ],
        f"app.mail.SMTPTemporaryError: 421 4.7.0 Try again later, closing connection "
        f"(to {kw.get('to')})",
    )


def err_key(r: random.Random, kw: dict[str, Any]) -> str:
    return traceback(
        "thread",
        [
            (
                "/srv/app/app/tasks/emails.py",
                77,
                "send_digest",
                "context = build_digest(user, period)",
            ),
            (
                "/srv/app/app/digest.py",
                r.randrange(20, 60),
                "build_digest",
                "'unsubscribe': user.preferences['unsubscribe_url'],",
            ),
        ],
        "KeyError: 'unsubscribe_url'",
    )


def err_webhook(r: random.Random, kw: dict[str, Any]) -> str:
    code, reason = r.choice(
        (
            (500, "Internal Server Error"),
            (502, "Bad Gateway"),
            (503, "Service Unavailable"),
            (504, "Gateway Timeout"),
        )
    )
    return traceback(
        "async",
        [
            (
                "/srv/app/app/tasks/webhooks.py",
                23,
                "deliver_webhook",
                "response.raise_for_status()",
            ),
            (
                f"{SITE}/httpx/_models.py",
                829,
                "raise_for_status",
                "raise HTTPStatusError(message, request=request, response=self)",
            ),
        ],
        f"httpx.HTTPStatusError: Server error '{code} {reason}' for url '{kw.get('url')}'",
    )


def err_timeout(r: random.Random, kw: dict[str, Any]) -> str:
    return traceback(
        "async",
        [
            (
                "/srv/app/app/tasks/webhooks.py",
                19,
                "deliver_webhook",
                "response = await client.post(url, json=payload, timeout=10)",
            ),
            (f"{SITE}/httpx/_client.py", 1859, "post", "return await self.request("),
            (
                f"{SITE}/httpx/_transports/default.py",
                117,
                "map_httpcore_exceptions",
                "raise mapped_exc(message) from exc",
            ),
        ],
        "httpx.ReadTimeout: timed out",
    )


def err_report(r: random.Random, kw: dict[str, Any]) -> str:
    return traceback(
        "thread",
        [
            (
                "/srv/app/app/tasks/reports.py",
                58,
                "generate_report",
                "frame = build_frame(report_id, filters)",
            ),
            (
                "/srv/app/app/reports/frames.py",
                r.randrange(40, 400),
                "build_frame",
                "totals = frame['total'].astype(float)",
            ),
            (
                f"{SITE}/pandas/core/generic.py",
                6643,
                "astype",
                "new_data = self._mgr.astype(dtype=dtype, copy=copy, errors=errors)",
            ),
        ],
        f"ValueError: report {kw.get('report_id')}: could not convert string to float: 'N/A'",
    )


def err_query_cancelled(r: random.Random, kw: dict[str, Any]) -> str:
    return traceback(
        "thread",
        [
            (
                "/srv/app/app/tasks/reports.py",
                96,
                "export_csv",
                "for chunk in cursor.stream(query):",
            ),
            (f"{SITE}/psycopg/cursor.py", 180, "stream", "raise ex.with_traceback(None)"),
        ],
        "psycopg.errors.QueryCanceled: canceling statement due to statement timeout",
    )


def err_card(r: random.Random, kw: dict[str, Any]) -> str:
    return traceback(
        "thread",
        [
            (
                "/srv/app/app/tasks/billing.py",
                33,
                "charge_card",
                "charge = stripe.Charge.create(**params)",
            ),
            (
                f"{SITE}/stripe/_api_requestor.py",
                412,
                "_interpret_response",
                "raise self._specific_api_error(rbody, rcode, resp, rheaders)",
            ),
        ],
        f"stripe.error.CardError: Request req_{r.getrandbits(48):012x}: Your card was declined. "
        f"(customer {kw.get('customer_id')})",
    )


def err_reset(r: random.Random, kw: dict[str, Any]) -> str:
    return traceback(
        "thread",
        [
            (
                "/srv/app/app/tasks/inventory.py",
                112,
                "sync_inventory",
                "rows = warehouse_client(warehouse).fetch_stock()",
            ),
            (
                "/srv/app/app/warehouse.py",
                r.randrange(30, 90),
                "fetch_stock",
                "return self._session.get(self.url).json()",
            ),
        ],
        "ConnectionResetError: [Errno 104] Connection reset by peer",
    )


def err_missing(r: random.Random, kw: dict[str, Any]) -> str:
    return traceback(
        "thread",
        [
            (
                "/srv/app/app/tasks/search.py",
                27,
                "reindex_product",
                "product = Product.objects.get(pk=product_id)",
            ),
        ],
        f"app.models.Product.DoesNotExist: Product matching query does not exist. "
        f"(pk={kw.get('product_id')})",
    )


def err_disk(r: random.Random, kw: dict[str, Any]) -> str:
    return traceback(
        "thread",
        [
            ("/srv/app/app/tasks/maintenance.py", 15, "cleanup_tmp", "shutil.rmtree(path)"),
            ("/usr/lib/python3.12/shutil.py", 785, "rmtree", "_rmtree_safe_fd(stack, onexc)"),
        ],
        f"PermissionError: [Errno 13] Permission denied: '/tmp/upload-{r.getrandbits(24):06x}'",
    )


# --- the workload ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Func:
    name: str
    weight: float
    max_attempts: int
    median_s: float  # typical run time
    p_fail: float  # failure probability per attempt
    kwargs: Callable[[random.Random], dict[str, Any]]
    error: Callable[[random.Random, dict[str, Any]], str]
    cron: str | None = None  # a schedule: such jobs carry the cron's unique key


PROFILE: dict[str, list[Func]] = {
    "default": [
        Func("app.tasks.search.reindex_product", 45, 3, 0.05, 0.01, kw_product, err_missing),
        Func(
            "app.tasks.inventory.sync_inventory",
            35,
            1,
            0.4,
            0.03,
            kw_sync,
            err_reset,
            cron="*/15 * * * *",
        ),
        Func("app.tasks.flaky.flaky_task", 20, 2, 0.01, 0.5, kw_none, err_reset),
    ],
    "emails": [
        Func("app.tasks.emails.send_email", 80, 3, 0.12, 0.05, kw_email, err_smtp),
        Func(
            "app.tasks.emails.send_digest", 20, 1, 0.2, 0.02, kw_digest, err_key, cron="0 7 * * *"
        ),
    ],
    "webhooks": [
        Func("app.tasks.webhooks.deliver_webhook", 85, 5, 0.08, 0.12, kw_webhook, err_webhook),
        Func("app.tasks.webhooks.deliver_webhook_slow", 15, 5, 0.5, 0.2, kw_webhook, err_timeout),
    ],
    "reports": [
        Func("app.tasks.reports.generate_report", 70, 1, 4.0, 0.08, kw_report, err_report),
        Func(
            "app.tasks.reports.export_csv",
            30,
            2,
            8.0,
            0.05,
            kw_report,
            err_query_cancelled,
            cron="30 2 * * *",
        ),
    ],
    "billing": [Func("app.tasks.billing.charge_card", 100, 3, 0.1, 0.04, kw_charge, err_card)],
    "maintenance": [
        Func(
            "app.tasks.maintenance.cleanup_tmp",
            100,
            1,
            0.05,
            0.01,
            kw_none,
            err_disk,
            cron="0 * * * *",
        ),
    ],
}

WORKFLOWS: list[tuple[str, list[tuple[str, str, int, list[str]]]]] = [
    # name, steps: (step id, queue, index of the function in PROFILE[queue], dependencies)
    (
        "onboarding",
        [
            ("welcome", "emails", 0, []),
            ("digest", "emails", 1, ["welcome"]),
            ("first-charge", "billing", 0, ["welcome"]),
            ("notify", "webhooks", 0, ["digest", "first-charge"]),
        ],
    ),
    (
        "nightly-etl",
        [
            ("extract", "default", 1, []),
            ("transform", "reports", 0, ["extract"]),
            ("load", "reports", 1, ["transform"]),
            ("ping", "webhooks", 0, ["load"]),
        ],
    ),
    (
        "checkout",
        [
            ("charge", "billing", 0, []),
            ("receipt", "emails", 0, ["charge"]),
            ("hook", "webhooks", 0, ["charge"]),
        ],
    ),
    (
        "fan-out-report",
        [
            ("part-a", "reports", 0, []),
            ("part-b", "reports", 0, []),
            ("part-c", "reports", 0, []),
            ("merge", "reports", 1, ["part-a", "part-b", "part-c"]),
            ("mail", "emails", 0, ["merge"]),
        ],
    ),
]


# --- time: each state's age distribution ----------------------------------------------------


@dataclass(frozen=True)
class Ages:
    """Ages (seconds before now) in [0, span]: truncated exponential (mean) or uniform."""

    span: float
    mean: float | None = None  # None: uniform on [0, hi]
    hi: float | None = None

    def cdf(self, age: float) -> float:
        age = min(max(age, 0.0), self.span)
        if self.mean is None:
            hi = min(self.hi or self.span, self.span)
            return min(age / hi, 1.0)
        return -math.expm1(-age / self.mean) / -math.expm1(-self.span / self.mean)

    def inverse(self, u: float) -> float:
        if self.mean is None:
            return u * min(self.hi or self.span, self.span)
        return -self.mean * math.log1p(u * math.expm1(-self.span / self.mean))


def streams(span: float) -> list[tuple[str, float, Ages]]:
    """(state, share of that state's jobs, ages) for each part of the history."""
    return [
        ("succeeded", 1.0, Ages(span, mean=span / 3)),
        ("failed", 1.0, Ages(span, mean=span / 3)),
        # Most of the backlog is fresh; a quarter is stale (a paused queue, a future schedule).
        ("pending", 0.75, Ages(span, mean=min(1800.0, span / 4))),
        ("pending", 0.25, Ages(span)),
        ("retrying", 1.0, Ages(span, mean=min(7200.0, span / 4))),
        ("running", 1.0, Ages(span, hi=600.0)),
    ]


def split(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Integer counts proportional to weights, summing to total (largest remainder)."""
    whole = sum(weights.values())
    exact = {k: total * w / whole for k, w in weights.items()}
    counts = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: counts[k] - exact[k])[: total - sum(counts.values())]:
        counts[k] += 1
    return counts


def bucket_edges(parts: list[tuple[int, Ages]], span: float, buckets: int) -> list[float]:
    """Ages splitting the history into buckets of about equal job counts (newest first)."""
    total = sum(n for n, _ in parts) or 1

    def mixture(age: float) -> float:
        return sum(n * ages.cdf(age) for n, ages in parts) / total

    edges = [0.0]
    for k in range(1, buckets):
        lo, hi = edges[-1], span
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if mixture(mid) < k / buckets else (lo, mid)
        edges.append(hi)
    edges.append(span)
    return edges


# --- rows -----------------------------------------------------------------------------------


def job_id(created: float, r: random.Random) -> uuid.UUID:
    """`chancy.utils.chancy_uuid`'s layout at `created`, with the seed tag in the low bits."""
    t = int(created * 10_000_000) & 0xFFFFFFFFFFFFFF
    return uuid.UUID(int=(t << 68) | (7 << 64) | (2 << 62) | (r.getrandbits(30) << 32) | TAG)


def ts(epoch: float | None) -> str:
    return "\\N" if epoch is None else datetime.fromtimestamp(epoch, UTC).isoformat()


def jtext(value: Any) -> str:
    """JSON for COPY's text format: json.dumps escapes control characters; double backslashes."""
    return json.dumps(value, separators=(",", ":")).replace("\\", "\\\\")


def nullable(value: str | None) -> str:
    if value is None:
        return "\\N"
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


JOB_COLUMNS = (
    "id",
    "queue",
    "func",
    "kwargs",
    "limits",
    "meta",
    "state",
    "priority",
    "attempts",
    "max_attempts",
    "taken_by",
    "created_at",
    "started_at",
    "completed_at",
    "scheduled_at",
    "unique_key",
    "errors",
    "claim_id",
)


class Generator:
    """Makes rows from one random stream, so that a seed gives the same rows every time."""

    def __init__(self, rng_seed: int, now: float, days: float) -> None:
        self.r = random.Random(rng_seed)
        self.now = now
        self.span = days * DAY
        self.workers = [
            str(uuid.UUID(int=self.r.getrandbits(128), version=4)) for _ in range(WORKERS)
        ]
        self.queues = list(QUEUE_WEIGHTS)
        self.queue_cum = list(accumulate(QUEUE_WEIGHTS.values()))
        self.func_cum = {q: list(accumulate(f.weight for f in fs)) for q, fs in PROFILE.items()}

    def pick_func(self, queue: str | None = None) -> tuple[str, Func]:
        r = self.r
        if queue is None:
            queue = self.queues[bisect(self.queue_cum, r.random() * self.queue_cum[-1])]
        cum = self.func_cum[queue]
        return queue, PROFILE[queue][bisect(cum, r.random() * cum[-1])]

    def row(
        self, created: float, state: str, queue: str, func: Func, meta: dict[str, Any] | None = None
    ) -> tuple[int, str]:
        """One job as (id as int, COPY text line)."""
        r, now = self.r, self.now
        kwargs = func.kwargs(r)
        max_attempts = func.max_attempts
        attempts, errors = 0, 0
        started = completed = None
        taken_by = claim_id = None
        scheduled = created
        wait = min(600.0, 0.02 * math.exp(r.gauss(0, 2.0)))  # time in the queue
        run = func.median_s * math.exp(r.gauss(0, 0.8))
        if state == "succeeded":
            attempts = 1
            while attempts < max_attempts and r.random() < func.p_fail:
                attempts += 1
            errors = attempts - 1
        elif state == "failed":
            attempts = errors = max_attempts
            run *= 0.5
        elif state == "retrying":
            max_attempts = max(2, max_attempts)
            attempts = errors = r.randrange(1, max_attempts)
            scheduled = now + r.uniform(5, 3600)  # the next attempt's backoff
        elif state == "running":
            attempts = errors = 1 if max_attempts > 1 and r.random() < 0.2 else 0
        elif r.random() < 0.2:  # pending, scheduled for later
            scheduled = now + r.uniform(60, 7 * DAY)
        if state != "pending":
            retries = errors if state != "running" else attempts
            started = max(created, min(created + wait + retries * 2.0, now - 0.001))
            taken_by = r.choice(self.workers)
        if state in ("succeeded", "failed"):
            completed = min(started + run, now) if started is not None else None
        if state == "running":
            claim_id = str(uuid.UUID(int=r.getrandbits(128), version=4))

        uid = job_id(created, r)
        unique_key = None
        if func.cron is not None and state in ("succeeded", "failed"):
            unique_key = CRON_KEY_PREFIX + func.name.rsplit(".", 1)[1]
        elif state in ("pending", "retrying") and r.random() < 0.1:
            # Unique among unfinished jobs (Chancy's partial unique index): from the id.
            unique_key = f"{func.name.rsplit('.', 1)[1]}:{uid.hex[:24]}"
        priority = 0 if r.random() < 0.85 else r.choice((1, 5, 10, -1))
        limits = f'[{{"t":"time","v":{r.choice((30, 60, 300))}}}]' if r.random() < 0.1 else "[]"
        error_list = (
            jtext([{"traceback": func.error(r, kwargs), "attempt": k} for k in range(errors)])
            if errors
            else "[]"
        )
        line = "\t".join(
            (
                str(uid),
                queue,
                func.name,
                jtext(kwargs),
                limits,
                jtext(meta) if meta else "{}",
                state,
                str(priority),
                str(attempts),
                str(max_attempts),
                nullable(taken_by),
                ts(created),
                ts(started),
                ts(completed),
                ts(scheduled),
                nullable(unique_key),
                error_list,
                nullable(claim_id),
            )
        )
        return uid.int, line + "\n"


@dataclass
class Workflows:
    workflows: list[str] = field(default_factory=list)  # COPY lines
    steps: list[str] = field(default_factory=list)
    jobs: list[tuple[float, int, str]] = field(default_factory=list)  # (age, id, line)


def make_workflows(g: Generator, count: int) -> Workflows:
    """Workflows with their steps; the jobs of submitted steps are returned for the history."""
    r, out = g.r, Workflows()
    for _ in range(count):
        name, steps = WORKFLOWS[r.randrange(len(WORKFLOWS))]
        fate = r.random()
        state = (
            "completed"
            if fate < 0.75
            else "failed"
            if fate < 0.85
            else "running"
            if fate < 0.97
            else "pending"
        )
        if state in ("running", "pending"):
            age = min(g.span, r.expovariate(1 / 1800)) * 0.9 + 30
        else:
            age = min(g.span * 0.99, r.expovariate(3 / g.span)) + 600
        created = g.now - min(age, g.span)
        wf_id = job_id(created, r)
        done: dict[str, str | None] = {}
        t, failed = created, False
        for step_id, queue, index, deps in steps:
            ready = all(done.get(d) == "succeeded" for d in deps)
            step_state: str | None
            if state == "pending" or not ready or failed:
                step_state = None  # not submitted yet
            elif state == "completed":
                step_state = "succeeded"
            elif state == "failed":
                last = step_id == steps[-1][0]
                step_state = "failed" if last or r.random() < 0.4 else "succeeded"
                failed = step_state == "failed"
            else:
                step_state = r.choice(("succeeded", "succeeded", "running", "pending"))
            done[step_id] = step_state
            func = PROFILE[queue][index]
            t = min(t + r.uniform(0.5, 120.0), g.now - 1)
            job_ref = "\\N"
            if step_state is not None:
                uid, line = g.row(t, step_state, queue, func, meta={"workflow_id": str(wf_id)})
                out.jobs.append((g.now - t, uid, line))
                job_ref = str(uuid.UUID(int=uid))
            job_data = {
                "f": func.name,
                "k": {},
                "p": 0,
                "a": func.max_attempts,
                "s": created,
                "l": [],
                "u": None,
                "q": queue,
                "m": {},
            }
            out.steps.append(
                "\t".join(
                    (str(wf_id), step_id, jtext(job_data), jtext(deps), job_ref, ts(created), ts(t))
                )
                + "\n"
            )
        if state == "failed" and not failed:
            state = "completed"
        out.workflows.append(
            "\t".join((str(wf_id), name, state, ts(created), ts(min(t + 5, g.now)))) + "\n"
        )
    return out


def job_chunks(g: Generator, jobs: int, extra: list[tuple[float, int, str]]) -> Iterator[list[str]]:
    """COPY lines of `jobs` random jobs plus `extra`, in id order, a time bucket at a time."""
    counts = split(jobs, STATE_WEIGHTS)
    parts = [(round(counts[state] * share), ages) for state, share, ages in streams(g.span)]
    # Rounding the pending split must not change the total.
    parts[3] = (counts["pending"] - parts[2][0], parts[3][1])
    states = [state for state, _, _ in streams(g.span)]
    buckets = max(1, math.ceil(jobs / CHUNK_ROWS))
    edges = bucket_edges(parts, g.span, buckets)
    extra = sorted(extra, reverse=True)  # oldest first
    taken = 0
    for b in range(buckets - 1, -1, -1):
        lo, hi = edges[b], edges[b + 1]
        rows: list[tuple[int, str]] = []
        for state, (n, ages) in zip(states, parts, strict=True):
            k = round(n * ages.cdf(hi)) - round(n * ages.cdf(lo))
            ulo, uhi = ages.cdf(lo), ages.cdf(hi)
            for _ in range(k):
                created = g.now - ages.inverse(g.r.uniform(ulo, uhi))
                queue, func = g.pick_func()
                if state == "running" and queue in PAUSED_QUEUES:
                    queue, func = g.pick_func("default")
                rows.append(g.row(created, state, queue, func))
        while taken < len(extra) and (extra[taken][0] >= lo or b == 0):
            rows.append(extra[taken][1:])
            taken += 1
        rows.sort()
        yield [line for _, line in rows]


# --- the database ---------------------------------------------------------------------------


class Progress:
    """A plain-text progress bar on a stream: redrawn in place on a terminal, else every 10%."""

    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.total, self.stream, self.done = max(total, 1), stream, 0
        self.start = self.last = time.monotonic()
        self.tty = bool(stream and stream.isatty())
        self.next_line = 0.1

    def add(self, n: int) -> None:
        self.done += n
        if self.stream is None:
            return
        now, fraction = time.monotonic(), self.done / self.total
        if self.tty and now - self.last < 0.2 and self.done < self.total:
            return
        if not self.tty and fraction < self.next_line and self.done < self.total:
            return
        self.last, self.next_line = now, math.floor(fraction * 10 + 1) / 10
        rate = self.done / max(now - self.start, 1e-9)
        eta = (self.total - self.done) / rate if rate else 0
        bar = "#" * int(fraction * 30)
        text = (
            f"[{bar:<30}] {fraction:6.1%} {self.done:,}/{self.total:,} jobs "
            f"{rate:,.0f}/s ETA {eta:4.0f}s"
        )
        self.stream.write(("\r" + text) if self.tty else text + "\n")
        if self.tty and self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


def exists(conn: psycopg.Connection[Any], table: str) -> bool:
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()
    return bool(row and row[0])


def copy_lines(
    conn: psycopg.Connection[Any],
    table: str,
    columns: tuple[str, ...],
    chunks: Iterator[list[str]],
    progress: Progress | None = None,
    freeze: bool = False,
) -> None:
    """COPY text lines; `freeze` (only right after a TRUNCATE in the same transaction) writes
    the rows already frozen, which spares VACUUM a pass over them."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN {}").format(
        sql.Identifier(table),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL("WITH (FREEZE)" if freeze else ""),
    )
    with conn.cursor() as cursor, cursor.copy(statement) as copy:
        for lines in chunks:
            copy.write("".join(lines).encode())
            if progress is not None:
                progress.add(len(lines))


def delete_seeded(conn: psycopg.Connection[Any], prefix: str) -> set[str]:
    """Remove what earlier seedings wrote: TRUNCATE a table holding only seeded rows.

    Returns the tables truncated."""
    truncated = set()
    seeded = sql.SQL("right(id::text, 8) = {}").format(sql.Literal(TAG_HEX))

    def only_seeded(table: str) -> bool:
        row = conn.execute(
            sql.SQL("SELECT NOT EXISTS (SELECT 1 FROM {} WHERE NOT ({}))").format(
                sql.Identifier(table), seeded
            )
        ).fetchone()
        return bool(row and row[0])

    jobs, workflows, steps = f"{prefix}jobs", f"{prefix}workflows", f"{prefix}workflow_steps"
    if exists(conn, workflows):
        if only_seeded(workflows):
            conn.execute(
                sql.SQL("TRUNCATE {}, {}").format(*map(sql.Identifier, (steps, workflows)))
            )
            truncated |= {steps, workflows}
        else:  # steps go with their workflow (ON DELETE CASCADE)
            conn.execute(
                sql.SQL("DELETE FROM {} WHERE {}").format(sql.Identifier(workflows), seeded)
            )
    if only_seeded(jobs):
        conn.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(jobs)))
        truncated.add(jobs)
    else:
        conn.execute(sql.SQL("DELETE FROM {} WHERE {}").format(sql.Identifier(jobs), seeded))
    if exists(conn, f"{prefix}cron"):
        conn.execute(
            sql.SQL("DELETE FROM {} WHERE unique_key LIKE %s").format(
                sql.Identifier(f"{prefix}cron")
            ),
            (CRON_KEY_PREFIX + "%",),
        )
    return truncated


def declare_queues(conn: psycopg.Connection[Any], prefix: str) -> int:
    statement = sql.SQL(
        """INSERT INTO {} (name, state, concurrency, tags, executor, executor_options,
        polling_interval) VALUES (%s, %s, %s, %s, %s, '{{}}', 5) ON CONFLICT (name) DO NOTHING"""
    ).format(sql.Identifier(f"{prefix}queues"))
    declared = 0
    with conn.cursor() as cursor:
        for name in QUEUE_WEIGHTS:
            state = "paused" if name in PAUSED_QUEUES else "active"
            executor = EXECUTORS.get(name, "chancy.executors.thread.ThreadedExecutor")
            cursor.execute(statement, (name, state, 4, ["role=seeded"], executor))
            declared += cursor.rowcount
    return declared


def add_crons(conn: psycopg.Connection[Any], prefix: str, g: Generator) -> int:
    rows = []
    for queue, funcs in PROFILE.items():
        for func in funcs:
            if func.cron is None:
                continue
            key = CRON_KEY_PREFIX + func.name.rsplit(".", 1)[1]
            job = {
                "f": func.name,
                "k": func.kwargs(g.r),
                "p": 0,
                "a": func.max_attempts,
                "s": g.now,
                "l": [],
                "u": key,
                "q": queue,
                "m": {},
            }
            last = g.now - g.r.uniform(30, 3600)
            rows.append(
                (
                    key,
                    json.dumps(job),
                    func.cron,
                    datetime.fromtimestamp(last, UTC),
                    datetime.fromtimestamp(g.now + g.r.uniform(30, 3600), UTC),
                )
            )
    with conn.cursor() as cursor:
        cursor.executemany(
            sql.SQL(
                """INSERT INTO {} (unique_key, job, cron, last_run, next_run)
                VALUES (%s, %s::jsonb, %s, %s, %s) ON CONFLICT (unique_key) DO NOTHING"""
            ).format(sql.Identifier(f"{prefix}cron")),
            rows,
        )
    return len(rows)


def seed(
    dsn: str,
    prefix: str = "chancy_",
    jobs: int = 100_000,
    *,
    reset: bool = False,
    rng_seed: int = 1,
    days: float = 30.0,
    now: float | None = None,
    workflows: int | None = None,
    crons: bool = True,
    vacuum: bool = True,
    progress: TextIO | None = None,
) -> dict[str, Any]:
    """Write `jobs` jobs (workflow steps' jobs included) and return a summary with timings.

    `workflows` defaults to one per 500 jobs; `progress` is where the bar goes (None: silent).
    """
    started = time.perf_counter()
    g = Generator(rng_seed=rng_seed, now=time.time() if now is None else now, days=days)
    timings: dict[str, float] = {}
    with psycopg.connect(dsn) as conn:
        conn.execute("SET synchronous_commit = off")
        truncated = delete_seeded(conn, prefix) if reset else set()
        if reset:
            timings["reset_s"] = time.perf_counter() - started
        has_workflows = exists(conn, f"{prefix}workflows")
        count = (jobs // 500 if workflows is None else workflows) if has_workflows else 0
        wf = make_workflows(g, count)
        # A workflow's jobs count within `jobs`; with very few jobs, drop the extra ones.
        wf.jobs = wf.jobs[:jobs]
        bar = Progress(jobs, progress)
        t = time.perf_counter()
        copy_lines(
            conn,
            f"{prefix}jobs",
            JOB_COLUMNS,
            job_chunks(g, jobs - len(wf.jobs), wf.jobs),
            bar,
            freeze=f"{prefix}jobs" in truncated,
        )
        timings["copy_jobs_s"] = time.perf_counter() - t
        if has_workflows:
            copy_lines(
                conn,
                f"{prefix}workflows",
                ("id", "name", "state", "created_at", "updated_at"),
                iter([wf.workflows]),
            )
            copy_lines(
                conn,
                f"{prefix}workflow_steps",
                (
                    "workflow_id",
                    "step_id",
                    "job_data",
                    "dependencies",
                    "job_id",
                    "created_at",
                    "updated_at",
                ),
                iter([wf.steps]),
            )
        cron_count = add_crons(conn, prefix, g) if crons and exists(conn, f"{prefix}cron") else 0
        declared = declare_queues(conn, prefix)
        conn.commit()
        if vacuum:
            t = time.perf_counter()
            conn.autocommit = True
            for table in ("jobs", "workflows", "workflow_steps", "cron", "queues"):
                if exists(conn, prefix + table):
                    conn.execute(
                        sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(prefix + table))
                    )
            timings["vacuum_s"] = time.perf_counter() - t
    timings["total_s"] = time.perf_counter() - started
    return {
        "jobs": jobs,
        "workflows": len(wf.workflows),
        "workflow_steps": len(wf.steps),
        "workflow_jobs": len(wf.jobs),
        "crons": cron_count,
        "queues_declared": declared,
        "rng_seed": rng_seed,
        "now": g.now,
        **{k: round(v, 2) for k, v in timings.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dsn", required=True, help="a database migrated by Chancy")
    parser.add_argument("--prefix", default="chancy_", help="Chancy's table prefix")
    parser.add_argument("--jobs", "-n", type=int, default=100_000, help="jobs to write")
    parser.add_argument("--reset", action="store_true", help="first delete earlier seeded rows")
    parser.add_argument("--rng-seed", type=int, default=1)
    parser.add_argument("--days", type=float, default=30.0, help="history span in days")
    parser.add_argument("--now", type=float, default=None, help="epoch seconds taken as now")
    parser.add_argument("--workflows", type=int, default=None, help="default: one per 500 jobs")
    parser.add_argument("--no-crons", action="store_true", help="write no cron schedules")
    parser.add_argument("--no-vacuum", action="store_true", help="skip VACUUM ANALYZE")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.jobs < 0 or args.days <= 0:
        parser.error("--jobs must be >= 0 and --days > 0")
    summary = seed(
        args.dsn,
        args.prefix,
        args.jobs,
        reset=args.reset,
        rng_seed=args.rng_seed,
        days=args.days,
        now=args.now,
        workflows=args.workflows,
        crons=not args.no_crons,
        vacuum=not args.no_vacuum,
        progress=None if args.quiet else sys.stderr,
    )
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
