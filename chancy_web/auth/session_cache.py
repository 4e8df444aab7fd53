"""A session as the guard sees it, and the short-lived cache of sessions looked up."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime

import msgspec

from chancy_web.auth.roles import Role


def digest(token: str) -> bytes:
    """What is stored of a session token: its SHA-256."""
    return hashlib.sha256(token.encode()).digest()


class Session(msgspec.Struct, kw_only=True):
    username: str
    role: Role
    csrf_token: str
    expires_at: datetime
    stale: bool


class SessionCache:
    """Sessions this process looked up in the last `ttl` seconds.

    Without it every request would spend a pooled connection and three round trips on its
    session before doing its work. A logout through this process takes effect at once (it
    evicts the entry); one through another replica, within `ttl`.
    """

    def __init__(self, ttl: float, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[bytes, tuple[float, Session]] = {}

    def get(self, token: str) -> Session | None:
        entry = self._entries.get(digest(token))
        if entry is None:
            return None
        cached_at, session = entry
        if time.monotonic() - cached_at > self.ttl or session.expires_at <= datetime.now(UTC):
            self._entries.pop(digest(token), None)
            return None
        return session

    def put(self, token: str, session: Session) -> None:
        if self.ttl <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()  # rare; every entry is cheap to look up again
        self._entries[digest(token)] = (time.monotonic(), session)

    def discard(self, token: str) -> None:
        self._entries.pop(digest(token), None)
