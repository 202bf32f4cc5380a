"""Every change to listings, listing requests, brand matching settings, match profiles and care
relationships."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hale.core import audit
from hale.core.tasks import enqueue_on_commit
from hale.matching.licences import brand_region, holds_licence
from hale.matching.models import (
    BrandMatching,
    CareRelationship,
    Listing,
    ListingRequest,
    MatchProfile,
)
from hale.matching.tasks import notify_listing_decided, notify_listing_requested
from hale.scheduling.errors import SchedulingError
from hale.specialists.models import Specialist


class MatchingError(SchedulingError):
    """A matching request we refuse, with a message the user can read. A SchedulingError so
    the booking pages show it like any other refusal."""


# --- Listings ---------------------------------------------------------------------------------


@transaction.atomic
def list_specialist(*, brand, specialist: Specialist, acting_user, price_minor=None) -> Listing:
    """List an approved specialist on ``brand`` (visible at once)."""
    if not specialist.is_approved:
        raise MatchingError(_("Only approved specialists can be listed."))
    try:
        with transaction.atomic():
            listing = Listing.objects.create(
                brand=brand, specialist=specialist, price_minor=price_minor
            )
    except IntegrityError:
        raise MatchingError(_("This specialist is already listed on this brand.")) from None
    audit.record(acting_user, "matching.listing_added", listing, brand=brand)
    transaction.on_commit(lambda: refresh_match_profiles(specialist_ids=[specialist.pk]))
    return listing


@transaction.atomic
def set_listing_visibility(*, listing: Listing, visibility: str, acting_user) -> Listing:
    if visibility not in Listing.Visibility.values:
        raise MatchingError(_("Choose listed or hidden."))
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    listing.visibility = visibility
    listing.save(update_fields=["visibility"])
    audit.record(
        acting_user, "matching.listing_visibility", listing, brand=listing.brand, value=visibility
    )
    return listing


@transaction.atomic
def set_listing_price(*, listing: Listing, price_minor: int | None, acting_user) -> Listing:
    if price_minor is not None and not 0 <= price_minor <= 10_000_000:
        raise MatchingError(_("Enter a price between 0 and 100,000."))
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    listing.price_minor = price_minor
    listing.save(update_fields=["price_minor"])
    audit.record(acting_user, "matching.listing_price", listing, brand=listing.brand)
    return listing


# --- Listing requests -------------------------------------------------------------------------

DECLINE_REASON_MAX_LENGTH = 1000


class ListingRequestDecided(MatchingError):
    """The request stopped waiting (decided or withdrawn) since the page was shown."""

    def __init__(self, listing_request: ListingRequest) -> None:
        super().__init__(
            _("This request was just decided: it is %(status)s now.")
            % {"status": listing_request.get_status_display().lower()}
        )


def _locked_pending(listing_request: ListingRequest) -> ListingRequest:
    """The request re-read under a row lock; refused unless it still waits."""
    locked = ListingRequest.objects.select_for_update().get(pk=listing_request.pk)
    if not locked.is_pending:
        raise ListingRequestDecided(locked)
    return locked


@transaction.atomic
def request_listing(
    *, specialist: Specialist, brand, message: str = "", acting_user
) -> ListingRequest:
    """Ask ``brand`` to list ``specialist``. Refused for a specialist who is not approved, a
    brand that is not active, a brand already listing them, a brand they already asked
    (one waiting request per brand, held by the database) and a message over 1,000
    characters. The brand's staff are told after commit."""
    message = (message or "").replace("\r\n", "\n").strip()
    if not specialist.is_approved:
        raise MatchingError(_("Only approved specialists can ask to be listed."))
    if not brand.is_active:
        raise MatchingError(_("This brand does not take listing requests."))
    if len(message) > ListingRequest.MESSAGE_MAX_LENGTH:
        raise MatchingError(
            _("Keep the message under %(max)d characters.")
            % {"max": ListingRequest.MESSAGE_MAX_LENGTH}
        )
    if Listing.objects.filter(brand=brand, specialist=specialist).exists():
        raise MatchingError(_("You are already listed on %(brand)s.") % {"brand": brand.name})
    try:
        with transaction.atomic():
            listing_request = ListingRequest.objects.create(
                specialist=specialist, brand=brand, message=message
            )
    except IntegrityError:
        raise MatchingError(
            _("You already asked %(brand)s; wait for its answer or withdraw that request.")
            % {"brand": brand.name}
        ) from None
    audit.record(acting_user, "matching.listing_requested", listing_request, brand=brand)
    enqueue_on_commit(notify_listing_requested, listing_request.pk)
    return listing_request


@transaction.atomic
def withdraw_listing_request(*, listing_request: ListingRequest, acting_user) -> ListingRequest:
    """The specialist takes back a request that still waits."""
    listing_request = _locked_pending(listing_request)
    listing_request.status = ListingRequest.Status.WITHDRAWN
    listing_request.decided_by = acting_user
    listing_request.decided_at = timezone.now()
    listing_request.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        acting_user,
        "matching.listing_request_withdrawn",
        listing_request,
        brand=listing_request.brand,
    )
    return listing_request


