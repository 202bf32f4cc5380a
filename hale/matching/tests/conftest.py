import datetime as dt

import pytest

from hale.matching import actions, programs
from hale.scheduling import actions as scheduling_actions
from hale.specialists.models import Specialisation


def open_hours(specialist, start=9, end=17):
    for weekday in range(7):
        scheduling_actions.add_weekly_rule(
            specialist=specialist,
            acting_user=specialist.user,
            weekday=weekday,
            start_time=dt.time(start),
            end_time=dt.time(end),
        )


def fix_brand_price(brand, acting_user, price_minor=5000, currency="GBP"):
    """The brand sets one price for every session (pricing mode "brand")."""
    from hale.matching.models import BrandMatching

    brand.pricing_mode = "brand"
    brand.save(update_fields=["pricing_mode"])
    actions.save_brand_matching(
        brand=brand,
        acting_user=acting_user,
        fixed_price_minor=price_minor,
        fixed_currency=currency,
        switching_rule=BrandMatching.Switching.FREE,
    )


def session_type(specialist, price=6000):
    return scheduling_actions.save_session_type(
        specialist=specialist,
        acting_user=specialist.user,
        values={
            "name": "Therapy session",
            "duration_minutes": 50,
            "price_minor": price,
            "currency": "EUR",
            "modality": "video",
            "location": "",
            "buffer_before_minutes": 0,
            "buffer_after_minutes": 10,
            "minimum_notice_minutes": 60,
            "booking_horizon_days": 60,
            "is_active": True,
        },
    )


@pytest.fixture
def psychology(db):
    return Specialisation.objects.get_or_create(
        slug="clinical-psychology", defaults={"name": "Clinical psychology"}
    )[0]


@pytest.fixture
def listed(brand_a, specialist, operator):
    """``specialist`` listed on brand_a, speaking Spanish and English, open 9–17 daily."""
    specialist.languages = ["es", "en"]
    specialist.bio = "Warm, practical help with anxiety."
    specialist.save(update_fields=["languages", "bio"])
    open_hours(specialist)
    session_type(specialist)
    return actions.list_specialist(brand=brand_a, specialist=specialist, acting_user=operator)


@pytest.fixture
def acme(brand_a, staff_a):
    """A guided-matching program on brand_a for Acme staff (code "acme 2026", 2 sessions)."""
    org = programs.save_organization(brand=brand_a, acting_user=staff_a, name="Acme")
    return programs.save_program(
        brand=brand_a,
        acting_user=staff_a,
        values={
            "organization": org,
            "name": "Acme Wellbeing",
            "description": "For Acme staff.",
            "eligibility": "code",
            "access_code": "acme 2026",
            "email_domains": [],
            "covered_sessions": 2,
            "matching_mode": "guided",
            "consent_markdown": "I agree that **Acme** learns how many sessions I use.",
            "starts_on": None,
            "ends_on": None,
        },
    )
