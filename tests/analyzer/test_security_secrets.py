"""The detect-secrets adapter: exactly ``scan_file``'s results, without its cost or network."""

from __future__ import annotations

import re
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
import requests
from detect_secrets.core import scan
from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.plugins.base import BasePlugin, RegexBasedDetector
from detect_secrets.settings import get_plugins, get_settings

from devmentor.analyzer import accuracy, security_secrets
from devmentor.analyzer.rules.base import RULES
from devmentor.analyzer.security_secrets import (
    SECRET_RULES,
    configure_detect_secrets,
    secret_findings,
)

CORPUS = Path(__file__).parent / "corpus" / "security_tools"
# accuracy.annotations shares its name with the ``from __future__ import annotations`` feature
# in that module, which confuses mypy; look it up by name.
_annotations = accuracy.read_annotations
REPO = Path(__file__).resolve().parents[2]
VERIFY_FILTER = "detect_secrets.filters.common.is_ignored_due_to_verification_policies"

# Made-up values in the shapes the plugins look for (none of them is a real credential).
AWS_KEY = "AKIA" + "IOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
SLACK = "xoxb-" + "000000000000-fakefakefake"
STRIPE = "sk_live_" + "0" * 24
RANDOM = "q8Zr3XvB1mK9sT0wYp4LdC7nF2hJ6gE5"

#: Edge cases for the shortcuts: file types that detect-secrets transforms, line endings,
#: trailing blanks, non-ASCII text, long lines, matches next to line boundaries.
SYNTHETIC: dict[str, str] = {
    "settings.py": (
        f'access = "{AWS_KEY}"   \t\n'
        f"aws_secret = '{AWS_SECRET}'\r\n"
        f'db_password = "s3cr3t-value"\n'
        f'CONTRASEÑA = "valor-secreto-1"\n'
        f'\u017fecret = "unicode-folded-key"\n'  # long s: matches "secret" ignoring case
        f"chat = {SLACK!r}  \n"
        f'url = "https://admin:hunter2@db.example.com/app"\n'
        f'pay = "{STRIPE}"\r'
        f'blob = "{RANDOM}"\n'
        f'hexed = "deadbeef0123456789abcdef"\n'
        f'uuid = "123e4567-e89b-12d3-a456-426614174000"\n'
        f'api_key = get_key("billing")\n'
        f'secret = "{RANDOM}"  # pragma: allowlist secret\n'
        + "x = 1\n" * 50
        + f'long = "{"a" * 5000}{RANDOM}"\n'
        + f'tail = "{RANDOM}"'
    ),
    "deploy.yaml": (f"service:\n  password: hunter2-yaml\n  key: {AWS_KEY}\n  blob: '{RANDOM}'\n"),
    "app.ini": f"[database]\npassword = ini-secret-value\ntoken = {RANDOM}\n",
    "odd.py": f'[section]\npassword = "looks-like-ini"\nx = "{RANDOM}"\n',
    "service.env": f"API_TOKEN={RANDOM}\nDB_PASSWORD=hunter2-env\n",
    "notes.txt": f"Remember: the staging password is hunter2-notes\nkey {RANDOM}\n",
    "notes.md": f"# Notes\n\nThe token is `{SLACK}`.\n",
    "client.go": f'const password = "go-secret-value"\nvar key := "{RANDOM}"\n',
    "App.java": f'String password = "java-secret-value";\nString k = "{RANDOM}";\n',
    "web.js": f'const password = "js-secret-value";\nconst token = "{AWS_KEY}";\n',
    "package-lock.json": f'{{"password": "{RANDOM}"}}\n',
    "empty.py": "",
    "comments_only.py": "# nothing here\n\n# still nothing\n",
}


@pytest.fixture(autouse=True)
def _settings() -> None:
    configure_detect_secrets()


def _scan_file(path: Path) -> set[tuple[str, int]]:
    return {(secret.type, secret.line_number) for secret in scan.scan_file(str(path))}


def _real_files() -> list[Path]:
    sources = sorted((REPO / "src" / "devmentor" / "analyzer").glob("*.py"))
    sources += sorted((REPO / "tests" / "analyzer").glob("test_*.py"))
    return [path for path in sources if path.stat().st_size < 200_000][:16]


def test_same_results_as_scan_file(tmp_path: Path) -> None:
    cases: dict[str, str] = dict(SYNTHETIC)
    for path in sorted(CORPUS.iterdir()):
        cases[f"corpus_{path.name}"] = path.read_text(encoding="utf-8")
    for path in _real_files():
        cases[f"real_{path.parent.name}_{path.name}"] = path.read_text(encoding="utf-8")
    reported = 0
    for name, text in cases.items():
        copy = tmp_path / name
        copy.write_text(text, encoding="utf-8", newline="")
        expected = _scan_file(copy)
        assert security_secrets._secrets(name, text) == expected, name
        reported += len(expected)
    assert reported > 40


