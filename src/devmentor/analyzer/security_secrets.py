"""detect-secrets, with the same results as its ``scan_file`` at a fraction of the cost.

detect-secrets runs every plugin and every filter on every line, each call going through
its ``inspect``-based argument injection: about 90 CPU-seconds for a large Python project.
Nearly all lines cannot hold a secret, so this module first finds the few lines that
might, with whole-text regular expressions (C speed), and then runs detect-secrets' own
per-line machinery (``get_code_snippet`` over the full line list, ``_scan_line``,
``_is_filtered_out``) on those lines only, and only with the plugins that could match
there. The prefilters are deliberately looser than the plugins' patterns, so a line they
miss is a line the plugin would not report:

* regex plugins: a shorter piece of each denylist pattern that every match contains (for
  patterns this module knows), otherwise the plugin's own pattern searched per line;
* the keyword plugin: its denylist keywords, case-insensitively;
* the high-entropy plugins: their quoted-string pattern with the shortest length at which
  the entropy limit is reachable, then the plugin's own entropy check on that line.

Files that detect-secrets would transform first (YAML, files that parse as INI) are
scanned exactly the way ``scan_file`` does, without shortcuts.

Settings are detect-secrets' defaults (all plugins, the default filters) with two changes:
no network verification of found secrets (``verify()`` is never called), and no check that
the path exists on disk (the text is passed in). Found values never leave this module:
findings carry no snippet, and no message or error mentions the line.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import cast

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.core.scan import _is_filtered_out, _process_line_based_plugins, _scan_line
from detect_secrets.plugins.base import BasePlugin, RegexBasedDetector
from detect_secrets.plugins.high_entropy_strings import (
    Base64HighEntropyString,
    HexHighEntropyString,
    HighEntropyStringsPlugin,
)
from detect_secrets.plugins.jwt import JwtTokenDetector
from detect_secrets.plugins.keyword import DENYLIST as KEYWORD_DENYLIST
from detect_secrets.plugins.keyword import KeywordDetector
from detect_secrets.settings import get_plugins, get_settings
from detect_secrets.transformers import get_transformed_file
from detect_secrets.types import NamedIO
from detect_secrets.util.code_snippet import get_code_snippet
from detect_secrets.util.filetype import FileType, determine_file_type

from devmentor.analyzer.model import Confidence, RawFinding, Severity
from devmentor.analyzer.rules.base import Rule, register_rules

__all__ = ["SECRET_RULES", "configure_detect_secrets", "secret_findings"]

_VERIFY_FILTER = "detect_secrets.filters.common.is_ignored_due_to_verification_policies"
_PATH_EXISTS_FILTER = "detect_secrets.filters.common.is_invalid_file"
_CWE_HARD_CODED_CREDENTIALS = 798


# --- Rules ------------------------------------------------------------------------------

_LEAK = "anyone who can read the repository, or any copy of its history, can use it."

SECRET_RULES: tuple[Rule, ...] = (
    Rule(
        id="secret.aws-access-key",
        title="AWS access key in source",
        category="security",
        severity="high",
        description=(
            "An AWS access key (or secret key) is written into the code. Committed keys "
            "are found by scanners within minutes and give access to the AWS account; "
            "load credentials from the environment or an IAM role, and revoke the key."
        ),
        cwe=_CWE_HARD_CODED_CREDENTIALS,
    ),
    Rule(
        id="secret.private-key",
        title="Private key in source",
        category="security",
        severity="high",
        description=(
            "A private key (RSA, EC, SSH, PGP...) is stored in the repository. Whoever "
            "has the key can impersonate its owner or decrypt its traffic; keep keys "
            "out of version control and replace any key that was committed."
        ),
        cwe=_CWE_HARD_CODED_CREDENTIALS,
    ),
    Rule(
        id="secret.github-token",
        title="GitHub token in source",
        category="security",
        severity="high",
        description=(
            "A GitHub token is written into the code. It grants its owner's access to "
            "repositories and APIs; read tokens from the environment and revoke this one."
        ),
        cwe=_CWE_HARD_CODED_CREDENTIALS,
    ),
    Rule(
        id="secret.keyword",
        title="Secret-looking value assigned to a secret-sounding name",
        category="security",
        severity="medium",
        description=(
            "A variable or key named like a password, secret or API key gets a literal "
            "value. Credentials in code end up in version control, logs and backups; "
            "load them from the environment or a secret store instead."
        ),
        cwe=_CWE_HARD_CODED_CREDENTIALS,
        tags=("py.hardcoded-secret",),
    ),
    Rule(
        id="secret.high-entropy",
        title="Random-looking string that may be a secret",
        category="security",
        severity="medium",
        description=(
            "A long random-looking string (base64 or hex) appears in the code. Such "
            "strings are often API keys or tokens; if this one is, move it out of the "
            "code and revoke it. Test data and hashes are common false alarms."
        ),
        cwe=_CWE_HARD_CODED_CREDENTIALS,
        tags=("secret.api-key",),
    ),
    Rule(
        id="secret.url-password",
        title="Password inside a URL",
        category="security",
        severity="medium",
        description=(
            "A URL carries a user name and password (``scheme://user:password@host``). "
            "Connection strings like this end up in logs and error messages as well as "
            "version control; build them from configuration or the environment."
        ),
        cwe=_CWE_HARD_CODED_CREDENTIALS,
        tags=("py.hardcoded-secret", "pattern:environment-variables"),
    ),
    Rule(
        id="secret.api-key",
        title="Service credential in source",
        category="security",
        severity="high",
        description=(
            "A credential for a third-party service (a Slack, Stripe or npm token, ...) "
            "is written into the code, where everyone who can read "
            "the repository can use it. Load it from the environment and revoke this one."
        ),
        cwe=_CWE_HARD_CODED_CREDENTIALS,
    ),
)
register_rules(SECRET_RULES)

_RULE_BY_TYPE: dict[str, str] = {
    "AWS Access Key": "secret.aws-access-key",
    "Private Key": "secret.private-key",
    "GitHub Token": "secret.github-token",
    "Secret Keyword": "secret.keyword",
    "Base64 High Entropy String": "secret.high-entropy",
    "Hex High Entropy String": "secret.high-entropy",
    "Basic Auth Credentials": "secret.url-password",
}

#: How a message names each detect-secrets type.
_TYPE_NAMES: dict[str, str] = {
    "AWS Access Key": "an AWS access key",
    "Private Key": "a private key",
    "GitHub Token": "a GitHub token",
    "Artifactory Credentials": "an Artifactory credential",
    "Azure Storage Account access key": "an Azure storage account key",
    "Basic Auth Credentials": "a password inside a URL",
    "Cloudant Credentials": "a Cloudant credential",
    "Discord Bot Token": "a Discord bot token",
    "GitLab Token": "a GitLab token",
    "IBM Cloud IAM Key": "an IBM Cloud IAM key",
    "IBM COS HMAC Credentials": "an IBM Cloud Object Storage HMAC key",
    "Public IP (ipv4)": "a public IP address",
    "JSON Web Token": "a JSON Web Token",
    "Mailchimp Access Key": "a Mailchimp API key",
    "NPM tokens": "an npm token",
    "OpenAI Token": "an OpenAI API key",
    "PyPI Token": "a PyPI upload token",
    "SendGrid API Key": "a SendGrid API key",
    "Slack Token": "a Slack token",
    "SoftLayer Credentials": "a SoftLayer credential",
    "Square OAuth Secret": "a Square OAuth secret",
    "Stripe Access Key": "a Stripe secret key",
    "Telegram Bot Token": "a Telegram bot token",
    "Twilio API Key": "a Twilio API key",
}

#: (severity, confidence) by type, where it differs from the rule's.
_LEVELS: dict[str, tuple[Severity, Confidence]] = {
    "AWS Access Key": ("high", "high"),
    "Private Key": ("high", "high"),
    "GitHub Token": ("high", "high"),
    "Secret Keyword": ("medium", "medium"),
    "Basic Auth Credentials": ("medium", "medium"),
    "Base64 High Entropy String": ("medium", "low"),
    "Hex High Entropy String": ("medium", "low"),
    "Public IP (ipv4)": ("low", "low"),
    "JSON Web Token": ("medium", "medium"),
}


def _message(secret_type: str) -> str:
    if secret_type == "Secret Keyword":  # noqa: S105 - a type name, not a password
        return (
            "A name that suggests a password or key is given a literal value here; "
            "credentials written into code can be read by everyone with the repository."
        )
    if secret_type in ("Base64 High Entropy String", "Hex High Entropy String"):
        return (
            "This line holds a long random-looking string that may be an API key or "
            "token; if it is a real secret, " + _LEAK
        )
    what = _TYPE_NAMES.get(secret_type, f"a secret ({secret_type})")
    return f"This line appears to contain {what}; {_LEAK}"


# --- Settings ---------------------------------------------------------------------------

_ALL_PLUGIN_NAMES: tuple[str, ...] = ()


def configure_detect_secrets() -> None:
    """Use every built-in plugin and the default filters, minus network verification and
    the does-the-path-exist check. Idempotent; :func:`secret_findings` calls it."""
    global _ALL_PLUGIN_NAMES
    if not _ALL_PLUGIN_NAMES:
        classes: list[type[BasePlugin]] = list(get_mapping_from_secret_type_to_class().values())
        _ALL_PLUGIN_NAMES = tuple(sorted(cls.__name__ for cls in classes))
    settings = get_settings()
    if (
        set(settings.plugins) != set(_ALL_PLUGIN_NAMES)
        or any(settings.plugins.values())
        or _VERIFY_FILTER in settings.filters
        or _PATH_EXISTS_FILTER in settings.filters
    ):
        settings.plugins.clear()
        settings.configure_plugins([{"name": name} for name in _ALL_PLUGIN_NAMES])
        settings.disable_filters(_VERIFY_FILTER, _PATH_EXISTS_FILTER)


# --- Prefilters -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Probe:
    """A whole-text search whose matches mark the lines a plugin could report."""

    #: Run on the text itself (case-sensitive patterns).
    raw: re.Pattern[str] | None = None
    #: Run on the lower-cased text when the text is ASCII; ``lowered_unicode`` (the same
    #: pattern, case-insensitive) runs on the text otherwise.
    lowered: re.Pattern[str] | None = None
    lowered_unicode: re.Pattern[str] | None = None
    #: The plugin's own pattern, searched line by line (patterns this module does not know).
    per_line: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class _Prefilter:
    plugin: BasePlugin
    probes: tuple[_Probe, ...] = ()
    #: Confirm each marked line with the plugin's own quoted-string search and entropy limit.
    entropy_check: bool = False
    #: Unknown plugin: every line is a candidate.
    every_line: bool = False


def _lowered(pattern: str) -> _Probe:
    return _Probe(
        lowered=re.compile(pattern, re.MULTILINE),
        lowered_unicode=re.compile(pattern, re.MULTILINE | re.IGNORECASE),
    )


def _raw(pattern: str) -> _Probe:
    return _Probe(raw=re.compile(pattern, re.MULTILINE))


_OPTIONAL_QUOTE = "(?:\"|\\'|)"


def _assignment(prefix: str, keyword: str, secret: str) -> str:
    """The text of a ``RegexBasedDetector.build_assignment_regex`` pattern."""
    return (
        r"(?:(?<=\W)|(?<=^))(?:\[|)"
        + _OPTIONAL_QUOTE
        + prefix
        + "(?:_|-|)"
        + keyword
        + _OPTIONAL_QUOTE
        + r"(?:\]|)(?: *)(?:=|:|:=|=>| +|::)(?: *)"
        + _OPTIONAL_QUOTE
        + secret
        + _OPTIONAL_QUOTE
    )


# Each key is a plugin's denylist pattern; the value is a shorter pattern that every match
# of it, within one line, contains. Case-insensitive patterns get lower-case probes. The
# keys pin detect-secrets' patterns: a pattern changed by an upgrade is not found here and
# falls back to a per-line search with the plugin's own pattern.
_LOOSE: dict[str, _Probe] = {
    # Artifactory
    r'(?:\s|=|:|"|^)AKC[a-zA-Z0-9]{10,}(?:\s|"|$)': _raw(r"AKC[a-zA-Z0-9]{10}"),
    r'(?:\s|=|:|"|^)AP[\dABCDEF][a-zA-Z0-9]{8,}(?:\s|"|$)': _raw(r"AP[\dABCDEF][a-zA-Z0-9]{8}"),
    # AWS
    r"(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}": _raw(
        r"(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}"
    ),
    r"aws.{0,20}?(?:key|pwd|pw|password|pass|token).{0,20}?[\'\"]([0-9a-zA-Z/+]{40})[\'\"]": (
        _lowered(r"[\'\"][0-9a-z/+]{40}[\'\"]")
    ),
    # Azure
    r"AccountKey=[a-zA-Z0-9+\/=]{88}": _raw(r"AccountKey=[a-zA-Z0-9+\/=]{88}"),
    # Basic auth: its character classes exclude whitespace, so a match stays on one line.
    r"://[^:/\?\#\[\]@!\$\&'\(\)\*\+,;=\s]+:([^:/\?\#\[\]@!\$\&'\(\)\*\+,;=\s]+)@": _raw(
        r"://[^:/\?\#\[\]@!\$\&'\(\)\*\+,;=\s]+:([^:/\?\#\[\]@!\$\&'\(\)\*\+,;=\s]+)@"
    ),
    # Cloudant: the two assignment patterns need "cl..." followed by a key word.
    _assignment(
        r"(?:cloudant|cl|clou)", r"(?:api|)(?:key|pwd|pw|password|pass|token)", r"([0-9a-f]{64})"
    ): _lowered(r"cl(?:oudant|ou)?[_-]?(?:api)?(?:key|pw|pass|token)"),
    _assignment(
        r"(?:cloudant|cl|clou)", r"(?:api|)(?:key|pwd|pw|password|pass|token)", r"([a-z]{24})"
    ): _lowered(r"cl(?:oudant|ou)?[_-]?(?:api)?(?:key|pw|pass|token)"),
    r"(?:https?\:\/\/)[\w\-]+\:([0-9a-f]{64})\@[\w\-]+\.cloudant\.com": _lowered(
        r"\.cloudant\.com"
    ),
    r"(?:https?\:\/\/)[\w\-]+\:([a-z]{24})\@[\w\-]+\.cloudant\.com": _lowered(r"\.cloudant\.com"),
    # Discord
    r"[MNO][a-zA-Z\d_-]{23,25}\.[a-zA-Z\d_-]{6}\.[a-zA-Z\d_-]{27}": _raw(
        r"\.[a-zA-Z\d_-]{6}\.[a-zA-Z\d_-]{27}"
    ),
    # GitHub, GitLab: literal prefixes, fast as they are.
    r"(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36}": _raw(r"(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36}"),
    r"(glpat|gldt|glft|glsoat|glrt)-[A-Za-z0-9_\-]{20,50}(?!\w)": _raw(
        r"(?:glpat|gldt|glft|glsoat|glrt)-[A-Za-z0-9_\-]{20}"
    ),
    r"GR1348941[A-Za-z0-9_\-]{20,50}(?!\w)": _raw(r"GR1348941[A-Za-z0-9_\-]{20}"),
    r"glcbt-([0-9a-fA-F]{2}_)?[A-Za-z0-9_\-]{20,50}(?!\w)": _raw(r"glcbt-"),
    r"glimt-[A-Za-z0-9_\-]{25}(?!\w)": _raw(r"glimt-[A-Za-z0-9_\-]{25}"),
    r"glptt-[A-Za-z0-9_\-]{40}(?!\w)": _raw(r"glptt-[A-Za-z0-9_\-]{40}"),
    r"glagent-[A-Za-z0-9_\-]{50,1024}(?!\w)": _raw(r"glagent-[A-Za-z0-9_\-]{50}"),
    r"gloas-[A-Za-z0-9_\-]{64}(?!\w)": _raw(r"gloas-[A-Za-z0-9_\-]{64}"),
    # IBM Cloud IAM: the prefix may be empty, so probe for the pattern's tail: the key word,
    # the assignment and the 44-character value.
    _assignment(
        r"(?:ibm(?:_|-|)cloud(?:_|-|)iam|cloud(?:_|-|)iam|ibm(?:_|-|)cloud|ibm(?:_|-|)iam|ibm"
        r"|iam|cloud|)",
        r"(?:api|)(?:_|-|)(?:key|pwd|password|pass|token)",
        r"([a-zA-Z0-9_\-]{44}(?![a-zA-Z0-9_\-]))",
    ): _lowered(
        r"(?:key|pwd|password|pass|token)[\"']?\]? *(?:=|:|:=|=>| +|::) *[\"']?[a-z0-9_\-]{44}"
    ),
    # IBM COS HMAC: needs "secret...key".
    _assignment(
        r"(?:(?:ibm)?[-_]?cos[-_]?(?:hmac)?|)",
        r"(?:secret[-_]?(?:access)?[-_]?key)",
        r"([a-f0-9]{48}(?![a-f0-9]))",
    ): _lowered(r"secret[-_]?(?:access)?[-_]?key"),
    # JWT
    r"eyJ[A-Za-z0-9-_=]+\.[A-Za-z0-9-_=]+\.?[A-Za-z0-9-_.+/=]*?": _raw(r"eyJ[A-Za-z0-9-_=]+\."),
    # Mailchimp
    r"[0-9a-z]{32}-us[0-9]{1,2}": _raw(r"-us[0-9]"),
    # npm
    r"\/\/.+\/:_authToken=\s*((npm_.+)|([A-Fa-f0-9-]{36})).*": _raw(r"/:_authToken="),
    # OpenAI
    r"sk-[A-Za-z0-9-_]*[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}": _raw(r"T3BlbkFJ"),
    # Private keys
    r"BEGIN DSA PRIVATE KEY": _raw(r"BEGIN DSA PRIVATE KEY"),
    r"BEGIN EC PRIVATE KEY": _raw(r"BEGIN EC PRIVATE KEY"),
    r"BEGIN OPENSSH PRIVATE KEY": _raw(r"BEGIN OPENSSH PRIVATE KEY"),
    r"BEGIN PGP PRIVATE KEY BLOCK": _raw(r"BEGIN PGP PRIVATE KEY BLOCK"),
    r"BEGIN PRIVATE KEY": _raw(r"BEGIN PRIVATE KEY"),
    r"BEGIN RSA PRIVATE KEY": _raw(r"BEGIN RSA PRIVATE KEY"),
    r"BEGIN SSH2 ENCRYPTED PRIVATE KEY": _raw(r"BEGIN SSH2 ENCRYPTED PRIVATE KEY"),
    r"PuTTY-User-Key-File-2": _raw(r"PuTTY-User-Key-File-2"),
    # PyPI
    r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9-_]{70,}": _raw(r"pypi-AgEIcHlwaS5vcmc"),
    r"pypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9-_]{70,}": _raw(r"pypi-AgENdGVzdC5weXBpLm9yZw"),
    # SendGrid
    r"SG\.[a-zA-Z0-9_-]{22}\.[a-zA-Z0-9_-]{43}": _raw(r"SG\.[a-zA-Z0-9_-]{22}\."),
    # Slack (both case-insensitive)
    r"xox(?:a|b|p|o|s|r)-(?:\d+-)+[a-z0-9]+": _lowered(r"xox[abposr]-"),
    r"https://hooks\.slack\.com/services/T[a-zA-Z0-9_]+/B[a-zA-Z0-9_]+/[a-zA-Z0-9_]+": (
        _lowered(r"hooks\.slack\.com/services/")
    ),
    # SoftLayer (both case-insensitive)
    _assignment(
        r"(?:softlayer|sl)",
        r"(?:api|)(?:_|-|)(?:key|pwd|password|pass|token)",
        r"([a-z0-9]{64})",
    ): _lowered(r"(?:softlayer|sl)[_-]?(?:api)?[_-]?(?:key|pwd|pass|token)"),
    r"(?:http|https)://api.softlayer.com/soap/(?:v3|v3.1)/([a-z0-9]{64})": _lowered(r"softlayer"),
    # Square
    r"sq0csp-[0-9A-Za-z\\\-_]{43}": _raw(r"sq0csp-"),
    # Stripe
    r"(?:r|s)k_live_[0-9a-zA-Z]{24}": _raw(r"k_live_[0-9a-zA-Z]{24}"),
    # Telegram
    r"\d{8,10}:[0-9A-Za-z_-]{35}": _raw(r":[0-9A-Za-z_-]{35}"),
    # Twilio
    r"AC[a-z0-9]{32}": _raw(r"AC[a-z0-9]{32}"),
    r"SK[a-z0-9]{32}": _raw(r"SK[a-z0-9]{32}"),
}

# The public IP pattern is long and verbose: it is pinned by its hash. Every match holds
# a digit, a dot, one to three digits, a dot, one to three digits, a dot and a digit.
_PUBLIC_IP_SHA256 = "86f640476221b831e4abd1f611474c06b13de4ddb982c00aae03abfc956952d5"
_PUBLIC_IP_PROBE = _raw(r"[0-9]\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]")

#: Plugins whose ``analyze_string`` only filters the base class's regex matches.
_FILTERING_REGEX_PLUGINS: frozenset[type] = frozenset({JwtTokenDetector})


def _regex_probes(plugin: RegexBasedDetector) -> tuple[_Probe, ...]:
    probes = []
    for pattern in plugin.denylist:
        text = pattern.pattern
        probe = _LOOSE.get(text)
        if probe is not None and bool(pattern.flags & re.IGNORECASE) != bool(probe.lowered):
            probe = None  # a case-insensitive pattern needs a lower-cased probe, and back
        elif hashlib.sha256(text.encode()).hexdigest() == _PUBLIC_IP_SHA256:
            probe = _PUBLIC_IP_PROBE  # digits and dots: case does not matter
        probes.append(probe or _Probe(per_line=pattern))
    return tuple(probes)


def _entropy_probe(plugin: HighEntropyStringsPlugin) -> _Probe | None:
    charset = re.escape(plugin.charset)
    expected = r"([\'" + f'"])([{charset}]+)' + r"(\1)"
    if plugin.regex.pattern != expected:
        return None
    # Shannon entropy of n characters is at most log2(n): below 2**limit characters the
    # limit cannot be exceeded. Rounding down keeps the bound safe against float error.
    shortest = max(1, int(2**plugin.entropy_limit))
    return _raw(r"([\'" + f'"])([{charset}]{{{shortest},}})' + r"(\1)")


def _keyword_probe() -> _Probe:
    return _lowered("|".join(f"(?:{keyword})" for keyword in KEYWORD_DENYLIST))


def _prefilter(plugin: BasePlugin) -> _Prefilter:
    cls = type(plugin)
    if (
        cls is KeywordDetector
        and isinstance(plugin, KeywordDetector)
        and not plugin.keyword_exclude
    ):
        return _Prefilter(plugin, (_keyword_probe(),))
    if cls in (Base64HighEntropyString, HexHighEntropyString):
        assert isinstance(plugin, HighEntropyStringsPlugin)
        probe = _entropy_probe(plugin)
        if probe is not None:
            return _Prefilter(plugin, (probe,), entropy_check=True)
    elif isinstance(plugin, RegexBasedDetector) and (
        cls in _FILTERING_REGEX_PLUGINS or not {"analyze_string", "analyze_line"} & set(vars(cls))
    ):
        return _Prefilter(plugin, _regex_probes(plugin))
    return _Prefilter(plugin, every_line=True)


@dataclass
class _State:
    plugins: list[BasePlugin] = field(default_factory=list)
    prefilters: list[_Prefilter] = field(default_factory=list)


_STATE = _State()


def _prefilters() -> list[_Prefilter]:
    configure_detect_secrets()
    plugins = get_plugins()
    if plugins is not _STATE.plugins:
        _STATE.plugins = plugins
        _STATE.prefilters = [_prefilter(plugin) for plugin in plugins]
    return _STATE.prefilters


# --- Scanning ---------------------------------------------------------------------------


class _NamedText(io.StringIO):
    """A text file for detect-secrets' transformers, which look at ``file.name``."""

    def __init__(self, text: str, name: str) -> None:
        super().__init__(text)
        self.name = name


