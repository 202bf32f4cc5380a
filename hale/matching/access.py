"""Scoped reads for discovery. A specialist not listed on the brand answers 404."""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce
from django.http import Http404

from hale.matching.models import BrandMatching, CareRelationship, Listing
from hale.scheduling.access import bookable_specialists
from hale.scheduling.models import SessionType
from hale.scheduling.pricing import Price
from hale.scheduling.slots import next_available
from hale.specialists.models import Specialist

RESULTS_SHOWN = 50


@dataclass
class Row:
    specialist: Specialist
    price: Price | None
    next_slot_start: dt.datetime | None


def brand_matching(brand) -> BrandMatching:
    """The brand's matching settings, or unsaved defaults (no write on read)."""
    return BrandMatching.objects.filter(brand=brand).first() or BrandMatching(brand=brand)


def with_prices(qs: QuerySet[Specialist], brand, fixed: BrandMatching) -> QuerySet[Any]:
    # QuerySet[Any]: the rows carry the annotations below, which the model does not declare.
    """Annotate ``price_minor``/``price_currency``: the brand's fixed price, else the listing
    price, else the cheapest active session type."""
    cheapest = SessionType.objects.filter(specialist=OuterRef("pk"), is_active=True).order_by(
        "price_minor", "pk"
    )
    if brand.pricing_mode == "brand" and fixed.fixed_price_minor is not None:
        from django.db.models import Value

        return qs.annotate(
            price_minor=Value(fixed.fixed_price_minor), price_currency=Value(fixed.fixed_currency)
        )
    listing_price = Listing.objects.filter(brand=brand, specialist=OuterRef("pk")).values(
        "price_minor"
    )[:1]
    return qs.annotate(
        price_minor=Coalesce(Subquery(listing_price), Subquery(cheapest.values("price_minor")[:1])),
        price_currency=Subquery(cheapest.values("currency")[:1]),
    )


def browse(
    brand,
    *,
    now: dt.datetime,
    query: str = "",
    specialisation: str = "",
    language: str = "",
    soon: bool = False,
    price_min: int | None = None,
    price_max: int | None = None,
) -> list[Row]:
    """Listed specialists matching the filters, with price and next available time, in a
    constant number of queries."""
    fixed = brand_matching(brand)
    qs = with_prices(bookable_specialists(brand), brand, fixed)
    if query:
        qs = qs.filter(Q(display_name__icontains=query) | Q(bio__icontains=query))
    if specialisation:
        qs = qs.filter(specialisations__slug=specialisation)
    if language:
        # The JSON list as text contains the quoted code, on SQLite and PostgreSQL alike.
        qs = qs.annotate(languages_text=Cast("languages", CharField())).filter(
            languages_text__contains=f'"{language}"'
        )
    if price_min is not None:
        qs = qs.filter(price_minor__gte=price_min)
    if price_max is not None:
        qs = qs.filter(price_minor__lte=price_max)
    qs = qs.distinct()
    nexts = next_available(qs, now=now, within=dt.timedelta(days=7))
    if soon:
        qs = qs.filter(pk__in=[pk for pk, found in nexts.items() if found])
    specialists = list(qs.prefetch_related("specialisations")[:RESULTS_SHOWN])
    rows = [
        Row(
            specialist=s,
            price=Price(s.price_minor, s.price_currency) if s.price_minor is not None else None,
            next_slot_start=found[0].start if (found := nexts.get(s.pk)) else None,
        )
        for s in specialists
    ]
    rows.sort(key=lambda r: (not soon, r.next_slot_start or dt.datetime.max.replace(tzinfo=dt.UTC)))
    return (
        rows if soon else sorted(rows, key=lambda r: (r.specialist.display_name, r.specialist.pk))
    )


def access_listed_specialist(brand, specialist_id: uuid.UUID) -> Specialist:
    """A specialist listed on ``brand`` with what the public profile shows; 404 otherwise."""
    specialist = (
        with_prices(bookable_specialists(brand), brand, brand_matching(brand))
        .prefetch_related("specialisations", "expertise_areas", "education")
        .filter(uuid=specialist_id)
        .first()
    )
    if specialist is None:
        raise Http404
    return specialist


def specialist_listings(specialist: Specialist) -> QuerySet[Listing]:
    return (
        Listing.objects.filter(specialist=specialist)
        .select_related("brand")
        .order_by("brand__name")
    )


def staff_listings(brand) -> QuerySet[Listing]:
    return (
        Listing.objects.filter(brand=brand)
        .select_related("specialist", "specialist__user")
        .order_by("specialist__display_name", "pk")
    )


def access_staff_listing(brand, listing_id: uuid.UUID) -> Listing:
    listing = staff_listings(brand).filter(uuid=listing_id).first()
    if listing is None:
        raise Http404
    return listing


def listable_specialists(brand) -> QuerySet[Specialist]:
    """Approved specialists not yet listed on ``brand`` (staff can add them)."""
    return (
        Specialist.objects.approved().exclude(listings__brand=brand).order_by("display_name", "pk")
    )


def current_care(patient) -> CareRelationship | None:
    return (
        CareRelationship.objects.select_related("specialist")
        .filter(patient=patient, status=CareRelationship.Status.ACTIVE)
        .first()
    )


def staff_care_relationships(brand) -> QuerySet[CareRelationship]:
    return (
        CareRelationship.objects.filter(brand=brand, status=CareRelationship.Status.ACTIVE)
        .select_related("patient", "specialist")
        .order_by("-started_at")
    )
