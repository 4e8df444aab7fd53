"""Authentication backends: who may log in, and with which role."""

from __future__ import annotations

import abc
import logging
from collections.abc import Mapping
from typing import Any

from litestar import Request

from chancy_web.auth.passwords import hash_password, is_hash, verify_password
from chancy_web.auth.roles import Role
from chancy_web.auth.schemas import User
from chancy_web.types import AnyConnection

log = logging.getLogger("chancy_web")


class AuthBackend(abc.ABC):
    """Checks credentials and maps users to roles.

    `login` and `logout` keep chancy 0.26's web plugin's names and meaning. A backend that
    authenticates requests by other means (an SSO or reverse-proxy header) overrides
    `authenticate`; it is asked only when a request carries no session.
    """

    @abc.abstractmethod
    async def login(self, request: Request[Any, Any, Any], username: str, password: str) -> bool:
        """True if the credentials are valid."""

    async def logout(self, request: Request[Any, Any, Any]) -> None:  # noqa: B027 - optional hook
        """Called after the session of `request` has been revoked."""

    async def authenticate(self, connection: AnyConnection) -> User | None:
        """A user for a request without a session, or None to answer 401."""
        return None

    async def role_for(self, username: str) -> Role:
        """The role a user gets at login. Everyone is an admin unless a backend says otherwise,
        as in chancy 0.26's web plugin, which had no roles."""
        return Role.ADMIN


class SimpleAuthBackend(AuthBackend):
    """Users from a mapping of username to argon2 hash (made by `chancy-web hash-password`).

    A plain-text password is accepted for compatibility with chancy 0.26's web plugin: it is hashed
    at start-up, with a warning, and never kept. `roles` maps usernames to a role; users not in
    it are admins.
    """

    def __init__(
        self,
        users: Mapping[str, str],
        roles: Mapping[str, Role | str] | None = None,
    ) -> None:
        plain = sorted(name for name, secret in users.items() if not is_hash(secret))
        if plain:
            log.warning(
                "SimpleAuthBackend was given plain-text passwords for %s; they were hashed in "
                "memory. Store argon2 hashes from `chancy-web hash-password` instead.",
                ", ".join(plain),
            )
        self._hashes = {
            name: secret if is_hash(secret) else hash_password(secret)
            for name, secret in users.items()
        }
        self._roles = {name: Role(role) for name, role in (roles or {}).items()}
        unknown = set(self._roles) - set(self._hashes)
        if unknown:
            raise ValueError(f"roles given for unknown users: {', '.join(sorted(unknown))}")

    @property
    def users(self) -> Mapping[str, str]:
        """Usernames and their argon2 hashes."""
        return dict(self._hashes)

    async def login(self, request: Request[Any, Any, Any], username: str, password: str) -> bool:
        return await verify_password(self._hashes.get(username), password)

    async def role_for(self, username: str) -> Role:
        return self._roles.get(username, Role.ADMIN)


def check_backend(backend: object) -> AuthBackend:
    """`backend`, if it is an AuthBackend: chancy-web never starts without one."""
    if not isinstance(backend, AuthBackend):
        raise TypeError(
            "authentication_backend must be an AuthBackend, such as "
            "SimpleAuthBackend({'admin': '<argon2 hash from `chancy-web hash-password`>'})"
        )
    return backend
