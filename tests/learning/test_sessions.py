"""The learning loop through the HTTP API, on SQLite and PostgreSQL, offline mentor."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

from sqlalchemy import delete, func, select, update

from devmentor.learning.models import (
    Achievement,
    LearningResponse,
    LearningStep,
    ReviewCard,
    SkillProgress,
)
from tests.learning.conftest import (
    ROOT_SKILL,
    LearningApp,
    StartLearning,
    bank_question,
    right_answer,
)

KEY_FIELDS = {"answer", "answers", "answer_lines", "solution", "tests", "rubric", "reference"}
LOCKED_SKILL = "python.mutable-default-arguments"


async def _count(app: LearningApp, model: Any) -> int:
    async with app.platform.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def _no_keys(step: dict[str, Any]) -> None:
    assert not set(step["question"]) & KEY_FIELDS
    question = bank_question(step["skill"]["id"], step["question"]["id"])
    assert step["question"]["prompt"] == question.prompt


async def test_the_whole_loop_start_answer_right_and_wrong_complete(
    start_learning: StartLearning,
) -> None:
    async with start_learning() as app:
        _, headers = await app.user("ada")
        session = await app.start(headers)
        assert session["kind"] == "learn"
        assert session["skill"]["id"] == ROOT_SKILL
        step = session["current_step"]
        assert step["position"] == 1
        assert step["bloom"] == "remember"
        assert step["lesson"]["reason"] == "intro"
        assert step["lesson"]["provider"] == "offline"
        assert step["lesson"]["html"].startswith("<h3>")
        _no_keys(step)

        again = await app.client.get(f"/api/learning/sessions/{session['id']}", headers=headers)
        assert again.status_code == 200
        assert again.json()["current_step"]["id"] == step["id"]

        right = await app.answer(headers, session, step, right=True)
        assert right["score"] == 1.0
        assert right["mastery"] > session["mastery"]
        assert right["level_change"] == "up"
        assert right["level"] == "understand"
        assert right["next_step"]["position"] == 2
        assert right["next_step"]["bloom"] == "understand"
        assert right["answered"] == 1
        assert right["correct_count"] == 1
        _no_keys(right["next_step"])

        wrong = await app.answer(headers, session, right["next_step"], right=False)
        assert wrong["mastery"] < right["mastery"]
        assert wrong["level_change"] == "same"
        assert wrong["feedback"]
        assert wrong["answered"] == 2
        assert wrong["correct_count"] == 1

        progress = (await app.client.get("/api/learning/progress", headers=headers)).json()
        entry = next(s for s in progress["skills"] if s["skill"]["id"] == ROOT_SKILL)
        assert entry["state"] == "in_progress"
        assert entry["attempts"] == 2
        assert entry["accuracy"] == 0.5
        assert entry["levels_passed"] == ["remember"]
        assert entry["mastery"] == wrong["mastery"]
        assert entry["active_session"] == session["id"]
        assert progress["overall"]["answered"] == 2
        assert progress["overall"]["streak_days"] == 1
        assert [p["correct"] for p in progress["history"]] == [True, False]
        assert progress["next"]["action"] == "resume"

        done = await app.client.post(
            f"/api/learning/sessions/{session['id']}/complete", headers=headers
        )
        assert done.status_code == 200
        summary = done.json()
        assert summary["session"]["status"] == "completed"
        assert summary["session"]["end_reason"] == "completed"
        assert summary["session"]["current_step"] is None
        assert summary["mastery_after"] == wrong["mastery"]
        assert [a["code"] for a in summary["achievements"]] == ["first-session"]
        # Completing twice is harmless; answering a completed session is not allowed.
        assert (
            await app.client.post(
                f"/api/learning/sessions/{session['id']}/complete", headers=headers
            )
        ).status_code == 200
        pending = right["next_step"]
        late = await app.client.post(
            f"/api/learning/sessions/{session['id']}/responses",
            json={"question_id": pending["question"]["id"], "answer": 0},
            headers=headers,
        )
        assert late.status_code == 409
        assert late.headers["content-type"].startswith("application/problem+json")


async def test_a_restart_mid_session_loses_nothing_and_the_session_resumes(
    start_learning: StartLearning,
) -> None:
    async with start_learning() as app:
        _, headers = await app.user("grace")
        session = await app.start(headers)
        result = await app.answer(headers, session, session["current_step"], right=True)
        pending = result["next_step"]
    async with start_learning() as app:  # same data dir and database, new process state
        from tests.auth.conftest import bearer, login

        headers = bearer((await login(app.client, "grace"))["access_token"])
        resumed = (
            await app.client.get(f"/api/learning/sessions/{session['id']}", headers=headers)
        ).json()
        assert resumed["current_step"]["id"] == pending["id"]
        assert resumed["answered"] == 1
        assert resumed["mastery"] == result["mastery"]
        assert resumed["steps"][0]["response"]["correct"] is True
        await app.answer(headers, resumed, resumed["current_step"], right=True)


async def test_a_crash_between_the_answer_and_the_next_question_is_repaired_on_read(
    start_learning: StartLearning,
) -> None:
    async with start_learning() as app:
        _, headers = await app.user("linus")
        session = await app.start(headers)
        result = await app.answer(headers, session, session["current_step"], right=True)
        # As if the process died after committing the answer, before the next question.
        async with app.platform.db.session() as db:
            await db.execute(
                delete(LearningStep).where(LearningStep.id == uuid.UUID(result["next_step"]["id"]))
            )
        await app.platform.cache.delete(f"learning:session:{session['id']}")
        repaired = (
            await app.client.get(f"/api/learning/sessions/{session['id']}", headers=headers)
        ).json()
        assert repaired["current_step"]["position"] == 2
        assert repaired["current_step"]["bloom"] == "understand"
        assert repaired["answered"] == 1


async def test_bad_input_gets_a_clear_4xx_and_records_nothing(
    start_learning: StartLearning,
) -> None:
    async with start_learning() as app:
        _, ada = await app.user("ada")
        _, eve = await app.user("eve")
        session = await app.start(ada)
        sid = session["id"]
        step = session["current_step"]
        url = f"/api/learning/sessions/{sid}"

        async def post(path: str, body: Any, headers: dict[str, str]) -> Any:
            return await app.client.post(url + path, json=body, headers=headers)

        # Another user's session: 404 everywhere, as for an unknown id.
        assert (await app.client.get(url, headers=eve)).status_code == 404
        ok = right_answer(bank_question(ROOT_SKILL, step["question"]["id"]))
        for path, body in [
            ("/responses", {"question_id": step["question"]["id"], "answer": ok}),
            ("/hints", {"question_id": step["question"]["id"]}),
            ("/complete", None),
        ]:
            response = await post(path, body, eve)
            assert response.status_code == 404, path
            assert response.json()["code"] == "session_not_found"
        unknown = await app.client.get(f"/api/learning/sessions/{uuid.uuid4()}", headers=ada)
        assert unknown.status_code == 404

        other = next(q for q in bank_question_ids() if q != step["question"]["id"])
        response = await post("/responses", {"question_id": other, "answer": 0}, ada)
        assert response.status_code == 422
        assert response.json()["code"] == "question_not_in_session"

        huge = await post(
            "/responses", {"question_id": step["question"]["id"], "answer": "x" * 100_001}, ada
        )
        assert huge.status_code == 422
        assert huge.headers["content-type"].startswith("application/problem+json")
        shape = await post(
            "/responses", {"question_id": step["question"]["id"], "answer": {"a": 1}}, ada
        )
        assert shape.status_code == 422
        wrong_shape = await post(
            "/responses", {"question_id": step["question"]["id"], "answer": 99}, ada
        )
        assert wrong_shape.status_code == 422
        assert wrong_shape.json()["code"] in {"invalid_answer", "validation_failed"}
        extra = await post(
            "/responses", {"question_id": step["question"]["id"], "answer": ok, "x": 1}, ada
        )
        assert extra.status_code == 422
        assert await _count(app, LearningResponse) == 0

        unknown_skill = await app.client.post(
            "/api/learning/sessions", json={"skill_id": "python.nope"}, headers=ada
        )
        assert unknown_skill.status_code == 422
        assert unknown_skill.json()["code"] == "unknown_skill"
        locked = await app.client.post(
            "/api/learning/sessions", json={"skill_id": LOCKED_SKILL}, headers=ada
        )
        assert locked.status_code == 409
        assert locked.json()["missing_prerequisites"] == [ROOT_SKILL]
        no_auth = await app.client.post("/api/learning/sessions", json={"skill_id": ROOT_SKILL})
        assert no_auth.status_code == 401

        # Now a real answer, then the same one again.
        first = await post("/responses", {"question_id": step["question"]["id"], "answer": ok}, ada)
        assert first.status_code == 200
        again = await post("/responses", {"question_id": step["question"]["id"], "answer": ok}, ada)
        assert again.status_code == 409
        assert again.json()["code"] == "already_answered"
        assert await _count(app, LearningResponse) == 1


def bank_question_ids() -> list[str]:
    from devmentor.curriculum.catalog import default_catalog

    skill = default_catalog().skill(ROOT_SKILL)
    assert skill is not None
    return [q.id for q in skill.questions]


async def test_starting_a_started_skill_resumes_its_session(start_learning: StartLearning) -> None:
    async with start_learning() as app:
        _, headers = await app.user("ada")
        first = await app.start(headers)
        again = await app.client.post(
            "/api/learning/sessions", json={"skill_id": ROOT_SKILL}, headers=headers
        )
        assert again.status_code == 200
        assert again.json()["id"] == first["id"]


async def test_success_climbs_bloom_and_repeated_failure_steps_down_and_re_explains(
    start_learning: StartLearning,
) -> None:
    async with start_learning() as app:
        _, headers = await app.user("ada")
        session = await app.start(headers)
        step = session["current_step"]
        levels = []
        for _ in range(3):
            result = await app.answer(headers, session, step, right=True)
            levels.append(result["level"])
            step = result["next_step"]
        assert levels == ["understand", "apply", "analyze"]
        assert step["bloom"] == "analyze"
        first = await app.answer(headers, session, step, right=False)
        assert first["level_change"] == "same"
        assert first["next_step"]["lesson"] is None
        second = await app.answer(headers, session, first["next_step"], right=False)
        assert second["level_change"] == "down"
        assert second["level"] == "apply"
        re_explained = second["next_step"]
        assert re_explained["bloom"] == "apply"
        assert re_explained["lesson"]["reason"] == "re_explain"
        comeback = await app.answer(headers, session, re_explained, right=True)
        assert "comeback" in [a["code"] for a in comeback["achievements"]]
        # Questions are never repeated within a session.
        view = (
            await app.client.get(f"/api/learning/sessions/{session['id']}", headers=headers)
        ).json()
        ids = [s["question"]["id"] for s in view["steps"]]
        assert len(ids) == len(set(ids))


async def test_mastery_ends_the_session_and_unlocks_the_next_skill(
    start_learning: StartLearning,
) -> None:
    async with start_learning() as app:
        _, headers = await app.user("ada")
        session = await app.start(headers)
        step = session["current_step"]
        codes: list[str] = []
        while step is not None:
            result = await app.answer(headers, session, step, right=True)
            codes += [a["code"] for a in result["achievements"]]
            step = result["next_step"]
        assert result["end_reason"] == "mastered"
        assert result["mastered"] is True
        assert result["answered"] == 6  # one per Bloom level, remember to create
        assert {"first-mastery", "bloom-ladder"} <= set(codes)
        progress = (await app.client.get("/api/learning/progress", headers=headers)).json()
        states = {s["skill"]["id"]: s["state"] for s in progress["skills"]}
        assert states[ROOT_SKILL] == "mastered"
        assert states[LOCKED_SKILL] == "available"
        unlocked = await app.client.post(
            "/api/learning/sessions", json={"skill_id": LOCKED_SKILL}, headers=headers
        )
        assert unlocked.status_code == 201


async def test_answered_questions_come_back_as_spaced_reviews(
    start_learning: StartLearning,
) -> None:
    async with start_learning() as app:
        user_id, headers = await app.user("ada")
        session = await app.start(headers)
        result = await app.answer(headers, session, session["current_step"], right=True)
        await app.answer(headers, session, result["next_step"], right=False)
        async with app.platform.db.session() as db:
            cards = list(await db.scalars(select(ReviewCard).order_by(ReviewCard.due)))
        assert len(cards) == 2
        now = dt.datetime.now(dt.UTC)
        # The wrong answer comes back sooner than the right one, and neither today.
        assert now < cards[0].due < cards[1].due
        assert cards[0].question_id == result["next_step"]["question"]["id"]

        due = (await app.client.get("/api/learning/reviews/due", headers=headers)).json()
        assert due["count"] == 0
        assert due["next_due_at"] is not None
        nothing = await app.client.post(
            "/api/learning/sessions", json={"kind": "review"}, headers=headers
        )
        assert nothing.status_code == 409

        async with app.platform.db.session() as db:
            await db.execute(update(ReviewCard).values(due=now - dt.timedelta(hours=1)))
        due = (await app.client.get("/api/learning/reviews/due", headers=headers)).json()
        assert due["count"] == 2
        response = await app.client.post(
            "/api/learning/sessions", json={"kind": "review"}, headers=headers
        )
        assert response.status_code == 201
        review = response.json()
        assert review["kind"] == "review"
        step = review["current_step"]
        assert step["source"] == "review"
        assert step["lesson"] is None
        first = await app.answer(headers, review, step, right=True)
        second = await app.answer(headers, review, first["next_step"], right=True)
        assert second["next_step"] is None
        assert second["end_reason"] == "no_reviews"
        due = (await app.client.get("/api/learning/reviews/due", headers=headers)).json()
        assert due["count"] == 0
        async with app.platform.db.session() as db:
            reviewed = list(await db.scalars(select(ReviewCard)))
        assert all(card.reviews == 2 and card.due > now for card in reviewed)
        progress = (await app.client.get("/api/learning/progress", headers=headers)).json()
        assert progress["overall"]["review_streak_days"] == 1
        assert user_id


async def test_each_achievement_unlocks_once_under_concurrent_requests(
    start_learning: StartLearning,
) -> None:
    async with start_learning() as app:
        user_id, headers = await app.user("ada")
        roots = [
            "design.naming-and-readability",
            "git.basics",
            "javascript.equality-and-types",
            "python.functions-and-scope",
            "sql.select-and-joins",
            "web.http-basics",
        ]
        async with app.platform.events.subscribe([f"user:{user_id}"]) as events:
            responses = await asyncio.gather(
                *(
                    app.client.post(
                        "/api/learning/sessions", json={"skill_id": skill}, headers=headers
                    )
                    for skill in roots
                )
            )
            assert [r.status_code for r in responses] == [201] * len(roots)
            seen: list[tuple[str, Any]] = []
            started = 0
            while started < len(roots):
                event = await asyncio.wait_for(anext(aiter(events)), 5)
                seen.append((event.type, event.data))
                started += event.type == "session:started"
            # Whatever arrives late (achievements publish after the same commits).
            await asyncio.sleep(0.2)
        unlocked = [data for kind, data in seen if kind == "achievement:unlocked"]
        assert len(unlocked) <= 1
        async with app.platform.db.session() as db:
            rows = list(await db.scalars(select(Achievement)))
        assert [row.code for row in rows] == ["first-session"]
        listed = (await app.client.get("/api/achievements", headers=headers)).json()
        assert [a["code"] for a in listed["unlocked"]] == ["first-session"]
        assert "flawless" in [a["code"] for a in listed["locked"]]

        # Two tabs submit the same answer at once: one counts, the other is told so.
        session = responses[0].json()
        step = session["current_step"]
        answer = right_answer(bank_question(step["skill"]["id"], step["question"]["id"]))
        both = await asyncio.gather(
            *(
                app.client.post(
                    f"/api/learning/sessions/{session['id']}/responses",
                    json={"question_id": step["question"]["id"], "answer": answer},
                    headers=headers,
                )
                for _ in range(2)
            )
        )
        assert sorted(r.status_code for r in both) == [200, 409]
        async with app.platform.db.session() as db:
            progress = await db.get(SkillProgress, (user_id, step["skill"]["id"]))
        assert progress is not None
        assert progress.attempts == 1
        assert await _count(app, LearningResponse) == 1


async def test_events_tell_the_real_time_layer_what_happened(
    start_learning: StartLearning,
) -> None:
    async with start_learning() as app:
        user_id, headers = await app.user("ada")
        async with app.platform.events.subscribe([f"user:{user_id}"]) as events:
            session = await app.start(headers)
            await app.answer(headers, session, session["current_step"], right=True)
            kinds: list[str] = []
            iterator = aiter(events)
            while len(kinds) < 5:
                kinds.append((await asyncio.wait_for(anext(iterator), 5)).type)
        assert kinds[0] == "session:started"
        assert kinds.count("content:generated") == 2
        assert "achievement:unlocked" in kinds
        assert "progress:updated" in kinds


async def test_hints_are_given_one_at_a_time_and_count_against_the_review(
    start_learning: StartLearning,
) -> None:
    async with start_learning() as app:
        _, headers = await app.user("ada")
        session = await app.start(headers)
        step = session["current_step"]
        question = bank_question(ROOT_SKILL, step["question"]["id"])
        url = f"/api/learning/sessions/{session['id']}/hints"
        shown = []
        for number in range(1, len(question.hints) + 2):
            response = await app.client.post(
                url, json={"question_id": question.id}, headers=headers
            )
            assert response.status_code == 200
            shown.append(response.json())
            if number <= len(question.hints):
                assert response.json()["hint"] == question.hints[number - 1]
        assert shown[-1]["remaining"] == 0
        assert shown[-1]["hint_html"] == ""
        await app.answer(headers, session, step, right=True)
        async with app.platform.db.session() as db:
            stored = await db.scalar(select(LearningResponse))
        assert stored is not None
        assert stored.hints_used == len(question.hints)
