"""The demo gives every demo patient in care a conversation to try, with something unread."""

import pytest

from hale.demo import seed as demo
from hale.messaging import access
from hale.messaging.models import Conversation, Message

pytestmark = pytest.mark.django_db


def test_demo_patients_have_conversations_with_an_unread_message():
    demo.seed()
    for email in ("alex@calm.example", "priya@northside.example", "jo@northside.example"):
        conversation = Conversation.objects.filter(
            patient__user__email=email, specialist__isnull=False
        ).first()
        assert conversation is not None, email
        viewer = access.patient_viewer(conversation.patient.user, conversation.patient.brand)
        assert access.unread_total(viewer) >= 1, email
    assert Conversation.objects.filter(
        patient__user__email="alex@calm.example", specialist=None
    ).exists()
    count = Message.objects.count()
    demo.seed()
    assert Message.objects.count() == count  # idempotent
