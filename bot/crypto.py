"""Keyed hashes for pseudonymous user keys and authenticated encryption at rest."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.errors import StoreError


def _derive(secret: str, purpose: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=purpose).derive(
        secret.encode("utf-8")
    )


class Crypto:
    """Derives separate keys from BOT_SECRET_KEY for hashing, encryption and signing.

    ``old_secrets`` are earlier keys still accepted for decryption during rotation.
    """

    def __init__(self, secret: str, old_secrets: tuple[str, ...] = ()) -> None:
        self._hash_key = _derive(secret, b"testimony-bot user key v1")
        self._sign_key = _derive(secret, b"testimony-bot button signature v1")
        fernets = [Fernet(base64.urlsafe_b64encode(_derive(secret, b"testimony-bot encrypt v1")))]
        fernets += [
            Fernet(base64.urlsafe_b64encode(_derive(old, b"testimony-bot encrypt v1")))
            for old in old_secrets
        ]
        self._fernet = MultiFernet(fernets)

    def user_key(self, telegram_id: int) -> str:
        """Pseudonymous, stable key for a Telegram id: HMAC-SHA256, 24 hex characters."""
        digest = hmac.new(self._hash_key, str(telegram_id).encode(), hashlib.sha256)
        return digest.hexdigest()[:24]

    def sign(self, message: str, length: int = 6) -> str:
        """Short URL-safe HMAC tag, used to make button data unforgeable."""
        digest = hmac.new(self._sign_key, message.encode("utf-8"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii")[:length]

    def verify(self, message: str, tag: str) -> bool:
        return hmac.compare_digest(self.sign(message, len(tag) or 6), tag)

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as err:
            raise StoreError("stored ciphertext cannot be decrypted with the current keys"
                             ) from err

    def rotate(self, token: str) -> str:
        """Re-encrypt ``token`` under the current key."""
        return self._fernet.rotate(token.encode("ascii")).decode("ascii")

    def encrypt_int(self, value: int) -> str:
        return self.encrypt(str(value))

    def decrypt_int(self, token: str) -> int:
        return int(self.decrypt(token))
