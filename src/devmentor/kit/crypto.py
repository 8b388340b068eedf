"""Keys derived from the configured secret, and encryption of secrets we must store.

One operator secret (``DEVMENTOR_SECRET_KEY``) yields a separate key per purpose through
HKDF, so a key leaked from one use (say, a signed cookie) says nothing about another
(say, the encrypted GitHub tokens). Rotating the secret: move the old value into
``DEVMENTOR_PREVIOUS_SECRET_KEYS``; data protected with it stays readable and is
re-protected with the new key when next written.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "DecryptionError",
    "SecretBox",
    "constant_time_equals",
    "derive_key",
    "key_id",
    "keyed_hash",
]


class DecryptionError(Exception):
    """The ciphertext was not made by any known key, or it was altered."""


def derive_key(secret: str, purpose: str, *, length: int = 32) -> bytes:
    """A ``length``-byte key for ``purpose``, derived from ``secret`` with HKDF-SHA256."""
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=length,
        salt=b"devmentor/v1",
        info=purpose.encode(),
    )
    return hkdf.derive(secret.encode())


def key_id(key: bytes) -> str:
    """A short public fingerprint of ``key`` (a JWT ``kid``): reveals nothing about it."""
    return hashlib.sha256(b"devmentor/kid\x00" + key).hexdigest()[:16]


def keyed_hash(key: bytes, value: str) -> str:
    """HMAC-SHA256 of ``value`` as hex: how bearer secrets (refresh tokens) are stored.

    The values are random and long, so no slow hash is needed; the key means a stolen
    table cannot even be checked against guesses without the server's secret.
    """
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def constant_time_equals(expected: str, given: str) -> bool:
    """Compare secrets without leaking where they differ, for any text a client sends.

    ``hmac.compare_digest`` raises TypeError on non-ASCII ``str``; bytes never do.
    """
    return hmac.compare_digest(expected.encode(), given.encode())


class SecretBox:
    """Authenticated encryption (Fernet: AES-128-CBC + HMAC-SHA256) with key rotation.

    Encrypts with the first secret's key; decrypts with any of them.
    """

    def __init__(self, secrets: Sequence[str], *, purpose: str) -> None:
        if not secrets:
            raise ValueError("SecretBox needs at least one secret")
        fernets = [Fernet(base64.urlsafe_b64encode(derive_key(s, purpose))) for s in secrets]
        self._primary = fernets[0]
        self._fernet = MultiFernet(fernets)

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode("ascii")).decode()
        except (InvalidToken, UnicodeError) as exc:
            raise DecryptionError("ciphertext is invalid or was made with an unknown key") from exc

    def needs_rotation(self, ciphertext: str) -> bool:
        """Whether ``ciphertext`` was made with an older key (re-encrypt it when convenient)."""
        try:
            self._primary.decrypt(ciphertext.encode("ascii"))
        except (InvalidToken, UnicodeError):
            return True
        return False
