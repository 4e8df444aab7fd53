from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from chancy_web.auth.roles import Role
from chancy_web.validation import NO_NUL


class User(msgspec.Struct, frozen=True, kw_only=True):
    username: str
    role: Role


class LoginRequest(msgspec.Struct, kw_only=True):
    # Unknown keys are ignored, as by chancy 0.26's web plugin and as the schema allows.
    #: At most `validation.MAX_USERNAME_LENGTH` characters, as the schema says; a longer one
    #: is a failed login, not a 400, so that it counts against the rate limits.
    username: Annotated[str, msgspec.Meta(pattern=NO_NUL)]
    password: Annotated[str, msgspec.Meta(pattern=NO_NUL)]


class LoginResponse(msgspec.Struct, kw_only=True):
    #: Send as `Authorization: Bearer <token>` from scripts; browsers use the cookie instead.
    token: str
    #: Send as the `X-CSRF-Token` header with unsafe requests authenticated by the cookie.
    csrf_token: str
    username: str
    role: Role
    expires_at: datetime


class SessionInfo(msgspec.Struct, kw_only=True):
    username: str
    role: Role
    #: None when the request is not authenticated by a session cookie.
    csrf_token: str | None
    expires_at: datetime | None


class LogoutResponse(msgspec.Struct, kw_only=True):
    success: bool