@transaction.atomic
def approve_listing_request(*, listing_request: ListingRequest, acting_user) -> Listing:
    """Brand staff approve a waiting request: the specialist is listed (``list_specialist``,
    visible at once) and the request marked approved, together. The request row is locked,
    so of two staff approving at once one lists and the other is told it was just decided.
    A listing staff added meanwhile by hand is kept as it is."""
    listing_request = _locked_pending(listing_request)
    specialist = Specialist.objects.get(pk=listing_request.specialist_id)
    brand = listing_request.brand
    listing = Listing.objects.filter(brand=brand, specialist=specialist).first()
    if listing is None:
        listing = list_specialist(brand=brand, specialist=specialist, acting_user=acting_user)
    listing_request.status = ListingRequest.Status.APPROVED
    listing_request.decided_by = acting_user
    listing_request.decided_at = timezone.now()
    listing_request.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(acting_user, "matching.listing_request_approved", listing_request, brand=brand)
    enqueue_on_commit(notify_listing_decided, listing_request.pk)
    return listing


@transaction.atomic
def decline_listing_request(
    *, listing_request: ListingRequest, reason: str, acting_user
) -> ListingRequest:
    """Brand staff decline a waiting request, with the reason the specialist reads."""
    reason = (reason or "").replace("\r\n", "\n").strip()
    if not reason:
        raise MatchingError(_("Give the specialist a reason."))
    if len(reason) > DECLINE_REASON_MAX_LENGTH:
        raise MatchingError(
            _("Keep the reason under %(max)d characters.") % {"max": DECLINE_REASON_MAX_LENGTH}
        )
    listing_request = _locked_pending(listing_request)
    listing_request.status = ListingRequest.Status.DECLINED
    listing_request.decided_by = acting_user
    listing_request.decided_at = timezone.now()
    listing_request.decline_reason = reason
    listing_request.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    audit.record(
        acting_user,
        "matching.listing_request_declined",
        listing_request,
        brand=listing_request.brand,
    )
    enqueue_on_commit(notify_listing_decided, listing_request.pk)
    return listing_request


@transaction.atomic
def save_brand_matching(
    *, brand, acting_user, fixed_price_minor: int | None, fixed_currency: str, switching_rule: str
) -> BrandMatching:
    if switching_rule not in BrandMatching.Switching.values:
        raise MatchingError(_("Choose a switching rule from the list."))
    settings_row, _created = BrandMatching.objects.select_for_update().get_or_create(brand=brand)
    settings_row.fixed_price_minor = fixed_price_minor
    settings_row.fixed_currency = fixed_currency
    settings_row.switching_rule = switching_rule
    settings_row.save()
    audit.record(acting_user, "matching.brand_settings", settings_row, brand=brand)
    return settings_row


# --- Match profiles ---------------------------------------------------------------------------

DAY_PARTS = ((0, 6, 1), (6, 12, 2), (12, 18, 4), (18, 24, 8))


