"""Password hashing with argon2id, off the event loop and bounded in concurrency.

A hash costs tens of milliseconds of CPU and its memory cost in RAM, by design. Hashing
runs in worker threads so the event loop keeps serving, and at most ``max_concurrent``
at a time so a burst of sign-ins cannot take all memory and cores.
"""

from __future__ import annotations

import asyncio
import os

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class Passwords:
    def __init__(
        self,
        *,
        time_cost: int,
        memory_kib: int,
        parallelism: int,
        max_concurrent: int | None = None,
    ) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism
        )
        self._slots = asyncio.Semaphore(max_concurrent or max(2, os.cpu_count() or 2))
        # Checked when the account does not exist, so that answer takes as long as a
        # wrong password for a real account (no user enumeration by timing).
        self._dummy_hash = self._hasher.hash("devmentor-no-such-account")

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; ``password_hash`` None burns the same time, then False."""
        async with self._slots:
            return await asyncio.to_thread(self._verify, password_hash, password)

    def _verify(self, password_hash: str | None, password: str) -> bool:
        try:
            self._hasher.verify(password_hash or self._dummy_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        return password_hash is not None

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters than the configured ones."""
        return self._hasher.check_needs_rehash(password_hash)
