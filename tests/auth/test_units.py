"""Units without the app: key derivation and encryption, signed tokens, password hashes,
and the small helpers behind the session list and sign-in redirects."""

from __future__ import annotations

import datetime as dt
import uuid

import jwt
import pytest

from devmentor.auth.navigation import describe_device, signin_url
from devmentor.auth.passwords import Passwords
from devmentor.auth.tokens import LEEWAY_SECONDS, AccessTokens, SignedTokens, TokenError
from devmentor.kit.crypto import DecryptionError, SecretBox, derive_key, key_id, keyed_hash

OLD = "the-old-secret-that-was-rotated-out-0123456789"
NEW = "the-new-secret-that-replaced-it-9876543210abcdef"


def cheap_passwords(time_cost: int = 1) -> Passwords:
    return Passwords(time_cost=time_cost, memory_kib=1024, parallelism=1, max_concurrent=2)


# -- kit.crypto ----------------------------------------------------------------------------


def test_secret_box_round_trip() -> None:
    box = SecretBox([NEW], purpose="third-party-tokens")
    first, second = box.encrypt("gho_secret"), box.encrypt("gho_secret")
    assert "gho_secret" not in first
    assert first != second  # a fresh IV each time
    assert box.decrypt(first) == box.decrypt(second) == "gho_secret"
    assert box.decrypt(box.encrypt("")) == ""
    assert box.decrypt(box.encrypt("ünïcødé ✓")) == "ünïcødé ✓"


def test_secret_box_refuses_altered_or_foreign_ciphertext() -> None:
    box = SecretBox([NEW], purpose="third-party-tokens")
    ciphertext = box.encrypt("gho_secret")
    middle = len(ciphertext) // 2
    replacement = "A" if ciphertext[middle] != "A" else "B"
    flipped = ciphertext[:middle] + replacement + ciphertext[middle + 1 :]
    for bad in (flipped, ciphertext[:-4], "not-a-ciphertext", "", "é"):
        with pytest.raises(DecryptionError):
            box.decrypt(bad)
    # Same secret, another purpose: another key.
    with pytest.raises(DecryptionError):
        SecretBox([NEW], purpose="something-else").decrypt(ciphertext)
    with pytest.raises(ValueError, match="at least one secret"):
        SecretBox([], purpose="third-party-tokens")


def test_secret_box_rotation() -> None:
    before = SecretBox([OLD], purpose="p")
    after = SecretBox([NEW, OLD], purpose="p")
    old_ciphertext = before.encrypt("kept")
    assert after.decrypt(old_ciphertext) == "kept"
    assert after.needs_rotation(old_ciphertext) is True
    fresh = after.encrypt("kept")
    assert after.needs_rotation(fresh) is False
    assert before.needs_rotation(old_ciphertext) is False
    with pytest.raises(DecryptionError):
        before.decrypt(fresh)  # new data is under the new key only
    with pytest.raises(DecryptionError):
        SecretBox([NEW], purpose="p").decrypt(old_ciphertext)  # the old secret dropped
    assert after.needs_rotation("garbage") is True


def test_derived_keys_differ_by_purpose_and_secret() -> None:
    access = derive_key(NEW, "jwt/access")
    assert access == derive_key(NEW, "jwt/access")
    assert len(access) == 32
    assert len(derive_key(NEW, "jwt/access", length=64)) == 64
    others = {
        derive_key(NEW, "jwt/oauth-state"),
        derive_key(NEW, "refresh-tokens"),
        derive_key(NEW, "third-party-tokens"),
        derive_key(OLD, "jwt/access"),
    }
    assert access not in others
    assert len(others) == 4
    assert key_id(access) == key_id(access)
    assert len(key_id(access)) == 16
    assert key_id(access) != key_id(derive_key(OLD, "jwt/access"))
    assert key_id(access) not in access.hex()