def _file_lines(text: str) -> list[str]:
    """The text's lines as ``open(path).readlines()`` gives them (ends kept)."""
    lines = text.split("\n")
    last = lines.pop()
    lines = [line + "\n" for line in lines]
    if last:
        lines.append(last)
    return lines


def _first_meaningful_line(text: str) -> str:
    """The first line configparser would not skip as blank or a comment, stripped."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        stripped = text[start:end].strip()
        if stripped and stripped[0] not in "#;":
            return stripped
        start = end + 1
    return ""


def _mark(pattern: re.Pattern[str], text: str, lines: set[int]) -> None:
    """Add the numbers of every line a match of ``pattern`` touches."""
    line, position = 1, 0
    for match in pattern.finditer(text):
        start, end = match.span()
        line += text.count("\n", position, start)
        position = start
        spanned = text.count("\n", start, end)
        lines.update(range(line, line + spanned + 1))


def _candidates(text: str, file_lines: list[str]) -> dict[int, list[BasePlugin]]:
    """Line number -> the plugins that could report something on that line."""
    lowered = text.lower() if text.isascii() else None
    by_line: dict[int, list[BasePlugin]] = {}
    for prefilter in _prefilters():
        if prefilter.every_line:
            marked = set(range(1, len(file_lines) + 1))
        else:
            marked = set()
            for probe in prefilter.probes:
                if probe.raw is not None:
                    _mark(probe.raw, text, marked)
                elif probe.per_line is not None:
                    search = probe.per_line.search
                    marked.update(
                        number for number, line in enumerate(file_lines, 1) if search(line.rstrip())
                    )
                elif lowered is not None and probe.lowered is not None:
                    _mark(probe.lowered, lowered, marked)
                elif probe.lowered_unicode is not None:
                    _mark(probe.lowered_unicode, text, marked)
            if prefilter.entropy_check and marked:
                marked = _confirm_entropy(prefilter.plugin, marked, file_lines)
        for number in marked:
            by_line.setdefault(number, []).append(prefilter.plugin)
    return by_line


def _confirm_entropy(plugin: BasePlugin, marked: set[int], file_lines: list[str]) -> set[int]:
    assert isinstance(plugin, HighEntropyStringsPlugin)
    kept = set()
    for number in marked:
        if number > len(file_lines):
            continue
        for value in plugin.analyze_string(file_lines[number - 1].rstrip()):
            if plugin.calculate_shannon_entropy(value) > plugin.entropy_limit:
                kept.add(number)
                break
    return kept


def _scan_candidates(
    path: str, file_lines: list[str], candidates: dict[int, list[BasePlugin]]
) -> set[tuple[str, int]]:
    """detect-secrets' per-line scan, on the candidate lines and plugins only."""
    found: set[tuple[str, int]] = set()
    for number in sorted(candidates):
        if number > len(file_lines):
            continue
        line = file_lines[number - 1].rstrip()
        snippet = get_code_snippet(lines=file_lines, line_number=number)
        if _is_filtered_out(
            required_filter_parameters=["line"], filename=path, line=line, context=snippet
        ):
            continue
        for plugin in candidates[number]:
            for secret in _scan_line(
                plugin=plugin, filename=path, line=line, line_number=number, context=snippet
            ):
                if not _is_filtered_out(
                    required_filter_parameters=["context"],
                    filename=secret.filename,
                    secret=secret.secret_value,
                    plugin=plugin,
                    line=line,
                    context=snippet,
                ):
                    found.add((secret.type, number))
    return found


