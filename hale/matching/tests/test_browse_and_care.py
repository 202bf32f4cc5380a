import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hale.accounts.models import User
from hale.matching import actions
from hale.matching.models import BrandMatching, CareRelationship
from hale.matching.tests.conftest import open_hours, session_type
from hale.scheduling import actions as scheduling_actions
from hale.scheduling.errors import SchedulingError
from hale.scheduling.slots import offered_slots
from hale.specialists.models import Specialist

pytestmark = pytest.mark.django_db


def _add_specialists(brand, operator, n, *, languages=("en",), start=0):
    made = []
    for i in range(start, start + n):
        user = User.objects.create_user(email=f"dr.extra{i}@example.com", time_zone="UTC")
        s = Specialist.objects.create(
            user=user,
            display_name=f"Dr Extra {i}",
            status=Specialist.Status.APPROVED,
            languages=list(languages),
        )
        open_hours(s, 8, 12)
        session_type(s, price=9000)
        actions.list_specialist(brand=brand, specialist=s, acting_user=operator)
        made.append(s)
    return made


def _names(response):
    return response.content.decode()


def test_filters_by_language_specialisation_search_price_and_soon(
    brand_a, listed, specialist, operator, psychology, anonymous
):
    specialist.specialisations.add(psychology)
    (other,) = _add_specialists(brand_a, operator, 1)
    c = anonymous("calm.localhost")
    assert other.display_name in _names(c.get("/specialists/"))
    spanish = _names(c.get("/specialists/?language=es"))
    assert specialist.display_name in spanish and other.display_name not in spanish
    spec = _names(c.get("/specialists/?specialisation=clinical-psychology"))
    assert specialist.display_name in spec and other.display_name not in spec
    found = _names(c.get("/specialists/?q=practical"))
    assert specialist.display_name in found and other.display_name not in found
    cheap = _names(c.get("/specialists/?price_max=70"))
    assert specialist.display_name in cheap and other.display_name not in cheap
    soon = _names(c.get("/specialists/?soon=on"))
    assert specialist.display_name in soon


def test_soon_filter_drops_specialists_without_times_this_week(
    brand_a, listed, specialist, operator, anonymous
):
    user = User.objects.create_user(email="dr.busy@example.com")
    busy = Specialist.objects.create(
        user=user, display_name="Dr Never Free", status=Specialist.Status.APPROVED
    )
    actions.list_specialist(brand=brand_a, specialist=busy, acting_user=operator)
    page = _names(anonymous("calm.localhost").get("/specialists/?soon=on"))
    assert "Dr Never Free" not in page and specialist.display_name in page


def test_bad_filter_value_gets_a_message(listed, anonymous):
    response = anonymous("calm.localhost").get("/specialists/?price_min=abc")
    assert response.status_code == 200
    assert "Enter a number" in response.content.decode()


def test_browse_query_count_does_not_grow(brand_a, listed, operator, anonymous):
    c = anonymous("calm.localhost")
    c.get("/specialists/")
    with CaptureQueriesContext(connection) as few:
        c.get("/specialists/")
    _add_specialists(brand_a, operator, 6)
    with CaptureQueriesContext(connection) as many:
        response = c.get("/specialists/")
    assert "Dr Extra 5" in response.content.decode()
    assert len(many) == len(few)


def test_browse_on_a_smart_brand_goes_to_matching(brand_a, patient_a, client_for):
    brand_a.discovery_mode = "smart"
    brand_a.save(update_fields=["discovery_mode"])
    response = client_for(patient_a.user, "calm.localhost").get("/specialists/")
    assert response.status_code == 302 and response["Location"] == "/match/"


def _book(patient, specialist):
    st = specialist.session_types.get()
    now = timezone.now()
    slot = offered_slots(
        specialist, st, window_start=now, window_end=now + dt.timedelta(days=3), now=now
    )[0]
    return scheduling_actions.book_appointment(
        patient=patient,
        specialist=specialist,
        session_type=st,
        start=slot.start,
        acting_user=patient.user,
    )


def test_first_booking_starts_a_browse_care_relationship(listed, specialist, patient_a):
    _book(patient_a, specialist)
    # Afterwards the specialist proposes: the booking action itself refuses a second one.
    with pytest.raises(SchedulingError, match="propose times for your next sessions"):
        _book(patient_a, specialist)
    assert patient_a.appointments.count() == 1
    care = CareRelationship.objects.get(patient=patient_a)
    assert (care.specialist, care.source, care.status) == (specialist, "browse", "active")


def test_switching_is_refused_while_sessions_are_upcoming(
    brand_a, listed, specialist, specialist_2, patient_a, operator
):
    open_hours(specialist_2)
    session_type(specialist_2)
    actions.list_specialist(brand=brand_a, specialist=specialist_2, acting_user=operator)
    BrandMatching.objects.create(brand=brand_a, switching_rule="no_upcoming")
    _book(patient_a, specialist)
    with pytest.raises(actions.MatchingError, match="upcoming sessions with Dr Dana One"):
        _book(patient_a, specialist_2)
    assert patient_a.appointments.count() == 1
    assert CareRelationship.objects.get(status="active").specialist == specialist


def test_switching_freely_ends_the_old_relationship(
    brand_a, listed, specialist, specialist_2, patient_a, operator
):
    open_hours(specialist_2)
    session_type(specialist_2)
    actions.list_specialist(brand=brand_a, specialist=specialist_2, acting_user=operator)
    _book(patient_a, specialist)
    _book(patient_a, specialist_2)
    rows = dict(CareRelationship.objects.values_list("specialist_id", "status"))
    assert rows == {specialist.pk: "ended", specialist_2.pk: "active"}
