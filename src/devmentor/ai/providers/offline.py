"""The offline mentor as a provider: always there, free, and the end of every route.

It answers from the structured ``context`` of a request, never from the rendered prompt,
and never sends anything anywhere:

- ``mentor_answer`` / ``hint`` with ``question`` (+ ``code``, ``language``, ``mode``): the
  offline mentor's answer;
- ``lesson`` with ``skill_id`` and ``level`` (+ the learner's ``code``): the curriculum's
  lesson for that Bloom level, anchored to the learner's code when it shows the pattern;
- ``question`` with ``skill_id``, ``level`` (+ ``exclude``, ``prefer``, ``seed``): a
  question from the bank as JSON, without its answer key. The first id of ``prefer`` at
  that level and not excluded wins (the learning service prefers questions due for
  review, say); otherwise the pick is random but fixed by the seed;
- ``hint`` with ``skill_id``, ``question_id`` (+ ``number``): the question's next hint;
- ``grading`` with ``skill_id``, ``question_id`` and ``answer``: the grade as JSON
  (exact for closed forms, the sandbox for exercises, rubric plus semantic similarity
  for short answers).

``grading`` and ``hint`` may also carry the whole ``question`` (a dict, answer key
included): a question a model generated is in no catalog, so it travels with the request.
It is validated as a curriculum question; a malformed one is a ``bad_request``.

Anything else answers ``unsupported``, which the gateway treats like any other failed hop.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Iterable, Mapping
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from devmentor.ai.exceptions import ProviderError
from devmentor.ai.offline import OfflineMentor
from devmentor.ai.offline.lessons import compose_lesson, hint, pick_question, public_question
from devmentor.ai.pricing import estimate_tokens
from devmentor.ai.types import (
    ChatRequest,
    ProviderResponse,
    StreamDelta,
    StreamEnd,
    StreamEvent,
    Task,
    Usage,
)
from devmentor.curriculum.catalog import Catalog, default_catalog
from devmentor.curriculum.grading import InvalidAnswer, grade
from devmentor.curriculum.model import Bloom, Question, Skill
from devmentor.curriculum.similarity import get_similarity

OFFLINE_MODEL = "offline-mentor-1"
_QUESTION: TypeAdapter[Question] = TypeAdapter(Question)
# Inspecting more code than this takes long enough (a few ms) to move off the event loop.
_THREAD_THRESHOLD_CHARS = 4_000


def choose_question(
    skill: Skill,
    level: Bloom,
    *,
    prefer: Iterable[str] = (),
    exclude: Iterable[str] = (),
    seed: int | str | None = None,
) -> Question | None:
    """The first question of ``prefer`` at ``level`` not in ``exclude``; else a seeded
    pick among the rest at that level (None when every one was asked). Shared with the
    learning service's own fallback, so both pick the same way."""
    asked = set(exclude)
    at_level = {q.id: q for q in skill.questions if q.bloom is level and q.id not in asked}
    for question_id in prefer:
        if question_id in at_level:
            return at_level[question_id]
    return pick_question(skill, level, exclude=asked, seed=seed)


def _carried(context: Mapping[str, Any]) -> bool:
    # A mentor hint's ``question`` is the learner's text; a question to grade is a dict.
    return isinstance(context.get("question"), Mapping)


