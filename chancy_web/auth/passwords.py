"""argon2id password hashing, with the same cost for unknown users as for known ones."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import secrets
import sys

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2id with OWASP's recommended cost (19 MiB, 2 passes): each verification would
# otherwise take 64 MiB of memory on a web process that is ~60 MB at rest. Hashes made with
# other parameters still verify: they are stored in the hash.
_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)


def _return_large_allocations_to_the_os() -> None:
    """Each verification allocates argon2's 19 MiB and frees it. glibc raises its mmap
    threshold after such a free, serves the next ones from the heap and keeps that memory:
    one login would grow the process by 19 MiB for good. A fixed threshold keeps every large
    allocation a mapping that free() returns (measured: +19.6 MiB resident without, +0.6 with)."""
    if sys.platform != "linux":
        return
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, 1 << 20)


_M_MMAP_THRESHOLD = -3
_return_large_allocations_to_the_os()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def is_hash(value: str) -> bool:
    return value.startswith("$argon2")


@functools.cache
def _dummy_hash() -> str:
    # Verified against when the user is unknown, so that a miss costs what a hit costs and
    # response times do not reveal which usernames exist.
    return hash_password(secrets.token_urlsafe(16))


def _verify(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(stored_hash: str | None, password: str) -> bool:
    """True if `password` matches `stored_hash`; a None hash always costs one verification.

    Runs in a thread: argon2 takes tens of milliseconds of CPU and would stall the event loop.
    """
    return await anyio.to_thread.run_sync(_verify, stored_hash, password)
