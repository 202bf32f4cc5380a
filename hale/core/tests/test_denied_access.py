"""A denied object access answers 404 and leaves a rate-limited audit row."""

import uuid

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import path

from conftest import make_user
from hale.core.access import DENIED_ACTION, Denied, DeniedAccessMiddleware, record_denied
from hale.core.models import AuditEvent


def _secret_view(request, thing_id):
    if str(thing_id) != "00000000-0000-0000-0000-000000000001":
        raise Denied("scheduling.appointment", thing_id)
    return HttpResponse("mine")


@pytest.fixture
def secret_url(monkeypatch):
    """``/things/<uuid>/`` on the platform host, for this test only."""
    from django.urls import clear_url_caches

    import hale.urls_platform

    monkeypatch.setattr(
        hale.urls_platform,
        "urlpatterns",
        [path("things/<uuid:thing_id>/", _secret_view), *hale.urls_platform.urlpatterns],
    )
    clear_url_caches()
    yield
    clear_url_caches()


@pytest.fixture
def prober(db):
    return make_user("prober@example.com")


def test_denied_object_answers_404_and_is_audited(client, prober, secret_url):
    client.force_login(prober)
    wanted = uuid.uuid4()
    response = client.get(f"/things/{wanted}/", HTTP_HOST="localhost")
    assert response.status_code == 404
    event = AuditEvent.objects.get(action=DENIED_ACTION)
    assert (event.actor, event.object_type, event.object_id) == (
        prober,
        "scheduling.appointment",
        str(wanted),
    )
    assert event.data["path"] == f"/things/{wanted}/" and event.data["method"] == "GET"


def test_an_allowed_object_is_not_audited(client, prober, secret_url):
    client.force_login(prober)
    response = client.get("/things/00000000-0000-0000-0000-000000000001/", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action=DENIED_ACTION).exists()


@override_settings(DENIED_AUDIT_PER_MINUTE=3)
def test_rate_limit_per_actor_and_once_per_object(prober):
    request = RequestFactory().get("/x/")
    request.user = prober
    same = Denied("accounts.patient", "same-id")
    assert record_denied(request, same) is True
    assert record_denied(request, same) is False  # the same object again within the minute
    written = [record_denied(request, Denied("accounts.patient", n)) for n in range(5)]
    assert written == [True, True, False, False, False]
    assert AuditEvent.objects.filter(action=DENIED_ACTION).count() == 3


def test_anonymous_probes_are_recorded_by_address(db):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/x/", REMOTE_ADDR="203.0.113.9")
    request.user = AnonymousUser()
    middleware = DeniedAccessMiddleware(lambda r: HttpResponse())
    assert middleware.process_exception(request, Denied("accounts.patient", "p1")) is None
    event = AuditEvent.objects.get(action=DENIED_ACTION)
    assert event.actor is None and event.object_id == "p1"


def test_other_exceptions_are_left_alone(db):
    request = RequestFactory().get("/x/")
    middleware = DeniedAccessMiddleware(lambda r: HttpResponse())
    assert middleware.process_exception(request, ValueError("boom")) is None
    assert not AuditEvent.objects.exists()
