"""A jobs table of 300,000 analysed rows under a prefix of its own, for the plan tests: big
enough that the planner prefers an index wherever one serves, small enough to seed in seconds."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from chancy import Chancy
from psycopg import sql

from chancy_web import Api
from tests.conftest import auth_backend

ROWS = 300_000

SEED = """
INSERT INTO {jobs} (id, queue, func, kwargs, limits, meta, errors, state, priority, attempts,
                    max_attempts, taken_by, created_at, scheduled_at, started_at, completed_at)
SELECT (lpad(to_hex((extract(epoch FROM created) * 10000000)::bigint), 14, '0') || '7a'
        || substr(md5(i::text), 1, 16))::uuid,
       (ARRAY['default','default','emails','emails','webhooks','reports','billing'])[1 + mod(i, 7)],
       'app.tasks.' || (ARRAY['send_email','build_report','sync','charge','notify'])[1 + mod(i, 5)],
       '{{}}', '[]', '{{}}',
       CASE WHEN s = 'failed' THEN jsonb_build_array(jsonb_build_object('attempt', 0,
            'traceback', 'Traceback (most recent call last):' || chr(10) || 'ValueError: x'))
            ELSE '[]' END,
       s, mod(i, 3), CASE WHEN s = 'failed' THEN 1 ELSE 0 END, 1,
       CASE WHEN s IN ('running', 'succeeded', 'failed') THEN 'worker-' || mod(i, 4) END,
       created,
       CASE WHEN s = 'pending' AND mod(i, 10) = 0 THEN created + interval '2 days' ELSE created END,
       CASE WHEN s IN ('running', 'succeeded', 'failed') THEN created + interval '1 second' END,
       CASE WHEN s IN ('succeeded', 'failed') THEN created + interval '3 seconds' END
FROM (
    SELECT i, now() - i * interval '8 seconds' AS created,
           -- Unfinished jobs are recent (the newest tenth), as in a real queue.
           CASE WHEN mod(i, 100) < 78 OR (mod(i, 100) >= 84 AND i > %s / 10) THEN 'succeeded'
                WHEN mod(i, 100) < 84 THEN 'failed'
                WHEN mod(i, 100) < 92 THEN 'pending' WHEN mod(i, 100) < 93 THEN 'running'
                ELSE 'retrying' END AS s
    FROM generate_series(1, %s) AS i
) AS rows
"""


@asynccontextmanager
async def big_jobs_table(dsn: str, prefix: str) -> AsyncIterator[Chancy]:
    """A Chancy app over `prefix`'s tables (migrated), its jobs table seeded and analysed."""
    app = Chancy(
        dsn,
        prefix=prefix,
        plugins=[Api(authentication_backend=auth_backend())],
        no_default_plugins=True,
    )
    async with app:
        await app.migrate()
        async with app.pool.connection() as conn:
            jobs = sql.Identifier(f"{prefix}jobs")
            await conn.execute(sql.SQL("TRUNCATE {}").format(jobs))
            await conn.execute(sql.SQL(SEED).format(jobs=jobs), (ROWS, ROWS))
            await conn.commit()
            await conn.execute(sql.SQL("ANALYZE {}").format(jobs))
        yield app


async def explain(
    app: Chancy, query: str | sql.Composable, params: Sequence[Any] = (), *, analyze: bool = False
) -> list[dict[str, Any]]:
    """Every node of the plan of `query`, bound client-side as the API's reads are (see
    `db.Reader`), run too with `analyze` (the nodes then hold the rows each read)."""
    how = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
    async with app.pool.connection() as conn:
        cursor = psycopg.AsyncClientCursor(conn)
        text = query if isinstance(query, str) else query.as_string(conn)
        await cursor.execute(f"EXPLAIN ({how}) " + text, params)
        row = await cursor.fetchone()
    assert row is not None
    nodes, stack = [], [row[0][0]["Plan"]]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(node.get("Plans", []))
    return nodes
