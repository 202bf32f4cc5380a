"""Consents pages refuse the wrong person with a 404 (and an audit row) and change nothing;
list pages make a constant number of queries."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hale.consents import actions
from hale.consents.models import ConsentRequest, ConsentSignature
from hale.consents.tests.conftest import sign
from hale.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _post_sign(client, template):
    return client.post(
        f"/consents/{template.uuid}/sign/",
        {
            "version": 1,
            "signature_method": "typed",
            "signature_typed": "Mallory",
            "understood": "on",
        },
    )


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_signed(
    patient_a, template_a, private_storage
):
    signature = sign(patient_a, template_a)
    client = Client(HTTP_HOST="calm.localhost")
    for url in (
        "/consents/",
        f"/consents/{template_a.uuid}/sign/",
        f"/consents/signed/{signature.uuid}/",
        f"/consents/signed/{signature.uuid}/pdf/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _post_sign(client, template_a).status_code == 302
    assert ConsentSignature.objects.count() == 1


def test_a_patient_of_another_brand_cannot_sign_this_brands_consent(
    patient_b, template_a, client_for, private_storage
):
    before = AuditEvent.objects.filter(action="access.denied").count()
    client = client_for(patient_b.user, "northside.localhost")
    assert client.get(f"/consents/{template_a.uuid}/sign/").status_code == 404
    assert _post_sign(client, template_a).status_code == 404
    assert not ConsentSignature.objects.exists()
    assert AuditEvent.objects.filter(action="access.denied").count() > before


def test_staff_of_another_brand_cannot_request_or_open_this_brands_consents(
    patient_a, template_a, staff_b, client_for, private_storage
):
    client = client_for(staff_b)
    assert client.get(f"/staff/brands/calm/consents/{template_a.uuid}/").status_code == 404
    response = client.post(
        f"/staff/brands/calm/patients/{patient_a.uuid}/consents/request/",
        {"template": str(template_a.uuid)},
    )
    assert response.status_code == 404
    assert not ConsentRequest.objects.exists()


def test_the_patients_consents_page_makes_the_same_queries_for_one_or_many(
    patient_a, brand_a, staff_a, template_a, client_for, private_storage
):
    client = client_for(patient_a.user, "calm.localhost")
    sign(patient_a, template_a)
    client.get("/consents/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/consents/").status_code == 200
    for i in range(5):
        template = actions.create_template(
            brand=brand_a,
            acting_user=staff_a,
            title=f"Consent {i}",
            body=f"Text {i}",
            requirement="first_session",
        )
        actions.publish_version(template=template, acting_user=staff_a, revision=None)
        if i % 2:
            sign(patient_a, template)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/consents/").status_code == 200
    assert len(many) == len(few)


def test_the_staff_consent_list_makes_the_same_queries_for_one_or_many(
    patient_a, brand_a, staff_a, template_a, client_for, private_storage
):
    client = client_for(staff_a)
    client.get("/staff/brands/calm/consents/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/staff/brands/calm/consents/").status_code == 200
    for i in range(5):
        template = actions.create_template(
            brand=brand_a,
            acting_user=staff_a,
            title=f"Consent {i}",
            body=f"Text {i}",
            requirement="every_session",
        )
        actions.publish_version(template=template, acting_user=staff_a, revision=None)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/staff/brands/calm/consents/").status_code == 200
    assert len(many) == len(few)
