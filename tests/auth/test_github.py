"""GitHub sign-in against the local fake GitHub, on SQLite and PostgreSQL: the OAuth round
trip and what an attacker can try with it (forged state, login CSRF, replayed codes, open
redirects, linking someone else's GitHub account). Part of the attack battery."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from sqlalchemy import func, select

from devmentor.auth.models import AuthSession, User
from tests.auth.conftest import (
    AuthApp,
    StartApp,
    me,
    put_cookie,
    set_cookies,
    signed_up,
)
from tests.fakes.github import FakeGitHub, GitHubUser, s256_challenge

OCTOCAT_ID = 583231


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        fake.add_user(GitHubUser(login="octocat", id=OCTOCAT_ID, name="The Octocat"))
        fake.signed_in_as = "octocat"
        fake.auto_approve = True
        yield fake


def github_settings(github: FakeGitHub, **extra: Any) -> dict[str, Any]:
    return {
        "github_client_id": github.client_id,
        "github_client_secret": github.client_secret,
        "github_base_url": github.base_url,
        "github_api_url": github.api_url,
        **extra,
    }


async def begin(browser: httpx2.AsyncClient, next_path: str | None = "/account") -> str:
    """Start signing in with GitHub; the URL of GitHub's authorize page."""
    params = {} if next_path is None else {"next": next_path}
    response = await browser.get("/api/auth/github/login", params=params)
    assert response.status_code == 302, response.text
    return response.headers["location"]


async def authorize(authorize_url: str) -> str:
    """Be the user on GitHub (real HTTP): the callback path and query it redirects to."""
    async with httpx2.AsyncClient(follow_redirects=False) as web:
        response = await web.get(authorize_url)
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert location.path == "/api/auth/github/callback"
    return f"{location.path}?{location.query}"


async def github_round_trip(
    browser: httpx2.AsyncClient, next_path: str | None = "/account"
) -> httpx2.Response:
    return await browser.get(await authorize(await begin(browser, next_path)))


async def session_count(node: AuthApp) -> int:
    async with node.platform.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(AuthSession)) or 0)


async def test_github_sign_in_creates_a_linked_account(
    start_app: StartApp, github: FakeGitHub
) -> None:
    async with (
        start_app(auth=github_settings(github)) as node,
        node.new_client(https=True) as browser,
    ):
        response = await browser.get("/api/auth/github/login", params={"next": "/account"})
        assert response.status_code == 302
        url = urlsplit(response.headers["location"])
        assert f"{url.scheme}://{url.netloc}{url.path}" == github.authorize_url
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        assert query["client_id"] == github.client_id
        assert query["code_challenge_method"] == "S256"
        assert len(query["state"]) >= 20
        assert len(query["code_challenge"]) == 43
        assert query["redirect_uri"].endswith("/api/auth/github/callback")
        oauth_cookie = set_cookies(response)["__Secure-dm_oauth"]
        assert oauth_cookie.attributes["path"] == "/api/auth/github"
        assert {"httponly", "secure"} <= set(oauth_cookie.attributes)
        # The cookie binds this browser to the round trip: signed state and PKCE verifier.
        saved = node.runtime.oauth_state.decode(oauth_cookie.value)
        assert saved["state"] == query["state"]
        assert s256_challenge(saved["verifier"]) == query["code_challenge"]
        assert saved["next"] == "/account"

        callback = await authorize(response.headers["location"])
        response = await browser.get(callback)
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/account"
        cookies = set_cookies(response)
        assert {"__Host-dm_access", "__Host-dm_refresh"} <= set(cookies)
        assert cookies["__Secure-dm_oauth"].attributes["max-age"] == "0"  # spent
        # PKCE: the exchange carried the verifier and the fake checked it.
        assert github.token_requests[-1]["result"] == "ok"
        assert github.token_requests[-1]["form"]["code_verifier"]

        account = (await browser.get("/api/me")).json()
        assert account["github_login"] == "octocat"
        assert account["username"] == "octocat"
        assert account["display_name"] == "The Octocat"
        assert account["has_password"] is False
        [token] = github.issued_tokens()
        user = await node.user("octocat")
        assert user is not None
        assert user.github_id == OCTOCAT_ID
        assert user.github_token_encrypted is not None
        assert token not in user.github_token_encrypted
        assert node.runtime.token_box.decrypt(user.github_token_encrypted) == token

        # Again, after GitHub renamed the user: the same account, found by GitHub's id.
        github.add_user(GitHubUser(login="octocat-renamed", id=OCTOCAT_ID))
        github.signed_in_as = "octocat-renamed"
        async with node.new_client(https=True) as other_browser:
            response = await github_round_trip(other_browser)
            assert response.status_code == 303
            again = (await other_browser.get("/api/me")).json()
        assert again["id"] == account["id"]
        assert again["github_login"] == "octocat-renamed"
        assert await node.user_count() == 1


