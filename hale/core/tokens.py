"""Secret tokens for links (invitations, magic links, calendar feeds, export downloads).

A token is 256 random bits (``secrets.token_urlsafe(32)``, 43 characters); the database keeps
only its SHA-256, so a leaked table opens nothing. A token far longer than ours is refused
before it is hashed.
"""

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32
TOKEN_MAX_LENGTH = 64


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def plausible_token(token: str | None) -> bool:
    """Could ``token`` be one of ours? (Cheap check before any lookup.)"""
    return bool(token) and len(token or "") <= TOKEN_MAX_LENGTH


def token_matches(token: str, token_hash: str) -> bool:
    """Constant-time comparison of ``token`` with a stored hash."""
    return hmac.compare_digest(hash_token(token), token_hash)


# Without 0/O, 1/I: codes people read out on the phone (receipts, orders).
READABLE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def readable_code(prefix: str, length: int) -> str:
    """A random public reference such as ``HL-7K2M9QXP4A`` (not a secret: unique columns
    catch the rare collision)."""
    return prefix + "".join(secrets.choice(READABLE_ALPHABET) for _ in range(length))
