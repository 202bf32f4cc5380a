"""Two people (or two tabs, or two workers) at once, on PostgreSQL: one conversation per
pair however many open it together, both sides' first messages kept with their stamps, a
message deleted twice is deleted once, and two sweeps send one unread email."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from hale.core.models import AuditEvent
from hale.messaging import actions, delivery
from hale.messaging.models import Conversation, Message, Side
from hale.messaging.tests.conftest import set_policy
from hale.notifications.models import EmailDelivery
from tests.race import race

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


def _outcome(exc: Exception) -> str:
    return f"error: {exc!r}"


def test_opening_the_same_conversation_at_once_makes_one(patient_a, specialist, care):
    outcomes = race(
        [
            lambda: actions.conversation_for(
                patient=patient_a, specialist=specialist, side=Side.SPECIALIST
            )
            for _ in range(4)
        ],
        _outcome,
    )
    assert outcomes == ["applied"] * 4
    assert Conversation.objects.filter(patient=patient_a, specialist=specialist).count() == 1


def test_both_sides_writing_first_at_once_keep_both_messages_and_stamps(
    patient_a, specialist, care, as_patient, as_specialist
):
    set_policy(patient_a.brand, "all_clients")
    conversation = actions.conversation_for(
        patient=patient_a, specialist=specialist, side=Side.PATIENT
    )
    outcomes = race(
        [
            lambda: actions.send_message(conversation=conversation, viewer=as_patient, body="Hi"),
            lambda: actions.send_message(
                conversation=conversation, viewer=as_specialist, body="Hello"
            ),
        ],
        _outcome,
    )
    assert outcomes == ["applied", "applied"]
    conversation.refresh_from_db()
    assert Message.objects.filter(conversation=conversation).count() == 2
    assert conversation.last_patient_message_at is not None
    assert conversation.last_team_message_at is not None
    assert conversation.last_message_at == max(
        conversation.last_patient_message_at, conversation.last_team_message_at
    )


def test_deleting_in_two_tabs_at_once_deletes_once(patient_a, specialist, care, as_specialist):
    conversation = actions.conversation_for(
        patient=patient_a, specialist=specialist, side=Side.SPECIALIST
    )
    message = actions.send_message(conversation=conversation, viewer=as_specialist, body="Oops")
    outcomes = race(
        [lambda: actions.delete_message(message=message, viewer=as_specialist) for _ in range(2)],
        _outcome,
    )
    assert outcomes == ["applied", "applied"]
    assert (
        AuditEvent.objects.filter(action="message.deleted", object_id=str(message.pk)).count() == 1
    )


def test_two_sweeps_at_once_send_one_email(patient_a, specialist, care, as_specialist):
    conversation = actions.conversation_for(
        patient=patient_a, specialist=specialist, side=Side.SPECIALIST
    )
    actions.send_message(conversation=conversation, viewer=as_specialist, body="Results")
    later = timezone.now() + dt.timedelta(hours=2)
    outcomes = race([lambda: delivery.send_unread_emails(now=later) for _ in range(3)], _outcome)
    assert outcomes == ["applied"] * 3
    assert EmailDelivery.objects.filter(user=patient_a.user, kind="message.unread").count() == 1