def test_verify_is_never_called(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def no_verify(self: BasePlugin, *args: object, **kwargs: object) -> object:
        calls.append(type(self).__name__)
        raise AssertionError("verify() called")

    def no_network(*args: object, **kwargs: object) -> object:
        raise AssertionError("network used")

    plugin_classes: list[type[BasePlugin]] = list(get_mapping_from_secret_type_to_class().values())
    for cls in [BasePlugin, *plugin_classes]:
        if "verify" in vars(cls):
            monkeypatch.setattr(cls, "verify", no_verify)
    monkeypatch.setattr(requests.Session, "request", no_network)
    # Someone (a CLI run, a baseline) turned verification on in this process.
    get_settings().filters[VERIFY_FILTER] = {"min_level": 2}

    text = SYNTHETIC["settings.py"] + (CORPUS / "integrations.py").read_text()
    findings = secret_findings("settings.py", text)
    assert {f.rule for f in findings} >= {
        "secret.aws-access-key",
        "secret.api-key",
        "secret.keyword",
        "secret.high-entropy",
    }
    assert calls == []
    assert VERIFY_FILTER not in get_settings().filters


def test_findings_never_carry_the_secret() -> None:
    text = (CORPUS / "integrations.py").read_text() + SYNTHETIC["settings.py"]
    values = re.findall(r"\"([^\"]{8,})\"", text)
    findings = secret_findings("integrations.py", text)
    assert len(findings) > 8
    for finding in findings:
        assert finding.snippet is None
        assert finding.tool == "detect-secrets"
        assert finding.cwe == 798
        assert not any(value in finding.message for value in values)


def test_types_map_to_rules() -> None:
    text = "\n".join(
        [
            f'a = "{AWS_KEY}"',
            'b = "-----BEGIN OPENSSH PRIVATE KEY-----"',
            f'c = "ghp_{"x" * 36}"',
            'password = "hunter2-example"',
            f'e = "{RANDOM}"',
            f'f = "{SLACK}"',
            "",
        ]
    )
    by_line = {finding.line: finding for finding in secret_findings("config.py", text)}
    assert {line: finding.rule for line, finding in by_line.items()} == {
        1: "secret.aws-access-key",
        2: "secret.private-key",
        3: "secret.github-token",
        4: "secret.keyword",
        5: "secret.high-entropy",
        6: "secret.api-key",
    }
    assert (by_line[5].severity, by_line[5].confidence) == ("medium", "low")
    assert (by_line[1].severity, by_line[1].confidence) == ("high", "high")
    assert "Slack token" in by_line[6].message


def test_one_finding_per_rule_and_line() -> None:
    text = f'pair = ["{RANDOM}", "deadbeef0123456789abcdef"]\n'
    findings = secret_findings("pair.py", text)
    assert [(f.rule, f.line) for f in findings] == [("secret.high-entropy", 1)]


def test_file_filters_apply_to_the_path_and_no_file_is_needed() -> None:
    text = f'blob = "{RANDOM}"\n'
    assert [f.line for f in secret_findings("does/not/exist.py", text)] == [1]
    assert secret_findings("assets/logo.svg", text) == []
    assert secret_findings("web/package-lock.json", text) == []


def test_only_candidate_lines_reach_detect_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = scan._scan_line

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(security_secrets, "_scan_line", counting)
    clean = "def add(a, b):\n    return a + b\n\n" * 2000
    assert secret_findings("clean.py", clean) == []
    assert calls == []
    assert len(secret_findings("one.py", clean + f'secret = "{RANDOM}"\n')) == 2
    assert 0 < len(calls) <= 4


def test_unknown_plugins_and_patterns_fall_back_to_exact_search() -> None:
    class Custom(RegexBasedDetector):
        secret_type = "Custom Token"
        denylist = (re.compile(r"\bcustom-[0-9]{4}$"),)

    prefilter = security_secrets._prefilter(Custom())
    assert prefilter.every_line is False
    assert [probe.per_line for probe in prefilter.probes] == [Custom.denylist[0]]

    class Odd(BasePlugin):
        secret_type = "Odd"

        def analyze_string(self, string: str) -> Generator[str, None, None]:
            yield from ()

    assert security_secrets._prefilter(Odd()).every_line is True
    known = [security_secrets._prefilter(plugin) for plugin in get_plugins()]
    assert not any(p.every_line or any(probe.per_line for probe in p.probes) for p in known)


def test_corpus_annotations_hold_for_secret_rules() -> None:
    checked = 0
    for path in sorted(CORPUS.iterdir()):
        text = path.read_text()
        found = {(f.rule, f.line) for f in secret_findings(path.name, text)}
        notes = _annotations(text)
        expected = {
            (rule, line)
            for line, kinds in notes.items()
            for rule in kinds.get("expect", ())
            if rule.startswith("secret.")
        }
        looks_alike = {
            (rule, line)
            for line, kinds in notes.items()
            for rule in kinds.get("ok", ())
            if rule.startswith("secret.")
        }
        assert found == expected, path.name
        assert not found & looks_alike
        checked += len(expected)
    assert checked >= 10


def test_rules_are_registered() -> None:
    ids = {rule.id for rule in SECRET_RULES}
    assert ids == {
        "secret.aws-access-key",
        "secret.private-key",
        "secret.github-token",
        "secret.keyword",
        "secret.high-entropy",
        "secret.url-password",
        "secret.api-key",
    }
    for rule in SECRET_RULES:
        assert RULES[rule.id] == rule
        assert rule.cwe == 798
        assert rule.category == "security"
    assert RULES["secret.keyword"].tags == ("py.hardcoded-secret",)
    assert RULES["secret.high-entropy"].tags == ("secret.api-key",)
    assert RULES["secret.api-key"].skill_tags == ("secret.api-key",)
