"""The notification email task: sent once, retried on failure, re-checked when it runs."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from hale.notifications.actions import notify, set_preference
from hale.notifications.delivery import deliver_email
from hale.notifications.kinds import EMAIL
from hale.notifications.models import EmailDelivery
from hale.notifications.tasks import send_notification_email

pytestmark = pytest.mark.django_db


class FailOnceBackend(LocmemBackend):
    """A mail server that is down for the first message, then fine."""

    failures_left = 0

    def send_messages(self, messages):
        if FailOnceBackend.failures_left > 0:
            FailOnceBackend.failures_left -= 1
            raise ConnectionRefusedError("mail server down")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailOnceBackend"}}
    FailOnceBackend.failures_left = 1
    yield
    FailOnceBackend.failures_left = 0


def test_running_the_task_again_does_not_send_the_email_twice(patient_a, brand_a, announce):
    announce(patient_a.user, brand_a)
    delivery = EmailDelivery.objects.get()
    assert len(mail.outbox) == 1

    send_notification_email.enqueue(str(delivery.uuid))
    assert deliver_email(delivery_uuid=str(delivery.uuid)) == "skipped"

    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.status == EmailDelivery.Status.SENT
    assert delivery.attempts == 1


def test_a_failed_send_is_retried_and_sent_once(patient_a, brand_a, announce, flaky_mail):
    announce(patient_a.user, brand_a)

    delivery = EmailDelivery.objects.get()
    assert delivery.status == EmailDelivery.Status.SENT
    assert delivery.attempts == 2
    assert delivery.last_error == ""
    assert len(mail.outbox) == 1


def test_a_send_that_keeps_failing_stays_pending_with_the_error(
    patient_a, brand_a, announce, flaky_mail, settings
):
    settings.TASK_MAX_ATTEMPTS = 2
    FailOnceBackend.failures_left = 5

    announce(patient_a.user, brand_a)  # the task's final failure is logged, not raised here

    delivery = EmailDelivery.objects.get()
    assert delivery.status == EmailDelivery.Status.PENDING
    assert delivery.attempts == 2
    assert "mail server down" in delivery.last_error
    assert delivery.claimed_until is None  # a later run may try again
    assert mail.outbox == []


def test_an_email_claimed_by_another_worker_is_not_sent_at_the_same_time(patient_a, brand_a):
    notify(user=patient_a.user, kind="brand.announcement", brand=brand_a, title="T", body="B")
    delivery = EmailDelivery.objects.get()
    delivery.claimed_until = timezone.now() + timedelta(minutes=1)
    delivery.save(update_fields=["claimed_until"])

    assert deliver_email(delivery_uuid=str(delivery.uuid)) == "skipped"
    assert mail.outbox == []

    # A crashed worker's claim expires and the email goes out.
    delivery.claimed_until = timezone.now() - timedelta(seconds=1)
    delivery.save(update_fields=["claimed_until"])
    assert deliver_email(delivery_uuid=str(delivery.uuid)) == "sent"
    assert len(mail.outbox) == 1


def test_email_switched_off_before_the_task_ran_is_skipped(patient_a, brand_a, committed):
    with committed():
        notify(user=patient_a.user, kind="brand.announcement", brand=brand_a, title="T", body="B")
        set_preference(user=patient_a.user, kind="brand.announcement", channel=EMAIL, enabled=False)

    assert mail.outbox == []
    assert EmailDelivery.objects.get().status == EmailDelivery.Status.SKIPPED
