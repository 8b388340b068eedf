"""The curriculum's loader and validator: schema, graph, Bloom coverage and answer keys."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from devmentor.cli import app as cli
from devmentor.curriculum.catalog import (
    CONTENT_DIR,
    CurriculumError,
    check_catalog,
    default_catalog,
    find_cycle,
    load_catalog,
)

EXAMPLE = CONTENT_DIR / "python" / "mutable-default-arguments.yaml"


def example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
    return copy.deepcopy(data)


def skill(skill_id: str, *prerequisites: str, area: str = "python") -> dict[str, Any]:
    data = example()
    data["id"] = skill_id
    data["area"] = area
    data["prerequisites"] = list(prerequisites)
    return data


def write(root: Path, *skills: dict[str, Any]) -> Path:
    for data in skills:
        folder = root / data["area"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / (data["id"].split(".", 1)[1] + ".yaml")).write_text(yaml.safe_dump(data))
    return root


def problems_of(root: Path) -> list[str]:
    return check_catalog(load_catalog(root))


def question(data: dict[str, Any], question_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(q for q in data["questions"] if q["id"] == question_id)
    return found


def test_a_sound_graph_has_no_problems(tmp_path: Path) -> None:
    root = write(tmp_path, skill("python.base"), skill("python.next", "python.base"))
    catalog = load_catalog(root)
    assert check_catalog(catalog) == []
    assert catalog.order() == ["python.base", "python.next"]
    assert catalog.dependents("python.base") == ["python.next"]


def test_a_cycle_is_reported_with_its_path(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        skill("python.a", "python.c"),
        skill("python.b", "python.a"),
        skill("python.c", "python.b"),
    )
    [problem] = problems_of(root)
    assert problem == "prerequisites form a cycle: python.a -> python.c -> python.b -> python.a"


def test_unknown_and_self_prerequisites(tmp_path: Path) -> None:
    root = write(tmp_path, skill("python.a", "python.ghost"), skill("python.b", "python.b"))
    problems = problems_of(root)
    assert "python.a: unknown prerequisite 'python.ghost'" in problems
    assert "python.b: lists itself as a prerequisite" in problems


def test_find_cycle_ignores_edges_to_unknown_nodes() -> None:
    assert find_cycle({"a": ["b"], "b": ["zzz"]}) is None
    assert find_cycle({"a": ["a"]}) == ["a", "a"]


def test_every_bloom_level_needs_three_questions(tmp_path: Path) -> None:
    data = skill("python.thin")
    create = [q for q in data["questions"] if q["bloom"] == "create"]
    data["questions"] = [q for q in data["questions"] if q["bloom"] != "create"]
    # Keep the schema's minimum of 18 by repeating a remember question under new ids.
    base = next(q for q in data["questions"] if q["bloom"] == "remember")
    for n in range(len(create)):
        data["questions"].append({**base, "id": f"extra-{n}"})
    problems = problems_of(write(tmp_path, data))
    assert problems == ["python.thin: 0 create question(s); at least 3 needed"]


@pytest.mark.parametrize(
    ("question_id", "change", "expected"),
    [
        ("when-evaluated", {"answer": [4]}, "answer indices [4] outside the 4 choices"),
        ("when-evaluated", {"answer": [1, 1]}, "answer lists an index twice"),
        ("when-evaluated", {"answer": [0, 1, 2, 3]}, "every choice is correct"),
        ("spot-in-class", {"answer_lines": [9]}, "answer_lines [9] outside the code's 7 lines"),
        ("spot-in-class", {"answer_lines": [5]}, "an answer line is blank"),
        ("where-stored", {"answers": [["__defaults__"], ["x"]]}, "1 blank(s) but 2 answer list(s)"),
        ("where-stored", {"code": "print(add.__defaults__)"}, "the code has no blank (____)"),
        ("where-stored", {"answers": [["  "]]}, "every blank needs at least one non-empty"),
        (
            "fix-append",
            {"solution": "def append_to(item target):\n    pass\n"},
            "solution is not valid Python",
        ),
        ("fix-append", {"tests": "append_to(1)\n"}, "tests contain no assert"),
        ("sentinel-order", {"items": ["a", "b", "a"]}, "ordering items must be distinct"),
        (
            "explain-sharing",
            {"reference": "Because Python works that way, and that is simply how it is."},
            "the reference answer misses rubric concept(s): defaults are evaluated once",
        ),
    ],
)
def test_bad_answer_keys_are_reported(
    tmp_path: Path, question_id: str, change: dict[str, Any], expected: str
) -> None:
    data = skill("python.keys")
    question(data, question_id).update(change)
    problems = problems_of(write(tmp_path, data))
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"python.keys: question {question_id}: {expected}")


def test_schema_errors_name_the_file_and_field(tmp_path: Path) -> None:
    bad = skill("python.bad")
    bad["colour"] = "blue"
    question(bad, "when-evaluated")["bloom"] = "memorise"
    wrong_type = skill("python.other")
    question(wrong_type, "predict-output")["type"] = "essay"
    with pytest.raises(CurriculumError) as caught:
        load_catalog(write(tmp_path, bad, wrong_type))
    text = "\n".join(caught.value.problems)
    assert "python/bad.yaml: colour: Extra inputs are not permitted" in text
    assert "python/bad.yaml: questions.0.multiple_choice.bloom: Input should be" in text
    assert "python/other.yaml: questions.3: Input tag 'essay' found using 'type'" in text


def test_duplicate_ids_and_misfiled_skills(tmp_path: Path) -> None:
    write(tmp_path, skill("python.same"))
    moved = skill("python.same")
    (tmp_path / "git").mkdir()
    (tmp_path / "git" / "same.yaml").write_text(yaml.safe_dump(moved))
    with pytest.raises(CurriculumError) as caught:
        load_catalog(tmp_path)
    assert any("skill id 'python.same' is also in" in p for p in caught.value.problems)


def test_invalid_yaml_is_reported(tmp_path: Path) -> None:
    (tmp_path / "python").mkdir()
    (tmp_path / "python" / "broken.yaml").write_text("id: [unclosed\n")
    with pytest.raises(CurriculumError, match="not valid YAML"):
        load_catalog(tmp_path)


def test_the_cli_reports_problems_and_exits_1(tmp_path: Path) -> None:
    root = write(tmp_path, skill("python.a", "python.ghost"))
    result = CliRunner().invoke(cli, ["curriculum", "validate", "--path", str(root)])
    assert result.exit_code == 1
    assert "unknown prerequisite 'python.ghost'" in result.output
    ok = write(tmp_path / "ok", skill("python.a"))
    result = CliRunner().invoke(cli, ["curriculum", "validate", "--path", str(ok)])
    assert result.exit_code == 0, result.output
    assert "1 skills, 18 questions: all checks passed" in result.output
    result = CliRunner().invoke(
        cli, ["curriculum", "validate", "--path", str(ok), "--min-skills", "2"]
    )
    assert result.exit_code == 1
    assert "only 1 skills; at least 2 are required" in result.output


def test_the_shipped_curriculum_is_sound() -> None:
    catalog = default_catalog()
    assert check_catalog(catalog, min_skills=40) == []
    order = catalog.order()
    assert sorted(order) == sorted(catalog.skills)
    for position, skill_id in enumerate(order):
        assert set(catalog.skills[skill_id].prerequisites) <= set(order[:position])
