"""Bandit (Python security checks) as a library, one file at a time, tuned for speed.

Bandit's own driver (``BanditManager``) reads files from disk, tokenizes each one for
``# nosec`` comments, keeps severity scores and looks for ``__init__.py`` files next to the
analysed file to name its module. None of that is needed here, and together it is about
half of bandit's time, so this module drives bandit's AST visitor directly:

* one :class:`BanditTestSet` per process (loading it walks entry points);
* the visitor only builds a context for node types that have a test or a visitor method,
  and never runs the tester for node types without tests; the tests for one node share
  one read-only context instead of a copy each;
* the tree is walked with an explicit stack (same order as bandit's recursion, which
  fails on long expression chains), skipping the shared operator and load/store leaves;
* scores are not kept; ``# nosec`` comments are found with a regex over the raw bytes
  (``# nosec B602,B607`` skips both tests; bandit itself only honours the last one);
* the whole-file check (B613, bidirectional control characters) only runs when the bytes
  could contain such a character.

Otherwise the issues are bandit's, line for line (pinned by a test against
``BanditManager``).

Bandit only reads the syntax tree: the analysed code is never imported or run, and the
module name is derived from the path without looking at the file system.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from dataclasses import dataclass
from typing import Any

from devmentor.analyzer.model import Confidence, RawFinding, Severity
from devmentor.analyzer.rules.base import Rule, register_rules

with warnings.catch_warnings():
    # stevedore (bandit's plugin loader) warns about an argument bandit still passes.
    warnings.filterwarnings(
        "ignore", message="The verify_requirements argument", category=DeprecationWarning
    )
    from bandit.core import config as b_config
    from bandit.core import context as b_context
    from bandit.core import extension_loader, node_visitor, test_set, tester
    from bandit.core import utils as b_utils

__all__ = ["bandit_findings", "bandit_rules"]

_TEST_SET: Any = test_set.BanditTestSet(b_config.BanditConfig())
_MANAGER: Any = extension_loader.MANAGER

#: Node type names the tester has checks for ("Call", "Str", "Assert", "File", ...).
_CHECKED_TYPES: frozenset[str] = frozenset(_TEST_SET.tests)
#: Node types the base visitor has a ``visit_<type>`` method for; they keep the import
#: table and the namespace up to date, so they always run.
_VISITOR_TYPES: frozenset[str] = frozenset(
    name[len("visit_") :]
    for name in dir(node_visitor.BanditNodeVisitor)
    if name.startswith("visit_") and name != "visit_"
)
_CONTEXT_TYPES: frozenset[str] = (_CHECKED_TYPES | _VISITOR_TYPES) - {"ClassDef"}

#: Plugin names that ``# nosec <name>`` may use instead of the test id.
_TEST_ID_BY_NAME: dict[str, str] = {
    name: plugin.plugin._test_id for name, plugin in _MANAGER.plugins_by_name.items()
}
for _tests in _MANAGER.blacklist.values():
    for _entry in _tests:
        _TEST_ID_BY_NAME[_entry["name"]] = _entry["id"]
_KNOWN_TEST_IDS: frozenset[str] = frozenset(_TEST_ID_BY_NAME.values())

_NOSEC = re.compile(rb"#[ \t\f]*nosec:?[ \t\f]*([^#\n]*)")
_NOSEC_WORD = re.compile(r"[A-Za-z0-9_]+")
# UTF-8 encodings of the characters bandit's B613 looks for (U+202A..U+202E,
# U+2066..U+2069, U+200F).
_BIDI_UTF8 = re.compile(rb"\xe2\x80[\xaa-\xae\x8f]|\xe2\x81[\xa6-\xa9]")

_SEVERITY: dict[str, Severity] = {"LOW": "low", "MEDIUM": "medium", "HIGH": "high"}
_CONFIDENCE: dict[str, Confidence] = {"LOW": "low", "MEDIUM": "medium", "HIGH": "high"}
_SNIPPET_CHARS = 200


# --- Rule metadata ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Spec:
    title: str
    severity: Severity
    cwe: int | None
    #: One sentence for a finding at a place in the code.
    message: str
    #: Why it matters, appended to the message to make the rule's description.
    why: str


_SHELL = ("py.shell-injection", "pattern:subprocess")
_HTML = ("pattern:html-templates",)
_HTTP = ("pattern:outbound-http",)
_SECRET = ("py.hardcoded-secret",)
_XML_WHY = (
    "Python's standard XML parsers expand entities, so a crafted document can exhaust "
    "memory or read local files; the defusedxml package parses the same formats safely."
)

_TAGS: dict[str, tuple[str, ...]] = {
    "B101": ("py.assert-validation",),
    "B102": ("py.eval-exec",),
    "B105": _SECRET,
    "B106": _SECRET,
    "B107": _SECRET,
    "B110": ("py.swallowed-exception",),
    "B112": ("py.swallowed-exception",),
    "B113": ("py.requests-no-timeout",),
    "B301": ("py.unsafe-deserialization", "pattern:pickle"),
    "B302": ("py.unsafe-deserialization",),
    "B307": ("py.eval-exec",),
    "B403": ("py.unsafe-deserialization", "pattern:pickle"),
    "B501": _HTTP,
    "B502": _HTTP,
    "B503": _HTTP,
    "B504": _HTTP,
    "B506": ("py.unsafe-deserialization", "pattern:yaml-loading"),
    "B507": _HTTP,
    "B508": _HTTP,
    "B509": _HTTP,
    "B602": _SHELL,
    "B603": _SHELL,
    "B604": _SHELL,
    "B605": _SHELL,
    "B606": _SHELL,
    "B607": _SHELL,
    "B608": ("py.sql-injection",),
    "B609": _SHELL,
    "B614": ("py.unsafe-deserialization", "pattern:pickle"),
    "B615": ("py.unsafe-deserialization",),
    "B701": _HTML,
    "B702": _HTML,
    "B703": _HTML,
    "B704": _HTML,
}

_SPECS: dict[str, _Spec] = {
    "B101": _Spec(
        "assert used for a run-time check",
        "low",
        703,
        "This assert is removed when Python runs with optimisation (-O), so the check it "
        "makes silently disappears in such deployments.",
        "Use an explicit if-statement that raises an exception for conditions that must "
        "hold in production; keep assert for internal invariants and tests.",
    ),
    "B102": _Spec(
        "exec() call",
        "medium",
        78,
        "exec() runs whatever Python code the string holds, so anyone who can influence "
        "that string can run code in this process.",
        "Dynamic code execution is rarely needed and turns any input bug into remote code "
        "execution.",
    ),
    "B103": _Spec(
        "Overly permissive file permissions",
        "medium",
        732,
        "These file permissions let other users (or everyone) read, write or execute the file.",
        "Files created with loose modes can be tampered with or read by other accounts on "
        "the same machine.",
    ),
    "B104": _Spec(
        "Binding to all network interfaces",
        "medium",
        605,
        "Binding to 0.0.0.0 (or '') exposes this service on every network interface, not "
        "only the one it is meant for.",
        "A service listening everywhere can be reached from networks nobody intended to serve.",
    ),
    "B105": _Spec(
        "Hard-coded password string",
        "low",
        259,
        "A password-like value is written into the source here, where everyone who can "
        "read the code can read it.",
        "Secrets in code end up in version control, logs and backups; load them from the "
        "environment or a secret store instead.",
    ),
    "B106": _Spec(
        "Hard-coded password argument",
        "low",
        259,
        "A literal password is passed as an argument here, so the secret lives in the source code.",
        "Secrets in code end up in version control, logs and backups; load them from the "
        "environment or a secret store instead.",
    ),
    "B107": _Spec(
        "Hard-coded password default",
        "low",
        259,
        "A function parameter that holds a password has a literal default value, so the "
        "secret lives in the source code.",
        "A default password is easy to forget to override and is visible to everyone who "
        "can read the code.",
    ),
    "B108": _Spec(
        "Hard-coded temporary directory",
        "medium",
        377,
        "A fixed path in a shared temporary directory can be predicted, so another user "
        "can create or replace the file first.",
        "Predictable temporary paths allow symlink and race attacks; the tempfile module "
        "creates unique files safely.",
    ),
    "B110": _Spec(
        "Exception swallowed with pass",
        "low",
        703,
        "This except block ignores the error with pass, so failures here vanish without a trace.",
        "Silently ignored errors hide bugs and security problems; handle, log or re-raise "
        "the exception.",
    ),
    "B112": _Spec(
        "Exception swallowed with continue",
        "low",
        703,
        "This except block skips to the next loop iteration without recording the error, "
        "so failures vanish without a trace.",
        "Silently ignored errors hide bugs and security problems; handle, log or re-raise "
        "the exception.",
    ),
    "B113": _Spec(
        "HTTP request without a timeout",
        "medium",
        400,
        "This HTTP request has no timeout, so a slow or unresponsive server can block "
        "this code forever.",
        "Without a timeout one stuck connection can hang a worker indefinitely and make the "
        "service unavailable.",
    ),
    "B201": _Spec(
        "Flask app run with debug=True",
        "high",
        94,
        "Running Flask with debug=True enables the Werkzeug debugger, which lets anyone "
        "who reaches an error page run Python code on the server.",
        "The interactive debugger is a remote code execution console and must never be "
        "reachable outside a developer's machine.",
    ),
    "B202": _Spec(
        "tarfile extraction without member checks",
        "high",
        22,
        "Extracting every member of a tar archive without checking names lets a crafted "
        "archive write files outside the target directory.",
        "Archive entries can contain absolute paths, '..' segments and links; use a filter "
        "or validate each member before extracting.",
    ),
    "B324": _Spec(
        "Weak hash function",
        "high",
        327,
        "MD4, MD5 and SHA-1 are broken for security purposes; collisions can be crafted, "
        "so they must not protect passwords, signatures or tokens.",
        "If the hash is not used for security, say so with usedforsecurity=False; "
        "otherwise use SHA-256 or a password hashing function.",
    ),
    "B501": _Spec(
        "TLS certificate verification disabled",
        "high",
        295,
        "This request turns off certificate verification (verify=False), so any machine "
        "in the middle can impersonate the server.",
        "Without certificate checks TLS no longer proves who you are talking to, and "
        "credentials and data can be intercepted.",
    ),
    "B502": _Spec(
        "Insecure SSL/TLS protocol version",
        "high",
        327,
        "This selects an SSL/TLS protocol version with known weaknesses.",
        "Old protocol versions (SSLv2, SSLv3, TLS 1.0/1.1) can be downgraded or decrypted; "
        "let the library negotiate a modern version.",
    ),
    "B503": _Spec(
        "Insecure SSL/TLS default protocol version",
        "medium",
        327,
        "This function's default argument selects an SSL/TLS protocol version with known "
        "weaknesses.",
        "Old protocol versions (SSLv2, SSLv3, TLS 1.0/1.1) can be downgraded or decrypted; "
        "let the library negotiate a modern version.",
    ),
    "B504": _Spec(
        "SSL/TLS socket without an explicit protocol version",
        "low",
        327,
        "ssl.wrap_socket() is called without choosing a protocol version, which may allow "
        "an insecure one.",
        "ssl.wrap_socket is deprecated; an SSLContext from ssl.create_default_context() "
        "has secure defaults.",
    ),
    "B505": _Spec(
        "Weak cryptographic key",
        "high",
        326,
        "The key size chosen here is too small to resist current attacks.",
        "Short RSA/DSA/EC keys can be broken with affordable computing power; use at least "
        "2048-bit RSA/DSA or 224-bit elliptic curve keys.",
    ),
    "B506": _Spec(
        "Unsafe YAML load",
        "medium",
        20,
        "yaml.load() with a full loader can build arbitrary Python objects from the "
        "document, so untrusted YAML can run code.",
        "yaml.safe_load() only builds plain data (dicts, lists, strings, numbers) and is "
        "the right choice for data from outside.",
    ),
    "B507": _Spec(
        "SSH host key not verified",
        "high",
        295,
        "Paramiko is told to accept unknown host keys automatically, so a machine in the "
        "middle can impersonate the SSH server.",
        "Host key checking is what proves the server's identity; accepting any key defeats it.",
    ),
    "B508": _Spec(
        "Insecure SNMP version",
        "medium",
        319,
        "SNMP v1/v2c sends the community string in clear text over the network.",
        "Anyone on the path can read the credentials and the data; SNMPv3 adds "
        "authentication and encryption.",
    ),
    "B509": _Spec(
        "SNMP without encryption",
        "medium",
        319,
        "This SNMPv3 session has no (or weak) authentication and privacy settings, so "
        "the traffic is not protected.",
        "Use SNMPv3 with both authentication and privacy (authPriv) to protect credentials "
        "and data.",
    ),
    "B601": _Spec(
        "Shell command through Paramiko",
        "medium",
        78,
        "exec_command() runs this string in a shell on the remote host, so untrusted "
        "input in it can run arbitrary commands there.",
        "Commands built from input must be validated or quoted; prefer fixed commands.",
    ),
    "B602": _Spec(
        "subprocess call with shell=True",
        "high",
        78,
        "This subprocess call uses shell=True, so the shell interprets the command and any "
        "untrusted text in it can run extra commands.",
        "Pass the command as a list of arguments without a shell, so input is never "
        "interpreted as shell syntax.",
    ),
    "B603": _Spec(
        "subprocess call without a shell",
        "low",
        78,
        "This starts an external program; make sure no argument comes from untrusted input "
        "without validation.",
        "Even without a shell, attacker-controlled program names or options can make the "
        "program do unintended things.",
    ),
    "B604": _Spec(
        "Function call with shell=True",
        "medium",
        78,
        "This call passes shell=True, which usually means a shell interprets the command "
        "and untrusted text can run extra commands.",
        "Pass the command as a list of arguments without a shell, so input is never "
        "interpreted as shell syntax.",
    ),
    "B605": _Spec(
        "Process started with a shell",
        "high",
        78,
        "This function runs the command through a shell, so any untrusted text in it can "
        "run extra commands.",
        "os.system, os.popen and similar always use a shell; subprocess with an argument "
        "list avoids shell interpretation.",
    ),
    "B606": _Spec(
        "Process started without a shell",
        "low",
        78,
        "This starts an external program directly; make sure the program and its "
        "arguments cannot come from untrusted input.",
        "Starting processes is a powerful operation; validate every part of the command.",
    ),
    "B607": _Spec(
        "Process started with a partial path",
        "low",
        78,
        "The program is named without a full path, so whichever file of that name comes "
        "first on PATH is run.",
        "If PATH can be influenced, a different program may run; use an absolute path for "
        "sensitive commands.",
    ),
    "B608": _Spec(
        "SQL built from strings",
        "medium",
        89,
        "This SQL statement is built by string formatting or concatenation, so data "
        "inserted into it can change the query (SQL injection).",
        "Pass values as query parameters and let the database driver quote them.",
    ),
    "B609": _Spec(
        "Wildcard in a shell command",
        "high",
        78,
        "A shell wildcard (*) in this command expands to file names, and a crafted file "
        "name can be taken as an option by the program.",
        "Wildcard expansion lets whoever controls a directory inject command-line options; "
        "list files explicitly or use '--'.",
    ),
    "B610": _Spec(
        "Django QuerySet.extra() call",
        "medium",
        89,
        "QuerySet.extra() inserts raw SQL fragments, so data placed in them can change the "
        "query (SQL injection).",
        "Use the ORM's expressions, or pass values through params.",
    ),
    "B611": _Spec(
        "Django RawSQL expression",
        "medium",
        89,
        "RawSQL inserts a raw SQL fragment, so data formatted into it can change the query "
        "(SQL injection).",
        "Pass values through the params argument instead of building the SQL string.",
    ),
    "B612": _Spec(
        "logging.config.listen() call",
        "medium",
        94,
        "logging.config.listen() accepts configuration over a socket, and such "
        "configuration can make the process run code.",
        "Anyone who can reach the port can reconfigure logging and execute code; only use "
        "it with a verify function on a trusted network.",
    ),
    "B613": _Spec(
        "Bidirectional control characters in source",
        "high",
        838,
        "This line contains invisible bidirectional control characters that make the code "
        "display differently from how Python reads it.",
        "Such characters can hide malicious logic in code review (the 'Trojan Source' attack).",
    ),
    "B614": _Spec(
        "Unsafe PyTorch load",
        "high",
        502,
        "torch.load() unpickles the file, so loading an untrusted model file can run "
        "arbitrary code.",
        "Pickle-based formats execute code while loading; use weights_only=True or a safe "
        "format such as safetensors.",
    ),
    "B615": _Spec(
        "Hugging Face download without a pinned revision",
        "medium",
        494,
        "This downloads a model or dataset from the Hugging Face Hub without pinning a "
        "revision, so different (possibly malicious) content can arrive later.",
        "Pin a specific commit hash so the downloaded artifact cannot change under you.",
    ),
    "B701": _Spec(
        "Jinja2 autoescape disabled",
        "high",
        94,
        "This Jinja2 environment does not escape HTML by default, so values rendered into "
        "templates can inject scripts (XSS).",
        "Enable autoescape (for example with select_autoescape()) so untrusted values are escaped.",
    ),
    "B702": _Spec(
        "Mako templates",
        "medium",
        80,
        "Mako templates do not escape HTML by default, so values rendered into them can "
        "inject scripts (XSS).",
        "Use a default filter that escapes HTML, or a template engine with autoescaping.",
    ),
    "B703": _Spec(
        "Django mark_safe() call",
        "medium",
        80,
        "mark_safe() tells Django not to escape this value, so any untrusted text in it "
        "can inject scripts (XSS).",
        "Only mark strings you built from trusted parts as safe; format_html() escapes "
        "the values it inserts.",
    ),
    "B704": _Spec(
        "markupsafe.Markup() on a non-literal",
        "medium",
        79,
        "Markup() marks this string as safe HTML without escaping it, so untrusted text in "
        "it can inject scripts (XSS).",
        "Use Markup.format() or escape() so inserted values are escaped.",
    ),
    "B301": _Spec(
        "pickle deserialization",
        "medium",
        502,
        "Unpickling data can run arbitrary code, so loading pickle data from an untrusted "
        "source hands that source control of the process.",
        "Use a data-only format such as JSON for anything that crosses a trust boundary.",
    ),
    "B302": _Spec(
        "marshal deserialization",
        "medium",
        502,
        "marshal is not safe against malformed or malicious data, so it must not load "
        "untrusted input.",
        "Use a data-only format such as JSON for anything that crosses a trust boundary.",
    ),
    "B303": _Spec(
        "Weak hash function",
        "medium",
        327,
        "MD2, MD4, MD5 and SHA-1 are broken for security purposes; collisions can be crafted.",
        "Use SHA-256 or stronger, or a password hashing function for passwords.",
    ),
    "B304": _Spec(
        "Insecure cipher",
        "high",
        327,
        "This cipher is considered broken or too weak to protect data.",
        "Use a modern authenticated cipher such as AES-GCM or ChaCha20-Poly1305.",
    ),
    "B305": _Spec(
        "Insecure cipher mode",
        "medium",
        327,
        "ECB mode encrypts equal blocks to equal ciphertext, so patterns in the data stay visible.",
        "Use an authenticated mode such as GCM.",
    ),
    "B306": _Spec(
        "tempfile.mktemp() call",
        "medium",
        377,
        "mktemp() returns a name that another process can create before you do, a race "
        "that attackers can exploit.",
        "tempfile.mkstemp() or NamedTemporaryFile() create the file atomically.",
    ),
    "B307": _Spec(
        "eval() call",
        "medium",
        78,
        "eval() runs whatever Python expression the string holds, so untrusted input in it "
        "can run code in this process.",
        "For literals, ast.literal_eval() parses data without executing it.",
    ),
    "B308": _Spec(
        "Django mark_safe() call",
        "medium",
        79,
        "mark_safe() disables HTML escaping for this value, so untrusted text in it can "
        "inject scripts (XSS).",
        "Only mark strings you built from trusted parts as safe.",
    ),
    "B310": _Spec(
        "urllib urlopen with unchecked scheme",
        "medium",
        22,
        "urlopen() also accepts file:// and other schemes, so a URL from input can read "
        "local files.",
        "Check the URL scheme (http/https) before opening URLs that come from outside.",
    ),
    "B311": _Spec(
        "Non-cryptographic random generator",
        "low",
        330,
        "The random module is predictable and must not generate tokens, passwords or keys.",
        "The secrets module provides unpredictable values for security purposes.",
    ),
    "B312": _Spec(
        "Telnet usage",
        "high",
        319,
        "Telnet sends everything, including passwords, in clear text.",
        "Use SSH or another encrypted protocol.",
    ),
    "B313": _Spec(
        "XML parsing with cElementTree",
        "medium",
        20,
        "This parses XML with a parser that is vulnerable to malicious documents.",
        _XML_WHY,
    ),
    "B314": _Spec(
        "XML parsing with ElementTree",
        "medium",
        20,
        "This parses XML with a parser that is vulnerable to malicious documents.",
        _XML_WHY,
    ),
    "B315": _Spec(
        "XML parsing with expatreader",
        "medium",
        20,
        "This parses XML with a parser that is vulnerable to malicious documents.",
        _XML_WHY,
    ),
    "B316": _Spec(
        "XML parsing with expatbuilder",
        "medium",
        20,
        "This parses XML with a parser that is vulnerable to malicious documents.",
        _XML_WHY,
    ),
    "B317": _Spec(
        "XML parsing with SAX",
        "medium",
        20,
        "This parses XML with a parser that is vulnerable to malicious documents.",
        _XML_WHY,
    ),
    "B318": _Spec(
        "XML parsing with minidom",
        "medium",
        20,
        "This parses XML with a parser that is vulnerable to malicious documents.",
        _XML_WHY,
    ),
    "B319": _Spec(
        "XML parsing with pulldom",
        "medium",
        20,
        "This parses XML with a parser that is vulnerable to malicious documents.",
        _XML_WHY,
    ),
    "B321": _Spec(
        "FTP usage",
        "high",
        319,
        "FTP sends credentials and data in clear text.",
        "Use SFTP, FTPS or another encrypted protocol.",
    ),
    "B323": _Spec(
        "Unverified SSL context",
        "medium",
        295,
        "This SSL context does not verify certificates, so the peer's identity is not checked.",
        "ssl.create_default_context() verifies certificates and host names.",
    ),
    "B401": _Spec(
        "telnetlib import",
        "high",
        319,
        "This imports a Telnet module; Telnet sends everything, including passwords, in "
        "clear text.",
        "Use SSH or another encrypted protocol.",
    ),
    "B402": _Spec(
        "ftplib import",
        "high",
        319,
        "This imports an FTP module; FTP sends credentials and data in clear text.",
        "Use SFTP, FTPS or another encrypted protocol.",
    ),
    "B403": _Spec(
        "pickle import",
        "low",
        502,
        "This imports a pickle-family module; unpickling untrusted data can run arbitrary code.",
        "Make sure pickled data only ever comes from a trusted source, or use JSON.",
    ),
    "B404": _Spec(
        "subprocess import",
        "low",
        78,
        "This module starts external programs; every command it builds deserves a careful look.",
        "Command execution is where injection bugs turn into full compromise.",
    ),
    "B405": _Spec(
        "xml.etree import",
        "low",
        20,
        "This imports an XML parser that is vulnerable to malicious documents.",
        _XML_WHY,
    ),
    "B406": _Spec(
        "xml.sax import",
        "low",
        20,
        "This imports an XML parser that is vulnerable to malicious documents.",
        _XML_WHY,
    ),
    "B407": _Spec(
        "xml.dom.expatbuilder import",
        "low",
        20,
        "This imports an XML parser that is vulnerable to malicious documents.",
        _XML_WHY,
    ),
    "B408": _Spec(
        "xml.dom.minidom import",
        "low",
        20,
        "This imports an XML parser that is vulnerable to malicious documents.",
        _XML_WHY,
    ),
    "B409": _Spec(
        "xml.dom.pulldom import",
        "low",
        20,
        "This imports an XML parser that is vulnerable to malicious documents.",
        _XML_WHY,
    ),
    "B411": _Spec(
        "xmlrpc import",
        "high",
        20,
        "This imports xmlrpc, whose XML parsing is vulnerable to malicious documents.",
        _XML_WHY,
    ),
    "B412": _Spec(
        "CGI handler import (httpoxy)",
        "high",
        284,
        "This CGI handler takes the HTTP_PROXY setting from the request's Proxy header "
        "(httpoxy), letting a client redirect outgoing requests.",
        "Do not run CGI handlers in front of code that makes outbound HTTP requests.",
    ),
    "B413": _Spec(
        "pyCrypto import",
        "high",
        327,
        "pyCrypto is unmaintained and has known vulnerabilities.",
        "Use the cryptography package or pycryptodome.",
    ),
    "B415": _Spec(
        "pyghmi (IPMI) import",
        "high",
        319,
        "IPMI is an insecure management protocol.",
        "Keep IPMI on an isolated network and prefer encrypted management protocols.",
    ),
}


def _all_test_ids() -> list[str]:
    ids: set[str] = set()
    for plugins in _TEST_SET.tests.values():
        for plugin in plugins:
            test_id = plugin._test_id
            if test_id == "B001":  # the blacklist pseudo-plugin: one id per entry
                for entries in plugin._config.values():
                    ids.update(entry["id"] for entry in entries)
            else:
                ids.add(test_id)
    return sorted(ids)


def _fallback_spec(test_id: str) -> _Spec:
    # A test that a newer bandit added and the table above does not know yet.
    name = next((n for n, i in _TEST_ID_BY_NAME.items() if i == test_id), test_id)
    title = name.replace("_", " ").capitalize()
    return _Spec(title, "medium", None, f"Bandit check {test_id} ({title}) matched here.", "")


def bandit_rules() -> tuple[Rule, ...]:
    """One rule per bandit test in the test set this module runs."""
    rules = []
    for test_id in _all_test_ids():
        spec = _SPECS.get(test_id) or _fallback_spec(test_id)
        description = f"{spec.message} {spec.why}".strip()
        rules.append(
            Rule(
                id=f"bandit.{test_id}",
                title=spec.title,
                category="security",
                severity=spec.severity,
                description=description,
                cwe=spec.cwe,
                tags=_TAGS.get(test_id, ()),
                in_tests=test_id != "B101",
            )
        )
    return tuple(rules)


# --- Running bandit ---------------------------------------------------------------------


_NO_SCORES: dict[str, list[int]] = {"SEVERITY": [0, 0, 0, 0], "CONFIDENCE": [0, 0, 0, 0]}


class _Tester(tester.BanditTester):  # type: ignore[misc]
    """Runs the tests for one node; keeps no scores and records crashes as errors."""

    def __init__(self, nosec_lines: dict[int, set[str]], errors: list[str]) -> None:
        super().__init__(_TEST_SET, False, nosec_lines, None)
        self._errors = errors

    def run_tests(self, raw_context: dict[str, Any], checktype: str) -> dict[str, list[int]]:
        tests = self.testset.get_tests(checktype)
        if not tests:
            return _NO_SCORES
        # Bandit copies the context for every test; no test writes to it, so one shared
        # (read-only) view is enough.
        context = raw_context
        view = b_context.Context(context)
        for test in tests:
            try:
                result = test(view, test._config) if hasattr(test, "_config") else test(view)
            except Exception as exc:  # a bandit plugin bug must not stop the file
                line = context.get("lineno", 0)
                self._errors.append(
                    f"bandit: check {test._test_id} failed at line {line} ({type(exc).__name__})"
                )
                continue
            if result is None:
                continue
            if result.lineno is None:
                result.lineno = context["lineno"]
            if result.linerange == []:
                result.linerange = context["linerange"]
            if result.col_offset == -1:
                result.col_offset = context["col_offset"]
            result.end_col_offset = context.get("end_col_offset", 0)
            result.fname = context["filename"]
            result.test = test.__name__
            if result.test_id == "":
                result.test_id = test._test_id
            if self._suppressed(result, context):
                continue
            self.results.append(result)
        return _NO_SCORES

    def _suppressed(self, result: Any, context: dict[str, Any]) -> bool:
        if not self.nosec_lines:
            return False
        # Like bandit: the issue's own line, then the first line of the node's range
        # that has a nosec comment.
        on_line = self.nosec_lines.get(result.lineno)
        in_range = None
        for line in context["linerange"]:
            in_range = self.nosec_lines.get(line)
            if in_range is not None:
                break
        if on_line is None and in_range is None:
            return False
        skip = (on_line or set()) | (in_range or set())
        return not skip or result.test_id in skip


class _Visitor(node_visitor.BanditNodeVisitor):  # type: ignore[misc]
    """Bandit's visitor without the work this module does not need."""

    def __init__(
        self,
        fname: str,
        nosec_lines: dict[int, set[str]],
        skip_types: frozenset[str],
        errors: list[str],
    ) -> None:
        # The base __init__ is not called: it looks for __init__.py files on disk to name
        # the module, and the path here is repository-relative, not a real file.
        self.debug = False
        self.nosec_lines = nosec_lines
        self.depth = 0
        self.fname = fname
        self.fdata: io.BytesIO | None = None
        self.metaast = None
        self.metrics = None
        self.testset = _TEST_SET
        self.imports: set[str] = set()
        self.import_aliases: dict[str, str] = {}
        self.tester = _Tester(nosec_lines, errors)
        self.namespace = _module_name(fname)
        self.context: dict[str, Any] = {}
        self.scores = _NO_SCORES
        self._checked = _CHECKED_TYPES - skip_types
        self._context_types = _CONTEXT_TYPES - skip_types

    def pre_visit(self, node: ast.AST) -> bool:
        if node.__class__.__name__ in self._context_types:
            self.context = self._context_for(node)
        return True

    def _context_for(self, node: ast.AST) -> dict[str, Any]:
        context: dict[str, Any] = {
            "imports": self.imports,
            "import_aliases": self.import_aliases,
        }
        if hasattr(node, "lineno"):
            context["lineno"] = node.lineno
        if hasattr(node, "col_offset"):
            context["col_offset"] = node.col_offset
        if hasattr(node, "end_col_offset"):
            context["end_col_offset"] = node.end_col_offset
        context["node"] = node
        context["linerange"] = b_utils.linerange(node)
        context["filename"] = self.fname
        context["file_data"] = self.fdata
        return context

    def visit(self, node: ast.AST) -> None:
        name = node.__class__.__name__
        if name in _VISITOR_TYPES:
            getattr(self, "visit_" + name)(node)
        elif name in self._checked:
            self.tester.run_tests(self.context, name)

    def post_visit(self, node: ast.AST) -> None:
        if isinstance(node, _NAMESPACE_NODES):
            self.namespace = b_utils.namespace_path_split(self.namespace)[0]

    def update_scores(self, scores: object) -> None:
        pass

    def generic_visit(self, node: ast.AST) -> None:
        # What bandit's recursive generic_visit does (pre_visit, visit, children,
        # post_visit, in field order), with an explicit stack so deeply nested code cannot
        # exhaust Python's recursion limit, and pre_visit/visit/post_visit inlined.
        context_types, checked = self._context_types, self._checked
        run_tests = self.tester.run_tests
        stack: list[Any] = []
        _push_children(stack, node)
        while stack:
            item = stack.pop()
            if item is _LEAVE_NAMESPACE:
                self.namespace = b_utils.namespace_path_split(self.namespace)[0]
                continue
            child, sibling, parent = item
            child._bandit_sibling = sibling
            child._bandit_parent = parent
            cls = child.__class__
            name = cls.__name__
            if name in context_types:
                self.context = self._context_for(child)
            if name in _VISITOR_TYPES:
                getattr(self, "visit_" + name)(child)
            elif name in checked:
                run_tests(self.context, name)
            if cls in _NAMESPACE_NODES:
                stack.append(_LEAVE_NAMESPACE)
            _push_children(stack, child)


