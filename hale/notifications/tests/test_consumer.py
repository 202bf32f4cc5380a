"""The bell's WebSocket consumer: who may connect, which events it forwards."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from hale.notifications.actions import mark_read, notify
from hale.notifications.consumers import NotificationConsumer

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/ws/notifications/"


def _communicator(user, host: str) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        NotificationConsumer.as_asgi(), PATH, headers=[(b"host", host.encode())]
    )
    communicator.scope["user"] = user
    return communicator


notify_async = database_sync_to_async(notify)


def test_anonymous_visitor_is_rejected(brand_a):
    async def scenario():
        communicator = _communicator(AnonymousUser(), "calm.localhost")
        connected, _code = await communicator.connect()
        assert not connected

    async_to_sync(scenario)()


def test_unknown_host_is_rejected(patient_a):
    async def scenario():
        communicator = _communicator(patient_a.user, "nobody.localhost")
        connected, _code = await communicator.connect()
        assert not connected

    async_to_sync(scenario)()


def test_receives_the_new_count_and_title_after_notify(patient_a, brand_a):
    user = patient_a.user

    async def scenario():
        communicator = _communicator(user, "calm.localhost:8000")
        connected, _ = await communicator.connect()
        assert connected
        first = await communicator.receive_json_from()
        assert first["type"] == "notification.count" and first["unread"] == 0

        notification = await notify_async(
            user=user, kind="brand.announcement", brand=brand_a, title="We moved", body="B"
        )

        event = await communicator.receive_json_from(timeout=2)
        assert event == {
            "type": "notification.created",
            "unread": 1,
            "title": "We moved",
            "uuid": str(notification.uuid),
        }

        await database_sync_to_async(mark_read)(user=user, notification=notification)
        assert await communicator.receive_json_from(timeout=2) == {
            "type": "notification.count",
            "unread": 0,
        }
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_ignores_another_brands_and_the_platforms_events(patient_a, brand_a, brand_b):
    user = patient_a.user

    async def scenario():
        communicator = _communicator(user, "calm.localhost")
        connected, _ = await communicator.connect()
        assert connected
        await communicator.receive_json_from()  # the initial count

        await notify_async(
            user=user, kind="brand.announcement", brand=brand_b, title="Northside news", body="B"
        )
        await notify_async(user=user, kind="account.welcome", title="Platform news", body="B")

        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_ignores_another_users_events(patient_a, patient_b, brand_a):
    async def scenario():
        communicator = _communicator(patient_b.user, "calm.localhost")
        connected, _ = await communicator.connect()
        assert connected
        await communicator.receive_json_from()

        await notify_async(
            user=patient_a.user,
            kind="brand.announcement",
            brand=brand_a,
            title="For A only",
            body="B",
        )

        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_platform_socket_receives_platform_events(specialist):
    user = specialist.user

    async def scenario():
        communicator = _communicator(user, "localhost:8000")
        connected, _ = await communicator.connect()
        assert connected
        await communicator.receive_json_from()

        await notify_async(user=user, kind="account.welcome", title="Welcome", body="B")

        event = await communicator.receive_json_from(timeout=2)
        assert (event["type"], event["unread"], event["title"]) == (
            "notification.created",
            1,
            "Welcome",
        )
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_signed_in_session_connects_through_the_real_asgi_stack(patient_a, brand_a):
    from hale.asgi import application

    client = Client(HTTP_HOST="calm.localhost")
    client.force_login(patient_a.user)
    session = client.cookies["sessionid"].value

    async def scenario():
        communicator = WebsocketCommunicator(
            application,
            PATH,
            headers=[
                (b"host", b"calm.localhost"),
                (b"origin", b"http://calm.localhost"),
                (b"cookie", f"sessionid={session}".encode()),
            ],
        )
        connected, _ = await communicator.connect()
        assert connected
        assert (await communicator.receive_json_from())["unread"] == 0
        await communicator.disconnect()

        anonymous = WebsocketCommunicator(
            application,
            PATH,
            headers=[(b"host", b"calm.localhost"), (b"origin", b"http://calm.localhost")],
        )
        connected, _ = await anonymous.connect()
        assert not connected

    async_to_sync(scenario)()
