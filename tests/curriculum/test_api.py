"""GET /api/curriculum/skills and /skills/{id}: the graph and lesson material, no keys."""

from __future__ import annotations

import json

import httpx2

from devmentor.curriculum.catalog import default_catalog
from tests.auth.conftest import problem

#: Fields of questions and their keys: none may appear anywhere in a response.
FORBIDDEN_KEYS = {
    "questions",
    "answer",
    "answers",
    "answer_lines",
    "solution",
    "tests",
    "rubric",
    "reference",
    "choices",
    "items",
    "starter",
    "hints",
}


async def test_the_skill_list_puts_prerequisites_first(client: httpx2.AsyncClient) -> None:
    response = await client.get("/api/curriculum/skills")
    assert response.status_code == 200
    body = response.json()
    ids = [s["id"] for s in body["skills"]]
    assert set(ids) == set(default_catalog().skills)
    for position, summary in enumerate(body["skills"]):
        assert set(summary["prerequisites"]) <= set(ids[:position])
        assert list(summary["questions_per_level"]) == [
            "remember",
            "understand",
            "apply",
            "analyze",
            "evaluate",
            "create",
        ]
    assert "python" in body["areas"]


async def test_filtering_by_area(client: httpx2.AsyncClient) -> None:
    body = (await client.get("/api/curriculum/skills", params={"area": "python"})).json()
    assert body["skills"]
    assert {s["area"] for s in body["skills"]} == {"python"}
    problem(
        await client.get("/api/curriculum/skills", params={"area": "cooking"}),
        422,
        "validation_failed",
    )


async def test_one_skill_with_its_material_and_counts(client: httpx2.AsyncClient) -> None:
    response = await client.get("/api/curriculum/skills/python.mutable-default-arguments")
    assert response.status_code == 200
    skill = response.json()
    assert skill["title"] == "Mutable default arguments"
    assert "python.functions-and-scope" in skill["prerequisites"]
    assert "default values **once**" in skill["explanation"]
    assert skill["examples"][0]["good"].startswith("def register(user, registry=None):")
    assert skill["questions_per_level"] == {
        "remember": 3,
        "understand": 3,
        "apply": 3,
        "analyze": 3,
        "evaluate": 3,
        "create": 3,
    }
    assert skill["questions_per_type"]["exercise"] == 3
    assert sum(skill["questions_per_type"].values()) == 18


async def test_no_question_or_answer_key_ever_leaves_the_server(client: httpx2.AsyncClient) -> None:
    catalog = default_catalog()
    secrets = set()
    for s in catalog.skills.values():
        for q in s.questions:
            secrets.add(q.explanation)
            for attribute in ("solution", "reference", "tests"):
                value = getattr(q, attribute, None)
                if value:
                    secrets.add(value)
    listing = (await client.get("/api/curriculum/skills")).text
    bodies = [listing]
    for skill_id in catalog.skills:
        bodies.append((await client.get(f"/api/curriculum/skills/{skill_id}")).text)
    for body in bodies:
        data = json.loads(body)
        assert not _keys(data) & FORBIDDEN_KEYS
        for secret in secrets:
            assert json.dumps(secret)[1:-1] not in body


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


async def test_unknown_and_malformed_ids(client: httpx2.AsyncClient) -> None:
    problem(await client.get("/api/curriculum/skills/python.nope"), 404, "not_found")
    problem(await client.get("/api/curriculum/skills/Python%20Basics"), 422, "validation_failed")
    problem(await client.get("/api/curriculum/skills/" + "a" * 81), 422, "validation_failed")
