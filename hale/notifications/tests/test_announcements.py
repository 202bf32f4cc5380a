"""Staff announcements: only that brand's staff, every patient with an account, audited."""

import pytest
from django.core.exceptions import PermissionDenied

from hale.accounts.models import Patient
from hale.core.models import AuditEvent
from hale.notifications.actions import send_announcement
from hale.notifications.models import Announcement, Notification

pytestmark = pytest.mark.django_db

URL = "/staff/brands/{slug}/announcements/"
FORM = {"title": "New opening hours", "body": "From Monday we open at 8.\nSee you soon."}


def test_staff_sends_an_announcement_to_every_patient_of_the_brand(
    brand_a,
    staff_a,
    patient_a,
    patient_b,
    client_for,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    # A patient without an account cannot be notified; one with portal access off is not.
    Patient.objects.create(brand=brand_a, email="no.account@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff_a).post(URL.format(slug="calm"), FORM)

    assert response.status_code == 302
    notification = Notification.objects.get()
    assert notification.user == patient_a.user
    assert (notification.brand, notification.kind) == (brand_a, "brand.announcement")
    assert notification.body == FORM["body"]
    assert [m.to for m in mailoutbox] == [[patient_a.user.email]]
    assert "Calm Minds" in mailoutbox[0].alternatives[0][0]
    announcement = Announcement.objects.get()
    assert (announcement.author, announcement.recipient_count) == (staff_a, 1)
    audit = AuditEvent.objects.get(action="notifications.announcement_sent")
    assert (audit.actor, audit.brand, audit.data) == (staff_a, brand_a, {"recipients": 1})


def test_patients_with_portal_access_off_are_not_notified(brand_a, staff_a, patient_a):
    Patient.objects.filter(pk=patient_a.pk).update(portal_enabled=False)

    announcement = send_announcement(acting_user=staff_a, brand=brand_a, title="T", body="B")

    assert announcement.recipient_count == 0
    assert not Notification.objects.exists()


def test_the_page_lists_past_announcements(brand_a, staff_a, client_for):
    send_announcement(acting_user=staff_a, brand=brand_a, title="Earlier news", body="B")

    response = client_for(staff_a).get(URL.format(slug="calm"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Earlier news" in body
    assert '<label for="id_title">' in body and '<label for="id_body">' in body


def test_staff_of_another_brand_gets_404_and_nothing_is_sent(
    brand_a, staff_b, patient_a, client_for, mailoutbox
):
    send_announcement(acting_user=_staff_of(brand_a), brand=brand_a, title="Calm only", body="B")
    Notification.objects.all().delete()

    client = client_for(staff_b)
    assert client.get(URL.format(slug="calm")).status_code == 404
    response = client.post(URL.format(slug="calm"), FORM)

    assert response.status_code == 404
    assert "Calm only" not in response.content.decode()
    assert Announcement.objects.count() == 1
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_patients_and_anonymous_visitors_cannot_send(brand_a, patient_a, client_for, anonymous):
    assert client_for(patient_a.user).post(URL.format(slug="calm"), FORM).status_code == 404
    assert anonymous().post(URL.format(slug="calm"), FORM).status_code == 302
    assert not Announcement.objects.exists()


def test_an_announcement_needs_a_title_and_a_message(brand_a, staff_a, patient_a, client_for):
    response = client_for(staff_a).post(URL.format(slug="calm"), {"title": " ", "body": ""})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Announcement.objects.exists()
    assert not Notification.objects.exists()


def test_the_action_refuses_someone_who_is_not_staff_of_the_brand(brand_a, staff_b):
    with pytest.raises(PermissionDenied):
        send_announcement(acting_user=staff_b, brand=brand_a, title="T", body="B")
    assert not Announcement.objects.exists()


def test_sending_to_many_patients_takes_a_constant_number_of_queries(
    brand_a, staff_a, django_assert_max_num_queries
):
    from conftest import make_user

    for i in range(30):
        user = make_user(f"p{i}@example.com")
        Patient.objects.create(brand=brand_a, user=user, email=user.email)

    with django_assert_max_num_queries(12):
        announcement = send_announcement(acting_user=staff_a, brand=brand_a, title="T", body="B")

    assert announcement.recipient_count == 30
    assert Notification.objects.count() == 30


def test_staff_home_links_to_the_announcements_of_each_brand(brand_a, staff_a, client_for):
    body = client_for(staff_a).get("/staff/").content.decode()
    assert 'href="/staff/brands/calm/announcements/"' in body


def _staff_of(brand):
    from conftest import make_user
    from hale.tenancy.models import BrandMembership

    user = make_user(f"another.staff@{brand.slug}.example.com")
    BrandMembership.objects.create(brand=brand, user=user)
    return user
