"""notify: channels by preference, the in-app row, the email, nothing on rollback."""

import pytest
from django.db import transaction
from django.utils.translation import gettext_lazy

from hale.notifications.actions import notify, set_preference
from hale.notifications.kinds import EMAIL, IN_APP, PATIENT, PLATFORM, Kind, register, unregister
from hale.notifications.models import EmailDelivery, Notification

pytestmark = pytest.mark.django_db


def test_notify_creates_the_in_app_notification_and_sends_the_email(
    patient_a, brand_a, announce, mailoutbox
):
    notification = announce(patient_a.user, brand_a, title="New opening hours")

    assert notification is not None
    assert notification.user == patient_a.user
    assert (notification.brand, notification.portal) == (brand_a, PATIENT)
    assert notification.read_at is None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [patient_a.user.email]
    assert mailoutbox[0].subject == "New opening hours"
    delivery = EmailDelivery.objects.get()
    assert delivery.status == EmailDelivery.Status.SENT
    assert delivery.sent_at is not None


def test_in_app_switched_off_creates_no_notification_but_still_emails(
    patient_a, brand_a, announce, mailoutbox
):
    set_preference(user=patient_a.user, kind="brand.announcement", channel=IN_APP, enabled=False)

    assert announce(patient_a.user, brand_a) is None

    assert not Notification.objects.exists()
    assert len(mailoutbox) == 1


def test_email_switched_off_sends_no_email_but_keeps_the_in_app_notification(
    patient_a, brand_a, announce, mailoutbox
):
    set_preference(user=patient_a.user, kind="brand.announcement", channel=EMAIL, enabled=False)

    assert announce(patient_a.user, brand_a) is not None

    assert mailoutbox == []
    assert not EmailDelivery.objects.exists()


def test_preferences_of_one_user_do_not_affect_another(
    patient_a, patient_b, brand_a, announce, mailoutbox
):
    set_preference(user=patient_b.user, kind="brand.announcement", channel=EMAIL, enabled=False)

    announce(patient_a.user, brand_a)

    assert [m.to for m in mailoutbox] == [[patient_a.user.email]]


def test_a_kind_that_cannot_be_switched_off_ignores_preferences(
    patient_a, brand_a, committed, mailoutbox
):
    register(
        Kind(key="test.security", label="Security", portals=(PATIENT,), user_can_disable=False)
    )
    try:
        from hale.notifications.models import NotificationPreference

        # Even a stored "off" (e.g. from before the kind was made mandatory) is ignored.
        NotificationPreference.objects.create(
            user=patient_a.user, kind="test.security", channel=EMAIL, enabled=False
        )
        with committed():
            notify(user=patient_a.user, kind="test.security", brand=brand_a, title="T", body="B")
    finally:
        unregister("test.security")
    assert Notification.objects.filter(kind="test.security").count() == 1
    assert len(mailoutbox) == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(
    patient_a, brand_a, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(
                user=patient_a.user, kind="brand.announcement", brand=brand_a, title="T", body="B"
            )
            raise RuntimeError("the surrounding change failed")
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_email_is_sent_only_after_commit(patient_a, brand_a, committed, mailoutbox):
    with committed():
        notify(user=patient_a.user, kind="brand.announcement", brand=brand_a, title="T", body="B")
        assert mailoutbox == []
    assert len(mailoutbox) == 1


def test_lazy_texts_are_written_in_the_recipients_language(patient_a, brand_a, announce):
    patient_a.user.language = "es"
    patient_a.user.save(update_fields=["language"])

    # Django ships Spanish for month names; our own catalogue is translated later.
    notification = announce(patient_a.user, brand_a, title=gettext_lazy("January"))

    assert notification.title == "enero"


def test_inactive_users_are_not_notified(patient_a, brand_a, announce, mailoutbox):
    patient_a.user.is_active = False
    patient_a.user.save(update_fields=["is_active"])

    assert announce(patient_a.user, brand_a) is None
    assert mailoutbox == []


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//evil.example/", "data:text/html,x"])
def test_a_link_must_be_a_path_or_a_web_address(patient_a, brand_a, url):
    with pytest.raises(ValueError):
        notify(
            user=patient_a.user,
            kind="brand.announcement",
            brand=brand_a,
            title="T",
            body="B",
            url=url,
        )
    assert not Notification.objects.exists()


def test_a_patient_portal_kind_needs_a_brand(patient_a):
    with pytest.raises(ValueError):
        notify(user=patient_a.user, kind="brand.announcement", title="T", body="B")


def test_a_kind_for_both_portals_goes_to_the_platform_without_a_brand(specialist, committed):
    with committed():
        notification = notify(user=specialist.user, kind="account.welcome", title="Hi", body="")
    assert (notification.portal, notification.brand) == (PLATFORM, None)