def test_keyed_hash() -> None:
    key, other = derive_key(NEW, "refresh-tokens"), derive_key(OLD, "refresh-tokens")
    digest = keyed_hash(key, "refresh-token")
    assert digest == keyed_hash(key, "refresh-token")
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert digest != keyed_hash(other, "refresh-token")
    assert digest != keyed_hash(key, "refresh-tokeN")


# -- Signed tokens -------------------------------------------------------------------------


def test_access_tokens_round_trip() -> None:
    tokens = AccessTokens([NEW], ttl_seconds=900)
    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    now = dt.datetime.now(dt.UTC)
    token, expires_at = tokens.issue(user_id, session_id, now=now)
    assert expires_at == now + dt.timedelta(seconds=900)
    claims = tokens.verify(token)
    assert (claims.user_id, claims.session_id) == (user_id, session_id)
    assert abs((claims.expires_at - expires_at).total_seconds()) < 1
    assert jwt.get_unverified_header(token)["kid"] == tokens.active_kid


def test_tokens_for_one_purpose_are_refused_for_another() -> None:
    access = AccessTokens([NEW], ttl_seconds=900)
    oauth_state = SignedTokens([NEW], purpose="oauth-state")
    now = dt.datetime.now(dt.UTC)
    state = oauth_state.encode(
        {"sub": str(uuid.uuid4()), "sid": str(uuid.uuid4()), "typ": "access"},
        ttl=dt.timedelta(minutes=5),
        now=now,
    )
    with pytest.raises(TokenError) as refused:
        access.verify(state)
    assert refused.value.reason == "unknown_key"
    # Even under the access key and kid, the audience must be the access one.
    key = derive_key(NEW, "jwt/access")
    claims = jwt.decode(state, options={"verify_signature": False})
    forged = jwt.encode(claims, key, algorithm="HS256", headers={"kid": key_id(key)})
    with pytest.raises(TokenError) as refused:
        access.verify(forged)
    assert refused.value.reason == "invalid_claims"
    # And the access purpose's own tokens must say they are access tokens.
    untyped = SignedTokens([NEW], purpose="access").encode(
        {"sub": str(uuid.uuid4()), "sid": str(uuid.uuid4())}, ttl=dt.timedelta(minutes=5), now=now
    )
    with pytest.raises(TokenError) as refused:
        access.verify(untyped)
    assert refused.value.reason == "invalid_claims"


def test_signed_tokens_reasons() -> None:
    tokens = SignedTokens([NEW], purpose="unit")
    now = dt.datetime.now(dt.UTC)
    minute = dt.timedelta(minutes=1)
    token = tokens.encode({"x": 1}, ttl=minute, now=now)
    assert tokens.decode(token)["x"] == 1
    header, payload, _ = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    wrong_key = derive_key(OLD, "jwt/unit")
    cases = {
        "malformed": [
            "garbage",
            f"{header}.{payload}",
            "e30.e30.",
            "eyJhbGciOiJub25lIn0.e30.",  # {"alg":"none"}.{}.(no signature)
        ],
        "bad_signature": [
            jwt.encode(claims, wrong_key, algorithm="HS256", headers={"kid": tokens.active_kid})
        ],
        "unknown_key": [SignedTokens([OLD], purpose="unit").encode({}, ttl=minute, now=now)],
        "invalid_claims": [tokens.encode({}, ttl=minute, now=now)],
    }
    for reason, bad_tokens in cases.items():
        for bad in bad_tokens:
            required = ("x",) if reason == "invalid_claims" else ()
            with pytest.raises(TokenError) as refused:
                tokens.decode(bad, required=required)
            assert refused.value.reason == reason, bad


def test_expiry_allows_only_the_clock_leeway() -> None:
    tokens = SignedTokens([NEW], purpose="unit")
    now = dt.datetime.now(dt.UTC)
    ttl = dt.timedelta(minutes=1)
    within = tokens.encode({}, ttl=ttl, now=now - ttl - dt.timedelta(seconds=LEEWAY_SECONDS - 2))
    assert tokens.decode(within)["aud"] == "devmentor:unit"
    beyond = tokens.encode({}, ttl=ttl, now=now - ttl - dt.timedelta(seconds=LEEWAY_SECONDS + 2))
    with pytest.raises(TokenError) as refused:
        tokens.decode(beyond)
    assert refused.value.reason == "expired"


