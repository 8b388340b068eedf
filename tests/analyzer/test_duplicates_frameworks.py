"""Duplicate blocks across files, and frameworks from manifests and imports."""

from __future__ import annotations

import pytest

from devmentor.analyzer import duplicates
from devmentor.analyzer.frameworks import FrameworkDetector, parse_manifest

BLOCK = [
    "total = 0",
    "for item in order.items:",
    "    price = item.unit_price * item.quantity",
    "    if item.discount:",
    "        price -= price * item.discount",
    "    total += price",
    "shipping = rates.lookup(order.country)",
    "if total > FREE_SHIPPING_THRESHOLD:",
    "    shipping = 0",
    "tax = total * TAX_RATES[order.country]",
    "return round(total + shipping + tax, 2)",
]


def lines(*parts: list[str]) -> list[str]:
    return [line for part in parts for line in part]


def test_a_copied_block_is_found_in_both_places_whatever_the_indentation() -> None:
    a = lines(["def checkout(order):"], ["    " + line for line in BLOCK], ["", "x = 1"])
    b = lines(
        ["import math", "", "class Cart:", "    def total(self, order):"],
        ["        " + line for line in BLOCK],
    )
    blocks = duplicates.find_duplicates(
        [
            ("shop/a.py", duplicates.fingerprints(a, ("#",))),
            ("shop/b.py", duplicates.fingerprints(b, ("#",))),
        ]
    )
    assert len(blocks) == 1
    block = blocks[0]
    assert [(loc.path, loc.line) for loc in block.locations] == [("shop/a.py", 2), ("shop/b.py", 5)]
    assert block.lines == len(BLOCK)
    assert duplicates.duplicated_lines(blocks) == len(BLOCK)


def test_different_code_and_short_overlaps_are_not_duplicates() -> None:
    a = [f"value_{i} = compute({i})" for i in range(30)]
    b = [f"other_{i} = compute({i})" for i in range(30)]
    c = BLOCK[:5] + ["unrelated = 1"] * 3  # five shared lines: below the window
    packed = [("a.py", duplicates.fingerprints(a)), ("b.py", duplicates.fingerprints(b))]
    packed += [("c.py", duplicates.fingerprints(c)), ("d.py", duplicates.fingerprints(BLOCK))]
    assert duplicates.find_duplicates(packed) == []


def test_blank_comment_and_trivial_lines_do_not_count() -> None:
    noisy = []
    for line in BLOCK:
        noisy += [line, "", "# note", "}"]
    blocks = duplicates.find_duplicates(
        [
            ("a.py", duplicates.fingerprints(BLOCK, ("#",))),
            ("b.py", duplicates.fingerprints(noisy, ("#",))),
        ]
    )
    assert len(blocks) == 1
    assert blocks[0].locations[1].end_line == len(noisy) - 3


def test_fingerprints_are_stable_and_compact() -> None:
    first = duplicates.fingerprints(BLOCK)
    assert first == duplicates.fingerprints(list(BLOCK))
    records = duplicates.unpack(first)
    windows = len(BLOCK) - duplicates.WINDOW + 1
    assert 0 < len(records) <= windows
    assert duplicates.fingerprints(BLOCK[:3]) == ""


def test_boilerplate_seen_everywhere_is_ignored() -> None:
    files = [
        (f"m{i}.py", duplicates.fingerprints(BLOCK)) for i in range(duplicates.MAX_OCCURRENCES + 1)
    ]
    assert duplicates.find_duplicates(files) == []


def test_the_same_file_repeating_itself() -> None:
    text = [*BLOCK, "", "middle = True", "", *BLOCK]
    blocks = duplicates.find_duplicates([("a.py", duplicates.fingerprints(text))])
    assert len(blocks) == 1
    assert [loc.line for loc in blocks[0].locations] == [1, len(BLOCK) + 4]


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        (
            "requirements.txt",
            "# web\nDjango>=4.2  # lts\nrequests[socks]==2.31 ; python_version>'3.8'\n-r base.txt\n"
            "git+https://example.invalid/x.git\n",
            [("Django", "python", ">=4.2"), ("requests", "python", "==2.31")],
        ),
        (
            "pyproject.toml",
            '[project]\ndependencies = ["fastapi>=0.110"]\n[project.optional-dependencies]\n'
            'test = ["pytest"]\n[tool.poetry.dependencies]\npython = "^3.11"\n'
            'flask = {version = "^3.0"}\n',
            [
                ("fastapi", "python", ">=0.110"),
                ("pytest", "python", None),
                ("flask", "python", "^3.0"),
            ],
        ),
        (
            "setup.cfg",
            "[options]\ninstall_requires =\n    click>=8\n    attrs\npackages = find:\n",
            [("click", "python", ">=8"), ("attrs", "python", None)],
        ),
        (
            "web/package.json",
            '{"dependencies": {"react": "^18.2.0"}, "devDependencies": {"vitest": "1.0"}}',
            [("react", "javascript", "^18.2.0"), ("vitest", "javascript", "1.0")],
        ),
        (
            "go.mod",
            "module x\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.9.1\n\tgorm.io/gorm v1.25.0\n)\n",
            [("github.com/gin-gonic/gin", "go", "v1.9.1"), ("gorm.io/gorm", "go", "v1.25.0")],
        ),
        (
            "Cargo.toml",
            '[dependencies]\ntokio = { version = "1", features = ["full"] }\nserde = "1.0"\n',
            [("tokio", "rust", "1"), ("serde", "rust", "1.0")],
        ),
        (
            "pom.xml",
            "<project><dependencies><dependency><groupId>org.springframework.boot</groupId>"
            "<artifactId>spring-boot-starter-web</artifactId><version>3.2.0</version>"
            "</dependency></dependencies></project>",
            [("spring-boot-starter-web", "java", "3.2.0")],
        ),
        (
            "Gemfile",
            "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\n",
            [("rails", "ruby", "~> 7.1")],
        ),
        ("package.json", "{not json", []),
        ("pyproject.toml", "[project\n", []),
        ("package.json", "[1, 2]", []),
    ],
)
def test_manifests(path: str, text: str, expected: list[tuple[str, str, str | None]]) -> None:
    assert parse_manifest(path, text) == expected


def test_frameworks_combine_manifests_and_imports() -> None:
    detector = FrameworkDetector()
    detector.add_manifest(
        "pyproject.toml", '[project]\ndependencies = ["FastAPI>=0.110", "left-pad"]\n'
    )
    detector.add_manifest("requirements.txt", "fastapi==0.110.1\n")
    for _ in range(3):
        detector.add_imports("Python", ["fastapi", "sklearn", "shop"])
    detector.add_imports("TypeScript", ["react", "./local"])
    found = {f.name: f for f in detector.frameworks()}
    assert found["FastAPI"].manifests == ["pyproject.toml", "requirements.txt"]
    assert found["FastAPI"].imported_by == 3
    assert found["FastAPI"].category == "web framework"
    assert found["scikit-learn"].imported_by == 3  # known from its import name alone
    assert found["left-pad"].category == "library"
    assert found["React"].ecosystem == "javascript"
    assert "shop" not in found  # a project's own package is not a framework
    names = [f.name for f in detector.frameworks()]
    assert names.index("left-pad") == len(names) - 1  # known frameworks come first
