"""Scoped reads for discovery. A specialist not listed on the brand answers 404."""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, CharField, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Cast, Coalesce
from django.http import Http404

from hale.accounts.models import Patient
from hale.core.access import Denied
from hale.matching.licences import brand_region, licensed_for
from hale.matching.models import BrandMatching, CareRelationship, Listing, ListingRequest
from hale.scheduling.access import bookable_specialists
from hale.scheduling.models import SessionType
from hale.scheduling.pricing import Price
from hale.scheduling.slots import next_available
from hale.specialists.models import Specialist
from hale.tenancy.models import Brand

RESULTS_PER_PAGE = 20
# "Available soon" in browse: a free time within this long.
SOON = dt.timedelta(days=7)


@dataclass
class Row:
    specialist: Specialist
    price: Price | None
    next_slot_start: dt.datetime | None


def brand_matching(brand) -> BrandMatching:
    """The brand's matching settings, or unsaved defaults (no write on read)."""
    return BrandMatching.objects.filter(brand=brand).first() or BrandMatching(brand=brand)


def treatable_specialists(brand) -> QuerySet[Specialist]:
    """Who a patient of ``brand`` may find and take: bookable there and licensed for the
    brand's region (``licences``)."""
    return licensed_for(bookable_specialists(brand), brand_region(brand))


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
    page: int | str | None = 1,
    query: str = "",
    specialisation: str = "",
    language: str = "",
    soon: bool = False,
    price_min: int | None = None,
    price_max: int | None = None,
) -> tuple[Page, list[Row]]:
    """One page of the brand's listed specialists matching the filters (by name; with *soon*,
    by next free time), each row with price and next available time, in a constant number of
    queries. Next availability is computed only for the page shown.

    *soon* selects and orders by the precomputed ``MatchProfile.next_available_at`` (kept
    fresh by every schedule change and by cron); the exact next time is then computed for the
    page, and a specialist whose last free time this week was just taken drops off it."""
    fixed = brand_matching(brand)
    qs = with_prices(treatable_specialists(brand), brand, fixed)
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
    if soon:
        # No profile yet (a new specialist before the refresh task ran): a candidate too.
        qs = qs.filter(
            Q(match_profile__next_available_at__lt=now + SOON) | Q(match_profile__isnull=True)
        ).order_by(F("match_profile__next_available_at").asc(nulls_last=True), "display_name", "pk")
    else:
        qs = qs.order_by("display_name", "pk")
    qs = qs.distinct().prefetch_related("specialisations")
    result = Paginator(qs, RESULTS_PER_PAGE).get_page(page)
    specialists = list(result.object_list)
    nexts = next_available(
        Specialist.objects.filter(pk__in=[s.pk for s in specialists]), now=now, within=SOON
    )
    rows = [
        Row(
            specialist=s,
            price=Price(s.price_minor, s.price_currency) if s.price_minor is not None else None,
            next_slot_start=found[0].start if (found := nexts.get(s.pk)) else None,
        )
        for s in specialists
    ]
    if soon:
        rows = sorted(
            (r for r in rows if r.next_slot_start is not None),
            key=lambda r: r.next_slot_start or now,
        )
    return result, rows


def access_listed_specialist(brand, specialist_id: uuid.UUID) -> Specialist:
    """A specialist listed on ``brand`` with what the public profile shows; 404 otherwise."""
    specialist = (
        with_prices(treatable_specialists(brand), brand, brand_matching(brand))
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


# --- Listing requests -------------------------------------------------------------------------


def requestable_brands(specialist: Specialist) -> QuerySet[Brand]:
    """Active brands ``specialist`` may ask to be listed on: not listing them yet and without
    a request of theirs waiting."""
    return (
        Brand.objects.filter(is_active=True)
        .exclude(pk__in=Listing.objects.filter(specialist=specialist).values("brand_id"))
        .exclude(
            pk__in=ListingRequest.objects.filter(
                specialist=specialist, status=ListingRequest.Status.PENDING
            ).values("brand_id")
        )
        .order_by("name", "pk")
    )


def specialist_listing_requests(specialist: Specialist) -> QuerySet[ListingRequest]:
    """The specialist's requests, waiting ones first, then the latest answers."""
    return (
        ListingRequest.objects.filter(specialist=specialist)
        .select_related("brand")
        .exclude(status=ListingRequest.Status.WITHDRAWN)
        .order_by(
            Case(When(status=ListingRequest.Status.PENDING, then=0), default=1),
            "-created_at",
            "-pk",
        )
    )


def access_own_listing_request(specialist: Specialist, request_id: uuid.UUID) -> ListingRequest:
    """One of the specialist's own requests (any status); 404 (audited) otherwise."""
    found = (
        ListingRequest.objects.filter(specialist=specialist, uuid=request_id)
        .select_related("brand")
        .first()
    )
    if found is None:
        raise Denied(ListingRequest, request_id)
    return found


def staff_listing_requests(brand) -> QuerySet[ListingRequest]:
    """Requests waiting for ``brand``'s staff, oldest first, with who is asking."""
    return (
        ListingRequest.objects.filter(brand=brand, status=ListingRequest.Status.PENDING)
        .select_related("specialist", "specialist__user")
        .order_by("created_at", "pk")
    )


def access_staff_listing_request(brand, request_id: uuid.UUID) -> ListingRequest:
    """A request made to ``brand`` (any status, so a stale form is told it was decided);
    another brand's request answers 404 (audited), like one that does not exist."""
    found = (
        ListingRequest.objects.filter(brand=brand, uuid=request_id)
        .select_related("brand", "specialist")
        .first()
    )
    if found is None:
        raise Denied(ListingRequest, request_id)
    return found


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


# --- A specialist's patients ----------------------------------------------------------------


def has_care(specialist: Specialist, patient: Patient, *, active_only: bool) -> bool:
    """A care relationship between them on the patient's brand (active, or also past)."""
    care = CareRelationship.objects.filter(
        specialist=specialist, patient=patient, brand_id=patient.brand_id
    )
    if active_only:
        care = care.filter(status=CareRelationship.Status.ACTIVE)
    return care.exists()


def specialist_patients(specialist: Specialist, *, active_only: bool) -> QuerySet[Patient]:
    """Patients the specialist cares (or, unless ``active_only``, cared) for, on the brand
    of that care relationship."""
    care = CareRelationship.objects.filter(specialist=specialist, patient=OuterRef("pk"))
    if active_only:
        care = care.filter(status=CareRelationship.Status.ACTIVE)
    return (
        Patient.objects.filter(brand_id__in=care.values("brand_id"))
        .filter(pk__in=care.values("patient_id"))
        .filter(erased_at__isnull=True)
        .select_related("brand", "user")
        .order_by("full_name", "pk")
    )


def access_specialist_patient(specialist: Specialist, patient_id, *, active_only: bool) -> Patient:
    """One of the specialist's patients; 404 (audited) otherwise."""
    patient = (
        specialist_patients(specialist, active_only=active_only).filter(uuid=patient_id).first()
    )
    if patient is None:
        raise Denied(Patient, patient_id)
    return patient
