import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from hale.notifications.kinds import (
    EMAIL,
    IN_APP,
    PATIENT,
    PLATFORM,
    Kind,
    UnknownKind,
    all_kinds,
    get_kind,
    register,
    unregister,
)


@pytest.fixture
def throwaway():
    yield "test.throwaway"
    unregister("test.throwaway")


def test_foundation_kinds_are_registered_at_start_up():
    welcome = get_kind("account.welcome")
    announcement = get_kind("brand.announcement")
    assert set(welcome.portals) == {PATIENT, PLATFORM}
    assert announcement.portals == (PATIENT,)
    assert announcement.default_channels == {EMAIL, IN_APP}
    assert announcement.user_can_disable


def test_kinds_are_listed_per_portal():
    assert "brand.announcement" in [k.key for k in all_kinds(PATIENT)]
    assert "brand.announcement" not in [k.key for k in all_kinds(PLATFORM)]
    assert "account.welcome" in [k.key for k in all_kinds(PLATFORM)]


def test_another_app_can_register_a_kind(throwaway):
    kind = register(Kind(key=throwaway, label=_("Test"), portals=(PLATFORM,)))
    assert get_kind(throwaway) is kind
    # Registering the same definition again (a module re-import) is harmless.
    register(Kind(key=throwaway, label=_("Test"), portals=(PLATFORM,)))


def test_a_taken_key_cannot_be_registered_with_another_definition(throwaway):
    register(Kind(key=throwaway, label=_("Test")))
    with pytest.raises(ImproperlyConfigured):
        register(Kind(key=throwaway, label=_("Something else")))


def test_default_channels_must_be_channels_the_kind_offers():
    with pytest.raises(ImproperlyConfigured):
        Kind(key="test.bad", label="Bad", channels={IN_APP}, default_channels={EMAIL})


def test_unknown_kind_is_an_error():
    with pytest.raises(UnknownKind):
        get_kind("no.such.kind")
