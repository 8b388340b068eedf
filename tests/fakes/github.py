"""A fake GitHub on 127.0.0.1: the OAuth web flow and the few REST endpoints sign-in uses.

It is a real TCP server (a ``tests.fakes.server.ThreadedServer``) rather than an ASGI
transport, so that a browser and a separate ``devmentor serve`` process can reach it
as well as in-process clients. The wire formats follow GitHub's, including its quirks: token
endpoint errors are HTTP 200 with an ``error`` field, the token response is form-encoded
unless the client asks for JSON, and granted scopes come back comma-separated.

The REST API lives under ``/api/v3`` (GitHub Enterprise Server's layout) so that one host
serves both the web flow and the API, and the app under test needs a single base URL::

    with FakeGitHub() as github:
        github.add_user(GitHubUser(login="ada", id=1))
        github.signed_in_as = "ada"
        github.auto_approve = True
        ...  # point the app at github.base_url / github.api_url
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html
import json
import math
import secrets
import string
import struct
import threading
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus, urlencode, urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from tests.fakes.server import ThreadedServer

API_PREFIX = "/api/v3"
CODE_LIFETIME = 600.0  # GitHub: "Authorization codes expire after 10 minutes"
DOCS = "https://docs.github.com/rest"
_TOKEN_ERRORS_DOCS = (
    "https://docs.github.com/apps/managing-oauth-apps/"
    "troubleshooting-oauth-app-access-token-request-errors/"
)
_ACCESS_DENIED_URI = (
    "https://docs.github.com/apps/managing-oauth-apps/"
    "troubleshooting-authorization-request-errors/#access-denied"
)
_TOKEN_ERRORS: dict[str, tuple[str, str]] = {
    "incorrect_client_credentials": (
        "The client_id and/or client_secret passed are incorrect.",
        _TOKEN_ERRORS_DOCS + "#incorrect-client-credentials",
    ),
    "redirect_uri_mismatch": (
        "The redirect_uri MUST match the registered callback URL for this application.",
        _TOKEN_ERRORS_DOCS + "#redirect-uri-mismatch2",
    ),
    "bad_verification_code": (
        "The code passed is incorrect or expired.",
        _TOKEN_ERRORS_DOCS + "#bad-verification-code",
    ),
    "unsupported_grant_type": (
        "The grant type is not supported.",
        _TOKEN_ERRORS_DOCS,
    ),
}
# Fixed so that rendered objects are stable across runs; only their shape matters.
_CREATED_AT = "2020-01-01T00:00:00Z"
_UPDATED_AT = "2024-06-01T12:00:00Z"
_ALNUM = string.ascii_letters + string.digits
# Broader scopes that include narrower ones, as GitHub documents them.
_IMPLIED_SCOPES = {
    "user": {"read:user", "user:email", "user:follow"},
    "repo": {"repo:status", "repo_deployment", "public_repo", "repo:invite", "security_events"},
}


def _random_alnum(length: int) -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(length))


class _DefaultEmails(list[dict[str, Any]]):
    """Marks ``GitHubUser.emails`` as not given, so an explicit ``[]`` stays empty."""


@dataclass
class GitHubUser:
    login: str
    id: int
    name: str | None = None
    # The public profile email; GitHub shows null when the user keeps it private.
    email: str | None = None
    # What /user/emails returns. Left out: one primary verified address (the public ``email``
    # when there is one, since GitHub only lets a verified address be public).
    emails: list[dict[str, Any]] = field(default_factory=_DefaultEmails)
    # None: an avatar served by the fake itself, at ``{base_url}/avatars/{id}``.
    avatar_url: str | None = None
    # Simplified: {"name", "private", "language", "description"}; any other key is copied into
    # the rendered repo object as is (e.g. "size", "stargazers_count", "pushed_at").
    repos: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if isinstance(self.emails, _DefaultEmails):
            address = self.email or f"{self.login}@users.example.test"
            visibility = "public" if self.email else "private"
            self.emails = [
                {"email": address, "primary": True, "verified": True, "visibility": visibility}
            ]


@dataclass(frozen=True)
class _Grant:
    """What an authorization code stands for until it is exchanged."""

    client_id: str
    redirect_uri: str
    login: str
    scopes: tuple[str, ...]
    code_challenge: str | None
    expires_at: float


@dataclass(frozen=True)
class _Token:
    login: str
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class _AuthorizeRequest:
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str | None
    code_challenge: str | None
    code_challenge_method: str | None

    def hidden_fields(self) -> dict[str, str]:
        fields = {
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": " ".join(self.scopes),
        }
        optional = {
            "state": self.state,
            "code_challenge": self.code_challenge,
            "code_challenge_method": self.code_challenge_method,
        }
        fields.update({name: value for name, value in optional.items() if value is not None})
        return fields


def _parse_scopes(raw: str) -> tuple[str, ...]:
    # GitHub documents space-separated scopes but also accepts commas.
    seen: dict[str, None] = {}
    for scope in raw.replace(",", " ").split():
        seen.setdefault(scope, None)
    return tuple(seen)


def _has_scope(granted: Iterable[str], needed: str) -> bool:
    return any(scope == needed or needed in _IMPLIED_SCOPES.get(scope, ()) for scope in granted)


def s256_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _add_query(url: str, params: list[tuple[str, str]]) -> str:
    # Appended rather than re-encoded, so the app's own query string reaches it byte for byte.
    parts = urlsplit(url)
    query = parts.query + ("&" if parts.query else "") + urlencode(params)
    return parts._replace(query=query).geturl()


def _redirect(url: str) -> Response:
    # Not RedirectResponse: it re-quotes the URL, and the point is to send exactly this one.
    return Response(status_code=302, headers={"location": url})


def _page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    # The empty icon keeps the browser from requesting /favicon.ico and logging a 404.
    return HTMLResponse(
        "<!doctype html>\n<html lang=en><head><meta charset=utf-8>"
        f'<link rel=icon href="data:,"><title>{html.escape(title)}</title></head>'
        f"<body>{body}</body></html>\n",
        status_code=status_code,
    )


def _png(rgb: bytes) -> bytes:
    """A 1x1 PNG of one colour: enough for an <img> to load without error."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    pixels = zlib.compress(b"\x00" + rgb)  # one scanline, filter type 0
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


