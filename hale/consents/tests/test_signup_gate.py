"""The sign-up rule: a patient signs the brand's "at sign-up" consents before using the
portal, and comes back to the page they asked for; the consent pages stay open, other
brands and people who are not patients are not held back."""

import pytest

from hale.consents import actions
from hale.consents.tests.conftest import sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def signup_template(brand_a, staff_a):
    template = actions.create_template(
        brand=brand_a,
        acting_user=staff_a,
        title="Telehealth consent",
        body="You agree to receive care remotely.",
        requirement="signup",
    )
    actions.publish_version(template=template, acting_user=staff_a, revision=None)
    return template


def test_the_portal_waits_for_the_signup_consent_and_comes_back_after(
    signup_template, patient_a, client_for, private_storage, django_capture_on_commit_callbacks
):
    client = client_for(patient_a.user, "calm.localhost")
    response = client.get("/appointments/")
    assert response.status_code == 302
    assert response["Location"] == (
        f"/consents/{signup_template.uuid}/sign/?next=%2Fappointments%2F"
    )
    assert client.get("/consents/").status_code == 200
    assert client.get(response["Location"]).status_code == 200
    sign(patient_a, signup_template)
    assert client.get("/appointments/").status_code == 200


def test_a_newly_published_signup_consent_gates_at_once(
    patient_a, brand_a, staff_a, client_for, django_capture_on_commit_callbacks
):
    client = client_for(patient_a.user, "calm.localhost")
    assert client.get("/appointments/").status_code == 200  # the flag is cached: none
    with django_capture_on_commit_callbacks(execute=True):
        template = actions.create_template(
            brand=brand_a,
            acting_user=staff_a,
            title="Telehealth consent",
            body="Remote care.",
            requirement="signup",
        )
        actions.publish_version(template=template, acting_user=staff_a, revision=None)
    assert client.get("/appointments/").status_code == 302


def test_other_brands_and_staff_are_not_held_back(signup_template, patient_b, staff_a, client_for):
    assert client_for(patient_b.user, "northside.localhost").get("/").status_code == 200
    assert client_for(staff_a, "calm.localhost").get("/help/").status_code == 200
    assert client_for(staff_a).get("/staff/").status_code == 200


def test_the_gate_asks_two_small_queries_not_the_whole_status(signup_template, patient_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hale.consents.access import unsigned_signup_templates

    with CaptureQueriesContext(connection) as ctx:
        assert unsigned_signup_templates(patient_a) == [signup_template]
    assert len(ctx.captured_queries) == 2
