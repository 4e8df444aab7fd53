"""Tunables for the web layer, with defaults that are safe in production."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class Settings:
    #: Every request's queries are cancelled after this long; the client gets a 503.
    statement_timeout_ms: int = 5_000
    #: How long a request waits for a pooled connection before giving up with a 503.
    pool_timeout_s: float = 5.0
    #: Longest one database use may take in the app (waiting for a connection, then its
    #: statements), for when Postgres stops answering and cannot enforce its own timeout:
    #: past it the request gets a 503 and the connection is closed, not pooled again.
    #: None: a second more than `statement_timeout_ms` (see `deadline_s`).
    database_deadline_s: float | None = None
    #: Most of Chancy's pooled connections the web layer holds at once; further requests wait
    #: their turn (within `pool_timeout_s`). In plugin mode the rest of the pool stays free
    #: for the worker, whatever the dashboard's traffic.
    max_db_connections: int = 4
    #: Largest page a list endpoint returns; larger `limit`s are clamped to it.
    max_page_size: int = 100
    #: Sessions end after this long without a request...
    session_idle_timeout_s: int = 12 * 3600
    #: ...and after this long in any case.
    session_max_age_s: int = 7 * 24 * 3600
    #: How long this process trusts a session it has looked up. A logout through this process
    #: ends the session at once; one through another replica, within this many seconds.
    session_cache_s: float = 2.0
    #: Failed logins allowed per username, and per client address, in one window.
    login_failures_per_user: int = 10
    login_failures_per_client: int = 50
    login_failure_window_s: int = 15 * 60
    #: Name of the HttpOnly session cookie.
    session_cookie: str = "chancy_web_session"
    #: Apply the web layer's own migrations (its tables only) when the app starts.
    migrate_on_start: bool = True
    #: Seconds the distinct function names are cached for (per app).
    functions_cache_s: float = 60.0
    #: States the planner expects to hold more jobs than this are estimated, not counted.
    counts_exact_limit: int = 100_000
    #: Seconds job counts are cached for (per app), whoever asks.
    counts_cache_s: float = 5.0
    #: Identical job-list requests in flight at the same moment share one query and one
    #: encoded body (see `chancy_web.shared_reads`); off, every request runs its own.
    share_reads: bool = True
    #: A search using a term no index serves (`error:`, `exception:`, and `kwargs.`/`meta.`
    #: without `search_indexes`) covers only this many of the newest jobs, unless the request
    #: lifts the bound (`search=all`); see docs/search.md.
    search_window: int = 100_000
    #: The Metrics page's slowest jobs are the slowest of their window's newest this many
    #: finished jobs, and say so when it held more. Each is a row read from the table (at 10M
    #: jobs, 20,000 took 40-70 ms and 100,000 took 0.2-0.6 s; see docs/benchmarks.md); well
    #: below `search_window`, so that the "all slow jobs" search usually finds what the
    #: panel lists (docs/search.md, Durations).
    slowest_jobs_window: int = 20_000
    #: Create GIN indexes (jsonb_path_ops) on kwargs and meta, so that `kwargs.<path>:<value>`
    #: searches every job through an index. They cost every job insert and update some
    #: write time and disk; built CONCURRENTLY at start-up (or by
    #: `chancy_web.migrations.indexes.build_concurrently`).
    search_indexes: bool = False
    #: Run the background work (bulk operations, folding failures) in this process. Every
    #: process that runs it shares the work through Postgres locks; turn it off only where
    #: another chancy-web process is sure to be up.
    run_background: bool = True
    #: Seconds between folds of new failures into failure groups (`chancy_web.failures.fold`)
    #: when the last one found nothing more waiting.
    failure_fold_interval_s: float = 2.0
    #: Most jobs one fold reads in one transaction.
    failure_fold_chunk: int = 1000
    #: How far behind the clock the fold's watermark stays, so that failures whose worker
    #: commits late (it stamps `completed_at` up to a second before, more while the database
    #: is struggling) are still found; that stretch is read again by every fold.
    failure_fold_settle_s: float = 10.0
    #: Most job ids one batch action may name.
    max_batch: int = 1000
    #: Jobs a bulk operation acts on per transaction (at most 1000): each chunk is one short
    #: transaction, so that Chancy's workers are never held up for long.
    bulk_chunk_size: int = 1000
    #: Audit entries older than this are deleted by Chancy's Pruner plugin.
    audit_retention_days: int = 90
    #: `GET /metrics` (Prometheus) answers anyone when true; otherwise a scraper sends
    #: `Authorization: Bearer <metrics_token>`, or a logged-in viewer may read it.
    metrics_public: bool = False
    metrics_token: str | None = None
    #: Proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed (uvicorn's
    #: `forwarded_allow_ips`: addresses or networks, comma-separated, or "*"). None: no
    #: proxy, the peer's address is the client's, as the per-client login limit needs.
    forwarded_allow_ips: str | None = None
    #: How long serving a dashboard page may spend answering the page's first API requests
    #: itself, to send their answers in the HTML (see `chancy_web.spa.inline`); what is not
    #: ready by then the page asks for as usual. 0: never.
    first_data_ms: int = 50
    #: Largest accepted request body, in bytes.
    max_body_bytes: int = 1_048_576
    #: Executors a queue may be given. Changing a queue's executor runs that class on every
    #: worker, so it takes the admin role and must be one of these.
    allowed_executors: tuple[str, ...] = field(
        default=(
            "chancy.executors.process.ProcessExecutor",
            "chancy.executors.thread.ThreadedExecutor",
            "chancy.executors.asyncex.AsyncExecutor",
        )
    )

    @property
    def deadline_s(self) -> float:
        """`database_deadline_s`, or a second more than the statement timeout, so that
        Postgres answers a slow statement first whenever it answers at all."""
        if self.database_deadline_s is not None:
            return self.database_deadline_s
        return self.statement_timeout_ms / 1000 + 1
