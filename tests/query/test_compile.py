"""Compiled queries run against real jobs pushed with Chancy (and failed by a real worker)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chancy import Chancy, Job, Worker

from chancy_web.query import compile_query, search_window
from chancy_web.settings import Settings
from tests.conftest import make_job, run_job, run_times

QUEUE = "search"


def _table(chancy: Chancy) -> Any:
    from psycopg import sql

    return sql.Identifier(f"{chancy.prefix}jobs")


async def _push(chancy: Chancy, func: str = "app.tasks.send_email", **job: Any) -> uuid.UUID:
    ref = await chancy.push(Job(func=func, queue=QUEUE, **job))
    return uuid.UUID(str(ref.identifier))


async def _matching(
    chancy: Chancy, q: str, among: Iterable[uuid.UUID], **options: Any
) -> set[uuid.UUID]:
    """The jobs among `among` that `q` selects, running the compiled condition as is."""
    settings = options.pop("settings", Settings())
    sel = compile_query(
        q, table=_table(chancy), now=datetime.now(UTC), settings=settings, **options
    )
    from psycopg import sql

    query = sql.SQL("SELECT j.id FROM {t} AS j WHERE j.id = ANY(%s) AND ({w})").format(
        t=_table(chancy), w=sel.where
    )
    async with chancy.pool.connection() as conn:
        cursor = await conn.execute(query, [list(among), *sel.params])
        return {row[0] for row in await cursor.fetchall()}


@pytest.fixture(scope="module")
async def jobs(chancy: Chancy) -> dict[str, uuid.UUID]:
    """Jobs whose arguments differ in type, nesting and presence of keys."""
    return {
        "int": await _push(chancy, kwargs={"user_id": 42, "user": {"email": "ada@example.com"}}),
        "str": await _push(chancy, kwargs={"user_id": "42", "tags": ["x", "y"]}),
        "bool": await _push(
            chancy, func="app.tasks.build_report", kwargs={"dry_run": True, "user_id": None}
        ),
        "float": await _push(chancy, kwargs={"amount": 4.5, "note": "Paid in FULL"}),
        "none": await _push(chancy, func="app.reports.nightly", kwargs={}),
        "meta": await _push(
            chancy,
            func="app.tasks.sync",
            kwargs={"n": 7},
            meta={"tenant": {"id": 3, "name": "acme"}},
        ),
    }


async def test_kwargs_number_is_not_string(chancy, jobs):
    assert await _matching(chancy, "kwargs.user_id:42", jobs.values()) == {jobs["int"]}
    assert await _matching(chancy, 'kwargs.user_id:"42"', jobs.values()) == {jobs["str"]}


async def test_kwargs_nested_path(chancy, jobs):
    found = await _matching(chancy, 'kwargs.user.email:"ada@example.com"', jobs.values())
    assert found == {jobs["int"]}
    assert await _matching(chancy, "kwargs.user.email:ada@example.com", jobs.values()) == found


async def test_kwargs_true_and_null(chancy, jobs):
    assert await _matching(chancy, "kwargs.dry_run:true", jobs.values()) == {jobs["bool"]}
    assert await _matching(chancy, "kwargs.dry_run:false", jobs.values()) == set()
    # null is a key holding null, not a missing key.
    assert await _matching(chancy, "kwargs.user_id:null", jobs.values()) == {jobs["bool"]}


async def test_kwargs_float(chancy, jobs):
    assert await _matching(chancy, "kwargs.amount:4.5", jobs.values()) == {jobs["float"]}
    assert await _matching(chancy, "kwargs.amount:>4", jobs.values()) == {jobs["float"]}
    assert await _matching(chancy, "kwargs.amount:<4", jobs.values()) == set()
    # Comparisons only see numbers: the string "42" is not above 10.
    assert await _matching(chancy, "kwargs.user_id:>10", jobs.values()) == {jobs["int"]}


async def test_kwargs_has_key(chancy, jobs):
    found = await _matching(chancy, "kwargs.user_id:*", jobs.values())
    assert found == {jobs["int"], jobs["str"], jobs["bool"]}
    assert await _matching(chancy, "kwargs.user.email:*", jobs.values()) == {jobs["int"]}


async def test_kwargs_missing_key_matches_no_value_and_its_negation_matches(chancy, jobs):
    assert await _matching(chancy, "kwargs.missing:1", jobs.values()) == set()
    assert await _matching(chancy, "-kwargs.missing:*", jobs.values()) == set(jobs.values())
    # A job without the key is not excluded by a negated contains either.
    found = await _matching(chancy, "-kwargs.note:~full", jobs.values())
    assert found == set(jobs.values()) - {jobs["float"]}


async def test_kwargs_contains_in_strings_only(chancy, jobs):
    assert await _matching(chancy, "kwargs.note:~full", jobs.values()) == {jobs["float"]}
    assert await _matching(chancy, 'kwargs.note:~"in full"', jobs.values()) == {jobs["float"]}
    assert await _matching(chancy, "kwargs.user_id:~4", jobs.values()) == {jobs["str"]}
    assert await _matching(chancy, "kwargs.note:~%", jobs.values()) == set()


async def test_meta_nested(chancy, jobs):
    assert await _matching(chancy, "meta.tenant.id:3", jobs.values()) == {jobs["meta"]}
    assert await _matching(chancy, "meta.tenant.name:acme", jobs.values()) == {jobs["meta"]}
    assert await _matching(chancy, "meta.tenant:*", jobs.values()) == {jobs["meta"]}


async def test_func_exact_and_contains(chancy, jobs):
    assert await _matching(chancy, "func:app.reports.nightly", jobs.values()) == {jobs["none"]}
    assert await _matching(chancy, "func:nightly", jobs.values()) == set()
    found = await _matching(chancy, "func:~REPORT", jobs.values())
    assert found == {jobs["bool"], jobs["none"]}


async def test_bare_word_matches_function_or_id_prefix(chancy, jobs):
    assert await _matching(chancy, "report", jobs.values()) == {jobs["bool"], jobs["none"]}
    target = jobs["meta"]
    # Ids made in the same test share their first digits: take enough to tell them apart.
    prefix = str(target)[:23]
    assert await _matching(chancy, prefix, jobs.values()) == {target}
    assert await _matching(chancy, f"id:{prefix}", jobs.values()) == {target}
    assert await _matching(chancy, f"id:{target}", jobs.values()) == {target}


async def test_or_not_and_parentheses(chancy, jobs):
    q = "(kwargs.user_id:42 OR kwargs.dry_run:true) -func:~report"
    assert await _matching(chancy, q, jobs.values()) == {jobs["int"]}
    q = "NOT (func:~tasks OR kwargs.amount:*)"
    assert await _matching(chancy, q, jobs.values()) == {jobs["none"]}
    assert await _matching(chancy, "sync OR nightly", jobs.values()) == {jobs["meta"], jobs["none"]}


async def test_state_queue_priority_attempts(chancy):
    failed = await make_job(chancy, state="failed", queue=QUEUE, attempts=3, priority=7)
    retrying = await make_job(chancy, state="retrying", queue=QUEUE, attempts=1, priority=1)
    pending = await make_job(chancy, state="pending", queue="elsewhere", max_attempts=5)
    among = [failed, retrying, pending]
    assert await _matching(chancy, "state:failed,retrying", among) == {failed, retrying}
    assert await _matching(chancy, "state:pending", among) == {pending}
    assert await _matching(chancy, f"queue:{QUEUE}", among) == {failed, retrying}
    assert await _matching(chancy, "queue:~ELSE", among) == {pending}
    assert await _matching(chancy, "priority:>5", among) == {failed}
    assert await _matching(chancy, "attempts:>=1", among) == {failed, retrying}
    assert await _matching(chancy, "attempts:1..2", among) == {retrying}
    assert await _matching(chancy, "max_attempts:5", among) == {pending}


async def test_worker_and_unique_key(chancy):
    taken = await make_job(chancy, state="running", queue=QUEUE, taken_by="web-7")
    keyed = await make_job(chancy, queue=QUEUE, unique_key="nightly-2026")
    among = [taken, keyed]
    assert await _matching(chancy, "worker:web-7", among) == {taken}
    assert await _matching(chancy, "worker:~WEB", among) == {taken}
    assert await _matching(chancy, "unique_key:nightly-2026", among) == {keyed}
    assert await _matching(chancy, "unique_key:~nightly", among) == {keyed}
    assert await _matching(chancy, "-unique_key:*x", among) == {taken, keyed}


async def test_relative_times(chancy):
    now = datetime.now(UTC)
    old = await make_job(chancy, queue=QUEUE, scheduled_at=now - timedelta(hours=3))
    recent = await make_job(chancy, queue=QUEUE, scheduled_at=now - timedelta(minutes=5))
    among = [old, recent]
    assert await _matching(chancy, "scheduled:>-15m", among) == {recent}
    assert await _matching(chancy, "scheduled:-15m", among) == {recent}
    assert await _matching(chancy, "scheduled:<-2h", among) == {old}
    assert await _matching(chancy, "scheduled:-4h..-2h", among) == {old}
    assert await _matching(chancy, "scheduled:..-1h", among) == {old}
    assert await _matching(chancy, "created:>-1h", among) == {old, recent}
    assert await _matching(chancy, "created:<-1h", among) == set()


async def test_absolute_times_and_days(chancy):
    day = datetime(2025, 6, 7, 10, 30, tzinfo=UTC)
    done = await make_job(chancy, state="succeeded", queue=QUEUE, completed_at=day, started_at=day)
    later = await make_job(
        chancy, state="succeeded", queue=QUEUE, completed_at=day + timedelta(days=1)
    )
    among = [done, later]
    assert await _matching(chancy, "completed:2025-06-07", among) == {done}
    assert await _matching(chancy, "completed:>=2025-06-07T12:00:00+00:00", among) == {later}
    assert await _matching(chancy, "completed:2025-06-07T10:00..2025-06-07T11:00", among) == {done}
    assert await _matching(chancy, "completed:<2025-06-08T09:30+02:00", among) == {done}
    assert await _matching(chancy, "started:2025-06-07", among) == {done}


async def test_error_and_exception_of_the_latest_traceback(chancy: Chancy, worker: Worker):
    failed = await run_job(chancy, "fail", message="card declined for order 991")
    ok = await run_job(chancy, "succeed", note="card declined")
    among = [failed, ok]
    assert await _matching(chancy, 'error:"card declined"', among) == {failed}
    assert await _matching(chancy, "error:~DECLINED", among) == {failed}
    # Without ~ the text is matched as written.
    assert await _matching(chancy, "error:DECLINED", among) == set()
    assert await _matching(chancy, "error:declined", among) == {failed}
    assert await _matching(chancy, "exception:ValueError", among) == {failed}
    assert await _matching(chancy, "exception:KeyError", among) == set()
    assert await _matching(chancy, "-exception:ValueError", among) == {ok}
    # The message is not the type.
    assert await _matching(chancy, "exception:card", among) == set()


async def test_exception_with_a_module_path(chancy):
    traceback = "Traceback (most recent call last):\n  ...\napp.errors.PaymentError: no funds\n"
    job = await make_job(
        chancy, state="failed", queue=QUEUE, errors=[{"attempt": 0, "traceback": traceback}]
    )
    assert await _matching(chancy, "exception:PaymentError", [job]) == {job}
    assert await _matching(chancy, "exception:app.errors.PaymentError", [job]) == {job}
    assert await _matching(chancy, "exception:Error", [job]) == set()


async def test_bounded_search_covers_the_newest_jobs_only(chancy):
    first = await _push(chancy, kwargs={"batch": "window"})
    second = await _push(chancy, kwargs={"batch": "window"})
    among = [first, second]
    # The window of the newest job alone: the older match falls outside it.
    window = await _window(chancy, 1)
    found = await _matching(chancy, "kwargs.batch:window", among, window=(second, window[1]))
    assert found == {second}
    assert await _matching(
        chancy, "kwargs.batch:window", among, settings=Settings(search_window=1)
    ) == {second}
    assert await _matching(
        chancy, "kwargs.batch:window", among, settings=Settings(search_window=1), unbounded=True
    ) == {first, second}
    assert await _matching(chancy, "kwargs.batch:window", among) == {first, second}


async def _window(chancy: Chancy, size: int) -> tuple[uuid.UUID, uuid.UUID]:
    async with chancy.pool.connection() as conn:
        window = await search_window(conn, _table(chancy), size)
    assert window is not None
    return window


async def test_search_window_reads_the_newest_ids(chancy):
    newest = await _push(chancy, kwargs={})
    low, high = await _window(chancy, 1)
    assert low == high == newest
    low, high = await _window(chancy, 10**9)
    assert low < newest == high


def _ms(length: timedelta) -> str:
    """A run time as a duration value, in whole milliseconds rounded down."""
    return f"{length // timedelta(milliseconds=1)}ms"


async def test_duration_of_jobs_that_ran(chancy: Chancy, worker: Worker):
    quick = await run_job(chancy, "succeed")
    slow = await run_job(chancy, "sleep", seconds=0.3)
    times = await run_times(chancy, [quick, slow])
    ran = {quick: times[str(quick)], slow: times[str(slow)]}
    threshold = _ms(ran[slow])
    # It slept 0.3 s; the other did nothing: the sleep sets them apart.
    assert ran[slow] >= timedelta(seconds=0.3)
    assert ran[quick] < timedelta(milliseconds=int(threshold[:-2]))
    among = [quick, slow]
    assert await _matching(chancy, f"duration:>={threshold}", among) == {slow}
    assert await _matching(chancy, f"duration:<{threshold}", among) == {quick}
    assert slow in await _matching(chancy, "duration:>=0.3s duration:<1h", among)
    assert await _matching(chancy, "duration:..1h", among) == {quick, slow}
    assert await _matching(chancy, "duration:>1h", among) == set()


async def test_duration_edges_units_and_ranges(chancy):
    at = datetime(2025, 6, 7, 10, 0, tzinfo=UTC)
    done = {
        seconds: await make_job(
            chancy,
            state="succeeded",
            queue=QUEUE,
            started_at=at,
            completed_at=at + timedelta(seconds=seconds),
        )
        for seconds in (0.25, 2, 90, 7200)
    }
    failed = await make_job(
        chancy, state="failed", queue=QUEUE, started_at=at, completed_at=at + timedelta(minutes=3)
    )
    among = [*done.values(), failed]
    assert await _matching(chancy, "duration:>=2s", among) == {
        done[2],
        done[90],
        done[7200],
        failed,
    }
    assert await _matching(chancy, "duration:>2s", among) == {done[90], done[7200], failed}
    assert await _matching(chancy, "duration:<=250ms", among) == {done[0.25]}
    assert await _matching(chancy, "duration:<0.25s", among) == set()
    assert await _matching(chancy, "duration:>=1.5m", among) == {done[90], done[7200], failed}
    assert await _matching(chancy, "duration:>1h", among) == {done[7200]}
    assert await _matching(chancy, "duration:>=2h", among) == {done[7200]}
    # From the first bound, up to but not including the second.
    assert await _matching(chancy, "duration:2s..90s", among) == {done[2]}
    assert await _matching(chancy, "duration:90s..", among) == {done[90], done[7200], failed}


async def test_duration_of_running_and_unfinished_jobs(chancy):
    now = datetime.now(UTC)
    running = await make_job(
        chancy, state="running", queue=QUEUE, started_at=now - timedelta(minutes=10)
    )
    # Retrying: its last attempt ended, but Chancy sets no completed_at until the job is done.
    retrying = await make_job(
        chancy, state="retrying", queue=QUEUE, started_at=now - timedelta(hours=1)
    )
    pending = await make_job(chancy, queue=QUEUE)
    among = [running, retrying, pending]
    # A running job's duration is how long it has run so far.
    assert await _matching(chancy, "duration:>5m", among) == {running}
    assert await _matching(chancy, "duration:5m..15m", among) == {running}
    assert await _matching(chancy, "duration:>15m", among) == set()
    # Jobs without a run time match no duration, and so match its negation (as for kwargs).
    assert await _matching(chancy, "-duration:>5m", among) == {retrying, pending}


async def test_duration_searches_are_bounded(chancy):
    first = await make_job(chancy, state="succeeded", queue=QUEUE)
    second = await make_job(chancy, state="succeeded", queue=QUEUE)
    among = [first, second]
    assert await _matching(chancy, "duration:<1h", among) == {first, second}
    small = Settings(search_window=1)
    assert await _matching(chancy, "duration:<1h", among, settings=small) == {second}
