"""The brand messaging policies, through the send action: each policy × patient /
specialist / staff × start / reply / after the 48-hour auto-close (computed from the stamps,
with no worker having run)."""

import datetime as dt

import pytest
from django.utils import timezone

from hale.matching.models import CareRelationship
from hale.messaging import actions
from hale.messaging.errors import MessagingError
from hale.messaging.models import Conversation, Message, Side
from hale.messaging.tests.conftest import set_policy

pytestmark = pytest.mark.django_db

POLICIES = ["reply_only", "never_initiate", "assigned_only", "all_clients"]


def _specialist_conv(patient, specialist, side):
    return actions.conversation_for(patient=patient, specialist=specialist, side=side)


def _try(conversation, viewer, body="Hello", now=None) -> str:
    try:
        actions.send_message(conversation=conversation, viewer=viewer, body=body, now=now)
    except MessagingError as exc:
        assert str(exc.message)
        return "refused"
    return "sent"


# Patient starts a conversation with their specialist.
@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("reply_only", "refused"),
        ("never_initiate", "refused"),
        ("assigned_only", "sent"),
        ("all_clients", "sent"),
    ],
)
def test_patient_starting_a_conversation(policy, expected, patient_a, specialist, care, as_patient):
    set_policy(patient_a.brand, policy)
    conversation = _specialist_conv(patient_a, specialist, Side.PATIENT)
    assert _try(conversation, as_patient) == expected
    assert Message.objects.count() == (1 if expected == "sent" else 0)


@pytest.mark.parametrize("policy", POLICIES)
def test_patient_replies_after_the_specialist_wrote(
    policy, patient_a, specialist, care, as_patient, as_specialist
):
    set_policy(patient_a.brand, policy)
    conversation = _specialist_conv(patient_a, specialist, Side.SPECIALIST)
    assert _try(conversation, as_specialist) == "sent"
    assert _try(conversation, as_patient, "Thanks") == "sent"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("reply_only", "refused"),
        ("never_initiate", "sent"),
        ("assigned_only", "sent"),
        ("all_clients", "sent"),
    ],
)
def test_patient_reply_after_48_hours_of_silence(
    policy, expected, patient_a, specialist, care, as_patient, as_specialist
):
    set_policy(patient_a.brand, policy)
    conversation = _specialist_conv(patient_a, specialist, Side.SPECIALIST)
    written = timezone.now() - dt.timedelta(hours=49)
    assert _try(conversation, as_specialist, now=written) == "sent"
    assert _try(conversation, as_patient, "Sorry, late") == expected


def test_reply_only_is_open_just_before_48_hours(
    patient_a, specialist, care, as_patient, as_specialist
):
    conversation = _specialist_conv(patient_a, specialist, Side.SPECIALIST)
    _try(conversation, as_specialist, now=timezone.now() - dt.timedelta(hours=47, minutes=59))
    assert _try(conversation, as_patient) == "sent"


def test_a_patient_reply_keeps_reply_only_open_and_the_team_reopens_it(
    patient_a, specialist, care, as_patient, as_specialist
):
    conversation = _specialist_conv(patient_a, specialist, Side.SPECIALIST)
    start = timezone.now() - dt.timedelta(hours=100)
    _try(conversation, as_specialist, now=start)
    assert _try(conversation, as_patient, now=start + dt.timedelta(hours=1)) == "sent"
    # Answered: not closed 48 hours after the team's message.
    assert _try(conversation, as_patient, "One more") == "sent"
    # Closed, then the specialist writes again: open for the patient.
    conversation2 = Conversation.objects.get(pk=conversation.pk)
    conversation2.last_patient_message_at = None  # as if the reply had never been written
    conversation2.save(update_fields=["last_patient_message_at"])
    assert _try(conversation2, as_patient) == "refused"
    assert _try(conversation2, as_specialist, "Still there?") == "sent"
    assert _try(conversation2, as_patient, "Yes") == "sent"


