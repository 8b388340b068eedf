"""Accounts and sign-in sessions: the rules. Routers and the CLI call this; nothing else
touches the auth tables.

- Passwords: argon2id; a wrong password and an unknown account cost the same time and
  get the same answer. Failed attempts are limited per IP and per account name.
- Sessions: one row per sign-in; access tokens (JWT) name it in ``sid``, so revoking it
  stops its access tokens within a request, not at their expiry (the session's state is
  read through the cache tiers and invalidated on revocation).
- Refresh tokens rotate on every use; a used token presented again after the grace
  window revokes the whole session (someone else holds a copy).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import structlog
from prometheus_client import Counter
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from devmentor.auth.exceptions import (
    AccountDisabled,
    AccountLinkConflict,
    InvalidCredentials,
    InvalidToken,
    RefreshTokenReused,
    RegistrationClosed,
    SessionEnded,
    TokenExpired,
    UsernameTaken,
    WeakPassword,
)
from devmentor.auth.github import GitHubGrant, GitHubProfile
from devmentor.auth.models import AuthSession, RefreshToken, User
from devmentor.auth.repository import RefreshTokenRepository, SessionRepository, UserRepository
from devmentor.auth.runtime import AuthRuntime
from devmentor.auth.schemas import PASSWORD_MAX_LENGTH, USERNAME_PATTERN
from devmentor.auth.tokens import TokenError
from devmentor.kit.cache import CacheTiers
from devmentor.kit.crypto import keyed_hash
from devmentor.kit.db import after_commit, utcnow
from devmentor.kit.errors import NotFound, RateLimited, Unprocessable
from devmentor.kit.ratelimit import RateLimiter

log = structlog.get_logger(__name__)

SIGN_INS = Counter(
    "devmentor_auth_sign_ins_total", "Sign-in attempts by method and outcome", ["method", "outcome"]
)
REFRESHES = Counter(
    "devmentor_auth_refreshes_total", "Refresh-token exchanges by outcome", ["outcome"]
)

_USERNAME = re.compile(USERNAME_PATTERN)
# Long enough to bound damage from a missed invalidation; short enough to be cheap.
_SESSION_CACHE_TTL = 60.0


def _session_cache_key(session_id: uuid.UUID) -> str:
    return f"auth:session:{session_id}"


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """Who is asking, as far as the request says (shown in the session list)."""

    ip: str = ""
    user_agent: str = ""


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller of a request."""

    user_id: uuid.UUID
    session_id: uuid.UUID
    username: str
    is_admin: bool
    access_expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    user_id: uuid.UUID
    session_id: uuid.UUID
    remember: bool
    access_token: str
    access_expires_at: dt.datetime
    refresh_token: str
    refresh_expires_at: dt.datetime


