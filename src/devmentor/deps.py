"""Typed dependencies shared by every router."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from devmentor.kit.cache import CacheTiers
from devmentor.kit.errors import ServiceUnavailable
from devmentor.kit.events import EventBus
from devmentor.kit.platform import Platform
from devmentor.settings import Settings


def get_platform(request: Request) -> Platform:
    platform: Platform | None = getattr(request.app.state, "platform", None)
    if platform is None:
        raise ServiceUnavailable("DevMentor is starting up.")
    return platform


PlatformDep = Annotated[Platform, Depends(get_platform)]


def get_settings(platform: PlatformDep) -> Settings:
    return platform.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_cache(platform: PlatformDep) -> CacheTiers:
    return platform.cache


CacheDep = Annotated[CacheTiers, Depends(get_cache)]


def get_events(platform: PlatformDep) -> EventBus:
    return platform.events


EventsDep = Annotated[EventBus, Depends(get_events)]


async def get_session(platform: PlatformDep) -> AsyncIterator[AsyncSession]:
    # scope="function" (below) closes the unit of work when the endpoint returns, before
    # the response is sent: a failed commit becomes an error response, not a lie.
    async with platform.db.session() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def api_rate_limit(request: Request, platform: PlatformDep) -> None:
    """The default per-IP limit on every /api route."""
    if platform.api_limit is not None:
        await platform.limiter.check(platform.api_limit, client_ip(request), scope="api")
