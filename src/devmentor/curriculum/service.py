"""Read access to the shipped curriculum."""

from __future__ import annotations

from collections import Counter

from devmentor.curriculum import schemas
from devmentor.curriculum.catalog import Catalog
from devmentor.curriculum.model import Bloom, Skill
from devmentor.kit.errors import NotFound


def _per_level(skill: Skill) -> dict[str, int]:
    counts = Counter(q.bloom for q in skill.questions)
    return {level.value: counts[level] for level in Bloom}


class CurriculumService:
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def _summary(self, skill: Skill) -> schemas.SkillSummary:
        return schemas.SkillSummary(
            id=skill.id,
            title=skill.title,
            area=skill.area,
            summary=skill.summary,
            difficulty=skill.difficulty,
            prerequisites=list(skill.prerequisites),
            tags=list(skill.tags),
            questions_per_level=_per_level(skill),
        )

    def list_skills(self, *, area: str | None = None) -> schemas.SkillList:
        """Every skill, prerequisites before the skills that need them."""
        skills = [self._catalog.skills[sid] for sid in self._catalog.order()]
        if area is not None:
            skills = [s for s in skills if s.area == area]
        return schemas.SkillList(
            skills=[self._summary(s) for s in skills],
            areas=sorted({s.area for s in self._catalog.skills.values()}),
        )

    def get_skill(self, skill_id: str) -> schemas.SkillDetail:
        skill = self._catalog.skill(skill_id)
        if skill is None:
            raise NotFound(f"No skill {skill_id!r}.")
        summary = self._summary(skill)
        return schemas.SkillDetail(
            **summary.model_dump(),
            unlocks=self._catalog.dependents(skill.id),
            explanation=skill.explanation,
            examples=[schemas.ExampleOut(**e.model_dump()) for e in skill.examples],
            mistakes=list(skill.mistakes),
            reading=[schemas.ReadingOut(**r.model_dump()) for r in skill.reading],
            questions_per_type=dict(sorted(Counter(q.type for q in skill.questions).items())),
        )
