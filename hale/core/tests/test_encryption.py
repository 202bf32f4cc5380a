"""Secrets at rest: round trip, randomised, key rotation through SECRET_KEY_FALLBACKS, and
tampered or foreign ciphertext refused."""

import pytest

from hale.core.encryption import Undecryptable, decrypt, encrypt

OLD_KEY = "o" * 60
NEW_KEY = "n" * 60


def test_round_trip_is_randomised():
    first, second = (
        encrypt("https://cal.example/secret.ics"),
        encrypt("https://cal.example/secret.ics"),
    )
    assert first != second and "secret" not in first
    assert decrypt(first) == decrypt(second) == "https://cal.example/secret.ics"


def test_rotating_the_secret_key_keeps_old_values_readable(settings):
    settings.SECRET_KEY = OLD_KEY
    token = encrypt("address")
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    assert decrypt(token) == "address"
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(Undecryptable):
        decrypt(token)


def test_tampered_ciphertext_is_refused():
    token = encrypt("address")
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(Undecryptable):
        decrypt(tampered)
    with pytest.raises(Undecryptable):
        decrypt("not a token")
