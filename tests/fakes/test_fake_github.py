"""The fake GitHub itself, over real HTTP: if it drifts from GitHub, sign-in tests lie."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from authlib.integrations.httpx_client import AsyncOAuth2Client

from tests.fakes.github import FakeGitHub, GitHubUser, s256_challenge

REDIRECT_URI = "http://127.0.0.1:9/auth/github/callback"


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        fake.add_user(GitHubUser(login="ada", id=7, name="Ada Lovelace", email="ada@example.com"))
        fake.signed_in_as = "ada"
        fake.auto_approve = True
        yield fake


def _authorize(
    client: httpx2.Client, github: FakeGitHub, verifier: str, redirect_uri: str = REDIRECT_URI
) -> str:
    response = client.get(
        github.authorize_url,
        params={
            "client_id": github.client_id,
            "redirect_uri": redirect_uri,
            "scope": "read:user user:email",
            "state": "st",
            "code_challenge": s256_challenge(verifier),
            "code_challenge_method": "S256",
        },
    )
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["state"] == ["st"]
    return query["code"][0]


def _exchange(client: httpx2.Client, github: FakeGitHub, **fields: str) -> dict[str, str]:
    form = {
        "client_id": github.client_id,
        "client_secret": github.client_secret,
        "redirect_uri": REDIRECT_URI,
        "grant_type": "authorization_code",
        **fields,
    }
    response = client.post(github.token_url, data=form, headers={"Accept": "application/json"})
    assert response.status_code == 200  # GitHub reports token errors in the body
    body: dict[str, str] = response.json()
    return body


async def test_authlib_web_flow_end_to_end(github: FakeGitHub) -> None:
    verifier = secrets.token_urlsafe(48)
    async with AsyncOAuth2Client(
        github.client_id,
        github.client_secret,
        token_endpoint_auth_method="client_secret_post",
        code_challenge_method="S256",
        redirect_uri=REDIRECT_URI,
    ) as client:
        url, state = client.create_authorization_url(
            github.authorize_url, code_verifier=verifier, scope="read:user user:email"
        )
        async with httpx2.AsyncClient() as browser:
            location = (await browser.get(url)).headers["location"]
        assert location.startswith(REDIRECT_URI + "?")
        query = parse_qs(urlsplit(location).query)
        assert query["state"] == [state]

        token = await client.fetch_token(
            github.token_url,
            code=query["code"][0],
            code_verifier=verifier,
            headers={"Accept": "application/json"},
        )
        assert token["access_token"].startswith("gho_")
        assert token["scope"] == "read:user,user:email"
        assert github.issued_tokens() == [token["access_token"]]

        user = await client.get(github.api_url + "/user")
        emails = await client.get(github.api_url + "/user/emails")

    assert user.status_code == 200
    assert user.headers["content-type"] == "application/json; charset=utf-8"
    assert user.headers["x-oauth-scopes"] == "read:user, user:email"
    assert user.json()["login"] == "ada"
    assert user.json()["avatar_url"] == f"{github.base_url}/avatars/7"
    assert emails.json() == [
        {"email": "ada@example.com", "primary": True, "verified": True, "visibility": "public"}
    ]
    assert github.authorize_requests[0]["code_challenge_method"] == "S256"
    (request,) = github.token_requests
    assert request["auth"] == "post"
    assert request["result"] == "ok"
    assert request["form"]["client_secret"] == "***"
    assert request["form"]["code_verifier"] == verifier
    assert github.api_requests == [("GET", "/api/v3/user"), ("GET", "/api/v3/user/emails")]


def test_wrong_verifier_fails_and_still_spends_the_code(github: FakeGitHub) -> None:
    with httpx2.Client() as client:
        code = _authorize(client, github, verifier="v" * 43)
        wrong = _exchange(client, github, code=code, code_verifier="w" * 43)
        right = _exchange(client, github, code=code, code_verifier="v" * 43)
    assert wrong["error"] == right["error"] == "bad_verification_code"
    assert wrong["error_description"] == "The code passed is incorrect or expired."
    assert github.issued_tokens() == []


def test_a_code_works_once(github: FakeGitHub) -> None:
    with httpx2.Client() as client:
        code = _authorize(client, github, verifier="v" * 43)
        first = _exchange(client, github, code=code, code_verifier="v" * 43)
        again = _exchange(client, github, code=code, code_verifier="v" * 43)
    assert first["token_type"] == "bearer"
    assert again["error"] == "bad_verification_code"
    assert [request["result"] for request in github.token_requests] == [
        "ok",
        "bad_verification_code",
    ]


def test_wrong_secret_and_redirect_uri_are_rejected(github: FakeGitHub) -> None:
    with httpx2.Client() as client:
        code = _authorize(client, github, verifier="v" * 43)
        # Without Accept: application/json GitHub answers form-encoded, errors included.
        response = client.post(
            github.token_url,
            data={"client_id": github.client_id, "client_secret": "nope", "code": code},
        )
        mismatch = _exchange(
            client, github, code=code, code_verifier="v" * 43, redirect_uri=REDIRECT_URI + "/x"
        )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert parse_qs(response.text)["error"] == ["incorrect_client_credentials"]
    assert mismatch["error"] == "redirect_uri_mismatch"


def test_api_checks_token_and_scopes(github: FakeGitHub) -> None:
    token = github.issue_token("ada", scopes=["read:user"])
    with httpx2.Client(base_url=github.api_url) as client:
        anonymous = client.get("/user")
        emails = client.get("/user/emails", headers={"Authorization": f"token {token}"})
    assert anonymous.status_code == 401
    assert anonymous.json()["message"] == "Bad credentials"
    # GitHub hides /user/emails behind a 404 when the token lacks user:email.
    assert emails.status_code == 404
    assert emails.json()["message"] == "Not Found"


def test_repos_paginate_with_link_header_and_hide_private_ones(github: FakeGitHub) -> None:
    repos = [{"name": f"r{i}", "private": i == 4, "language": "Python"} for i in range(5)]
    github.add_user(GitHubUser(login="bob", id=8, repos=repos))
    public_only = {"Authorization": f"Bearer {github.issue_token('bob', scopes=[])}"}
    everything = {"Authorization": f"Bearer {github.issue_token('bob', scopes=['repo'])}"}
    with httpx2.Client(base_url=github.api_url) as client:
        first = client.get("/user/repos", params={"per_page": 3}, headers=public_only)
        second = client.get(first.links["next"]["url"], headers=public_only)
        private = client.get("/user/repos", params={"per_page": 100}, headers=everything)
    assert [repo["full_name"] for repo in first.json()] == ["bob/r0", "bob/r1", "bob/r2"]
    assert first.links["last"]["url"] == f"{github.api_url}/user/repos?per_page=3&page=2"
    assert [repo["name"] for repo in second.json()] == ["r3"]
    assert "next" not in second.links
    assert [repo["name"] for repo in private.json()] == ["r0", "r1", "r2", "r3", "r4"]
    assert "link" not in private.headers


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "form":
            self.action = named["action"] or ""
        elif tag == "input" and named.get("type") == "hidden":
            self.fields[named["name"] or ""] = named["value"] or ""


def test_consent_page_cancel_redirects_with_access_denied(github: FakeGitHub) -> None:
    github.auto_approve = False
    params = {"client_id": github.client_id, "redirect_uri": REDIRECT_URI + "?next=%2Fhome"}
    with httpx2.Client(base_url=github.base_url) as client:
        page = client.get("/login/oauth/authorize", params={**params, "state": "s t"})
        form = _Form()
        form.feed(page.text)
        cancelled = client.post(form.action, data={**form.fields, "authorize": "0"})
        github.signed_in_as = None
        sign_in = client.get("/login/oauth/authorize", params=params)
    assert page.status_code == 200
    assert "<title>Authorize application</title>" in page.text
    assert "ada" in page.text
    assert cancelled.status_code == 302
    assert cancelled.headers["location"] == (
        REDIRECT_URI + "?next=%2Fhome&error=access_denied"
        "&error_description=The+user+has+denied+your+application+access."
        "&error_uri=https%3A%2F%2Fdocs.github.com%2Fapps%2Fmanaging-oauth-apps"
        "%2Ftroubleshooting-authorization-request-errors%2F%23access-denied&state=s+t"
    )
    assert "Sign in to GitHub" in sign_in.text


def test_avatar_is_an_image(github: FakeGitHub) -> None:
    response = httpx2.get(f"{github.base_url}/avatars/7")
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
