"""Live messaging over the page's WebSocket (the bell's consumer with messaging's relay):
the other participant receives new messages and counts, "typing…" reaches only the other
side of a conversation the typist takes part in, and the unread count arrives on connect."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from hale.messaging import access, actions
from hale.messaging.models import Side
from hale.notifications.consumers import NotificationConsumer

pytestmark = pytest.mark.django_db(transaction=True)


def _socket(user, host: str) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        NotificationConsumer.as_asgi(), "/ws/notifications/", headers=[(b"host", host.encode())]
    )
    communicator.scope["user"] = user
    return communicator


async def _drain_until(communicator, wanted: str, timeout=2):
    while True:
        event = await communicator.receive_json_from(timeout=timeout)
        if event.get("type") == wanted:
            return event


def _setup(patient_a, specialist):
    from django.utils import timezone

    from hale.matching.models import CareRelationship

    CareRelationship.objects.create(
        patient=patient_a,
        specialist=specialist,
        brand=patient_a.brand,
        source="browse",
        started_at=timezone.now(),
    )
    conversation = actions.conversation_for(
        patient=patient_a, specialist=specialist, side=Side.SPECIALIST
    )
    return conversation


def test_the_patient_receives_a_new_message_and_the_count_live(patient_a, specialist):
    conversation = _setup(patient_a, specialist)
    viewer = access.specialist_viewer(specialist.user)
    send = database_sync_to_async(actions.send_message)

    async def scenario():
        socket = _socket(patient_a.user, "calm.localhost")
        assert (await socket.connect())[0]
        counted = await _drain_until(socket, "notification.count")
        assert counted["messages_unread"] == 0
        await send(conversation=conversation, viewer=viewer, body="Hello Alice")
        event = await _drain_until(socket, "message.created")
        assert event["conversation"] == str(conversation.uuid)
        assert "Hello Alice" not in str(event)  # events carry ids, never message text
        # The new total follows the event, so counting never delays it.
        counted = await _drain_until(socket, "messages.count")
        assert counted == {
            "type": "messages.count",
            "conversation": str(conversation.uuid),
            "messages_unread": 1,
        }
        await socket.disconnect()

    async_to_sync(scenario)()


def test_typing_reaches_the_other_side_only(patient_a, specialist, specialist_2):
    conversation = _setup(patient_a, specialist)

    async def scenario():
        alice = _socket(patient_a.user, "calm.localhost")
        dana = _socket(specialist.user, "localhost")
        sam = _socket(specialist_2.user, "localhost")
        for s in (alice, dana, sam):
            assert (await s.connect())[0]
            await _drain_until(s, "notification.count")
        await alice.send_json_to({"type": "message.typing", "conversation": str(conversation.uuid)})
        event = await _drain_until(dana, "message.typing")
        assert event == {
            "type": "message.typing",
            "conversation": str(conversation.uuid),
            "name": "Alice Patient",
        }
        assert await alice.receive_nothing(timeout=0.3)
        assert await sam.receive_nothing(timeout=0.3)
        # Someone outside the conversation cannot make anyone see "typing…".
        await sam.send_json_to({"type": "message.typing", "conversation": str(conversation.uuid)})
        assert await alice.receive_nothing(timeout=0.3)
        # Garbage is ignored and the socket stays open.
        await sam.send_to(text_data="not json")
        await sam.send_json_to({"type": "message.typing", "conversation": "../../etc"})
        for s in (alice, dana, sam):
            await s.disconnect()

    async_to_sync(scenario)()


def test_the_count_on_connect_is_the_unread_total(patient_a, specialist):
    conversation = _setup(patient_a, specialist)
    viewer = access.specialist_viewer(specialist.user)
    actions.send_message(conversation=conversation, viewer=viewer, body="One")
    actions.send_message(conversation=conversation, viewer=viewer, body="Two")

    async def scenario():
        socket = _socket(patient_a.user, "calm.localhost")
        assert (await socket.connect())[0]
        assert (await _drain_until(socket, "notification.count"))["messages_unread"] == 2
        await socket.disconnect()

    async_to_sync(scenario)()
