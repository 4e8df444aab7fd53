from __future__ import annotations

from litestar import Controller, Response, get, post
from litestar.datastructures import Cookie
from litestar.exceptions import (
    NotAuthorizedException,
    PermissionDeniedException,
    TooManyRequestsException,
)

from chancy_web.auth import ratelimit
from chancy_web.auth.guards import SESSION_SCOPE_KEY, read_token, require_role
from chancy_web.auth.origins import origin_allowed
from chancy_web.auth.schemas import LoginRequest, LoginResponse, LogoutResponse, SessionInfo
from chancy_web.auth.sessions import create_session, revoke_session
from chancy_web.context import Ctx
from chancy_web.db import connect
from chancy_web.mount import mount_prefix
from chancy_web.types import AnyRequest
from chancy_web.validation import MAX_USERNAME_LENGTH


def _cookie(ctx: Ctx, request: AnyRequest, value: str, max_age: int) -> Cookie:
    return Cookie(
        key=ctx.settings.session_cookie,
        value=value,
        max_age=max_age,
        path=mount_prefix(request.scope) + "/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


async def log_in(
    request: AnyRequest,
    ctx: Ctx,
    data: LoginRequest,
) -> Response[LoginResponse]:
    """`POST /api/v1/login` (`chancy_web.CoreApiPlugin.login`): check the credentials under
    the rate limit, then start a new session."""
    if not origin_allowed(request):
        raise PermissionDeniedException("Cross-site login refused")
    client = request.client.host if request.client else "unknown"
    keys = ratelimit.limit_keys(ctx.settings, data.username, client)
    async with connect(ctx) as db:
        wait = await ratelimit.retry_after(db, ctx.chancy, ctx.settings, keys)
    if wait is not None:
        raise TooManyRequestsException(
            f"Too many failed logins; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    # No connection is held while argon2 works: it takes tens of milliseconds.
    plausible = data.username and data.password and len(data.username) <= MAX_USERNAME_LENGTH
    if not plausible or not await ctx.auth.login(request, data.username, data.password):
        async with connect(ctx) as db:
            await ratelimit.record_failure(db, ctx.chancy, keys)
        raise NotAuthorizedException("Invalid username or password")

    role = await ctx.auth.role_for(data.username)
    async with connect(ctx) as db:
        # Rotate: whatever session this client held before is revoked, never reused.
        previous = read_token(request, ctx.settings.session_cookie)
        if previous is not None:
            await revoke_session(db, ctx.chancy, previous[0])
            ctx.sessions.discard(previous[0])
            ctx.listener.end_session_of(previous[0])
        new = await create_session(db, ctx.chancy, ctx.settings, data.username, role)
    return Response(
        LoginResponse(
            token=new.token,
            csrf_token=new.csrf_token,
            username=data.username,
            role=role,
            expires_at=new.expires_at,
        ),
        cookies=[_cookie(ctx, request, new.token, ctx.settings.session_max_age_s)],
    )


class AuthController(Controller):
    path = "/"
    tags = ["auth"]

    @post(
        "/logout",
        operation_id="logout",
        summary="Log out; revokes the session and clears the cookie",
        status_code=200,
        security=[],
    )
    async def logout(
        self,
        request: AnyRequest,
        ctx: Ctx,
    ) -> Response[LogoutResponse]:
        found = read_token(request, ctx.settings.session_cookie)
        if found is not None:
            async with connect(ctx) as db:
                await revoke_session(db, ctx.chancy, found[0])
            ctx.sessions.discard(found[0])
            ctx.listener.end_session_of(found[0])
        await ctx.auth.logout(request)
        return Response(
            LogoutResponse(success=True), cookies=[_cookie(ctx, request, "", max_age=0)]
        )

    @get(
        "/session",
        operation_id="getSession",
        summary="Who is logged in, with which role, and the CSRF token for the cookie session",
        guards=[require_role],
        raises=[NotAuthorizedException],
    )
    async def get_session(self, request: AnyRequest) -> SessionInfo:
        session: SessionInfo = request.scope[SESSION_SCOPE_KEY]  # type: ignore[literal-required]
        return session
