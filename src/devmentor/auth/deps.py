"""Typed dependencies: the auth service, and who is calling.

``CurrentUser`` accepts a bearer token (API clients) or the access cookie (the browser;
then unsafe methods must pass the CSRF check). ``OptionalUser`` is the same but lets
anonymous callers through; ``AdminUser`` also requires the admin role.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from devmentor.auth import cookies
from devmentor.auth.exceptions import NotSignedIn
from devmentor.auth.runtime import AuthRuntime
from devmentor.auth.service import AuthService, ClientInfo, Principal
from devmentor.deps import PlatformDep, SessionDep, client_ip
from devmentor.kit.errors import Forbidden, ServiceUnavailable


def get_auth_runtime(request: Request) -> AuthRuntime:
    runtime: AuthRuntime | None = getattr(request.app.state, "auth_runtime", None)
    if runtime is None:
        raise ServiceUnavailable("DevMentor is starting up.")
    return runtime


AuthRuntimeDep = Annotated[AuthRuntime, Depends(get_auth_runtime)]


def get_auth_service(
    session: SessionDep, platform: PlatformDep, runtime: AuthRuntimeDep
) -> AuthService:
    return AuthService(session, platform.cache, platform.limiter, runtime)


AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]


def get_client_info(request: Request) -> ClientInfo:
    return ClientInfo(ip=client_ip(request), user_agent=request.headers.get("user-agent", ""))


ClientInfoDep = Annotated[ClientInfo, Depends(get_client_info)]

bearer_scheme = HTTPBearer(
    auto_error=False,
    bearerFormat="JWT",
    description="An access token from POST /api/auth/login or /api/auth/refresh.",
)


async def optional_principal(
    request: Request,
    service: AuthServiceDep,
    runtime: AuthRuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal | None:
    if credentials is not None:
        return await service.authenticate_access(credentials.credentials)
    token = cookies.read_cookie(request, cookies.ACCESS, runtime)
    if token is None:
        return None
    principal = await service.authenticate_access(token)
    if request.method not in cookies.SAFE_METHODS:
        cookies.verify_csrf(request, runtime, request.headers.get(cookies.CSRF_HEADER))
    request.state.auth_via_cookie = True
    return principal


OptionalUser = Annotated[Principal | None, Depends(optional_principal)]


async def require_principal(principal: OptionalUser) -> Principal:
    if principal is None:
        raise NotSignedIn("Sign in first: send a bearer access token or the session cookie.")
    return principal


CurrentUser = Annotated[Principal, Depends(require_principal)]


async def require_admin(principal: CurrentUser) -> Principal:
    if not principal.is_admin:
        raise Forbidden("This needs an administrator.")
    return principal


AdminUser = Annotated[Principal, Depends(require_admin)]
