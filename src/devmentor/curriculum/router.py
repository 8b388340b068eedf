"""``/api/curriculum/*``: the skill graph and what each skill teaches (no answer keys)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from devmentor.curriculum import schemas
from devmentor.curriculum.deps import CurriculumServiceDep
from devmentor.curriculum.model import AREAS

router = APIRouter(prefix="/curriculum", tags=["curriculum"])


@router.get("/skills", summary="Every skill, prerequisites first")
async def list_skills(
    service: CurriculumServiceDep,
    area: Annotated[str | None, Query(pattern="^(" + "|".join(AREAS) + ")$")] = None,
) -> schemas.SkillList:
    return service.list_skills(area=area)


@router.get("/skills/{skill_id}", summary="One skill: lesson material and question counts")
async def get_skill(
    service: CurriculumServiceDep,
    skill_id: Annotated[str, Path(max_length=80, pattern=r"^[a-z0-9.-]+$")],
) -> schemas.SkillDetail:
    return service.get_skill(skill_id)
