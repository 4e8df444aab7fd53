"""Job columns that other resources read beside the job list (workflow steps, cron runs)."""

from __future__ import annotations

from psycopg import sql

#: The last line of the latest traceback, usually `ExceptionType: message`. Lists compute it
#: only for the rows of the page, after the sort and limit (see `jobs.queries.list_jobs`).
#: split_part with a negative index (PostgreSQL 14+) is several times cheaper than a regex
#: over the traceback.
ERROR = sql.SQL(
    "left(split_part(rtrim(errors->-1->>'traceback', E'\\n\\r\\t '), E'\\n', -1), 300) AS error"
)
