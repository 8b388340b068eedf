"""Typed dependencies of the learning endpoints and pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from devmentor.ai.deps import GatewayDep
from devmentor.ai.prompting import PromptLibrary
from devmentor.curriculum.catalog import default_catalog
from devmentor.curriculum.similarity import get_similarity
from devmentor.deps import PlatformDep
from devmentor.learning.content import ContentService
from devmentor.learning.scheduling import ReviewScheduler
from devmentor.learning.service import LearningService

_PROMPTS = PromptLibrary()


def get_scheduler(request: Request, platform: PlatformDep) -> ReviewScheduler:
    # One per app: FSRS's scheduler is immutable configuration, cheap to share.
    scheduler: ReviewScheduler | None = getattr(request.app.state, "review_scheduler", None)
    if scheduler is None:
        settings = platform.settings.learning
        scheduler = ReviewScheduler(
            desired_retention=settings.desired_retention,
            maximum_interval_days=settings.max_review_interval_days,
            fuzz=settings.review_fuzz,
        )
        request.app.state.review_scheduler = scheduler
    return scheduler


def get_learning_service(
    platform: PlatformDep,
    gateway: GatewayDep,
    scheduler: Annotated[ReviewScheduler, Depends(get_scheduler)],
) -> LearningService:
    settings = platform.settings.learning
    catalog = default_catalog()
    content = ContentService(
        gateway,
        _PROMPTS,
        catalog,
        regenerate_attempts=settings.regenerate_attempts,
        similarity=get_similarity(),
    )
    return LearningService(
        platform.db, platform.cache, platform.events, content, catalog, settings, scheduler
    )


LearningServiceDep = Annotated[LearningService, Depends(get_learning_service)]