_NAMESPACE_NODES = (ast.FunctionDef, ast.ClassDef)
_LEAVE_NAMESPACE = object()
_AST = ast.AST
#: Leaf nodes without tests (expression contexts and operators): CPython shares one
#: instance of each, so bandit's parent links on them mean nothing; they are skipped.
_LEAF_TYPES: frozenset[type] = frozenset(
    cls
    for base in (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
    for cls in base.__subclasses__()
    if cls.__name__ not in _CHECKED_TYPES
)


def _push_children(stack: list[Any], node: ast.AST) -> None:
    """Push a node's AST children (with bandit's sibling, and the parent) in reverse
    field order, so popping visits them in field order."""
    children: list[tuple[ast.AST, object, ast.AST]] = []
    for name in node._fields:
        value = getattr(node, name, None)
        if value.__class__ is list:
            last = len(value) - 1
            for index, item in enumerate(value):
                if isinstance(item, _AST) and item.__class__ not in _LEAF_TYPES:
                    children.append((item, value[index + 1] if index < last else None, node))
        elif isinstance(value, _AST) and value.__class__ not in _LEAF_TYPES:
            children.append((value, None, node))
    if children:
        children.reverse()
        stack.extend(children)


def _module_name(path: str) -> str:
    base = path.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[0] if "." in base else base


def _nosec_lines(source: bytes) -> dict[int, set[str]]:
    """Line -> test ids a ``# nosec`` comment there names (empty set: all tests)."""
    if b"nosec" not in source:
        return {}
    if b"\r" in source:
        source = source.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    lines: dict[int, set[str]] = {}
    line, position = 1, 0
    for match in _NOSEC.finditer(source):
        line += source.count(b"\n", position, match.start())
        position = match.start()
        if line in lines:
            continue
        words = _NOSEC_WORD.findall(match.group(1).decode("utf-8", "replace"))
        ids = set()
        for word in words:
            if word in _KNOWN_TEST_IDS:
                ids.add(word)
            elif word in _TEST_ID_BY_NAME:
                ids.add(_TEST_ID_BY_NAME[word])
        lines[line] = ids
    return lines


def _may_have_bidi(source: bytes) -> bool:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
    except SyntaxError:
        return True
    if encoding not in ("utf-8", "utf-8-sig"):
        return True
    return _BIDI_UTF8.search(source) is not None


def bandit_findings(
    path: str, source: bytes, *, is_test: bool, tree: ast.Module | None = None
) -> tuple[list[RawFinding], list[str]]:
    """Bandit's findings for one Python file, and what went wrong (one line each).

    ``tree`` is ``ast.parse(source)`` when the caller already has it; bandit annotates
    its nodes (``_bandit_parent``, ``_bandit_sibling``, ...). ``assert`` (B101) is not
    checked in test files. Never raises for bad input.
    """
    errors: list[str] = []
    try:
        if tree is None:
            tree = ast.parse(source)
    except (SyntaxError, ValueError) as exc:
        # Python 3.11 reports null bytes as a ValueError, 3.12 as a SyntaxError.
        if b"\x00" in source:
            return [], ["bandit: source contains null bytes"]
        return [], [f"bandit: syntax error at line {getattr(exc, 'lineno', None) or 0}"]
    except (RecursionError, MemoryError):
        return [], ["bandit: nesting too deep"]

    nosec = _nosec_lines(source)
    skip = frozenset({"Assert"}) if is_test else frozenset()
    visitor = _Visitor(path, nosec, skip, errors)
    try:
        visitor.generic_visit(tree)
        if "File" in visitor._checked and _may_have_bidi(source):
            visitor.fdata = io.BytesIO(source)
            visitor.tester.run_tests(
                {
                    "file_data": visitor.fdata,
                    "filename": path,
                    "lineno": 0,
                    "linerange": [0, 1],
                    "col_offset": 0,
                },
                "File",
            )
    except (RecursionError, MemoryError):
        errors.append("bandit: nesting too deep")
    return _to_findings(visitor.tester.results, source), errors


def _to_findings(issues: list[Any], source: bytes) -> list[RawFinding]:
    if not issues:
        return []
    lines = source.decode("utf-8", "replace").splitlines()
    seen: set[tuple[str, int]] = set()
    findings = []
    for issue in sorted(issues, key=_issue_order):
        rule = f"bandit.{issue.test_id}"
        line = int(issue.lineno or 1)
        if (rule, line) in seen:
            continue
        seen.add((rule, line))
        spec = _SPECS.get(issue.test_id)
        end_line = max([line, *(n for n in issue.linerange if isinstance(n, int))])
        snippet = lines[line - 1].strip()[:_SNIPPET_CHARS] if 0 < line <= len(lines) else None
        findings.append(
            RawFinding(
                rule=rule,
                line=line,
                end_line=end_line,
                message=spec.message if spec else str(issue.text),
                severity=_SEVERITY.get(issue.severity, "medium"),
                confidence=_CONFIDENCE.get(issue.confidence, "medium"),
                cwe=issue.cwe.id or None,
                tool="bandit",
                snippet=snippet or None,
            )
        )
    return findings


def _issue_order(issue: Any) -> tuple[int, str]:
    return int(issue.lineno or 0), str(issue.test_id)


register_rules(bandit_rules())
