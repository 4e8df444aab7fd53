from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from chancy_web.job_template import JobTemplate


class CronJob(msgspec.Struct, kw_only=True):
    """A job a schedule produced (found by the schedule's unique_key, which its jobs carry)."""

    id: UUID
    state: str
    created_at: datetime
    scheduled_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    attempts: int
    #: The last line of the latest traceback, if any.
    error: str | None


class CronSchedule(msgspec.Struct, kw_only=True):
    """A schedule of the Cron plugin: chancy 0.26's web plugin's fields, then what chancy-web
    adds."""

    unique_key: str
    #: 5-field croniter syntax.
    cron: str
    #: IANA name; the expression is evaluated in this timezone.
    timezone: str
    last_run: datetime | None
    #: As stored by the scheduler (in the past if no worker has run the Cron plugin lately).
    next_run: datetime
    job: JobTemplate
    #: The expression in plain language, or the expression itself when it is unusual.
    description: str
    #: The next run times from now, computed on the server with the scheduler's own rules
    #: (timezone and daylight saving time included), in the schedule's timezone.
    next_runs: list[datetime]
    #: The latest jobs this schedule produced, newest first (including "run now" jobs).
    recent_jobs: list[CronJob]
    #: Why next_runs is empty: an invalid stored expression or timezone.
    error: str | None


class CronRunResult(msgspec.Struct, kw_only=True):
    ok: bool
    unique_key: str
    #: The job that was pushed.
    job_id: UUID


class CronDeleteResult(msgspec.Struct, kw_only=True):
    ok: bool
    unique_key: str
