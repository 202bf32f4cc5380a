"""The request's patient record is read once: the portal-access middleware loads it and
every later reader in the same request (gates, views, home cards, template tags) gets it
from memory. Outside a request (no middleware) nothing is remembered."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hale.accounts.access import patient_record
from hale.accounts.models import Patient

pytestmark = pytest.mark.django_db


def _patient_reads(queries) -> int:
    return sum(
        1
        for q in queries
        if q["sql"].startswith("SELECT") and 'FROM "accounts_patient"' in q["sql"]
    )


@pytest.mark.parametrize("path", ["/", "/appointments/", "/documents/", "/forms/", "/consents/"])
def test_a_portal_page_reads_the_patient_record_once(path, patient_a, client_for):
    client = client_for(patient_a.user, "calm.localhost")
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    assert _patient_reads(ctx.captured_queries) == 1


def test_without_the_middleware_every_call_reads_the_database(patient_a, brand_a):
    assert patient_record(patient_a.user, brand_a) == patient_a
    Patient.objects.filter(pk=patient_a.pk).update(portal_enabled=False)
    assert patient_record(patient_a.user, brand_a) is None


def test_disabled_access_mid_session_still_signs_the_patient_out(patient_a, client_for):
    client = client_for(patient_a.user, "calm.localhost")
    assert client.get("/appointments/").status_code == 200
    Patient.objects.filter(pk=patient_a.pk).update(portal_enabled=False)
    assert client.get("/appointments/").status_code == 403