class OfflineProvider:
    name = "offline"
    metered = False
    cacheable = False
    in_process = True

    def __init__(self, mentor: OfflineMentor | None = None, catalog: Catalog | None = None) -> None:
        self._mentor = mentor or OfflineMentor()
        self._catalog = catalog

    async def aclose(self) -> None:
        pass

    def _unsupported(self, model: str, what: str) -> ProviderError:
        return ProviderError(
            "unsupported", f"the offline mentor cannot {what}", provider=self.name, model=model
        )

    async def complete(
        self, model: str, request: ChatRequest, *, time_limit: float
    ) -> ProviderResponse:
        context = request.context
        if request.task is Task.LESSON and "skill_id" in context:
            text = await self._lesson(model, context, time_limit)
        elif request.task is Task.QUESTION and "skill_id" in context:
            text = self._question(model, context)
        elif request.task is Task.GRADING and ("question_id" in context or _carried(context)):
            text = await self._grade(model, context)
        elif request.task is Task.HINT and ("question_id" in context or _carried(context)):
            text = self._hint(model, context)
        elif request.task in (Task.MENTOR_ANSWER, Task.HINT) and request.json_schema is None:
            text = await self._answer(context, time_limit)
        else:
            raise self._unsupported(model, f"do {request.task.value!r} from this request")
        inputs = " ".join(str(v) for v in context.values())
        usage = Usage(estimate_tokens(inputs), estimate_tokens(text))
        return ProviderResponse(text, usage, OFFLINE_MODEL, "stop")

    def _skill(self, model: str, context: Mapping[str, Any]) -> tuple[Skill, Bloom]:
        catalog = self._catalog or default_catalog()
        skill = catalog.skill(str(context["skill_id"]))
        level_name = str(context.get("level", "understand"))
        if skill is None or level_name not in {b.value for b in Bloom}:
            raise ProviderError(
                "bad_request", "unknown skill or Bloom level", provider=self.name, model=model
            )
        return skill, Bloom(level_name)

    async def _lesson(self, model: str, context: Mapping[str, Any], time_limit: float) -> str:
        skill, level = self._skill(model, context)
        code = str(context["code"]) if context.get("code") else None
        language = str(context["language"]) if context.get("language") else None

        def compose() -> str:
            return compose_lesson(skill, level, code=code, language=language).markdown

        if code and len(code) > _THREAD_THRESHOLD_CHARS:
            return await asyncio.wait_for(asyncio.to_thread(compose), time_limit)
        return compose()

    def _question(self, model: str, context: Mapping[str, Any]) -> str:
        skill, level = self._skill(model, context)
        exclude = [str(q) for q in context.get("exclude") or ()]
        prefer = [str(q) for q in context.get("prefer") or ()]
        seed = str(context.get("seed", "")) or None
        question = choose_question(skill, level, prefer=prefer, exclude=exclude, seed=seed)
        if question is None:
            raise ProviderError(
                "bad_request",
                f"no unasked {level.value} question left for {skill.id}",
                provider=self.name,
                model=model,
            )
        return json.dumps({"skill_id": skill.id, **public_question(question, seed=seed or 0)})

    def _find_question(self, model: str, context: Mapping[str, Any]) -> Question:
        carried = context.get("question")
        if isinstance(carried, Mapping):
            try:
                return _QUESTION.validate_python(dict(carried))
            except ValidationError as exc:
                raise ProviderError(
                    "bad_request",
                    f"the question is not a valid curriculum question: {exc.error_count()} errors",
                    provider=self.name,
                    model=model,
                ) from exc
        skill, _ = self._skill(model, context)
        question = next((q for q in skill.questions if q.id == context["question_id"]), None)
        if question is None:
            raise ProviderError("bad_request", "unknown question", provider=self.name, model=model)
        return question

    def _hint(self, model: str, context: Mapping[str, Any]) -> str:
        question = self._find_question(model, context)
        number = context.get("number", 1)
        text = hint(question, number if isinstance(number, int) else 1)
        if text is None:
            return (
                "No more hints for this one. Reread the question, try an answer, and the "
                "feedback will explain the rest."
            )
        return text

    async def _grade(self, model: str, context: Mapping[str, Any]) -> str:
        question = self._find_question(model, context)
        try:
            result = await grade(question, context.get("answer"), similarity=get_similarity())
        except InvalidAnswer as exc:
            raise ProviderError("bad_request", str(exc), provider=self.name, model=model) from exc
        return json.dumps(
            {
                "correct": result.correct,
                "score": round(result.score, 4),
                "feedback": result.feedback,
                "details": result.details,
            }
        )

    async def _answer(self, context: Mapping[str, Any], time_limit: float) -> str:
        question = str(context.get("question") or "")
        code = context.get("code")
        language = context.get("language")
        mode: Literal["hint", "solution"] = (
            "solution" if context.get("mode") == "solution" else "hint"
        )

        def answer() -> str:
            return self._mentor.answer(
                question,
                code=str(code) if code else None,
                language=str(language) if language else None,
                mode=mode,
            ).text

        if code and len(str(code)) > _THREAD_THRESHOLD_CHARS:
            return await asyncio.wait_for(asyncio.to_thread(answer), time_limit)
        return answer()

    async def stream(
        self, model: str, request: ChatRequest, *, time_limit: float
    ) -> AsyncGenerator[StreamEvent, None]:
        response = await self.complete(model, request, time_limit=time_limit)
        # Paragraph by paragraph, so a streaming client renders it the way it renders others.
        paragraphs = response.text.split("\n\n")
        for index, paragraph in enumerate(paragraphs):
            yield StreamDelta(paragraph if index == len(paragraphs) - 1 else paragraph + "\n\n")
        yield StreamEnd(response.usage, response.finish_reason)
