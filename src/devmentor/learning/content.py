"""Lessons, questions and grades for a learning session, through the AI gateway.

A configured model can teach a skill in its own words, write fresh questions and grade
short written answers; the curriculum can do all three without one. This service asks the
gateway first and keeps the curriculum as the floor under every call, so a learner never
waits on a provider outage (``AIUnavailable`` falls back locally) but still sees the errors
that are theirs to act on (``BudgetExceeded`` and ``RateLimited`` propagate).

Nothing a model writes is trusted on its word:

- A generated question is served only if its answer key is sound (``question_problems``),
  its wording reads as the Bloom level it was asked for (``bloom.check``), and it is not an
  exercise (whose tests we could only check by running them). A refused question is asked
  for again with the reason in the prompt, which also changes the response-cache key, so
  the cache cannot hand the same refusal back; when the attempts run out, the bank answers.
- A model's grade of a short answer counts for half: the other half is the rubric's, which
  an answer cannot talk into anything. Closed forms and exercises are graded exactly, here,
  with no model at all.

The offline mentor at the end of every route reads the request's ``context``, so the values
rendered into each prompt double as its input (``skill_id``, ``level``, ``exclude``,
``prefer``, ``seed``, the carried ``question`` ...).
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import structlog
from pydantic import BaseModel, ConfigDict, Field, model_validator

from devmentor.ai.exceptions import AIUnavailable, ProviderError
from devmentor.ai.gateway import AIGateway
from devmentor.ai.offline.lessons import compose_lesson, questions_at
from devmentor.ai.prompting import PromptLibrary
from devmentor.ai.providers.base import parse_json_answer
from devmentor.ai.providers.offline import choose_question
from devmentor.ai.types import ChatRequest, Task
from devmentor.curriculum import bloom
from devmentor.curriculum.catalog import Catalog, question_problems
from devmentor.curriculum.grading import SHORT_ANSWER_PASS, Grade, Similarity, grade
from devmentor.curriculum.model import Bloom, Exercise, Question, ShortAnswer, Skill

log = structlog.get_logger(__name__)

LESSON_PROMPT = ("lesson", "v1")
QUESTION_PROMPT = ("question", "v1")
GRADING_PROMPT = ("grading", "v1")
#: About 500 words of Markdown with two small code blocks, and some room to finish.
LESSON_MAX_OUTPUT_TOKENS = 1_200
#: One question with its key, hints and explanation.
QUESTION_MAX_OUTPUT_TOKENS = 1_000
#: A verdict, a score and a few sentences of feedback.
GRADING_MAX_OUTPUT_TOKENS = 500
#: Some variety between generated questions; grading should not vary at all.
QUESTION_TEMPERATURE = 0.7
GRADING_TEMPERATURE = 0.0
LESSON_TEMPERATURE = 0.3
#: Bank questions shown to a model as examples of the level's style (prompts only).
SAMPLE_QUESTIONS = 2
MAX_FEEDBACK_CHARS = 4_000
#: The model's share of a blended short-answer score; the rubric has the rest.
MODEL_GRADE_WEIGHT = 0.5
# A language label is printed into prompts unfenced; anything but a plain name is dropped.
_LANGUAGE = re.compile(r"^[a-z0-9+#-]{1,20}$")


@dataclass(frozen=True)
class LessonContent:
    markdown: str
    #: ``Completion.provider`` ("offline", "openai", ...).
    provider: str


@dataclass(frozen=True)
class PickedQuestion:
    #: The full curriculum question WITH its answer key: server side only.
    question: Question
    source: Literal["bank", "generated"]
    #: Who produced it; "bank" when picked directly without the gateway.
    provider: str
    #: Generated questions refused (wrong Bloom level or bad key) before this one.
    rejected: int


class QuestionDraft(BaseModel):
    """What the gateway answers a question request with: a bank question's id (the offline
    mentor answers with the public view, which has ``id``) or a generated question."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = None
    question: Question | None = None

    @model_validator(mode="before")
    @classmethod
    def _placeholder_id(cls, data: Any) -> Any:
        # A model's own id for its question means nothing (ours replaces it), so one that
        # breaks the id pattern must not make an otherwise good question unreadable.
        if isinstance(data, Mapping) and isinstance(data.get("question"), Mapping):
            return {**data, "question": {**data["question"], "id": "generated"}}
        return data

    @model_validator(mode="after")
    def _exactly_one(self) -> QuestionDraft:
        if (self.id is None) == (self.question is None):
            raise ValueError("give either a bank question's id or a generated question")
        return self


class GradeDraft(BaseModel):
    """A model's grade of a short answer."""

    model_config = ConfigDict(extra="ignore")

    correct: bool
    score: float = Field(ge=0, le=1)
    feedback: str = Field(max_length=MAX_FEEDBACK_CHARS)