async def test_a_github_login_never_takes_over_a_local_account(
    start_app: StartApp, github: FakeGitHub
) -> None:
    async with (
        start_app(auth=github_settings(github)) as node,
        node.new_client(https=True) as browser,
    ):
        local = await signed_up(node.client, "octocat")  # same name, different person
        assert (await github_round_trip(browser)).status_code == 303
        account = (await browser.get("/api/me")).json()
        assert account["id"] != (await me(node.client, local["access_token"])).json()["id"]
        assert account["username"] == "octocat-2"
        local_user = await node.user("octocat")
        assert local_user is not None
        assert local_user.github_id is None


async def test_a_tampered_state_is_refused(start_app: StartApp, github: FakeGitHub) -> None:
    async with (
        start_app(auth=github_settings(github)) as node,
        node.new_client(https=True) as browser,
    ):
        callback = await authorize(await begin(browser))
        tampered = callback.replace("state=", "state=x")
        response = await browser.get(tampered)
        assert response.status_code == 303
        assert response.headers["location"] == "/signin?next=/account&error=github_state"
        assert not any("dm_access" in name for name in set_cookies(response))
        assert github.token_requests == []  # the code was never even exchanged
        assert await node.user_count() == 0


async def test_a_callback_without_the_state_cookie_is_refused(
    start_app: StartApp, github: FakeGitHub
) -> None:
    async with (
        start_app(auth=github_settings(github)) as node,
        node.new_client(https=True) as victim,
    ):
        # Login CSRF: the attacker's own code and state, delivered to another browser.
        async with node.new_client(https=True) as attacker:
            callback = await authorize(await begin(attacker))
        response = await victim.get(callback)
        assert response.status_code == 303
        assert response.headers["location"] == "/signin?error=github_state"
        assert not any("dm_access" in name for name in set_cookies(response))
        assert await node.user_count() == 0


async def test_a_denied_authorization_is_reported(start_app: StartApp, github: FakeGitHub) -> None:
    github.auto_approve = False
    async with (
        start_app(auth=github_settings(github)) as node,
        node.new_client(https=True) as browser,
    ):
        authorize_url = await begin(browser)
        fields = {key: values[0] for key, values in parse_qs(urlsplit(authorize_url).query).items()}
        async with httpx2.AsyncClient(follow_redirects=False) as web:
            response = await web.post(github.authorize_url, data={**fields, "authorize": "0"})
        location = urlsplit(response.headers["location"])
        assert "error=access_denied" in location.query
        response = await browser.get(f"{location.path}?{location.query}")
        assert response.status_code == 303
        assert response.headers["location"] == "/signin?next=/account&error=github_denied"
        assert await node.user_count() == 0


async def test_a_replayed_callback_fails(start_app: StartApp, github: FakeGitHub) -> None:
    async with (
        start_app(auth=github_settings(github)) as node,
        node.new_client(https=True) as browser,
    ):
        started = await browser.get("/api/auth/github/login", params={"next": "/account"})
        oauth_cookie = set_cookies(started)["__Secure-dm_oauth"].value
        callback = await authorize(started.headers["location"])
        assert (await browser.get(callback)).headers["location"] == "/account"
        # The same browser: its state cookie was spent.
        replay = await browser.get(callback)
        assert replay.headers["location"] == "/signin?error=github_state"
        # A copy of the whole request, state cookie included: GitHub refuses the spent code.
        async with node.new_client(https=True) as thief:
            put_cookie(thief, "__Secure-dm_oauth", oauth_cookie, path="/api/auth/github")
            replay = await thief.get(callback)
            assert replay.status_code == 303
            assert replay.headers["location"] == "/signin?next=/account&error=github_failed"
            assert not any("dm_access" in name for name in set_cookies(replay))
        assert github.token_requests[-1]["result"] == "bad_verification_code"
        assert await session_count(node) == 1


