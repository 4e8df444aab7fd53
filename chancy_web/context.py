"""The per-app state: one `WebContext` for each chancy-web app, reached one way.

Handlers take it as the `ctx` dependency (`ctx: Ctx`); code outside a handler (guards, hooks,
middleware, the plugin) asks `web_context(app)`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from chancy import Chancy
from chancy.worker import Worker
from litestar import Litestar
from litestar.di import NamedDependency

from chancy_web.auth.backends import AuthBackend
from chancy_web.auth.session_cache import SessionCache
from chancy_web.background import Background
from chancy_web.events.listener import EventListener
from chancy_web.query.schemas import JobCounts
from chancy_web.settings import Settings
from chancy_web.shared_reads import SharedReads

T = TypeVar("T")
#: Where the app keeps its WebContext (`web_context` reads it).
STATE_KEY = "chancy_web"


@dataclass
class TtlCache(Generic[T]):
    """A value recomputed at most once per `ttl` seconds, shared by every viewer."""

    ttl: float
    #: The value and when it expires (time.monotonic()); None until first computed.
    _entry: tuple[T, float] | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def get(self, compute: Callable[[], Awaitable[T]]) -> T:
        async with self._lock:
            if self._entry is None or time.monotonic() >= self._entry[1]:
                self._entry = (await compute(), time.monotonic() + self.ttl)
            return self._entry[0]


@dataclass
class WebContext:
    chancy: Chancy
    auth: AuthBackend
    settings: Settings
    #: The worker hosting the API in plugin mode; None when standalone or embedded.
    worker: Worker | None = None
    functions: TtlCache[list[str]] = field(init=False)
    #: The kwargs/meta keys suggestions offer, per (column, path), as `functions` is cached.
    suggest_keys: dict[tuple[str, tuple[str, ...]], TtlCache[list[str]]] = field(init=False)
    counts: TtlCache[JobCounts] = field(init=False)
    sessions: SessionCache = field(init=False)
    reads: SharedReads = field(init=False)
    #: The web layer's share of Chancy's pool (see `chancy_web.db.pooled`).
    db_slots: asyncio.Semaphore = field(init=False)
    #: Work that outlives a request (see `chancy_web.background`); the app fills it in.
    background: Background[WebContext] = field(init=False)
    #: The process's one LISTEN connection and its streams (see `chancy_web.events`); made
    #: here, started with the app or by the first stream. Replace it before the app starts
    #: to tune it.
    listener: EventListener = field(init=False)

    def __post_init__(self) -> None:
        self.sessions = SessionCache(self.settings.session_cache_s)
        self.functions = TtlCache(self.settings.functions_cache_s)
        self.suggest_keys = {}
        self.counts = TtlCache(self.settings.counts_cache_s)
        self.reads = SharedReads(enabled=self.settings.share_reads)
        self.db_slots = asyncio.Semaphore(self.settings.max_db_connections)
        self.background = Background(self, [])
        # An event is a change committed elsewhere: reads begun before it must not be shared
        # with the refreshes it prompts.
        self.listener = EventListener(self.chancy, on_notify=self.reads.invalidate)


#: A handler parameter that receives the app's WebContext.
Ctx = NamedDependency[WebContext]


def web_context(app: Litestar) -> WebContext:
    """The WebContext of a chancy-web app, for code that is not a handler."""
    ctx: WebContext = app.state[STATE_KEY]
    return ctx
