"""Measure how many failure fingerprints a second one core computes, over a mix of tracebacks.

    python scripts/bench_fingerprint.py                 # 20,000 tracebacks, 3 rounds
    python scripts/bench_fingerprint.py --count 100000 --rounds 5

Every traceback of the mix is real: raised and formatted with `traceback.format_exception`, as
Chancy's executors do, from code compiled at app, site-packages and Chancy-like paths (so the
frames are printed as a deployed app's are). The mix, by share of the tracebacks:

- 55% an app error with ids in its message, a few frames deep;
- 15% a chained error (`raise ... from ...` or an error while handling another);
- 10% a deep stack (60 frames of framework and library code around the app's);
- 5% a process pool's remote traceback (a `_RemoteTraceback` cause, as the process executor's);
- 5% an exception group from an asyncio TaskGroup;
- 2% a SyntaxError, 3% text that is not a traceback (a chancy-web cancellation, a log line);
- 5% about 50 KB: a 50 KB message (a response body), or a mutual recursion's ~1,000 frames.

Prints the mix's size, fingerprints per second per round (and the median), and the mean time
per traceback of each kind. The target is 1,000 failures/s of folding; keep this >= 20,000/s.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import textwrap
import time
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures.process import _ExceptionWithTraceback  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chancy_web.failures.fingerprint import fingerprint  # noqa: E402

ROOT = "/srv/shop/releases/41"
SITE = f"{ROOT}/.venv/lib/python3.11/site-packages"
FUNC = "shop.jobs.run"


def formatted(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def raised(function: Callable[..., Any], *args: Any) -> str:
    try:
        function(*args)
    except BaseException as exc:  # noqa: BLE001 - the traceback is what is wanted
        return formatted(exc)
    raise AssertionError(f"{function} did not raise")


def deployed(path: str, source: str, **names: Any) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "deployed", **names}
    exec(compile(textwrap.dedent(source), path, "exec"), namespace)
    return namespace


APP = deployed(
    f"{ROOT}/shop/jobs.py",
    """
    def find(kind, key):
        raise LookupError(f"{kind} {key} not found")

    def run(kind, key):
        return find(kind, key)

    def charge(order_id):
        try:
            find("order", order_id)
        except LookupError as exc:
            raise RuntimeError(f"cannot charge order {order_id}") from exc

    def refund(order_id, orders):
        try:
            return orders[order_id]
        except KeyError:
            raise ValueError(f"refund of {order_id} to alice+{order_id}@example.com failed")

    def fetch(url, body):
        raise ConnectionError(f"GET {url} answered 502: {body}")

    def ping(n):
        return pong(n + 1)

    def render(source):
        compile(source, f"{ROOT}/shop/templates/invoice.py", "exec")
    """,
    ROOT=ROOT,
)
APP["pong"] = deployed(f"{ROOT}/shop/pong.py", "def pong(n):\n    return ping(n + 1)\n", **APP)[
    "pong"
]


def layered(depth: int) -> Callable[..., Any]:
    """A call through `depth` framework frames in site-packages into the app, as a web
    framework's middleware stack and ORM put around a view."""
    call = APP["run"]
    for n in range(depth):
        package = ("django/core/handlers", "django/db/models", "celery/app", "kombu")[n % 4]
        call = deployed(
            f"{SITE}/{package}/layer{n}.py",
            f"def layer{n}(*args):\n    return inner(*args)\n",
            inner=call,
        )[f"layer{n}"]
    return call


def remote(exc_text_maker: Callable[[], BaseException]) -> str:
    """What the process executor stores: the exception as rebuilt by the pool in the parent."""
    try:
        raise exc_text_maker()
    except BaseException as exc:  # noqa: BLE001
        rebuild, args = _ExceptionWithTraceback(exc, exc.__traceback__).__reduce__()
        return formatted(rebuild(*args))


async def fan_out(failing: int) -> None:
    async with asyncio.TaskGroup() as group:
        for n in range(failing):
            group.create_task(asyncio.to_thread(APP["find"], "host", f"10.0.0.{n}"))


def a_traceback(kind: str, rng: random.Random) -> str:
    key = (
        str(uuid.UUID(int=rng.getrandbits(128)))
        if rng.random() < 0.5
        else str(rng.randrange(10**9))
    )
    if kind == "app":
        return raised(APP["run"], rng.choice(["order", "user", "invoice"]), key)
    if kind == "chained":
        if rng.random() < 0.5:
            return raised(APP["charge"], key)
        return raised(APP["refund"], key, {})
    if kind == "deep":
        return raised(layered(60), "order", key)
    if kind == "remote":
        return remote(lambda: LookupError(f"order {key} not found"))
    if kind == "group":
        return raised(asyncio.run, fan_out(rng.randrange(1, 4)))
    if kind == "syntax":
        return raised(APP["render"], "total = (\n" * rng.randrange(1, 3))
    if kind == "text":
        return rng.choice(
            [f"Cancelled by user{key} from chancy-web", f"worker lost at 10.0.{key[:3]}.1:5432"]
        )
    if kind == "huge-message":
        body = " ".join(f"<tr><td>{rng.random()}</td></tr>" for _ in range(2_000))
        return raised(APP["fetch"], f"https://api.example.com/orders/{key}", body)
    if kind == "huge-stack":
        return raised(APP["ping"], 0)
    raise ValueError(kind)


MIX = {
    "app": 55,
    "chained": 15,
    "deep": 10,
    "remote": 5,
    "group": 5,
    "syntax": 2,
    "text": 3,
    "huge-message": 3,
    "huge-stack": 2,
}


def corpus(count: int, seed: int) -> list[tuple[str, str]]:
    """(kind, text) pairs in the mix's proportions: a few hundred distinct texts, repeated
    in a shuffled order (ids differ between the distinct ones)."""
    rng = random.Random(seed)
    distinct = [
        (kind, a_traceback(kind, rng)) for kind, share in MIX.items() for _ in range(share * 4)
    ]
    return [distinct[rng.randrange(len(distinct))] for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=20_000, help="tracebacks per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    sys.setrecursionlimit(1_000)  # the mutual recursion's traceback is Python's default depth
    texts = corpus(args.count, args.seed)
    sizes = [len(text) for _, text in texts]
    big = sum(size >= 50_000 for size in sizes)
    print(
        f"{len(texts)} tracebacks, {sum(sizes) / 1e6:.1f} MB, mean {statistics.mean(sizes):,.0f}"
        f" chars, {big} ({big / len(texts):.1%}) of 50 KB or more, largest {max(sizes):,} chars"
    )
    rates = []
    spent: dict[str, list[float]] = {kind: [] for kind in MIX}
    for n in range(args.rounds):
        started = time.perf_counter()
        for kind, text in texts:
            t = time.perf_counter()
            fingerprint(text, FUNC)
            spent[kind].append(time.perf_counter() - t)
        rates.append(len(texts) / (time.perf_counter() - started))
        print(f"round {n + 1}: {rates[-1]:,.0f} fingerprints/s")
    print(f"median: {statistics.median(rates):,.0f} fingerprints/s (one core)")
    for kind, times in spent.items():
        print(f"  {kind:<13} {statistics.mean(times) * 1e6:7.1f} µs per traceback")


if __name__ == "__main__":
    main()
