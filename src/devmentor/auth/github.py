"""GitHub's OAuth web flow (Authlib) and the profile calls made right after it.

Base URLs come from the settings, so GitHub Enterprise works and tests point at a local
fake GitHub. The authorization request carries ``state`` (bound to the browser by a
signed cookie) and a PKCE S256 challenge; the code exchange sends the verifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2
import structlog
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client

from devmentor import __version__
from devmentor.settings import AuthSettings

log = structlog.get_logger(__name__)


class GitHubError(Exception):
    """GitHub refused or failed; ``reason`` is safe to log (never a token)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class GitHubProfile:
    id: int
    login: str
    name: str | None
    #: The primary, verified address (None when GitHub has none to give).
    email: str | None
    avatar_url: str | None


@dataclass(frozen=True, slots=True)
class GitHubGrant:
    access_token: str
    scopes: str


class GitHubOAuth:
    def __init__(self, settings: AuthSettings) -> None:
        client_id, client_secret = settings.github_client_id, settings.github_client_secret
        if not client_id or client_secret is None:
            raise ValueError("GitHub sign-in is not configured")
        self._client_id = client_id
        self._client_secret = client_secret.get_secret_value()
        self._authorize_url = f"{settings.github_base_url}/login/oauth/authorize"
        self._token_url = f"{settings.github_base_url}/login/oauth/access_token"
        self._api_url = settings.github_api_url
        self._scopes = settings.github_scopes
        self._timeout = settings.github_timeout_seconds

    def _client(self, redirect_uri: str | None = None) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            self._client_id,
            self._client_secret,
            # GitHub documents client credentials in the body.
            token_endpoint_auth_method="client_secret_post",  # noqa: S106 - a method name
            code_challenge_method="S256",
            redirect_uri=redirect_uri,
            timeout=self._timeout,
            headers={"User-Agent": f"DevMentor/{__version__}"},
        )

    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str) -> str:
        client = self._client(redirect_uri)
        url, _ = client.create_authorization_url(
            self._authorize_url,
            state=state,
            code_verifier=code_verifier,
            scope=self._scopes,
            allow_signup="true",
        )
        return str(url)

    async def exchange(self, *, code: str, redirect_uri: str, code_verifier: str) -> GitHubGrant:
        async with self._client(redirect_uri) as client:
            try:
                token = await client.fetch_token(
                    self._token_url,
                    code=code,
                    code_verifier=code_verifier,
                    headers={"Accept": "application/json"},
                )
            except OAuthError as exc:
                # GitHub answers 200 with {"error": ...}; Authlib raises it as OAuthError.
                raise GitHubError(f"token exchange refused: {exc.error}") from None
            except httpx2.HTTPError as exc:
                raise GitHubError(f"token exchange failed: {type(exc).__name__}") from None
            except ValueError:
                raise GitHubError("token exchange answered something that is not JSON") from None
        access_token = token.get("access_token")
        if not isinstance(access_token, str) or not access_token:
            raise GitHubError("token exchange answered without an access token")
        return GitHubGrant(access_token, str(token.get("scope", "")))

    async def profile(self, access_token: str) -> GitHubProfile:
        headers = {
            "Authorization": f"Bearer {access_token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": f"DevMentor/{__version__}",
        }
        async with httpx2.AsyncClient(timeout=self._timeout, headers=headers) as client:
            user = await self._get_json(client, "/user")
            if not isinstance(user, dict):
                raise GitHubError("/user answered something that is not an object")
            try:
                github_id = int(user["id"])
                login = str(user["login"])
            except (KeyError, TypeError, ValueError):
                raise GitHubError("/user answered without id or login") from None
            email = await self._primary_email(client)
        name = user.get("name")
        avatar = user.get("avatar_url")
        return GitHubProfile(
            id=github_id,
            login=login,
            name=str(name)[:100] if name else None,
            email=email or (str(user["email"]) if user.get("email") else None),
            avatar_url=str(avatar)[:500] if avatar else None,
        )

    async def _primary_email(self, client: httpx2.AsyncClient) -> str | None:
        try:
            emails = await self._get_json(client, "/user/emails")
        except GitHubError as exc:
            # Without the user:email scope GitHub answers 404; the profile email will do.
            log.info("github_emails_unavailable", reason=exc.reason)
            return None
        if not isinstance(emails, list):
            return None
        for entry in emails:
            if isinstance(entry, dict) and entry.get("primary") and entry.get("verified"):
                return str(entry.get("email"))[:320] or None
        return None

    async def _get_json(self, client: httpx2.AsyncClient, path: str) -> Any:
        try:
            response = await client.get(self._api_url + path)
        except httpx2.HTTPError as exc:
            raise GitHubError(f"GET {path} failed: {type(exc).__name__}") from None
        if response.status_code != 200:
            raise GitHubError(f"GET {path} answered {response.status_code}")
        try:
            return response.json()
        except ValueError:
            raise GitHubError(f"GET {path} answered something that is not JSON") from None
