"""The dev outbox: the email backend of the embedded setup and its pages."""

import io

import pytest
from django.core.mail import EmailMultiAlternatives, mailers
from django.test import override_settings

from hale.notifications.models import OutboxEmail
from hale.notifications.outbox import OutboxEmailBackend

pytestmark = pytest.mark.django_db


def _message(subject="Your sign-in code") -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject,
        body="Open http://calm.localhost:8000/accounts/login/code/ and enter ABC123.",
        from_email="Calm Minds <no-reply@localhost>",
        to=["patient.a@example.com"],
    )
    message.attach_alternative("<html><head></head><body><p>ABC123</p></body></html>", "text/html")
    return message


@pytest.fixture
def outbox_mailer(settings):
    settings.MAILERS = {"default": {"BACKEND": "hale.notifications.outbox.OutboxEmailBackend"}}


def test_backend_stores_the_email_and_prints_one_line(brand_a):
    stream = io.StringIO()
    message = _message()
    message.hale_brand_id = brand_a.pk

    sent = OutboxEmailBackend(stream=stream).send_messages([message])

    assert sent == 1
    stored = OutboxEmail.objects.get()
    assert stored.to == "patient.a@example.com"
    assert stored.subject == "Your sign-in code"
    assert "ABC123" in stored.text and "<p>ABC123</p>" in stored.html
    assert stored.brand == brand_a
    output = stream.getvalue()
    assert output.count("\n") == 1
    assert "patient.a@example.com" in output and "Your sign-in code" in output
    assert f"/dev/outbox/{stored.uuid}/" in output


def test_backend_works_as_the_configured_mailer(outbox_mailer, capsys):
    assert mailers.default.send_messages([_message()]) == 1
    assert OutboxEmail.objects.count() == 1
    assert "[outbox]" in capsys.readouterr().out


def test_outbox_lists_emails_newest_first(outbox_mailer, anonymous):
    _message(subject="First").send()
    _message(subject="Second").send()

    response = anonymous().get("/dev/outbox/")

    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Second") < body.index("First")
    assert "patient.a@example.com" in body


def test_outbox_list_query_count_is_constant(
    outbox_mailer, anonymous, brand_a, django_assert_max_num_queries
):
    client = anonymous()
    for _ in range(3):
        message = _message()
        message.hale_brand_id = brand_a.pk
        message.send()
    with django_assert_max_num_queries(3):  # the count, then the page with its brands
        client.get("/dev/outbox/")


def test_email_page_shows_the_text_with_clickable_links_and_frames_the_html(
    outbox_mailer, anonymous, brand_a
):
    _message().send()
    stored = OutboxEmail.objects.get()

    body = anonymous("calm.localhost").get(f"/dev/outbox/{stored.uuid}/").content.decode()

    assert '<a href="http://calm.localhost:8000/accounts/login/code/" rel="nofollow">' in body
    assert f'src="/dev/outbox/{stored.uuid}/html/"' in body
    assert 'sandbox="' in body


def test_html_version_is_served_sandboxed_and_frameable_only_by_the_site(outbox_mailer, anonymous):
    _message().send()
    stored = OutboxEmail.objects.get()

    response = anonymous().get(f"/dev/outbox/{stored.uuid}/html/")

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "sandbox" in csp
    assert "default-src 'none'" in csp
    assert "script-src" not in csp  # falls back to default-src 'none': no scripts at all
    assert "frame-ancestors 'self'" in csp
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert '<base target="_top">' in response.content.decode()


@override_settings(DEV_OUTBOX=False)
def test_outbox_pages_are_not_found_when_the_outbox_is_off(anonymous):
    stored = OutboxEmail.objects.create(to="x@example.com", subject="S", text="T", html="<p>H</p>")
    client = anonymous()

    assert client.get("/dev/outbox/").status_code == 404
    assert client.get(f"/dev/outbox/{stored.uuid}/").status_code == 404
    assert client.get(f"/dev/outbox/{stored.uuid}/html/").status_code == 404


def test_unknown_email_is_not_found(anonymous):
    assert anonymous().get("/dev/outbox/00000000-0000-0000-0000-000000000000/").status_code == 404
