"""Typed dependencies of the curriculum endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from devmentor.curriculum.catalog import default_catalog
from devmentor.curriculum.service import CurriculumService


def get_curriculum_service() -> CurriculumService:
    return CurriculumService(default_catalog())


CurriculumServiceDep = Annotated[CurriculumService, Depends(get_curriculum_service)]
