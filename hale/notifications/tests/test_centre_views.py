"""The notification centre: scoped list and count, mark read, denial for other users."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hale.notifications.actions import notify
from hale.notifications.models import Notification

pytestmark = pytest.mark.django_db

BRAND_A = "calm.localhost"
BRAND_B = "northside.localhost"
PLATFORM = "localhost"


def _notify(user, brand=None, title="Hello", kind=None):
    kind = kind or ("brand.announcement" if brand else "account.welcome")
    return notify(user=user, kind=kind, brand=brand, title=title, body="Body text")


@pytest.fixture
def spread(patient_a, patient_b, brand_a, brand_b):
    """patient A has notifications on brand A, brand B and the platform; patient B one."""
    return {
        "a_on_a": _notify(patient_a.user, brand_a, "A on Calm"),
        "a_on_b": _notify(patient_a.user, brand_b, "A on Northside"),
        "a_on_platform": _notify(patient_a.user, None, "A on the platform"),
        "b_on_b": _notify(patient_b.user, brand_b, "B on Northside"),
    }


def test_list_shows_only_my_notifications_of_this_brand(spread, patient_a, client_for):
    response = client_for(patient_a.user, BRAND_A).get("/notifications/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "A on Calm" in body
    assert "A on Northside" not in body
    assert "A on the platform" not in body
    assert "B on Northside" not in body


def test_platform_host_lists_platform_notifications_only(spread, patient_a, client_for):
    body = client_for(patient_a.user, PLATFORM).get("/notifications/").content.decode()

    assert "A on the platform" in body
    assert "A on Calm" not in body and "A on Northside" not in body


def test_unread_count_is_scoped_by_user_brand_and_portal(spread, patient_a, patient_b, client_for):
    _notify(patient_a.user, spread["a_on_a"].brand, "Second on Calm")

    def count(user, host):
        return client_for(user, host).get("/notifications/unread-count/").json()["unread"]

    assert count(patient_a.user, BRAND_A) == 2
    assert count(patient_a.user, BRAND_B) == 1
    assert count(patient_a.user, PLATFORM) == 1
    assert count(patient_b.user, BRAND_B) == 1
    assert count(patient_b.user, BRAND_A) == 0


def test_list_puts_unread_first_then_newest(patient_a, brand_a, client_for):
    old_unread = _notify(patient_a.user, brand_a, "Old unread")
    read = _notify(patient_a.user, brand_a, "Newest but read")
    new_unread = _notify(patient_a.user, brand_a, "New unread")
    Notification.objects.filter(pk=old_unread.pk).update(
        created_at=read.created_at.replace(year=read.created_at.year - 1)
    )
    Notification.objects.filter(pk=new_unread.pk).update(
        created_at=read.created_at.replace(microsecond=0, second=0, minute=0, hour=0)
    )
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)

    body = client_for(patient_a.user, BRAND_A).get("/notifications/").content.decode()

    order = [body.index(t) for t in ("New unread", "Old unread", "Newest but read")]
    assert order == sorted(order)


def test_list_shows_when_with_the_time_zone(patient_a, brand_a, client_for):
    _notify(patient_a.user, brand_a)
    body = client_for(patient_a.user, BRAND_A).get("/notifications/").content.decode()
    assert "(Europe/London)</time>" in body


def test_list_page_query_count_does_not_grow_with_notifications(patient_a, brand_a, client_for):
    client = client_for(patient_a.user, BRAND_A)
    for i in range(3):
        _notify(patient_a.user, brand_a, f"N{i}")
    client.get("/notifications/")  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get("/notifications/").status_code == 200
    for i in range(15):
        _notify(patient_a.user, brand_a, f"M{i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/notifications/").status_code == 200
    assert len(many) == len(few)


def test_list_is_paginated(patient_a, brand_a, client_for):
    for i in range(25):
        _notify(patient_a.user, brand_a, f"Item {i:02d}")
    client = client_for(patient_a.user, BRAND_A)

    first = client.get("/notifications/").content.decode()
    second = client.get("/notifications/?page=2").content.decode()

    assert first.count('class="notification ') == 20
    assert second.count('class="notification ') == 5


def test_mark_read_marks_only_that_notification(patient_a, brand_a, client_for):
    one = _notify(patient_a.user, brand_a, "One")
    other = _notify(patient_a.user, brand_a, "Other")

    response = client_for(patient_a.user, BRAND_A).post(f"/notifications/{one.uuid}/read/")

    assert response.status_code == 302
    one.refresh_from_db()
    other.refresh_from_db()
    assert one.read_at is not None
    assert other.read_at is None


def test_mark_read_with_htmx_returns_the_item_and_the_new_count(patient_a, brand_a, client_for):
    one = _notify(patient_a.user, brand_a, "One")
    _notify(patient_a.user, brand_a, "Other")

    response = client_for(patient_a.user, BRAND_A).post(
        f"/notifications/{one.uuid}/read/", headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{one.uuid}"' in body
    assert "<html" not in body
    assert "Mark as read" not in body
    assert json.loads(response["HX-Trigger"]) == {"hale:unread": {"count": 1}}


def test_mark_read_needs_post(patient_a, brand_a, client_for):
    one = _notify(patient_a.user, brand_a)
    response = client_for(patient_a.user, BRAND_A).get(f"/notifications/{one.uuid}/read/")
    assert response.status_code == 405
    one.refresh_from_db()
    assert one.read_at is None


def test_cannot_mark_another_users_notification_read(patient_a, patient_b, brand_b, client_for):
    theirs = _notify(patient_b.user, brand_b, "Private to B")

    response = client_for(patient_a.user, BRAND_B).post(f"/notifications/{theirs.uuid}/read/")

    assert response.status_code == 404
    assert "Private to B" not in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_cannot_mark_my_notification_from_another_brands_host(patient_a, brand_a, client_for):
    mine = _notify(patient_a.user, brand_a)

    response = client_for(patient_a.user, BRAND_B).post(f"/notifications/{mine.uuid}/read/")

    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None


def test_mark_all_read_touches_only_this_brand(spread, patient_a, client_for):
    response = client_for(patient_a.user, BRAND_A).post("/notifications/read-all/")

    assert response.status_code == 302
    unread = set(Notification.objects.filter(read_at__isnull=True).values_list("title", flat=True))
    assert unread == {"A on Northside", "A on the platform", "B on Northside"}


def test_anonymous_visitor_is_sent_to_sign_in(brand_a, anonymous):
    response = anonymous(BRAND_A).get("/notifications/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert anonymous(BRAND_A).get("/notifications/unread-count/").status_code == 401


def test_bell_shows_the_unread_count_with_an_accessible_name(patient_a, brand_a, client_for):
    _notify(patient_a.user, brand_a)
    _notify(patient_a.user, brand_a)
    _notify(patient_a.user, None)  # another portal: not counted here

    body = client_for(patient_a.user, BRAND_A).get("/notifications/").content.decode()

    bell = re.search(r'<a id="notification-bell"[^>]*>.*?</a>', body, re.S).group(0)
    assert 'aria-label="Notifications, 2 unread"' in bell
    assert 'data-unread-count="2"' in bell
    assert re.search(r"data-bell-badge>2</span>", bell)
    assert 'role="status"' in body and 'aria-live="polite"' in body
    assert re.search(r'<script type="module" nonce="[^"]+" src="/static/js/bell.js">', body)


def test_bell_hides_the_badge_when_nothing_is_unread(patient_a, brand_a, client_for):
    body = client_for(patient_a.user, BRAND_A).get("/notifications/").content.decode()
    assert 'aria-label="Notifications, 0 unread"' in body
    assert "data-bell-badge hidden>0</span>" in body
