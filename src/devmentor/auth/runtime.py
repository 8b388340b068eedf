"""The sign-in machinery built once per process from the settings: keys, hasher, limits."""

from __future__ import annotations

from dataclasses import dataclass

from limits import RateLimitItem

from devmentor.auth.passwords import Passwords
from devmentor.auth.tokens import AccessTokens, SignedTokens
from devmentor.kit.crypto import SecretBox, derive_key
from devmentor.kit.ratelimit import parse_limit
from devmentor.settings import AuthSettings, Settings


@dataclass(frozen=True)
class AuthRuntime:
    settings: AuthSettings
    secure_cookies: bool
    access_tokens: AccessTokens
    #: Signs the short-lived cookie that carries OAuth state and the PKCE verifier.
    oauth_state: SignedTokens
    passwords: Passwords
    #: Encrypts third-party tokens (GitHub) at rest.
    token_box: SecretBox
    #: Keys of the HMAC under which refresh tokens are stored: new ones with the first,
    #: lookups with all, so rotating the secret signs nobody out.
    refresh_keys: tuple[bytes, ...]
    login_limit_per_ip: RateLimitItem
    login_limit_per_account: RateLimitItem

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthRuntime:
        secrets = [settings.secret_key.get_secret_value()]
        secrets += [key.get_secret_value() for key in settings.previous_secret_keys]
        auth = settings.auth
        return cls(
            settings=auth,
            secure_cookies=settings.secure_cookies,
            access_tokens=AccessTokens(secrets, ttl_seconds=auth.access_token_ttl_seconds),
            oauth_state=SignedTokens(secrets, purpose="oauth-state"),
            passwords=Passwords(
                time_cost=auth.argon2_time_cost,
                memory_kib=auth.argon2_memory_kib,
                parallelism=auth.argon2_parallelism,
            ),
            token_box=SecretBox(secrets, purpose="third-party-tokens"),
            refresh_keys=tuple(derive_key(secret, "refresh-tokens") for secret in secrets),
            login_limit_per_ip=parse_limit(auth.login_limit_per_ip),
            login_limit_per_account=parse_limit(auth.login_limit_per_account),
        )