class AuthService:
    def __init__(
        self,
        session: AsyncSession,
        cache: CacheTiers,
        limiter: RateLimiter,
        runtime: AuthRuntime,
    ) -> None:
        self.session = session
        self.cache = cache
        self.limiter = limiter
        self.runtime = runtime
        self.settings = runtime.settings
        self.users = UserRepository(session)
        self.sessions = SessionRepository(session)
        self.refresh_tokens = RefreshTokenRepository(session)

    # -- Accounts --------------------------------------------------------------------

    async def register(
        self,
        username: str,
        password: str,
        *,
        display_name: str | None = None,
        email: str | None = None,
    ) -> User:
        """Self-service registration; refused when ``registration_enabled`` is off."""
        if not self.settings.registration_enabled:
            raise RegistrationClosed("New accounts are not accepted here; ask an administrator.")
        return await self.create_user(
            username, password, display_name=display_name, email=email, is_admin=False
        )

    async def create_user(
        self,
        username: str,
        password: str,
        *,
        display_name: str | None = None,
        email: str | None = None,
        is_admin: bool = False,
    ) -> User:
        """A local account (the registration toggle does not apply: admins, CLI)."""
        if not _USERNAME.fullmatch(username):
            raise Unprocessable(
                "A username is 1-39 letters, digits, '.', '_' or '-', "
                "starting and ending with a letter or digit."
            )
        self.check_password(password, username=username)
        if await self.users.by_username(username) is not None:
            raise UsernameTaken(f"The username {username.lower()!r} is taken.")
        user = User(
            username=username.lower(),
            display_name=(display_name or username).strip()[:100] or username,
            email=email,
            password_hash=await self.runtime.passwords.hash(password),
            is_admin=is_admin,
        )
        try:
            await self.users.add(user)
        except IntegrityError:
            # Another request took the name between our check and the insert.
            raise UsernameTaken(f"The username {username.lower()!r} is taken.") from None
        log.info("user_created", user_id=str(user.id), admin=is_admin)
        return user

    async def set_password(self, username: str, password: str) -> int:
        """Replace an account's password and end its sessions; returns how many ended."""
        user = await self.users.by_username(username)
        if user is None:
            raise NotFound(f"No account named {username.lower()!r}.")
        self.check_password(password, username=user.username)
        user.password_hash = await self.runtime.passwords.hash(password)
        return await self.logout_all(user.id)

    def check_password(self, password: str, *, username: str) -> None:
        minimum = self.settings.password_min_length
        if len(password) < minimum:
            raise WeakPassword(f"A password needs at least {minimum} characters.")
        if len(password) > PASSWORD_MAX_LENGTH:
            raise WeakPassword(f"A password has at most {PASSWORD_MAX_LENGTH} characters.")
        if username.lower() in password.lower():
            raise WeakPassword("A password must not contain the username.")
        if len(set(password)) < 4:
            raise WeakPassword("A password needs at least 4 different characters.")

    async def get_user(self, user_id: uuid.UUID) -> User:
        user = await self.users.get(user_id)
        if user is None:
            raise NotFound("No such user.")
        return user

    async def find_user(self, username: str) -> User | None:
        """The account with this username (case-insensitive), if any."""
        return await self.users.by_username(username.lower())

    async def list_users(self) -> Sequence[User]:
        return await self.users.list()

    # -- Password sign-in ------------------------------------------------------------

    async def authenticate(self, username: str, password: str, *, client: ClientInfo) -> User:
        """The account for ``username`` if ``password`` is right; else InvalidCredentials.

        Limits: every attempt counts against the IP, and against the account name
        (existing or not, so the limit itself reveals nothing). The attempt is counted
        *before* the password is checked, so concurrent guesses cannot all slip in ahead
        of their own count; a successful sign-in clears the account's count. Storage
        failures refuse sign-in rather than let guessing run unlimited.
        """
        account = username.strip().lower()[:100]
        runtime = self.runtime
        await self.limiter.check(
            runtime.login_limit_per_ip, client.ip, scope="login-ip", fail_open=False
        )
        per_account = await self.limiter.hit(
            runtime.login_limit_per_account, account, scope="login-account", fail_open=False
        )
        if not per_account.allowed:
            SIGN_INS.labels("password", "rate_limited").inc()
            raise RateLimited(
                "Too many failed sign-ins for this account; try again later.",
                retry_after=per_account.retry_after,
            )
        user = await self.users.by_username(account)
        valid = await runtime.passwords.verify(user.password_hash if user else None, password)
        if user is None or not valid:
            SIGN_INS.labels("password", "invalid").inc()
            raise InvalidCredentials("Incorrect username or password.")
        if not user.is_active:
            SIGN_INS.labels("password", "disabled").inc()
            raise AccountDisabled("This account is disabled.")
        await self.limiter.clear(runtime.login_limit_per_account, account, scope="login-account")
        if user.password_hash and runtime.passwords.needs_rehash(user.password_hash):
            user.password_hash = await runtime.passwords.hash(password)
        SIGN_INS.labels("password", "ok").inc()
        return user

    # -- GitHub sign-in ----------------------------------------------------------------

    async def github_sign_in(
        self, profile: GitHubProfile, grant: GitHubGrant, *, link_to: uuid.UUID | None = None
    ) -> User:
        """The account for this GitHub identity: linked by GitHub's id, created if new.

        With ``link_to`` (a signed-in user linking GitHub) that account gets linked. An
        existing local account is never linked by matching email: anyone can put any
        address on a GitHub profile.
        """
        linked = await self.users.by_github_id(profile.id)
        if link_to is not None:
            user = await self.users.get(link_to)
            if user is None:
                raise SessionEnded("Sign in again to link GitHub.")
            if linked is not None and linked.id != user.id:
                raise AccountLinkConflict(
                    "That GitHub account is already linked to another DevMentor account."
                )
            if user.github_id is not None and user.github_id != profile.id:
                raise AccountLinkConflict(
                    "This account is already linked to a different GitHub account."
                )
        elif linked is not None:
            user = linked
        else:
            if not self.settings.registration_enabled:
                SIGN_INS.labels("github", "registration_closed").inc()
                raise RegistrationClosed(
                    "This GitHub account has no DevMentor account, and new accounts are "
                    "not accepted here."
                )
            user = User(
                username=await self._free_username(profile.login),
                display_name=(profile.name or profile.login)[:100],
                email=profile.email,
            )
            await self.users.add(user)
            log.info("user_created", user_id=str(user.id), via="github")
        if not user.is_active:
            SIGN_INS.labels("github", "disabled").inc()
            raise AccountDisabled("This account is disabled.")
        user.github_id = profile.id
        user.github_login = profile.login[:39]
        user.github_token_encrypted = self.runtime.token_box.encrypt(grant.access_token)
        user.github_scopes = grant.scopes[:500]
        user.avatar_url = profile.avatar_url or user.avatar_url
        user.email = user.email or profile.email
        await self.session.flush()
        SIGN_INS.labels("github", "ok").inc()
        return user

    async def github_token(self, user_id: uuid.UUID) -> str | None:
        """The user's GitHub access token, decrypted (for calls made on their behalf)."""
        user = await self.get_user(user_id)
        if user.github_token_encrypted is None:
            return None
        return self.runtime.token_box.decrypt(user.github_token_encrypted)

    async def _free_username(self, login: str) -> str:
        base = login.lower()[:39]
        taken = await self.users.usernames_like(base[:33])
        if base not in taken:
            return base
        for number in range(2, 10_000):
            candidate = f"{base[:33]}-{number}"
            if candidate not in taken:
                return candidate
        return f"{base[:30]}-{secrets.token_hex(4)}"

    # -- Sessions and tokens -------------------------------------------------------------

    async def start_session(
        self, user: User, *, method: str, remember: bool, client: ClientInfo
    ) -> IssuedTokens:
        now = utcnow()
        auth_session = AuthSession(
            user_id=user.id,
            method=method,
            remember=remember,
            user_agent=client.user_agent[:300],
            ip=client.ip[:45],
            created_at=now,
            last_used_at=now,
            expires_at=now + dt.timedelta(seconds=self.settings.session_max_age_seconds),
        )
        await self.sessions.add(auth_session)
        user.last_login_at = now
        log.info("signed_in", user_id=str(user.id), session_id=str(auth_session.id), method=method)
        return await self._issue(user.id, auth_session, now)

    async def _issue(
        self, user_id: uuid.UUID, auth_session: AuthSession, now: dt.datetime
    ) -> IssuedTokens:
        settings = self.settings
        idle = (
            settings.remember_idle_ttl_seconds
            if auth_session.remember
            else (settings.session_idle_ttl_seconds)
        )
        refresh_expires_at = min(now + dt.timedelta(seconds=idle), auth_session.expires_at)
        raw = secrets.token_urlsafe(32)
        await self.refresh_tokens.add(
            RefreshToken(
                session_id=auth_session.id,
                token_hash=keyed_hash(self.runtime.refresh_keys[0], raw),
                created_at=now,
                expires_at=refresh_expires_at,
            )
        )
        access, access_expires_at = self.runtime.access_tokens.issue(
            user_id, auth_session.id, now=now
        )
        return IssuedTokens(
            user_id=user_id,
            session_id=auth_session.id,
            remember=auth_session.remember,
            access_token=access,
            access_expires_at=access_expires_at,
            refresh_token=raw,
            refresh_expires_at=refresh_expires_at,
        )

    async def refresh(self, raw_token: str, *, client: ClientInfo) -> IssuedTokens:
        """Exchange a refresh token for a new pair; the old one stops working.

        Within ``refresh_reuse_grace_seconds`` of its first use a token may be presented
        again (two tabs refreshing together each get a pair); after that, presenting it
        revokes the whole session and fails with RefreshTokenReused.
        """
        hashes = [keyed_hash(key, raw_token) for key in self.runtime.refresh_keys]
        found = await self.refresh_tokens.find(hashes)
        if found is None:
            REFRESHES.labels("invalid").inc()
            raise InvalidToken("The refresh token is not valid.")
        token, auth_session = found
        now = utcnow()
        if auth_session.revoked_at is not None:
            REFRESHES.labels("revoked").inc()
            raise SessionEnded("This sign-in has ended; sign in again.")
        if auth_session.expires_at <= now or token.expires_at <= now:
            REFRESHES.labels("expired").inc()
            raise SessionEnded("This sign-in has expired; sign in again.")
        if not await self.refresh_tokens.claim(token.id, now):
            used_at = await self.refresh_tokens.used_at(token.id)
            grace = dt.timedelta(seconds=self.settings.refresh_reuse_grace_seconds)
            if used_at is None or now - used_at > grace:
                await self._revoke([auth_session.id], reason="refresh_reuse", now=now)
                REFRESHES.labels("reused").inc()
                log.warning(
                    "refresh_token_reused",
                    user_id=str(auth_session.user_id),
                    session_id=str(auth_session.id),
                    ip=client.ip,
                )
                raise RefreshTokenReused(
                    "This refresh token was already used, so this sign-in has been ended "
                    "everywhere it was used. Sign in again."
                )
            REFRESHES.labels("grace").inc()
        user = await self.users.get(auth_session.user_id)
        if user is None or not user.is_active:
            raise SessionEnded("This account is disabled.")
        auth_session.last_used_at = now
        if client.ip:
            auth_session.ip = client.ip[:45]
        REFRESHES.labels("ok").inc()
        return await self._issue(user.id, auth_session, now)

    async def authenticate_access(self, token: str) -> Principal:
        """The caller an access token stands for, if its session is still live."""
        try:
            claims = self.runtime.access_tokens.verify(token)
        except TokenError as exc:
            if exc.reason == "expired":
                raise TokenExpired("The access token has expired; refresh it.") from None
            raise InvalidToken("The access token is not valid.") from None

        async def load() -> dict[str, object] | None:
            row = await self.sessions.get_with_user(claims.session_id)
            if row is None:
                return None
            auth_session, user = row
            return {
                "user_id": str(user.id),
                "username": user.username,
                "is_admin": user.is_admin,
                "live": auth_session.revoked_at is None and user.is_active,
                "expires_at": auth_session.expires_at.isoformat(),
            }

        state = await self.cache.get_or_set(
            _session_cache_key(claims.session_id), load, ttl=_SESSION_CACHE_TTL
        )
        if (
            state is None
            or not state["live"]
            or state["user_id"] != str(claims.user_id)
            or dt.datetime.fromisoformat(str(state["expires_at"])) <= utcnow()
        ):
            raise SessionEnded("This sign-in has ended; sign in again.")
        return Principal(
            user_id=claims.user_id,
            session_id=claims.session_id,
            username=str(state["username"]),
            is_admin=bool(state["is_admin"]),
            access_expires_at=claims.expires_at,
        )

    async def list_sessions(
        self, user_id: uuid.UUID, *, current: uuid.UUID | None = None
    ) -> Sequence[AuthSession]:
        return await self.sessions.active_for_user(user_id, utcnow(), current=current)

    async def revoke_session(self, user_id: uuid.UUID, session_id: uuid.UUID) -> None:
        """End one of the user's own sessions. Anyone else's is "not found", not "forbidden":
        the answer must not confirm that a session id exists."""
        auth_session = await self.sessions.get(session_id)
        if auth_session is None or auth_session.user_id != user_id:
            raise NotFound("No such session.")
        revoked = await self._revoke([session_id], reason="revoked", now=utcnow())
        if not revoked:
            raise NotFound("No such session.")

    async def logout(self, session_id: uuid.UUID) -> None:
        await self._revoke([session_id], reason="logout", now=utcnow())

    async def logout_refresh_token(self, raw_token: str) -> None:
        """Sign out the session a refresh token belongs to (quietly: nothing to reveal)."""
        hashes = [keyed_hash(key, raw_token) for key in self.runtime.refresh_keys]
        found = await self.refresh_tokens.find(hashes)
        if found is not None:
            await self.logout(found[1].id)

    async def logout_all(self, user_id: uuid.UUID) -> int:
        ids = await self.sessions.active_ids_for_user(user_id)
        return len(await self._revoke(ids, reason="logout_all", now=utcnow()))

    async def _revoke(
        self, session_ids: Sequence[uuid.UUID], *, reason: str, now: dt.datetime
    ) -> list[uuid.UUID]:
        revoked = await self.sessions.revoke(session_ids, reason=reason, now=now)
        if revoked:
            keys = [_session_cache_key(session_id) for session_id in revoked]

            async def forget() -> None:
                for key in keys:
                    await self.cache.delete(key)

            # After the commit: forgetting earlier lets a reader re-cache "still live".
            after_commit(self.session, forget)
            log.info("sessions_revoked", count=len(revoked), reason=reason)
        return revoked
