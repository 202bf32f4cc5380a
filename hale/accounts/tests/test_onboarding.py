"""Patient onboarding after the first sign-in: saved as you go, resumed where you left off,
date of birth only where the brand asks, the browser's time zone preselected, the language
switching the interface, and a "what happens next" that fits the brand."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import PASSWORD, confirmation_path, make_user
from hale.accounts import invitations, onboarding
from hale.accounts.models import Patient
from hale.core.models import AuditEvent
from hale.tenancy.models import Brand

CALM = "calm.localhost"
NORTHSIDE = "northside.localhost"


@pytest.fixture
def newcomer(brand_a) -> Patient:
    """A calm patient who has just signed up: nothing but an email address."""
    user = make_user("new@example.com")
    return Patient.objects.create(brand=brand_a, user=user, email=user.email)


@pytest.fixture
def clinic(brand_b) -> Brand:
    brand_b.features = [*brand_b.features, onboarding.COLLECT_DATE_OF_BIRTH]
    brand_b.save(update_fields=["features"])
    return brand_b


def test_signing_in_sends_a_new_patient_to_onboarding(anonymous, newcomer):
    client = anonymous(CALM)
    response = client.post("/accounts/login/", {"login": newcomer.email, "password": PASSWORD})
    assert response["Location"] == "/welcome/about/"


def test_signing_in_after_onboarding_goes_home(anonymous, newcomer):
    newcomer.onboarded_at = timezone.now()
    newcomer.save()
    client = anonymous(CALM)
    response = client.post("/accounts/login/", {"login": newcomer.email, "password": PASSWORD})
    assert response["Location"] == "/"


def test_signing_up_starts_onboarding(anonymous, brand_a):
    client = anonymous(CALM)
    form = client.get("/accounts/signup/").context["form"]
    data = {"email": "fresh@example.com"}
    data.update({name: PASSWORD for name in ("password1", "password2") if name in form.fields})
    response = client.post("/accounts/signup/", data)
    assert response["Location"] == "/accounts/confirm-email/"
    # The emailed link confirms the address, signs in and starts onboarding.
    response = client.post(confirmation_path("fresh@example.com"))
    assert response["Location"] == "/welcome/about/"


def test_progress_is_saved_and_resumed(client_for, newcomer):
    client = client_for(newcomer.user, CALM)
    assert client.get("/welcome/")["Location"] == "/welcome/about/"
    response = client.post(
        "/welcome/about/",
        {"full_name": "  Noor   Haddad ", "phone": "+44 20 7946 0000", "intent": "save_exit"},
    )
    assert response["Location"] == "/"
    newcomer.refresh_from_db()
    newcomer.user.refresh_from_db()
    assert (newcomer.full_name, newcomer.phone) == ("Noor Haddad", "+44 20 7946 0000")
    assert newcomer.user.full_name == "Noor Haddad"
    assert newcomer.onboarding_step == "time-zone" and newcomer.onboarded_at is None
    # Coming back resumes at the saved step, with the answers filled in.
    assert client.get("/welcome/")["Location"] == "/welcome/time-zone/"
    about = client.get("/welcome/about/")
    assert about.context["form"].initial["full_name"] == "Noor Haddad"
    assert AuditEvent.objects.filter(action="patient.onboarding_saved").count() == 1


def test_steps_cannot_be_skipped(client_for, newcomer):
    client = client_for(newcomer.user, CALM)
    for step in ["time-zone", "language", "next"]:
        assert client.get(f"/welcome/{step}/")["Location"] == "/welcome/about/"
    client.post("/welcome/language/", {"language": "es"})
    newcomer.refresh_from_db()
    assert newcomer.language == "" and newcomer.onboarding_step == ""


def test_going_back_does_not_lose_the_furthest_step(client_for, newcomer):
    newcomer.onboarding_step = "language"
    newcomer.save()
    client = client_for(newcomer.user, CALM)
    client.post("/welcome/about/", {"full_name": "Noor"})
    newcomer.refresh_from_db()
    assert newcomer.onboarding_step == "language"


def test_date_of_birth_only_where_the_brand_asks(client_for, newcomer, clinic):
    calm = client_for(newcomer.user, CALM).get("/welcome/about/")
    assert "date_of_birth" not in calm.context["form"].fields
    assert "Date of birth" not in calm.content.decode()

    user = make_user("clinic@example.com")
    Patient.objects.create(brand=clinic, user=user, email=user.email)
    client = client_for(user, NORTHSIDE)
    page = client.get("/welcome/about/")
    assert "date_of_birth" in page.context["form"].fields
    missing = client.post("/welcome/about/", {"full_name": "Ana"})
    assert missing.status_code == 400
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post("/welcome/about/", {"full_name": "Ana", "date_of_birth": future})
    assert response.status_code == 400
    assert "must be in the past" in response.content.decode()
    response = client.post("/welcome/about/", {"full_name": "Ana", "date_of_birth": "1850-01-01"})
    assert response.status_code == 400
    patient = Patient.objects.get(user=user)
    assert patient.full_name == "" and patient.date_of_birth is None
    response = client.post("/welcome/about/", {"full_name": "Ana", "date_of_birth": "1990-04-02"})
    assert response["Location"] == "/welcome/time-zone/"
    patient.refresh_from_db()
    assert patient.date_of_birth == datetime.date(1990, 4, 2)


def test_a_bad_phone_number_is_refused_and_nothing_changes(client_for, newcomer):
    response = client_for(newcomer.user, CALM).post(
        "/welcome/about/", {"full_name": "Noor", "phone": "call me maybe"}
    )
    assert response.status_code == 400
    assert "country code" in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.full_name == "" and newcomer.onboarding_step == ""


def test_time_zone_is_preselected_from_the_browser_cookie(client_for, newcomer):
    newcomer.onboarding_step = "time-zone"
    newcomer.save()
    client = client_for(newcomer.user, CALM)
    client.cookies["hale_tz"] = "America%2FNew_York"
    response = client.get("/welcome/time-zone/")
    assert response.context["form"].initial["time_zone"] == "America/New_York"
    html = response.content.decode()
    assert '<option value="America/New_York" selected>' in html
    assert "Your browser says you are in America/New_York" in html


def test_a_made_up_cookie_zone_is_ignored(client_for, newcomer):
    newcomer.onboarding_step = "time-zone"
    newcomer.save()
    client = client_for(newcomer.user, CALM)
    client.cookies["hale_tz"] = "Mars%2FOlympus"
    assert client.get("/welcome/time-zone/").context["form"].initial["time_zone"] == ""


def test_saving_the_time_zone_updates_patient_and_account(client_for, newcomer):
    newcomer.onboarding_step = "time-zone"
    newcomer.save()
    client = client_for(newcomer.user, CALM)
    assert client.post("/welcome/time-zone/", {"time_zone": "Not/AZone"}).status_code == 400
    # Left empty, the zone the browser reported (filled in by the script) is used.
    response = client.post(
        "/welcome/time-zone/", {"time_zone": "", "detected_time_zone": "Asia/Tokyo"}
    )
    assert response["Location"] == "/welcome/language/"
    newcomer.refresh_from_db()
    newcomer.user.refresh_from_db()
    assert newcomer.time_zone == newcomer.user.time_zone == "Asia/Tokyo"


def test_choosing_a_language_switches_the_interface_and_finishes(client_for, newcomer):
    newcomer.onboarding_step = "language"
    newcomer.save()
    client = client_for(newcomer.user, CALM)
    response = client.post("/welcome/language/", {"language": "es"})
    assert response["Location"] == "/welcome/next/"
    assert response.cookies["django_language"].value == "es"
    newcomer.refresh_from_db()
    newcomer.user.refresh_from_db()
    assert newcomer.language == newcomer.user.language == "es"
    assert newcomer.onboarded_at is not None and newcomer.onboarding_step == "next"
    page = client.get("/welcome/next/")
    assert page.status_code == 200 and '<html lang="es">' in page.content.decode()


@pytest.mark.parametrize(
    ("mode", "text"),
    [
        ("browse", "Browse our specialists"),
        ("guided", "Answer a few questions"),
        ("smart", "match you with a specialist"),
    ],
)
def test_what_happens_next_fits_the_brand(client_for, newcomer, mode, text):
    Brand.objects.filter(pk=newcomer.brand_id).update(discovery_mode=mode)
    newcomer.onboarded_at = timezone.now()
    newcomer.save()
    html = client_for(newcomer.user, CALM).get("/welcome/next/").content.decode()
    assert text in html
    assert "invited you" not in html


def test_what_happens_next_for_an_invited_patient(
    client_for, brand_a, staff_a, new_patient, invite
):
    patient = new_patient(email="invited@example.com")
    _invitation, token = invite(staff_a, patient)
    user = make_user("invited@example.com")
    invitations.accept_invitation(token=token, user=user, brand=brand_a)
    client = client_for(user, CALM)
    client.post("/welcome/about/", {"full_name": "Ivy"})
    client.post("/welcome/time-zone/", {"time_zone": "Europe/London"})
    client.post("/welcome/language/", {"language": "en"})
    html = client.get("/welcome/next/").content.decode()
    assert "Calm Minds invited you to this portal" in html


def test_the_home_page_offers_to_finish(client_for, newcomer):
    client = client_for(newcomer.user, CALM)
    html = client.get("/").content.decode()
    assert "Finish setting up your account" in html and 'href="/welcome/about/"' in html
    newcomer.onboarded_at = timezone.now()
    newcomer.save()
    assert "Finish setting up your account" not in client.get("/").content.decode()


def test_people_who_are_not_patients_here_get_404(client_for, staff_a, patient_b, brand_a):
    assert client_for(staff_a, CALM).get("/welcome/about/").status_code == 404
    assert client_for(patient_b.user, CALM).get("/welcome/").status_code == 404
    assert client_for(patient_b.user, "localhost").get("/welcome/").status_code == 404


def test_unknown_step_is_404(client_for, newcomer):
    assert client_for(newcomer.user, CALM).get("/welcome/payment/").status_code == 404


def test_only_the_patient_can_save_their_onboarding(newcomer, patient_a):
    with pytest.raises(PermissionDenied):
        onboarding.save_onboarding_step(
            acting_user=patient_a.user, patient=newcomer, step="about", data={"full_name": "X"}
        )
    with pytest.raises(ValidationError):
        onboarding.save_onboarding_step(
            acting_user=newcomer.user, patient=newcomer, step="next", data={}
        )
    newcomer.refresh_from_db()
    assert newcomer.full_name == ""


def test_a_step_looks_the_patient_up_once(client_for, newcomer):
    client = client_for(newcomer.user, CALM)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/welcome/about/").status_code == 200
    tables = [q["sql"].split(" FROM ", 1)[-1].split(" ", 1)[0] for q in ctx.captured_queries]
    patient_reads = [t for t in tables if t == '"accounts_patient"']
    # The portal-access check (middleware) and the step's own lookup; the brand comes from
    # the request, not from another query.
    assert len(patient_reads) == 2
    assert '"tenancy_brand"' not in tables
