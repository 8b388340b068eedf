"""Typed dependencies of the AI endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from devmentor.ai.gateway import AIGateway
from devmentor.ai.prompting import PromptLibrary
from devmentor.ai.service import MentorService, UsageReports
from devmentor.deps import CacheDep, SessionDep
from devmentor.kit.errors import ServiceUnavailable

_PROMPTS = PromptLibrary()


def get_gateway(request: Request) -> AIGateway:
    gateway: AIGateway | None = getattr(request.app.state, "ai_gateway", None)
    if gateway is None:
        raise ServiceUnavailable("DevMentor is starting up.")
    return gateway


GatewayDep = Annotated[AIGateway, Depends(get_gateway)]


def get_mentor_service(gateway: GatewayDep, cache: CacheDep) -> MentorService:
    return MentorService(gateway, cache, _PROMPTS)


MentorServiceDep = Annotated[MentorService, Depends(get_mentor_service)]


def get_usage_reports(session: SessionDep) -> UsageReports:
    return UsageReports(session)


UsageReportsDep = Annotated[UsageReports, Depends(get_usage_reports)]
