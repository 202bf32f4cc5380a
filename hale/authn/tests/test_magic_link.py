"""Sign-in links: emailed, opened (GET reads only), confirmed (POST spends once)."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from hale.authn.links import MAGIC_LINK_TTL
from hale.authn.models import MagicLink
from hale.authn.tests.conftest import MAGIC_LINK, magic_token_from_last_email, signed_in_user_id
from hale.core.models import AuditEvent
from hale.core.tokens import hash_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def ask(anonymous, committed):
    """Ask for a sign-in link on ``host`` (running the email task); returns the response."""

    def post(email, host="calm.localhost", **extra):
        with committed():
            return anonymous(host).post("/accounts/magic-link/", {"email": email, **extra})

    return post


def test_patient_gets_a_brand_themed_link_that_signs_them_in_once(calm, patient_a, ask, anonymous):
    response = ask(patient_a.user.email)

    assert response.status_code == 302 and response.url == "/accounts/magic-link/sent/"
    [message] = mail.outbox
    assert message.to == [patient_a.user.email]
    assert "Calm Minds" in message.subject
    html = next(c for c, mimetype in message.alternatives if mimetype == "text/html")
    assert "#2f6f73" in html and "Calm Minds" in html
    host, token = MAGIC_LINK.search(message.body).groups()
    assert host == "calm.localhost"

    link = MagicLink.objects.get()
    assert link.token_hash == hash_token(token) and token not in str(vars(link))
    assert link.expires_at - link.created_at <= MAGIC_LINK_TTL + timedelta(seconds=5)

    client = anonymous("calm.localhost")
    page = client.get(f"/accounts/magic-link/{token}/")
    assert page.status_code == 200
    assert "Continue signing in" in page.content.decode()
    link.refresh_from_db()
    assert link.used_at is None and signed_in_user_id(client) is None

    response = client.post(f"/accounts/magic-link/{token}/")
    assert response.status_code == 302 and not response.url.startswith("/accounts/")
    assert signed_in_user_id(client) == str(patient_a.user.pk)
    link.refresh_from_db()
    assert link.used_at is not None
    assert AuditEvent.objects.filter(action="authn.magic_link_used", actor=patient_a.user).exists()

    again = anonymous("calm.localhost")
    assert again.get(f"/accounts/magic-link/{token}/").status_code == 410
    response = again.post(f"/accounts/magic-link/{token}/")
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert signed_in_user_id(again) is None


def test_opening_the_link_many_times_never_spends_it(calm, patient_a, ask, anonymous):
    ask(patient_a.user.email)
    token = magic_token_from_last_email()
    for _ in range(3):
        assert anonymous("calm.localhost").get(f"/accounts/magic-link/{token}/").status_code == 200
    assert MagicLink.objects.get().used_at is None


def test_expired_link_is_refused(calm, patient_a, ask, anonymous):
    ask(patient_a.user.email)
    token = magic_token_from_last_email()
    MagicLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client = anonymous("calm.localhost")

    assert client.get(f"/accounts/magic-link/{token}/").status_code == 410
    response = client.post(f"/accounts/magic-link/{token}/")
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert signed_in_user_id(client) is None
    assert MagicLink.objects.get().used_at is None


@pytest.mark.parametrize("alter", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), str.upper])
def test_altered_token_is_refused(calm, patient_a, ask, anonymous, alter):
    ask(patient_a.user.email)
    token = magic_token_from_last_email()
    client = anonymous("calm.localhost")

    assert client.get(f"/accounts/magic-link/{alter(token)}/").status_code == 404
    assert client.post(f"/accounts/magic-link/{alter(token)}/").status_code == 404
    assert signed_in_user_id(client) is None
    assert MagicLink.objects.get().used_at is None


def test_a_link_works_only_on_its_own_brand(calm, brand_b, patient_a, ask, anonymous):
    brand_b.signin_methods = ["magic_link"]
    brand_b.save(update_fields=["signin_methods"])
    ask(patient_a.user.email)
    token = magic_token_from_last_email()
    client = anonymous("northside.localhost")

    assert client.get(f"/accounts/magic-link/{token}/").status_code == 404
    assert client.post(f"/accounts/magic-link/{token}/").status_code == 404
    assert signed_in_user_id(client) is None
    assert MagicLink.objects.get().used_at is None


def test_using_a_link_spends_the_other_open_links_and_verifies_the_email(
    calm, patient_a, ask, anonymous
):
    # An address not (yet) verified, e.g. an account staff set up: the link proves it.
    EmailAddress.objects.filter(user=patient_a.user).update(verified=False)
    ask(patient_a.user.email)
    first = magic_token_from_last_email()
    ask(patient_a.user.email)
    second = magic_token_from_last_email()

    anonymous("calm.localhost").post(f"/accounts/magic-link/{second}/")

    assert not MagicLink.objects.filter(used_at__isnull=True).exists()
    assert anonymous("calm.localhost").post(f"/accounts/magic-link/{first}/").status_code == 410
    assert EmailAddress.objects.get(user=patient_a.user).verified


def test_the_link_returns_to_the_page_the_patient_came_from(calm, patient_a, ask, anonymous):
    ask(patient_a.user.email, next="/help/")
    token = magic_token_from_last_email()
    assert MagicLink.objects.get().next_url == "/help/"

    response = anonymous("calm.localhost").post(f"/accounts/magic-link/{token}/")
    assert response.url == "/help/"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:x"]
)
def test_next_leading_elsewhere_is_dropped(calm, patient_a, ask, anonymous, next_url):
    ask(patient_a.user.email, next=next_url)
    token = magic_token_from_last_email()

    assert MagicLink.objects.get().next_url == ""
    landing = anonymous("calm.localhost").post(f"/accounts/magic-link/{token}/").url
    assert landing.startswith("/") and not landing.startswith("//") and "evil" not in landing


def test_inactive_account_gets_no_link(calm, patient_a, ask):
    patient_a.user.is_active = False
    patient_a.user.save(update_fields=["is_active"])

    response = ask(patient_a.user.email)

    assert response.status_code == 302
    assert not MagicLink.objects.exists()
    assert "no account" in mail.outbox[0].body


def test_link_for_a_patient_whose_portal_access_is_off_does_not_sign_in(
    calm, patient_a, ask, anonymous
):
    ask(patient_a.user.email)
    token = magic_token_from_last_email()
    patient_a.portal_enabled = False
    patient_a.save(update_fields=["portal_enabled"])
    client = anonymous("calm.localhost")

    response = client.post(f"/accounts/magic-link/{token}/")

    assert response.status_code == 403
    assert signed_in_user_id(client) is None


def test_asking_is_rate_limited_per_address(calm, patient_a, ask):
    for _ in range(3):
        assert ask(patient_a.user.email).status_code == 302
    response = ask(patient_a.user.email.upper())

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert len(mail.outbox) == 3
    # Another address is not held up by this one.
    assert ask("someone.else@example.com").status_code == 302


def test_confirming_is_rate_limited_per_ip(calm, anonymous):
    client = anonymous("calm.localhost")
    codes = [client.post(f"/accounts/magic-link/guess{n}/").status_code for n in range(31)]

    assert codes[:30] == [404] * 30
    assert codes[30] == 429


def test_bad_email_gets_a_clear_message_and_nothing_is_sent(calm, ask):
    response = ask("not-an-email")

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert mail.outbox == [] and not MagicLink.objects.exists()
