"""What every request handler shares: the Chancy app, the auth backend and the settings."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from chancy import Chancy
from chancy.worker import Worker
from litestar.di import NamedDependency

from chancy_web.auth.backends import AuthBackend
from chancy_web.auth.session_cache import SessionCache
from chancy_web.background import Background
from chancy_web.settings import Settings
from chancy_web.shared_reads import SharedReads


@dataclass
class TtlCache:
    """A value recomputed at most once per `ttl` seconds, shared by every viewer."""

    ttl: float
    _value: Any = None
    _expires: float = 0.0
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def get(self, compute: Any) -> Any:
        async with self._lock:
            if time.monotonic() >= self._expires:
                self._value = await compute()
                self._expires = time.monotonic() + self.ttl
            return self._value


@dataclass
class WebContext:
    chancy: Chancy
    auth: AuthBackend
    settings: Settings
    #: The worker hosting the API in plugin mode; None when standalone or embedded.
    worker: Worker | None = None
    functions: TtlCache = field(init=False)
    counts: TtlCache = field(init=False)
    sessions: SessionCache = field(init=False)
    reads: SharedReads = field(init=False)
    #: The web layer's share of Chancy's pool (see `chancy_web.db.pooled`).
    db_slots: asyncio.Semaphore = field(init=False)
    #: Work that outlives a request (see `chancy_web.background`); the app fills it in.
    background: Background[WebContext] = field(init=False)

    def __post_init__(self) -> None:
        self.sessions = SessionCache(self.settings.session_cache_s)
        self.functions = TtlCache(self.settings.functions_cache_s)
        self.counts = TtlCache(self.settings.counts_cache_s)
        self.reads = SharedReads(enabled=self.settings.share_reads)
        self.db_slots = asyncio.Semaphore(self.settings.max_db_connections)
        self.background = Background(self, [])


#: A handler parameter that receives the app's WebContext.
Ctx = NamedDependency[WebContext]
