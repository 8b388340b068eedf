"""Signed tokens: short-lived JWT access tokens and the signed OAuth state cookie.

Every key is derived from the operator's secret for one purpose (kit.crypto), and named
by a ``kid`` header so a rotated secret keeps old tokens verifiable until they expire:
tokens are signed with the current secret's key and verified with any known one. Only
HS256 is accepted, whatever the token's header claims; ``alg: none`` and every
asymmetric algorithm (the key-confusion attack) are refused before the signature is read.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jwt

from devmentor.kit.crypto import derive_key, key_id

ALGORITHM = "HS256"
ISSUER = "devmentor"
#: Clocks of API replicas may disagree by a few seconds.
LEEWAY_SECONDS = 5


class TokenError(Exception):
    """A token is malformed, forged, expired or meant for something else.

    ``reason`` is safe to show: ``malformed``, ``unknown_key``, ``bad_signature``,
    ``expired``, ``invalid_claims``.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SignedTokens:
    """JWTs for one purpose (one audience), signed with keys derived from the secrets."""

    def __init__(self, secret_values: Sequence[str], *, purpose: str) -> None:
        if not secret_values:
            raise ValueError("at least one secret is needed")
        keys = [derive_key(value, f"jwt/{purpose}") for value in secret_values]
        self._keys = {key_id(key): key for key in keys}
        self.active_kid = key_id(keys[0])
        self.audience = f"devmentor:{purpose}"

    @property
    def known_kids(self) -> frozenset[str]:
        return frozenset(self._keys)

    def encode(self, claims: Mapping[str, Any], *, ttl: dt.timedelta, now: dt.datetime) -> str:
        payload = dict(claims)
        payload.update(
            iss=ISSUER,
            aud=self.audience,
            iat=int(now.timestamp()),
            exp=int((now + ttl).timestamp()),
            jti=secrets.token_urlsafe(12),
        )
        return jwt.encode(
            payload,
            self._keys[self.active_kid],
            algorithm=ALGORITHM,
            headers={"kid": self.active_kid},
        )

    def decode(self, token: str, *, required: Sequence[str] = ()) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise TokenError("malformed") from None
        if header.get("alg") != ALGORITHM:
            raise TokenError("malformed")
        key = self._keys.get(str(header.get("kid")))
        if key is None:
            raise TokenError("unknown_key")
        try:
            payload: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=ISSUER,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", *required]},
            )
        except jwt.ExpiredSignatureError:
            raise TokenError("expired") from None
        except jwt.InvalidSignatureError:
            raise TokenError("bad_signature") from None
        except jwt.PyJWTError:
            raise TokenError("invalid_claims") from None
        return payload


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID
    expires_at: dt.datetime


class AccessTokens:
    """Access tokens: ``sub`` is the user, ``sid`` the sign-in session they belong to."""

    def __init__(self, secret_values: Sequence[str], *, ttl_seconds: int) -> None:
        self._tokens = SignedTokens(secret_values, purpose="access")
        self.ttl = dt.timedelta(seconds=ttl_seconds)

    @property
    def active_kid(self) -> str:
        return self._tokens.active_kid

    def issue(
        self, user_id: uuid.UUID, session_id: uuid.UUID, *, now: dt.datetime
    ) -> tuple[str, dt.datetime]:
        token = self._tokens.encode(
            {"sub": str(user_id), "sid": str(session_id), "typ": "access"}, ttl=self.ttl, now=now
        )
        return token, now + self.ttl

    def verify(self, token: str) -> AccessClaims:
        payload = self._tokens.decode(token, required=("sub", "sid", "jti"))
        if payload.get("typ") != "access":
            raise TokenError("invalid_claims")
        try:
            return AccessClaims(
                user_id=uuid.UUID(str(payload["sub"])),
                session_id=uuid.UUID(str(payload["sid"])),
                expires_at=dt.datetime.fromtimestamp(int(payload["exp"]), dt.UTC),
            )
        except (ValueError, TypeError):
            raise TokenError("invalid_claims") from None
