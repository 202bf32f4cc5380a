"""Notifications in a data export, and their erasure when an account is deleted."""

from hale.accounts import data_rights
from hale.notifications.actions import set_preference
from hale.notifications.data_rights import erase_notifications, export_notifications
from hale.notifications.models import EmailDelivery, Notification, NotificationPreference


def test_export_lists_only_the_users_notifications_emails_and_choices(
    patient_a, patient_b, announce
):
    announce(patient_a.user, patient_a.brand, title="For Alice")
    announce(patient_b.user, patient_b.brand, title="For Bob")
    set_preference(user=patient_a.user, kind="brand.announcement", channel="email", enabled=False)
    set_preference(user=patient_b.user, kind="brand.announcement", channel="in_app", enabled=False)

    section = export_notifications(patient_a.user)

    assert [n["title"] for n in section["notifications"]] == ["For Alice"]
    assert section["notifications"][0]["service"] == "Calm Minds"
    assert [e["title"] for e in section["emails"]] == ["For Alice"]
    assert [(p["kind"], p["channel"], p["enabled"]) for p in section["preferences"]] == [
        ("brand.announcement", "email", False)
    ]
    assert "For Bob" not in str(section)


def test_the_section_is_registered(db):
    assert "notifications" in [e.name for e in data_rights.exporters()]
    assert "notifications" in [e.name for e in data_rights.erasers()]


def test_erasure_removes_the_users_rows_only(patient_a, patient_b, announce):
    for user, brand in ((patient_a.user, patient_a.brand), (patient_b.user, patient_b.brand)):
        announce(user, brand)
        set_preference(user=user, kind="brand.announcement", channel="email", enabled=False)

    erase_notifications(patient_a.user, acting_user=patient_a.user)

    for model in (Notification, EmailDelivery, NotificationPreference):
        assert not model.objects.filter(user=patient_a.user).exists()
        assert model.objects.filter(user=patient_b.user).exists()