def _scan_all(path: str, lines: list[str]) -> set[tuple[str, int]]:
    return {
        (secret.type, secret.line_number)
        for secret in _process_line_based_plugins(
            lines=list(enumerate(lines, start=1)), filename=path
        )
    }


def _secrets(path: str, text: str) -> set[tuple[str, int]]:
    """(detect-secrets type, line) pairs, as ``scan_file`` would find them."""
    _prefilters()
    if "\r" in text:  # as open() in text mode reads the file
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _is_filtered_out(required_filter_parameters=["filename"], filename=path):
        return set()
    file_type = determine_file_type(path)

    # scan_file first tries the non-eager transformers: the INI one on every file, which
    # fails unless the first meaningful line is a [section] header, and the YAML one.
    if file_type is FileType.YAML or _first_meaningful_line(text).startswith("["):
        transformed = get_transformed_file(cast(NamedIO, _NamedText(text, path)))
        found = _scan_all(path, transformed or _file_lines(text))
    else:
        file_lines = _file_lines(text)
        found = _scan_candidates(path, file_lines, _candidates(text, file_lines))
    if found:
        return found

    # Nothing found: scan_file retries with the eager transformer (INI with an implicit
    # [global] section, for files of no known type). It fails unless the first
    # meaningful line is an option or a section header.
    if file_type is FileType.OTHER:
        first = _first_meaningful_line(text)
        if first.startswith("[") or "=" in first or ":" in first:
            named = cast(NamedIO, _NamedText(text, path))
            transformed = get_transformed_file(named, use_eager_transformers=True)
            if transformed:
                return _scan_all(path, transformed)
    return set()


def secret_findings(path: str, text: str) -> list[RawFinding]:
    """detect-secrets' findings for one file; ``path`` is repository-relative and only
    decides file-type handling. One finding per rule and line; no snippets."""
    findings: dict[tuple[str, int], RawFinding] = {}
    for secret_type, line in sorted(_secrets(path, text), key=_order):
        rule = _RULE_BY_TYPE.get(secret_type, "secret.api-key")
        if (rule, line) in findings:
            continue
        severity, confidence = _LEVELS.get(secret_type, ("high", "medium"))
        findings[(rule, line)] = RawFinding(
            rule=rule,
            line=line,
            message=_message(secret_type),
            severity=severity,
            confidence=confidence,
            cwe=_CWE_HARD_CODED_CREDENTIALS,
            tool="detect-secrets",
            snippet=None,
        )
    return sorted(findings.values(), key=lambda finding: (finding.line, finding.rule))


def _order(item: tuple[str, int]) -> tuple[int, str]:
    return item[1], item[0]