def test_rotated_secrets_sign_with_the_new_key_and_verify_with_both() -> None:
    before = SignedTokens([OLD], purpose="unit")
    after = SignedTokens([NEW, OLD], purpose="unit")
    old_token = before.encode({"n": 1}, ttl=dt.timedelta(minutes=1), now=dt.datetime.now(dt.UTC))
    assert after.decode(old_token)["n"] == 1
    assert after.active_kid == SignedTokens([NEW], purpose="unit").active_kid
    assert after.known_kids == {after.active_kid, before.active_kid}
    with pytest.raises(ValueError, match="at least one secret"):
        SignedTokens([], purpose="unit")


# -- Passwords -----------------------------------------------------------------------------


async def test_passwords_verify_and_are_salted() -> None:
    passwords = cheap_passwords()
    first, second = await passwords.hash("s3cret-pass"), await passwords.hash("s3cret-pass")
    assert first.startswith("$argon2id$")
    assert first != second
    assert await passwords.verify(first, "s3cret-pass") is True
    assert await passwords.verify(second, "s3cret-pass") is True
    assert await passwords.verify(first, "s3cret-pasS") is False
    assert await passwords.verify("not-a-hash", "s3cret-pass") is False


async def test_an_unknown_account_never_verifies() -> None:
    passwords = cheap_passwords()
    for password in ("anything", "devmentor-no-such-account", ""):
        assert await passwords.verify(None, password) is False


async def test_needs_rehash_follows_the_configured_cost() -> None:
    cheap, dearer = cheap_passwords(time_cost=1), cheap_passwords(time_cost=2)
    stored = await cheap.hash("s3cret-pass")
    assert cheap.needs_rehash(stored) is False
    assert dearer.needs_rehash(stored) is True
    assert await dearer.verify(stored, "s3cret-pass") is True  # old hashes still verify
    assert dearer.needs_rehash(await dearer.hash("s3cret-pass")) is False


# -- Session list labels and sign-in URLs ----------------------------------------------------

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
EDGE_WINDOWS = CHROME_WINDOWS + " Edg/131.0.0.0"
SAFARI_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Safari/605.1.15"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


@pytest.mark.parametrize(
    ("user_agent", "label"),
    [
        (FIREFOX_LINUX, "Firefox on Linux"),
        (CHROME_WINDOWS, "Chrome on Windows"),
        (EDGE_WINDOWS, "Edge on Windows"),
        (SAFARI_MAC, "Safari on macOS"),
        (SAFARI_IPHONE, "Safari on iOS"),
        (CHROME_ANDROID, "Chrome on Android"),
        (CHROME_WINDOWS.replace("Chrome/", "HeadlessChrome/"), "Chromium on Windows"),
        ("curl/8.5.0", "curl"),
        ("python-httpx/0.28.1", "Python client"),
        ("", "Unknown device"),
        ("SomeBot/1.0", "SomeBot/1.0"),
        ("X" * 300, "X" * 60),
    ],
)
def test_describe_device(user_agent: str, label: str) -> None:
    assert describe_device(user_agent) == label


@pytest.mark.parametrize(
    ("next_path", "error", "url"),
    [
        (None, None, "/signin"),
        ("/", None, "/signin"),
        ("/account", None, "/signin?next=/account"),
        ("/a b?c=d&e", None, "/signin?next=/a%20b%3Fc%3Dd%26e"),
        ("//evil.example", None, "/signin"),
        ("/account", "github_state", "/signin?next=/account&error=github_state"),
        (None, "a&b=c", "/signin?error=a%26b%3Dc"),
    ],
)
def test_signin_url(next_path: str | None, error: str | None, url: str) -> None:
    assert signin_url(next_path, error=error) == url