@pytest.mark.parametrize("policy", POLICIES)
def test_specialist_starts_with_a_patient_in_active_care(
    policy, patient_a, specialist, care, as_specialist
):
    set_policy(patient_a.brand, policy)
    assert _try(_specialist_conv(patient_a, specialist, Side.SPECIALIST), as_specialist) == "sent"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("reply_only", "sent"),
        ("never_initiate", "sent"),
        ("assigned_only", "refused"),
        ("all_clients", "sent"),
    ],
)
def test_specialist_and_a_past_client(policy, expected, patient_a, specialist, care, as_specialist):
    set_policy(patient_a.brand, policy)
    CareRelationship.objects.filter(pk=care.pk).update(status=CareRelationship.Status.ENDED)
    assert _try(_specialist_conv(patient_a, specialist, Side.SPECIALIST), as_specialist) == expected


@pytest.mark.parametrize("policy", POLICIES)
def test_specialist_without_any_care_relationship_is_refused(
    policy, patient_a, specialist, as_specialist
):
    set_policy(patient_a.brand, policy)
    assert (
        _try(_specialist_conv(patient_a, specialist, Side.SPECIALIST), as_specialist) == "refused"
    )


@pytest.mark.parametrize("policy", POLICIES)
def test_patient_cannot_write_to_a_specialist_no_longer_in_charge(
    policy, patient_a, specialist, care, as_patient, as_specialist
):
    set_policy(patient_a.brand, policy)
    conversation = _specialist_conv(patient_a, specialist, Side.SPECIALIST)
    _try(conversation, as_specialist)
    CareRelationship.objects.filter(pk=care.pk).update(status=CareRelationship.Status.ENDED)
    assert _try(conversation, as_patient) == "refused"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("reply_only", "sent"),
        ("never_initiate", "sent"),
        ("assigned_only", "refused"),
        ("all_clients", "sent"),
    ],
)
def test_staff_starting_with_a_patient(policy, expected, patient_a, as_staff):
    set_policy(patient_a.brand, policy)
    conversation = actions.conversation_for(patient=patient_a, specialist=None, side=Side.STAFF)
    assert _try(conversation, as_staff) == expected


def test_assigned_only_staff_write_once_an_admin_assigns_them(
    patient_a, brand_a, staff_a, as_staff
):
    from conftest import make_user
    from hale.tenancy.models import BrandMembership

    set_policy(brand_a, "assigned_only")
    admin = make_user("admin.a@example.com")
    BrandMembership.objects.create(brand=brand_a, user=admin, role=BrandMembership.Role.ADMIN)
    with pytest.raises(MessagingError):
        actions.assign_conversation(
            brand=brand_a, patient=patient_a, assignee=staff_a, acting_user=staff_a
        )
    conversation = actions.assign_conversation(
        brand=brand_a, patient=patient_a, assignee=staff_a, acting_user=admin
    )
    assert _try(conversation, as_staff) == "sent"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("reply_only", "refused"),
        ("never_initiate", "refused"),
        ("assigned_only", "sent"),
        ("all_clients", "sent"),
    ],
)
def test_patient_starting_with_the_clinic(policy, expected, patient_a, as_patient):
    set_policy(patient_a.brand, policy)
    conversation = actions.conversation_for(patient=patient_a, specialist=None, side=Side.PATIENT)
    assert _try(conversation, as_patient) == expected


def test_the_tidy_up_records_closed_conversations_and_only_those(
    patient_a, specialist, care, as_patient, as_specialist
):
    conversation = _specialist_conv(patient_a, specialist, Side.SPECIALIST)
    old = timezone.now() - dt.timedelta(hours=60)
    _try(conversation, as_specialist, now=old)
    assert actions.close_expired_conversations() == 1
    conversation.refresh_from_db()
    assert conversation.closed_at == old + dt.timedelta(hours=48)
    assert actions.close_expired_conversations() == 0
    # The team writes again: no longer closed.
    _try(conversation, as_specialist, "Hello again")
    conversation.refresh_from_db()
    assert conversation.closed_at is None


def test_empty_and_too_long_messages_are_refused_and_change_nothing(
    patient_a, specialist, care, as_specialist
):
    conversation = _specialist_conv(patient_a, specialist, Side.SPECIALIST)
    assert _try(conversation, as_specialist, "   ") == "refused"
    assert _try(conversation, as_specialist, "x" * (actions.MAX_BODY + 1)) == "refused"
    conversation.refresh_from_db()
    assert conversation.last_message_at is None
    assert not Message.objects.exists()