@pytest.mark.parametrize(
    "next_path",
    ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"],
)
async def test_github_never_redirects_off_site(
    start_app: StartApp, github: FakeGitHub, next_path: str
) -> None:
    async with (
        start_app(auth=github_settings(github)) as node,
        node.new_client(https=True) as browser,
    ):
        response = await github_round_trip(browser, next_path)
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        assert (await browser.get("/api/me")).status_code == 200


async def test_closed_registration_admits_only_linked_github_accounts(
    start_app: StartApp, github: FakeGitHub
) -> None:
    settings = github_settings(github, registration_enabled=False)
    async with start_app(auth=settings) as node:
        async with node.platform.db.session() as session:
            session.add(User(username="octo", display_name="Octo", github_id=OCTOCAT_ID))
        async with node.new_client(https=True) as browser:
            response = await github_round_trip(browser, None)
            assert response.headers["location"] == "/"
            assert (await browser.get("/api/me")).json()["username"] == "octo"

        github.add_user(GitHubUser(login="hubot", id=2))
        github.signed_in_as = "hubot"
        async with node.new_client(https=True) as browser:
            response = await github_round_trip(browser)
            assert response.headers["location"] == "/signin?next=/account&error=registration_closed"
            assert not any("dm_access" in name for name in set_cookies(response))
        assert await node.user("hubot") is None
        assert await node.user_count() == 1


async def test_remember_me_survives_the_round_trip(start_app: StartApp, github: FakeGitHub) -> None:
    async with (
        start_app(auth=github_settings(github)) as node,
        node.new_client(https=True) as browser,
    ):
        started = await browser.get("/api/auth/github/login", params={"remember": "true"})
        response = await browser.get(await authorize(started.headers["location"]))
        assert response.headers["location"] == "/"
        cookies = set_cookies(response)
        assert int(cookies["__Host-dm_refresh"].attributes["max-age"]) > 86400
        listed = (await browser.get("/api/auth/sessions")).json()
        assert [(item["method"], item["remember"]) for item in listed] == [("github", True)]


async def test_a_signed_in_user_links_github_to_their_own_account(
    start_app: StartApp, github: FakeGitHub
) -> None:
    async with (
        start_app(auth=github_settings(github)) as node,
        node.new_client(https=True) as browser,
    ):
        local = await signed_up(node.client, "ursula")
        put_cookie(browser, "__Host-dm_access", local["access_token"])
        response = await github_round_trip(browser)
        assert response.headers["location"] == "/account"
        account = (await me(node.client, local["access_token"])).json()
        assert account["username"] == "ursula"
        assert account["github_login"] == "octocat"
        assert await node.user_count() == 1  # linked, not a second account

        # That GitHub account cannot then be linked to anybody else.
        other = await signed_up(node.client, "victor")
        async with node.new_client(https=True) as other_browser:
            put_cookie(other_browser, "__Host-dm_access", other["access_token"])
            response = await github_round_trip(other_browser, "/lessons")
            assert response.headers["location"] == "/account?error=account_link_conflict"
            assert not any("dm_access" in name for name in set_cookies(response))
        assert (await me(node.client, other["access_token"])).json()["github_login"] is None
        # And signing in with it still reaches the account it is linked to.
        async with node.new_client(https=True) as fresh:
            assert (await github_round_trip(fresh)).status_code == 303
            assert (await fresh.get("/api/me")).json()["username"] == "ursula"


async def test_a_non_ascii_state_is_refused_not_a_crash(
    start_app: StartApp, github: FakeGitHub
) -> None:
    async with (
        start_app(auth=github_settings(github)) as node,
        node.new_client(https=True, raise_app_exceptions=False) as browser,
    ):
        callback = await authorize(await begin(browser))
        response = await browser.get(callback.replace("state=", "state=%C3%A9"))
        assert response.status_code == 303
        assert response.headers["location"] == "/signin?next=/account&error=github_state"