def _parts_mask(rules, zone_name: str) -> int:
    """Which UTC day parts the weekly hours touch (a typical week, standard offset)."""
    import zoneinfo

    try:
        zone = zoneinfo.ZoneInfo(zone_name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    monday = dt.date(2026, 1, 5)
    mask = 0
    for weekday, start, end in rules:
        day = monday + dt.timedelta(days=weekday)
        a = dt.datetime.combine(day, start, tzinfo=zone).astimezone(dt.UTC)
        b = dt.datetime.combine(day, end, tzinfo=zone).astimezone(dt.UTC)
        hour = a
        while hour < b:
            for lo, hi, bit in DAY_PARTS:
                if lo <= hour.hour < hi:
                    mask |= bit
            hour += dt.timedelta(hours=1)
    return mask


def refresh_match_profiles(*, specialist_ids=None, now=None) -> int:
    """Recompute the match profiles of ``specialist_ids`` (all approved when None) in a
    constant number of queries; idempotent. Run by the demo, after listing changes, and
    from cron (``manage.py refresh_match_profiles``)."""
    from hale.scheduling.models import Appointment, WeeklyRule
    from hale.scheduling.slots import next_available

    now = now or timezone.now()
    qs = Specialist.objects.approved()
    if specialist_ids is not None:
        qs = qs.filter(pk__in=specialist_ids)
    rows = list(
        qs.annotate(
            load=Count(
                "care_relationships",
                filter=Q(care_relationships__status=CareRelationship.Status.ACTIVE),
                distinct=True,
            )
        ).values_list("pk", "languages", "accepting_new_patients", "time_zone", "load")
    )
    ids = [r[0] for r in rows]
    specs: dict[int, set[str]] = {pk: set() for pk in ids}
    areas: dict[int, set[str]] = {pk: set() for pk in ids}
    for pk, slug in Specialist.specialisations.through.objects.filter(
        specialist_id__in=qs.values("pk")
    ).values_list("specialist_id", "specialisation__slug"):
        specs[pk].add(slug)
    for pk, slug in Specialist.expertise_areas.through.objects.filter(
        specialist_id__in=qs.values("pk")
    ).values_list("specialist_id", "expertisearea__slug"):
        areas[pk].add(slug)
    rules: dict[int, list] = {pk: [] for pk in ids}
    for pk, weekday, start, end in WeeklyRule.objects.filter(
        specialist_id__in=qs.values("pk")
    ).values_list("specialist_id", "weekday", "start_time", "end_time"):
        rules[pk].append((weekday, start, end))
    upcoming = dict(
        Appointment.objects.blocking(now)
        .filter(specialist_id__in=qs.values("pk"), end__gt=now)
        .values("specialist_id")
        .annotate(n=Count("patient_id", distinct=True))
        .values_list("specialist_id", "n")
    )
    nexts = next_available(qs, now=now, within=dt.timedelta(days=14))

    def key(values) -> str:
        return "|" + "|".join(sorted(values)) + ("|" if values else "")

    profiles = [
        MatchProfile(
            specialist_id=pk,
            languages_key=key(set(languages or [])),
            specialisations_key=key(specs[pk]),
            expertise_key=key(areas[pk]),
            accepting_new_patients=accepting,
            next_available_at=found[0].start if (found := nexts.get(pk)) else None,
            utc_parts_mask=_parts_mask(rules[pk], zone),
            active_patients=max(load, upcoming.get(pk, 0)),
            refreshed_at=now,
        )
        for pk, languages, accepting, zone, load in rows
    ]
    # An upsert, so a refresh from a page and one from cron can overlap safely.
    MatchProfile.objects.bulk_create(
        profiles,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["specialist"],
        update_fields=[
            "languages_key",
            "specialisations_key",
            "expertise_key",
            "accepting_new_patients",
            "next_available_at",
            "utc_parts_mask",
            "active_patients",
            "refreshed_at",
        ],
    )
    return len(profiles)


# --- Care relationships -----------------------------------------------------------------------


def _switch_allowed(current: CareRelationship, *, now) -> None:
    from hale.scheduling.models import Appointment

    rule = (
        BrandMatching.objects.filter(brand_id=current.brand_id)
        .values_list("switching_rule", flat=True)
        .first()
    )
    if rule != BrandMatching.Switching.NO_UPCOMING:
        return
    if (
        Appointment.objects.blocking(now)
        .filter(patient_id=current.patient_id, specialist_id=current.specialist_id, end__gt=now)
        .exists()
    ):
        raise MatchingError(
            _(
                "You have upcoming sessions with %(name)s. On this service you can change "
                "specialist once they are over or cancelled."
            )
            % {"name": current.specialist.display_name}
        )


@transaction.atomic
def start_care(
    *, patient, specialist: Specialist, source: str, acting_user, reasons=(), now=None
) -> CareRelationship:
    """Put ``patient`` in ``specialist``'s care on the patient's brand. Keeps an existing
    active relationship with the same specialist; otherwise ends the current one, if the
    brand's switching rule allows (MatchingError with the reason when it does not)."""
    from hale.scheduling.access import bookable_specialists

    now = now or timezone.now()
    if source not in CareRelationship.Source.values:
        raise MatchingError(_("Unknown allocation source."))
    if not bookable_specialists(patient.brand).filter(pk=specialist.pk).exists():
        raise MatchingError(_("This specialist is not offered on this service."))
    if not holds_licence(specialist, brand_region(patient.brand)):
        raise MatchingError(_("This specialist is not licensed for your region."))
    current = (
        CareRelationship.objects.select_for_update()
        .select_related("specialist")
        .filter(patient=patient, status=CareRelationship.Status.ACTIVE)
        .first()
    )
    if current is not None and current.specialist_id == specialist.pk:
        return current
    if current is not None:
        _switch_allowed(current, now=now)
        current.status = CareRelationship.Status.ENDED
        current.ended_at = now
        current.save(update_fields=["status", "ended_at"])
        audit.record(acting_user, "matching.care_ended", current, brand=patient.brand)
    care = CareRelationship.objects.create(
        patient=patient,
        specialist=specialist,
        brand=patient.brand,
        source=source,
        reasons=list(reasons),
        started_at=now,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    audit.record(acting_user, "matching.care_started", care, brand=patient.brand, source=source)
    return care


def note_booking(*, patient, specialist: Specialist, acting_user) -> CareRelationship:
    """Called by ``book_appointment`` inside its transaction: a first booking with a
    specialist starts the care relationship (source *browse*), or is refused by the
    switching rule."""
    return start_care(
        patient=patient,
        specialist=specialist,
        source=CareRelationship.Source.BROWSE,
        acting_user=acting_user,
    )
