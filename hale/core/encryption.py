"""Secrets at rest: text encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from
``cryptography``) under a key derived from ``SECRET_KEY``.

``SECRET_KEY_FALLBACKS`` keep decrypting what older keys wrote, so rotating the secret key
does not lose stored secrets (values are re-encrypted under the new key when next saved).
Encryption is randomised: an encrypted column cannot be filtered or made unique by value.
"""

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

_INFO = b"hale.core.encryption v1"


class Undecryptable(Exception):
    """Stored text that no configured key opens (tampered, or its key was dropped)."""


def _derive(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


@functools.cache
def _box(secret: str, fallbacks: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_derive(secret), *(_derive(f) for f in fallbacks)])


def _current() -> MultiFernet:
    return _box(settings.SECRET_KEY, tuple(getattr(settings, "SECRET_KEY_FALLBACKS", ())))


def encrypt(text: str) -> str:
    return _current().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise Undecryptable from exc


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; Python code sees the plain text. "" stays ""."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
