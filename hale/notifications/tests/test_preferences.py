"""Preferences page: a kind × channel table of labelled checkboxes, saved per portal."""

import re

import pytest

from hale.notifications.access import preference_map
from hale.notifications.kinds import EMAIL, IN_APP, PATIENT, Kind, all_kinds, register, unregister
from hale.notifications.models import NotificationPreference

pytestmark = pytest.mark.django_db


def test_page_shows_a_labelled_checkbox_per_kind_and_channel(patient_a, client_for):
    body = (
        client_for(patient_a.user, "calm.localhost")
        .get("/notifications/preferences/")
        .content.decode()
    )

    for kind in all_kinds(PATIENT):
        for channel in (IN_APP, EMAIL):
            name = f"{kind.key}:{channel}"
            box = re.search(rf'<input type="checkbox" name="{re.escape(name)}"[^>]*>', body)
            if channel not in kind.channels:
                assert box is None, name  # a channel the kind never uses has no checkbox
                continue
            assert box is not None and ("checked" in box.group(0)) == (
                channel in kind.default_channels
            ), name
            assert f'<label for="id_{name}"' in body
    assert '<th scope="col">Email</th>' in body
    assert "Announcements" in body


def test_switching_off_announcement_emails_is_saved(patient_a, client_for):
    client = client_for(patient_a.user, "calm.localhost")

    response = client.post(
        "/notifications/preferences/",
        {
            "account.welcome:in_app": "on",
            "account.welcome:email": "on",
            "brand.announcement:in_app": "on",
        },
    )

    assert response.status_code == 302
    prefs = preference_map(patient_a.user, all_kinds(PATIENT))
    assert prefs[("brand.announcement", EMAIL)] is False
    assert prefs[("brand.announcement", IN_APP)] is True
    assert prefs[("account.welcome", EMAIL)] is True
    body = client.get("/notifications/preferences/").content.decode()
    assert not re.search(r'name="brand\.announcement:email"[^>]*checked', body)


def test_saving_the_platform_page_leaves_patient_only_kinds_alone(patient_a, client_for):
    NotificationPreference.objects.create(
        user=patient_a.user, kind="brand.announcement", channel=EMAIL, enabled=False
    )

    client_for(patient_a.user, "localhost").post("/notifications/preferences/", {})

    assert (
        NotificationPreference.objects.get(
            user=patient_a.user, kind="brand.announcement", channel=EMAIL
        ).enabled
        is False
    )
    assert (
        NotificationPreference.objects.get(
            user=patient_a.user, kind="account.welcome", channel=EMAIL
        ).enabled
        is False
    )


def test_saving_changes_only_my_preferences(patient_a, patient_b, client_for):
    client_for(patient_a.user, "calm.localhost").post("/notifications/preferences/", {})

    assert not NotificationPreference.objects.filter(user=patient_b.user).exists()


def test_a_kind_that_cannot_be_switched_off_shows_a_disabled_box_and_is_not_saved(
    patient_a, client_for
):
    register(Kind(key="test.mandatory", label="Security notices", user_can_disable=False))
    try:
        client = client_for(patient_a.user, "calm.localhost")
        body = client.get("/notifications/preferences/").content.decode()
        assert re.search(r'name="test\.mandatory:email"[^>]*disabled', body)
        client.post("/notifications/preferences/", {})
    finally:
        unregister("test.mandatory")
    assert not NotificationPreference.objects.filter(kind="test.mandatory").exists()
