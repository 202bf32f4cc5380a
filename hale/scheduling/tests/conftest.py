"""Scheduling test helpers: a specialist open every day 09:00–17:00 in Madrid."""

import datetime as dt

import pytest
from django.utils import timezone

from hale.scheduling import actions
from hale.scheduling.slots import offered_slots

ALL_WEEK = range(7)


@pytest.fixture
def open_specialist(specialist):
    """``specialist`` (Europe/Madrid) with weekly hours 09–17 every day."""
    for weekday in ALL_WEEK:
        actions.add_weekly_rule(
            specialist=specialist,
            acting_user=specialist.user,
            weekday=weekday,
            start_time=dt.time(9),
            end_time=dt.time(17),
        )
    return specialist


@pytest.fixture
def session_type(open_specialist):
    return actions.save_session_type(
        specialist=open_specialist,
        acting_user=open_specialist.user,
        values={
            "name": "Therapy session",
            "duration_minutes": 50,
            "price_minor": 6000,
            "currency": "EUR",
            "modality": "video",
            "buffer_after_minutes": 10,
            "minimum_notice_minutes": 60,
            "booking_horizon_days": 30,
        },
    )


@pytest.fixture
def free_slots():
    """``free_slots(specialist, session_type, days_ahead=3)``: offered slots from then on."""

    def get(specialist, session_type, days_ahead=3, days=2):
        start = timezone.now() + dt.timedelta(days=days_ahead)
        return offered_slots(
            specialist,
            session_type,
            window_start=start,
            window_end=start + dt.timedelta(days=days),
            now=timezone.now(),
        )

    return get


@pytest.fixture
def book(free_slots):
    """``book(patient, specialist, session_type, slot=None)`` books the first free slot."""

    def make(patient, specialist, session_type, slot=None, days_ahead=3):
        slot = slot or free_slots(specialist, session_type, days_ahead)[0]
        return actions.book_appointment(
            patient=patient,
            specialist=specialist,
            session_type=session_type,
            start=slot.start,
            acting_user=patient.user,
        )

    return make


@pytest.fixture
def propose(book, open_specialist, session_type):
    """``propose(patient, start, expires_in_hours=24)``: the open specialist proposes a session
    (after booking one, which makes the patient proposable)."""

    def make(patient, start, expires_in_hours=24):
        book(patient, open_specialist, session_type)
        return actions.propose_appointment(
            specialist=open_specialist,
            patient=patient,
            session_type=session_type,
            start=start,
            expires_in_hours=expires_in_hours,
            acting_user=open_specialist.user,
        )

    return make


@pytest.fixture(autouse=True)
def _personas_listed(request):
    """Only specialists listed on a brand are bookable there: list the specialist personas a
    test uses on every brand persona it uses.

    Scheduling tests book one patient with one specialist many times, as patients of
    smart-matching brands may; browse brands' first-booking rule (after the first booking
    the specialist proposes) is matching's, tested in ``hale/matching/tests``."""
    from hale.matching.models import Listing
    from hale.tenancy.models import Brand

    names = request.fixturenames
    for brand_name in ("brand_a", "brand_b"):
        if brand_name in names:
            brand = request.getfixturevalue(brand_name)
            brand.discovery_mode = Brand.Discovery.SMART
            brand.save(update_fields=["discovery_mode"])
    for spec in ("specialist", "specialist_2"):
        for brand in ("brand_a", "brand_b"):
            if spec in names and brand in names:
                Listing.objects.get_or_create(
                    brand=request.getfixturevalue(brand), specialist=request.getfixturevalue(spec)
                )