_ApiHandler = Callable[[Request, GitHubUser, _Token], Awaitable[Response]]


class FakeGitHub(ThreadedServer):
    """GitHub's OAuth web flow and REST API for one OAuth app, on a free local port."""

    _label = "fake GitHub server"
    _server_header = "GitHub.com"

    def __init__(self, *, client_id: str | None = None, client_secret: str | None = None) -> None:
        super().__init__()
        # Shaped like GitHub's OAuth app credentials, so format checks in the app pass.
        self.client_id = client_id or "Ov23li" + _random_alnum(14)
        self.client_secret = client_secret or secrets.token_hex(20)
        self.signed_in_as: str | None = None
        self.auto_approve = False
        # Seconds an authorization code stays valid; tests of expiry can lower it.
        self.code_lifetime = CODE_LIFETIME
        self.users: dict[str, GitHubUser] = {}
        # Recorded traffic. Appended to by the server thread only; read by tests.
        self.authorize_requests: list[dict[str, str]] = []
        self.token_requests: list[dict[str, Any]] = []
        self.api_requests: list[tuple[str, str]] = []

        self._lock = threading.Lock()
        self._grants: dict[str, _Grant] = {}
        self._tokens: dict[str, _Token] = {}

    # -- Test-facing API -------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self.origin

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def authorize_url(self) -> str:
        return self.base_url + "/login/oauth/authorize"

    @property
    def token_url(self) -> str:
        return self.base_url + "/login/oauth/access_token"

    def add_user(self, user: GitHubUser) -> GitHubUser:
        self.users[user.login] = user
        return user

    def issued_tokens(self) -> list[str]:
        with self._lock:
            return list(self._tokens)

    def issue_token(self, login: str, scopes: Iterable[str] = ("read:user", "user:email")) -> str:
        """A token as if ``login`` had approved ``scopes``: for API tests that skip the flow."""
        if login not in self.users:
            raise KeyError(f"no user {login!r}; add_user() first")
        return self._new_token(_Token(login, tuple(scopes)))

    def avatar_url_for(self, user: GitHubUser) -> str:
        return user.avatar_url or f"{self.base_url}/avatars/{user.id}"

    # -- Server plumbing --------------------------------------------------------

    def _make_app(self) -> ASGIApp:
        return Starlette(
            routes=[
                Route("/login/oauth/authorize", self._authorize, methods=["GET", "POST"]),
                Route("/login/oauth/access_token", self._access_token, methods=["POST"]),
                Route("/avatars/{user_id:int}", self._avatar, methods=["GET"]),
                Route(f"{API_PREFIX}/user", self._api(self._user), methods=["GET"]),
                Route(f"{API_PREFIX}/user/emails", self._api(self._emails), methods=["GET"]),
                Route(f"{API_PREFIX}/user/repos", self._api(self._repos), methods=["GET"]),
                Route(
                    API_PREFIX + "/{rest:path}",
                    self._api(self._not_found),
                    methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                ),
            ]
        )

    def _new_token(self, token: _Token) -> str:
        value = "gho_" + _random_alnum(36)
        with self._lock:
            self._tokens[value] = token
        return value

    # -- OAuth web flow -------------------------------------------------------

    def _parse_authorize(self, params: dict[str, str]) -> _AuthorizeRequest | Response:
        if params.get("client_id") != self.client_id:
            return _page("Not Found", "<h1>404</h1><p>Unknown OAuth application.</p>", 404)
        redirect_uri = params.get("redirect_uri")
        if not redirect_uri:
            return _page("Bad request", "<h1>400</h1><p>Missing redirect_uri.</p>", 400)
        challenge = params.get("code_challenge") or None
        method = params.get("code_challenge_method") or None
        # GitHub supports S256 only; a challenge without a method would mean "plain".
        if (method is not None and method != "S256") or (challenge and method is None):
            return _page(
                "Bad request",
                "<h1>400</h1><p>code_challenge_method must be S256.</p>",
                400,
            )
        return _AuthorizeRequest(
            client_id=self.client_id,
            redirect_uri=redirect_uri,
            scopes=_parse_scopes(params.get("scope", "")),
            state=params.get("state"),
            code_challenge=challenge,
            code_challenge_method=method,
        )

    def _signed_in_user(self) -> GitHubUser | Response | None:
        if self.signed_in_as is None:
            return None
        user = self.users.get(self.signed_in_as)
        if user is None:
            return _page(
                "Fake GitHub misconfigured",
                f"<p>signed_in_as = <code>{html.escape(repr(self.signed_in_as))}</code> names "
                "no user; call add_user() first.</p>",
                500,
            )
        return user

    async def _authorize(self, request: Request) -> Response:
        approved: bool | None = None
        if request.method == "POST":
            async with request.form() as form:
                params = {key: value for key, value in form.items() if isinstance(value, str)}
            approved = params.pop("authorize", "0") == "1"
        else:
            params = dict(request.query_params)
            self.authorize_requests.append(params)
        parsed = self._parse_authorize(params)
        if isinstance(parsed, Response):
            return parsed
        user = self._signed_in_user()
        if isinstance(user, Response):
            return user
        if user is None:
            return _page(
                "Sign in to GitHub",
                "<h1>Sign in to GitHub</h1><p>This is the fake GitHub used by tests: nobody is "
                "signed in. Set <code>FakeGitHub.signed_in_as</code> to a user's login.</p>",
            )
        if approved is None and not self.auto_approve:
            return self._consent_page(parsed, user)
        if approved is False:
            denied = [
                ("error", "access_denied"),
                ("error_description", "The user has denied your application access."),
                ("error_uri", _ACCESS_DENIED_URI),
            ]
            return _redirect(_add_query(parsed.redirect_uri, denied + self._state(parsed)))
        code = secrets.token_hex(10)
        grant = _Grant(
            client_id=parsed.client_id,
            redirect_uri=parsed.redirect_uri,
            login=user.login,
            scopes=parsed.scopes,
            code_challenge=parsed.code_challenge,
            expires_at=time.monotonic() + self.code_lifetime,
        )
        with self._lock:
            self._grants[code] = grant
        return _redirect(_add_query(parsed.redirect_uri, [("code", code), *self._state(parsed)]))

    @staticmethod
    def _state(parsed: _AuthorizeRequest) -> list[tuple[str, str]]:
        return [] if parsed.state is None else [("state", parsed.state)]

    def _consent_page(self, parsed: _AuthorizeRequest, user: GitHubUser) -> Response:
        esc = html.escape
        scopes = "".join(f"<li><code>{esc(scope)}</code></li>" for scope in parsed.scopes)
        wants = (
            f"<p>It requests these scopes:</p><ul>{scopes}</ul>"
            if scopes
            else "<p>It requests public information only (no scopes).</p>"
        )
        hidden = "".join(
            f'<input type="hidden" name="{esc(name)}" value="{esc(value)}">'
            for name, value in parsed.hidden_fields().items()
        )
        body = (
            "<h1>Authorize application</h1>"
            f"<p>Signed in as <strong>{esc(user.login)}</strong>.</p>"
            f"<p>An application (client <code>{esc(parsed.client_id)}</code>) wants to access "
            f"your account <strong>{esc(user.login)}</strong>.</p>"
            f"{wants}"
            f'<form method="post" action="/login/oauth/authorize">{hidden}'
            '<button name="authorize" value="1">Authorize</button> '
            '<button name="authorize" value="0">Cancel</button>'
            "</form>"
        )
        return _page("Authorize application", body)

    async def _access_token(self, request: Request) -> Response:
        async with request.form() as form:
            fields = {key: value for key, value in form.items() if isinstance(value, str)}
        client_id, secret, auth = self._client_credentials(request, fields)
        result = self._exchange(fields, client_id, secret)
        record = {key: "***" if key == "client_secret" else value for key, value in fields.items()}
        self.token_requests.append(
            {
                "form": record,
                "auth": auth,
                "accept": request.headers.get("accept", ""),
                "result": result if isinstance(result, str) else "ok",
            }
        )
        if isinstance(result, str):
            description, uri = _TOKEN_ERRORS[result]
            payload = {"error": result, "error_description": description, "error_uri": uri}
        else:
            payload = {
                "access_token": self._new_token(result),
                "token_type": "bearer",
                "scope": ",".join(result.scopes),
            }
        # Errors too are 200: GitHub reports them only in the body.
        if "application/json" in request.headers.get("accept", "").lower():
            return Response(json.dumps(payload), media_type="application/json; charset=utf-8")
        return Response(
            urlencode(payload), media_type="application/x-www-form-urlencoded; charset=utf-8"
        )

    @staticmethod
    def _client_credentials(request: Request, fields: dict[str, str]) -> tuple[str, str, str]:
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credentials.strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            client_id, _, secret = decoded.partition(":")
            # RFC 6749 section 2.3.1: both parts are form-encoded before base64.
            return unquote_plus(client_id), unquote_plus(secret), "basic"
        if "client_secret" in fields:
            return fields.get("client_id", ""), fields["client_secret"], "post"
        return fields.get("client_id", ""), "", "none"

    def _exchange(self, fields: dict[str, str], client_id: str, secret: str) -> _Token | str:
        """The token a valid exchange earns, or GitHub's error code for why not."""
        if client_id != self.client_id or not hmac.compare_digest(
            secret.encode(), self.client_secret.encode()
        ):
            return "incorrect_client_credentials"
        if fields.get("grant_type", "authorization_code") != "authorization_code":
            return "unsupported_grant_type"
        with self._lock:
            # Popped before any other check: a code is spent by its first use, right or wrong.
            grant = self._grants.pop(fields.get("code", ""), None)
        if grant is None or grant.expires_at < time.monotonic() or grant.client_id != client_id:
            return "bad_verification_code"
        # GitHub treats redirect_uri as optional here; only a different one is an error.
        redirect_uri = fields.get("redirect_uri")
        if redirect_uri is not None and redirect_uri != grant.redirect_uri:
            return "redirect_uri_mismatch"
        if grant.code_challenge is not None:
            verifier = fields.get("code_verifier", "")
            if not verifier or not hmac.compare_digest(
                s256_challenge(verifier), grant.code_challenge
            ):
                return "bad_verification_code"
        return _Token(grant.login, grant.scopes)

    # -- REST API ---------------------------------------------------------------

    def _api(self, handler: _ApiHandler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            self.api_requests.append((request.method, request.url.path))
            scheme, _, value = request.headers.get("authorization", "").partition(" ")
            token = None
            if scheme.lower() in ("bearer", "token"):
                with self._lock:
                    token = self._tokens.get(value.strip())
            user = self.users.get(token.login) if token is not None else None
            if token is None or user is None:
                body = {"message": "Bad credentials", "documentation_url": DOCS, "status": "401"}
                return self._json(body, None, status_code=401)
            return await handler(request, user, token)

        return endpoint

    @staticmethod
    def _json(
        body: object,
        token: _Token | None,
        status_code: int = 200,
        headers: dict[str, str] | None = None,
    ) -> Response:
        all_headers = {
            "X-GitHub-Media-Type": "github.v3; format=json",
            "X-RateLimit-Limit": "5000",
            "X-RateLimit-Remaining": "4999",
        }
        if token is not None:
            all_headers["X-OAuth-Scopes"] = ", ".join(token.scopes)
        all_headers.update(headers or {})
        return Response(
            json.dumps(body),
            status_code=status_code,
            media_type="application/json; charset=utf-8",
            headers=all_headers,
        )

    def _owner(self, user: GitHubUser) -> dict[str, Any]:
        return {
            "login": user.login,
            "id": user.id,
            "node_id": "U_kgDO" + base64.b64encode(str(user.id).encode()).decode().rstrip("="),
            "avatar_url": self.avatar_url_for(user),
            "gravatar_id": "",
            "url": f"{self.api_url}/users/{user.login}",
            "html_url": f"{self.base_url}/{user.login}",
            "type": "User",
            "site_admin": False,
        }

    def _repo(self, user: GitHubUser, index: int, repo: dict[str, Any]) -> dict[str, Any]:
        name = str(repo["name"])
        full_name = f"{user.login}/{name}"
        private = bool(repo.get("private", False))
        # Derived from the owner and position, so ids are stable and unique across users.
        repo_id = user.id * 1000 + index + 1
        owner = self._owner(user)
        rendered: dict[str, Any] = {
            "id": repo_id,
            "node_id": "R_kgDO" + base64.b64encode(str(repo_id).encode()).decode().rstrip("="),
            "name": name,
            "full_name": full_name,
            "private": private,
            "visibility": "private" if private else "public",
            "owner": {key: owner[key] for key in ("login", "id", "avatar_url", "type")},
            "html_url": f"{self.base_url}/{full_name}",
            "description": repo.get("description"),
            "fork": False,
            "archived": False,
            "url": f"{self.api_url}/repos/{full_name}",
            "clone_url": f"{self.base_url}/{full_name}.git",
            "default_branch": "main",
            "language": repo.get("language"),
            "size": 0,
            "stargazers_count": 0,
            "pushed_at": _UPDATED_AT,
            "created_at": _CREATED_AT,
            "updated_at": _UPDATED_AT,
        }
        rendered.update(
            {key: value for key, value in repo.items() if key not in ("name", "private")}
        )
        return rendered

    async def _user(self, request: Request, user: GitHubUser, token: _Token) -> Response:
        body = {
            **self._owner(user),
            "name": user.name,
            "company": None,
            "blog": "",
            "location": None,
            "email": user.email,
            "hireable": None,
            "bio": None,
            "public_repos": sum(1 for repo in user.repos if not repo.get("private", False)),
            "followers": 0,
            "following": 0,
            "created_at": _CREATED_AT,
            "updated_at": _UPDATED_AT,
        }
        return self._json(body, token)

    async def _emails(self, request: Request, user: GitHubUser, token: _Token) -> Response:
        if not _has_scope(token.scopes, "user:email"):
            # GitHub answers 404, not 403, when the token lacks the scope.
            return self._not_found_body(token)
        return self._json([dict(entry) for entry in user.emails], token)

    async def _repos(self, request: Request, user: GitHubUser, token: _Token) -> Response:
        per_page = _int_param(request, "per_page", 30)
        per_page = per_page if 1 <= per_page <= 100 else (100 if per_page > 100 else 30)
        page = max(_int_param(request, "page", 1), 1)
        visible = [
            self._repo(user, index, repo)
            for index, repo in enumerate(user.repos)
            if _has_scope(token.scopes, "repo") or not repo.get("private", False)
        ]
        # GitHub's default order for this endpoint is by full_name.
        visible.sort(key=lambda repo: str(repo["full_name"]).lower())
        last = max(math.ceil(len(visible) / per_page), 1)
        items = visible[(page - 1) * per_page : page * per_page]

        def link(number: int, rel: str) -> str:
            query = {key: value for key, value in request.query_params.items() if key != "page"}
            query["page"] = str(number)
            return f'<{self.api_url}/user/repos?{urlencode(query)}>; rel="{rel}"'

        links = []
        if page > 1:
            links.append(link(min(page - 1, last), "prev"))
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links.append(link(1, "first"))
        headers = {"Link": ", ".join(links)} if links else None
        return self._json(items, token, headers=headers)

    async def _not_found(self, request: Request, user: GitHubUser, token: _Token) -> Response:
        return self._not_found_body(token)

    def _not_found_body(self, token: _Token) -> Response:
        return self._json({"message": "Not Found", "documentation_url": DOCS}, token, 404)

    async def _avatar(self, request: Request) -> Response:
        user_id = int(request.path_params["user_id"])
        colour = hashlib.sha256(str(user_id).encode()).digest()[:3]
        return Response(
            _png(colour), media_type="image/png", headers={"Cache-Control": "max-age=300"}
        )


def _int_param(request: Request, name: str, default: int) -> int:
    try:
        return int(request.query_params.get(name, default))
    except ValueError:
        return default