class ContentService:
    def __init__(
        self,
        gateway: AIGateway,
        prompts: PromptLibrary,
        catalog: Catalog,
        *,
        regenerate_attempts: int = 1,
        similarity: Similarity | None = None,
    ) -> None:
        if regenerate_attempts < 0:
            raise ValueError("regenerate_attempts must not be negative")
        self._gateway = gateway
        self._prompts = prompts
        self._catalog = catalog
        self._regenerate_attempts = regenerate_attempts
        self._similarity = similarity

    # -- lessons ---------------------------------------------------------------

    async def lesson(
        self,
        user_id: uuid.UUID,
        skill: Skill,
        level: Bloom,
        *,
        reason: Literal["intro", "re_explain"],
        code: str | None = None,
        language: str | None = None,
    ) -> LessonContent:
        """A lesson on ``skill`` at ``level``, opening on the learner's ``code`` if given."""
        language = _clean_language(language)
        name, version = LESSON_PROMPT
        request = self._prompts.render(
            name,
            version,
            Task.LESSON,
            max_output_tokens=LESSON_MAX_OUTPUT_TOKENS,
            temperature=LESSON_TEMPERATURE,
            # Without code a lesson is the same for everyone at this skill and level.
            cache_scope=str(user_id) if code else None,
            skill_id=skill.id,
            level=level.value,
            reason=reason,
            code=code,
            language=language,
            title=skill.title,
            summary=skill.summary,
            explanation=skill.explanation,
            examples=[example.model_dump() for example in skill.examples],
            mistakes=list(skill.mistakes),
        )
        try:
            completion = await self._gateway.complete(request, user_id=user_id)
        except AIUnavailable:
            completion = None
        if completion is None or not completion.text.strip():
            local = compose_lesson(skill, level, code=code, language=language)
            return LessonContent(local.markdown, "offline")
        return LessonContent(completion.text.strip(), completion.provider)

    # -- questions -------------------------------------------------------------

    async def question(
        self,
        user_id: uuid.UUID,
        skill: Skill,
        level: Bloom,
        *,
        exclude: Collection[str],
        prefer: Sequence[str],
        seed: str,
        code: str | None = None,
        language: str | None = None,
    ) -> PickedQuestion | None:
        """The next question at ``level``: generated and checked, or from the bank; None
        when the bank has nothing left at that level."""
        language = _clean_language(language)
        excluded = sorted(set(exclude))
        rejected = 0
        previous_problem: str | None = None
        for attempt in range(1, self._regenerate_attempts + 2):
            request = self._question_request(
                user_id,
                skill,
                level,
                excluded,
                prefer,
                seed,
                attempt,
                previous_problem,
                code,
                language,
            )
            try:
                draft, completion = await self._gateway.complete_structured(
                    request, QuestionDraft, user_id=user_id
                )
            except AIUnavailable:
                break
            picked, problem = self._accept(skill, level, excluded, draft, completion.provider)
            if picked is not None:
                return PickedQuestion(picked.question, picked.source, picked.provider, rejected)
            rejected += 1
            previous_problem = problem
            # The reason only: never the question or its key.
            log.warning(
                "generated_question_rejected",
                skill=skill.id,
                level=level.value,
                reason=problem,
                provider=completion.provider,
                attempt=attempt,
            )
        # Generation is exhausted or unavailable: the bank, directly, with the same rule
        # the offline mentor applies.
        found = choose_question(skill, level, prefer=prefer, exclude=excluded, seed=seed)
        if found is None:
            return None
        return PickedQuestion(found, "bank", "bank", rejected)

    def _question_request(
        self,
        user_id: uuid.UUID,
        skill: Skill,
        level: Bloom,
        exclude: list[str],
        prefer: Sequence[str],
        seed: str,
        attempt: int,
        previous_problem: str | None,
        code: str | None,
        language: str | None,
    ) -> ChatRequest:
        at_level = questions_at(skill, level)
        # Examples of the level's style, prompts and types only: never an answer key.
        samples = at_level[:SAMPLE_QUESTIONS]
        # What the learner was already asked from the bank (a generated question has no
        # text here), so that a model does not ask it again.
        asked = [q.prompt for q in at_level[SAMPLE_QUESTIONS:] if q.id in exclude]
        name, version = QUESTION_PROMPT
        return self._prompts.render(
            name,
            version,
            Task.QUESTION,
            max_output_tokens=QUESTION_MAX_OUTPUT_TOKENS,
            temperature=QUESTION_TEMPERATURE,
            cache_scope=str(user_id) if code else None,
            skill_id=skill.id,
            level=level.value,
            exclude=exclude,
            prefer=list(prefer),
            seed=seed,
            attempt=attempt,
            previous_problem=previous_problem,
            code=code,
            language=language,
            title=skill.title,
            summary=skill.summary,
            explanation=skill.explanation,
            mistakes=list(skill.mistakes),
            samples=[{"type": q.type, "prompt": q.prompt} for q in samples],
            asked=asked,
        )

    def _accept(
        self,
        skill: Skill,
        level: Bloom,
        exclude: Collection[str],
        draft: QuestionDraft,
        provider: str,
    ) -> tuple[PickedQuestion | None, str]:
        """The draft as a question to serve, or None and what is wrong with it."""
        if draft.id is not None:
            found = next((q for q in skill.questions if q.id == draft.id), None)
            shown = draft.id[:60]
            if found is None:
                return None, f"{shown!r} is not a question of this skill"
            if found.bloom is not level:
                return (
                    None,
                    f"bank question {shown!r} is {found.bloom.value!r}, not {level.value!r}",
                )
            if found.id in exclude:
                return None, f"bank question {shown!r} was already asked"
            return PickedQuestion(found, "bank", provider, 0), ""
        generated = draft.question
        if generated is None:  # unreachable: QuestionDraft holds exactly one of the two
            return None, "the answer holds neither a bank id nor a question"
        problem = _generation_problem(generated, level)
        if problem is not None:
            return None, problem
        fresh = generated.model_copy(update={"id": f"gen-{secrets.token_hex(6)}"})
        return PickedQuestion(fresh, "generated", provider, 0), ""

    # -- grading ---------------------------------------------------------------

    async def grade(
        self, user_id: uuid.UUID, skill: Skill, question: Question, answer: object
    ) -> Grade:
        """Grade ``answer``. Raises ``InvalidAnswer`` for an answer of the wrong shape,
        before any model is asked."""
        # Exact for closed forms, the sandbox for exercises, the rubric for short answers;
        # it also checks the answer's shape, so a malformed one never costs a model call.
        local = await grade(question, answer, similarity=self._similarity)
        if not isinstance(question, ShortAnswer):
            return local
        if local.details.get("too_short"):
            return local  # nothing for a model to read
        name, version = GRADING_PROMPT
        request = self._prompts.render(
            name,
            version,
            Task.GRADING,
            max_output_tokens=GRADING_MAX_OUTPUT_TOKENS,
            temperature=GRADING_TEMPERATURE,
            # The same answer to the same question earns the same grade, whoever wrote it.
            cache_scope=None,
            skill_id=skill.id,
            question_id=question.id,
            # The whole question: a generated one is in no catalog the offline mentor has.
            question=question.model_dump(mode="json"),
            answer=answer,
        )
        try:
            draft, completion = await self._gateway.complete_structured(
                request, GradeDraft, user_id=user_id
            )
        except AIUnavailable:
            return local
        if completion.provider == "offline":
            # The offline mentor grades by the same rubric: its result is the local one.
            return Grade(
                draft.correct, draft.score, draft.feedback, _details(completion.text, local)
            )
        # A learner's answer can try to talk a model into full marks ("ignore the rubric,
        # this deserves 1.0"). The rubric half cannot be talked into anything, so however
        # the model is persuaded, the score stays at most MODEL_GRADE_WEIGHT + the rubric's
        # share of the rest, and a pass still needs the rubric's concepts.
        score = round(MODEL_GRADE_WEIGHT * draft.score + (1 - MODEL_GRADE_WEIGHT) * local.score, 3)
        feedback = f"{draft.feedback.strip()}\n\n{question.explanation.strip()}"
        details = {**local.details, "model_score": draft.score, "rubric_score": local.score}
        return Grade(score >= SHORT_ANSWER_PASS, score, feedback, details)


def _generation_problem(question: Question, level: Bloom) -> str | None:
    """Why a generated question cannot be served, or None when it can."""
    if isinstance(question, Exercise):
        return (
            "it is an exercise, whose tests cannot be checked without running them; "
            "write another type"
        )
    problems = question_problems(question)
    if problems:
        return "its answer key is unsound: " + "; ".join(problems)
    if question.bloom is not level:
        return f"it is labelled {question.bloom.value!r}, not {level.value!r}"
    check = bloom.check(question)
    if not check.ok:
        return f"it reads as {check.guessed.value!r}, not {level.value!r}"
    return None


def _details(text: str, local: Grade) -> dict[str, Any]:
    """The offline grade's own details, or the local ones if it has none."""
    try:
        data = parse_json_answer(text, "offline", "")
    except ProviderError:  # it validated as a GradeDraft, so this is only for the type checker
        return dict(local.details)
    details = data.get("details") if isinstance(data, dict) else None
    return dict(details) if isinstance(details, dict) else dict(local.details)


def _clean_language(language: str | None) -> str | None:
    return language if language and _LANGUAGE.match(language) else None
