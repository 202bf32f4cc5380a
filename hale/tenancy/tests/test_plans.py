# ruff: noqa: F811 - the scheduling and consents fixtures are imported, then requested by name
"""A brand's plan decides what its patients get: dashboard and appointments on every plan,
the shop and orders from Premium, signing documents with the Portal add-on. A feature the
plan does not include is absent from the navigation and its pages answer 404; staff see the
matrix in the back office, and only platform operators change a brand's plan."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from hale.consents import actions as consent_actions
from hale.consents import gating
from hale.consents.errors import ConsentError
from hale.consents.models import ConsentRequest, ConsentSignature
from hale.consents.tests.conftest import care, sign, template_a  # noqa: F401 - fixtures
from hale.core.models import AuditEvent
from hale.scheduling.models import Appointment
from hale.scheduling.tests.conftest import (  # noqa: F401 - fixtures
    _personas_listed,
    book,
    free_slots,
    open_specialist,
    session_type,
)
from hale.tenancy.forms import BrandAdminForm
from hale.tenancy.tests.test_brand_settings import _data as settings_data

pytestmark = pytest.mark.django_db

PLAN_URL = "/staff/brands/calm/plan/"

# The rules, written out (not read from PLAN_FEATURES, so a wrong table fails here).
ALL = {"dashboard", "appointments", "shop", "orders", "sign_documents"}
EXPECTED = {
    ("professional", False): {"dashboard", "appointments"},
    ("professional", True): {"dashboard", "appointments", "sign_documents"},
    ("premium", False): {"dashboard", "appointments", "shop", "orders"},
    ("premium", True): ALL,
}
FEATURE_URL_NAMES = {
    "dashboard": "home",
    "appointments": "appointment_list",
    "shop": "shop_products",
    "orders": "shop_orders",
    "sign_documents": "consent_list",
}
COMBINATIONS = [
    pytest.param(plan, addon, id=f"{plan}-{'addon' if addon else 'no_addon'}")
    for plan, addon in EXPECTED
]


def _cases(included: bool):
    return [
        pytest.param(
            plan, addon, feature, id=f"{plan}-{'addon' if addon else 'no_addon'}-{feature}"
        )
        for (plan, addon), features in EXPECTED.items()
        for feature in sorted(ALL)
        if (feature in features) == included
    ]


def _on_plan(brand, plan: str, addon: bool) -> None:
    brand.plan = plan
    brand.portal_addon = addon
    brand.save(update_fields=["plan", "portal_addon"])


def _nav_links(html: str) -> set[str]:
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S)
    assert nav is not None, "the page has no main navigation"
    return set(re.findall(r'href="([^"]+)"', nav.group(0)))


def _path(feature: str) -> str:
    return reverse(FEATURE_URL_NAMES[feature], urlconf="hale.urls_brand")


# --- The matrix, in the patient portal -------------------------------------------------------


@pytest.mark.parametrize(("plan", "addon"), COMBINATIONS)
def test_the_navigation_shows_exactly_the_features_of_the_plan(
    brand_a, patient_a, client_for, plan, addon
):
    _on_plan(brand_a, plan, addon)
    links = _nav_links(client_for(patient_a.user, "calm.localhost").get("/").text)
    for feature in ALL:
        assert (_path(feature) in links) == (feature in EXPECTED[plan, addon]), feature


@pytest.mark.parametrize(("plan", "addon", "feature"), _cases(included=False))
def test_a_feature_the_plan_does_not_include_answers_404(
    brand_a, patient_a, client_for, anonymous, plan, addon, feature
):
    _on_plan(brand_a, plan, addon)
    assert client_for(patient_a.user, "calm.localhost").get(_path(feature)).status_code == 404
    # Not a sign-in page either: the page does not exist on this brand.
    assert anonymous("calm.localhost").get(_path(feature)).status_code == 404


@pytest.mark.parametrize(("plan", "addon", "feature"), _cases(included=True))
def test_a_feature_the_plan_includes_opens(brand_a, patient_a, client_for, plan, addon, feature):
    _on_plan(brand_a, plan, addon)
    response = client_for(patient_a.user, "calm.localhost").get(_path(feature))
    assert response.status_code == 200


def test_every_consent_page_answers_404_without_the_addon_and_nothing_is_signed(
    brand_a, patient_a, template_a, client_for, private_storage
):
    signature = sign(patient_a, template_a)  # signed while the brand had the add-on
    _on_plan(brand_a, "premium", False)
    client = client_for(patient_a.user, "calm.localhost")
    sign_path = reverse("consent_sign", urlconf="hale.urls_brand", args=[template_a.uuid])
    for path in (
        reverse("consent_list", urlconf="hale.urls_brand"),
        sign_path,
        reverse("consent_signed", urlconf="hale.urls_brand", args=[signature.uuid]),
        reverse("consent_pdf", urlconf="hale.urls_brand", args=[signature.uuid]),
    ):
        assert client.get(path).status_code == 404, path
    response = client.post(
        sign_path, {"version": 1, "method": "typed", "typed_name": "Alice", "agree": "on"}
    )
    assert response.status_code == 404
    assert list(ConsentSignature.objects.values_list("pk", flat=True)) == [signature.pk]


# --- The staff plan page ----------------------------------------------------------------------


def test_staff_see_the_plan_matrix_with_their_brand_marked(brand_a, staff_a, client_for):
    _on_plan(brand_a, "professional", True)
    response = client_for(staff_a).get(PLAN_URL)
    assert response.status_code == 200
    page = response.text
    for label in (
        "Dashboard",
        "View appointments",
        "Browse and order products",
        "View orders",
        "Sign documents",
    ):
        assert f'<th scope="row">{label}</th>' in page
    rows = dict(response.context["rows"])
    # Columns: Professional, Premium, Portal add-on; each cell (included, the brand's column).
    assert rows["Browse and order products"] == [(False, True), (True, False), (False, True)]
    assert rows["Sign documents"] == [(False, True), (False, False), (True, True)]
    assert rows["Dashboard"] == [(True, True), (True, False), (False, True)]
    assert page.count('class="visually-hidden">Included</span>') == 7
    assert page.count('class="visually-hidden">Not included</span>') == 8
    assert page.count('<th scope="col" class="plan-matrix__current">') == 2
    assert "<dd data-current-plan>Professional</dd>" in page
    assert "Save plan" not in page  # staff do not change the plan


def test_an_operator_changes_the_plan_and_it_is_audited(brand_a, operator, client_for):
    client = client_for(operator)
    page = client.get(PLAN_URL)
    assert page.status_code == 200 and "Save plan" in page.text
    response = client.post(PLAN_URL, {"plan": "professional", "shown": "premium:1"})
    assert response.status_code == 302
    brand_a.refresh_from_db()
    assert (brand_a.plan, brand_a.portal_addon) == ("professional", False)
    event = AuditEvent.objects.get(action="tenancy.plan_changed")
    assert event.actor == operator and event.brand == brand_a
    assert event.data["plan"] == "professional" and event.data["portal_addon"] is False
    assert event.data["previous_plan"] == "premium"


def test_a_stale_plan_form_is_refused_with_the_current_plan(brand_a, operator, client_for):
    _on_plan(brand_a, "professional", True)  # changed after the form showed premium
    response = client_for(operator).post(
        PLAN_URL, {"plan": "premium", "portal_addon": "on", "shown": "premium:0"}
    )
    assert response.status_code == 409
    brand_a.refresh_from_db()
    assert (brand_a.plan, brand_a.portal_addon) == ("professional", True)
    assert response.context["form"].initial["plan"] == "professional"
    assert not AuditEvent.objects.filter(action="tenancy.plan_changed").exists()


def test_brand_staff_cannot_change_the_plan(brand_a, staff_a, client_for):
    client = client_for(staff_a)
    response = client.post(PLAN_URL, {"plan": "professional", "shown": "premium:1"})
    assert response.status_code == 404
    # Nor through their settings form, which has no such fields.
    response = client.post(
        "/staff/brands/calm/settings/",
        {**settings_data(brand_a), "plan": "professional", "portal_addon": ""},
    )
    assert response.status_code == 302
    brand_a.refresh_from_db()
    assert (brand_a.plan, brand_a.portal_addon) == ("premium", True)
    assert not AuditEvent.objects.filter(action="tenancy.plan_changed").exists()


def test_staff_of_another_brand_get_404_for_the_plan_page(brand_a, staff_b, client_for):
    client = client_for(staff_b)
    assert client.get(PLAN_URL).status_code == 404
    assert client.post(PLAN_URL, {"plan": "professional", "shown": "premium:1"}).status_code == 404
    brand_a.refresh_from_db()
    assert brand_a.plan == "premium"


def test_operators_set_the_plan_in_the_admin_form():
    assert {"plan", "portal_addon"} <= set(BrandAdminForm().fields)


# --- Consent requirements do not hold patients back without the add-on ----------------------


def test_a_first_session_consent_blocks_booking_only_with_the_addon(
    patient_a, brand_a, open_specialist, session_type, book, template_a, private_storage
):
    from hale.scheduling.errors import SchedulingError

    with pytest.raises(SchedulingError, match="Consent to online therapy"):
        book(patient_a, open_specialist, session_type)
    _on_plan(brand_a, "premium", False)
    assert book(patient_a, open_specialist, session_type).pk


def test_a_session_consent_blocks_joining_only_with_the_addon(
    patient_a, brand_a, specialist, staff_a, private_storage
):
    template = consent_actions.create_template(
        brand=brand_a,
        acting_user=staff_a,
        title="Session consent",
        body="For this session.",
        requirement="every_session",
    )
    consent_actions.publish_version(template=template, acting_user=staff_a, revision=None)
    start = timezone.now() + dt.timedelta(days=2)
    appointment = Appointment.objects.create(
        brand=brand_a,
        patient=patient_a,
        specialist=specialist,
        session_name="Video",
        start=start,
        end=start + dt.timedelta(minutes=50),
        modality="video",
        status="confirmed",
    )
    assert gating.join_refusal(appointment=appointment, user=patient_a.user) is not None
    _on_plan(brand_a, "premium", False)
    assert gating.join_refusal(appointment=appointment, user=patient_a.user) is None
    assert gating.appointment_sections(appointment=appointment, user=patient_a.user) is None


def test_the_signup_consent_gate_waits_only_with_the_addon(brand_a, staff_a, patient_a, client_for):
    template = consent_actions.create_template(
        brand=brand_a,
        acting_user=staff_a,
        title="Telehealth consent",
        body="Remote care.",
        requirement="signup",
    )
    consent_actions.publish_version(template=template, acting_user=staff_a, revision=None)
    client = client_for(patient_a.user, "calm.localhost")
    assert client.get("/appointments/").status_code == 302
    _on_plan(brand_a, "professional", False)
    assert client.get("/appointments/").status_code == 200


def test_the_dashboard_asks_for_signatures_only_with_the_addon(
    brand_a, patient_a, template_a, client_for
):
    client = client_for(patient_a.user, "calm.localhost")
    assert "document waits for your signature" in client.get("/").text
    _on_plan(brand_a, "premium", False)
    page = client.get("/")
    assert page.context["board"].to_sign == 0
    assert "waits for your signature" not in page.text


def test_nobody_is_asked_to_sign_without_the_addon(
    brand_a, patient_a, template_a, staff_a, specialist, care, client_for
):
    _on_plan(brand_a, "premium", False)
    with pytest.raises(ConsentError):
        consent_actions.request_consent(template=template_a, patient=patient_a, acting_user=staff_a)
    assert not ConsentRequest.objects.exists()
    staff_page = client_for(staff_a).get(f"/staff/brands/calm/patients/{patient_a.uuid}/")
    practice_page = client_for(specialist.user).get(f"/practice/patients/{patient_a.uuid}/")
    for page in (staff_page, practice_page):
        assert page.status_code == 200
        assert "Ask the patient to sign" not in page.text
        assert "To sign" not in page.text  # nothing nags about an unsigned consent
        assert "only with the Portal add-on" in page.text


def test_staff_consent_pages_stay_and_say_patients_sign_with_the_addon(
    brand_a, staff_a, template_a, client_for
):
    client = client_for(staff_a)
    assert "does not have the Portal add-on" not in client.get("/staff/brands/calm/consents/").text
    _on_plan(brand_a, "professional", False)
    for path in (
        "/staff/brands/calm/consents/",
        "/staff/brands/calm/consents/new/",
        f"/staff/brands/calm/consents/{template_a.uuid}/",
    ):
        response = client.get(path)
        assert response.status_code == 200 and "does not have the Portal add-on" in response.text
