"""Notifications of messages: one in-app notification per unread stretch, and one email
after the delay for a message still unread — with no message text, never twice, not when
read in time, and not when the person switched it off."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from hale.messaging import actions, delivery
from hale.messaging.models import Side
from hale.notifications.actions import set_preference
from hale.notifications.models import EmailDelivery, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(patient_a, specialist, care):
    return actions.conversation_for(patient=patient_a, specialist=specialist, side=Side.SPECIALIST)


def _later(minutes=31):
    return timezone.now() + dt.timedelta(minutes=minutes)


def test_one_in_app_notification_per_unread_stretch(
    conversation, as_specialist, as_patient, patient_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.send_message(conversation=conversation, viewer=as_specialist, body="One")
        actions.send_message(conversation=conversation, viewer=as_specialist, body="Two")
    notes = Notification.objects.filter(user=patient_a.user, kind="message.received")
    assert notes.count() == 1
    assert notes.get().title == "New message from Dr Dana One"
    assert "One" not in notes.get().body
    actions.mark_read(conversation=conversation, viewer=as_patient)
    actions.send_message(conversation=conversation, viewer=as_specialist, body="Three")
    assert notes.count() == 2


def test_an_unread_message_is_emailed_once_without_its_text(
    conversation, as_specialist, patient_a, mailoutbox, django_capture_on_commit_callbacks
):
    actions.send_message(
        conversation=conversation, viewer=as_specialist, body="Your results are in"
    )
    assert delivery.send_unread_emails(now=timezone.now()) == 0  # not yet: within the delay
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.send_unread_emails(now=_later()) == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [patient_a.user.email]
    assert "Your results are in" not in email.body
    assert f"/messages/{conversation.uuid}/" in email.body
    # Run again (a retried task): nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.send_unread_emails(now=_later(60)) == 0
    assert len(mail.outbox) == 1
    assert EmailDelivery.objects.filter(kind="message.unread").count() == 1


def test_read_in_time_means_no_email(conversation, as_specialist, as_patient):
    actions.send_message(conversation=conversation, viewer=as_specialist, body="Hi")
    actions.mark_read(conversation=conversation, viewer=as_patient)
    assert delivery.send_unread_emails(now=_later()) == 0


def test_switched_off_means_no_email(
    conversation, as_specialist, patient_a, mailoutbox, django_capture_on_commit_callbacks
):
    set_preference(user=patient_a.user, kind="message.unread", channel="email", enabled=False)
    actions.send_message(conversation=conversation, viewer=as_specialist, body="Hi")
    with django_capture_on_commit_callbacks(execute=True):
        delivery.send_unread_emails(now=_later())
    assert mail.outbox == []


def test_the_next_unread_stretch_is_emailed_again(
    conversation, as_specialist, as_patient, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.send_message(conversation=conversation, viewer=as_specialist, body="One")
        delivery.send_unread_emails(now=_later())
        actions.mark_read(conversation=conversation, viewer=as_patient)
        actions.send_message(
            conversation=conversation, viewer=as_specialist, body="Two", now=_later(40)
        )
        delivery.send_unread_emails(now=_later(80))
    assert len(mail.outbox) == 2


def test_the_specialist_is_emailed_about_a_patient_message(
    conversation,
    as_specialist,
    as_patient,
    specialist,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    actions.send_message(conversation=conversation, viewer=as_specialist, body="Hello")
    actions.mark_read(conversation=conversation, viewer=as_patient)
    actions.send_message(conversation=conversation, viewer=as_patient, body="Private worry")
    with django_capture_on_commit_callbacks(execute=True):
        delivery.send_unread_emails(now=_later())
    sent = [m for m in mail.outbox if m.to == [specialist.user.email]]
    assert len(sent) == 1 and "Private worry" not in sent[0].body
    assert f"/practice/messages/{conversation.uuid}/" in sent[0].body
