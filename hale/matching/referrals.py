"""The referral program, on brands that turn it on (``Brand.referrals_enabled``).

A specialist listed on such a brand has a referral link there: ``/r/<specialist uuid>/`` on
the brand's host. Opening it remembers the specialist in the visitor's session (sessions are
bound to the brand's host) and sends them to sign up; a person who then signs up on that
brand is allocated to the specialist with source "referral" (a care relationship, as any
other allocation, so booking, messaging and matching treat it alike). The specialist sees
their referrals and what became of them at ``/practice/referrals/`` and is told of each new
one. Someone who already has an account, or is already in someone's care, is not
re-allocated by a link.
"""

import uuid

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hale.accounts.models import Patient
from hale.core import audit
from hale.matching.models import CareRelationship, Listing
from hale.notifications.actions import notify
from hale.notifications.email import recipient_locale
from hale.notifications.kinds import PLATFORM
from hale.scheduling.models import Appointment
from hale.specialists.models import Specialist
from hale.tenancy.models import Brand

SESSION_KEY = "hale_referral"


def remember(session, *, brand: Brand, specialist: Specialist) -> None:
    session[SESSION_KEY] = {"brand": brand.pk, "specialist": str(specialist.uuid)}


def referrer_in(session, brand: Brand | None) -> Specialist | None:
    """The specialist whose link brought this visitor to ``brand``, if still listed there."""
    data = session.get(SESSION_KEY) if session is not None else None
    if not data or brand is None or data.get("brand") != brand.pk or not brand.referrals_enabled:
        return None
    try:
        specialist_id = uuid.UUID(str(data.get("specialist")))
    except ValueError:
        return None
    return referable_specialists(brand).filter(uuid=specialist_id).first()


def referable_specialists(brand: Brand) -> QuerySet[Specialist]:
    """Approved specialists listed (and shown) on ``brand``."""
    return Specialist.objects.approved().filter(
        listings__brand=brand, listings__visibility=Listing.Visibility.LISTED
    )


def allocate_referral(*, patient: Patient, specialist: Specialist) -> CareRelationship | None:
    """Put a newly signed-up ``patient`` in ``specialist``'s care with source "referral"; None
    when the patient is already in someone's care (the link never moves anyone)."""
    try:
        with transaction.atomic():
            if CareRelationship.objects.filter(
                patient=patient, status=CareRelationship.Status.ACTIVE
            ).exists():
                return None
            care = CareRelationship.objects.create(
                patient=patient,
                specialist=specialist,
                brand=patient.brand,
                source=CareRelationship.Source.REFERRAL,
                started_at=timezone.now(),
            )
    except IntegrityError:  # a concurrent allocation won (one active care per patient)
        return None
    audit.record(patient.user, "matching.referral_signed_up", care, brand=patient.brand)
    _notify(care)
    return care


def _notify(care: CareRelationship) -> None:
    user = care.specialist.user
    name = care.patient.full_name or care.patient.email
    with recipient_locale(user, None):
        title = _("New referral: %(name)s") % {"name": name}
        body = _("%(name)s signed up on %(brand)s through your referral link.") % {
            "name": name,
            "brand": care.brand.name,
        }
    notify(
        user=user,
        kind="specialist.referral",
        title=title,
        body=body,
        url=reverse("practice_referrals", urlconf="hale.urls_platform"),
        portal=PLATFORM,
    )


def on_signed_up(sender, request, user, **kwargs) -> None:
    """allauth's ``user_signed_up``: allocate the new patient to the referring specialist."""
    brand = getattr(request, "brand", None)
    session = getattr(request, "session", None)
    specialist = referrer_in(session, brand)
    if specialist is None or session is None:
        return
    session.pop(SESSION_KEY, None)
    patient = Patient.objects.filter(brand=brand, user=user).first()
    if patient is not None:
        allocate_referral(patient=patient, specialist=specialist)


def referral_brands(specialist: Specialist) -> QuerySet[Brand]:
    """Brands with the program on that list the specialist (each gives one link)."""
    return (
        Brand.objects.filter(
            referrals_enabled=True,
            is_active=True,
            listings__specialist=specialist,
            listings__visibility=Listing.Visibility.LISTED,
        )
        .prefetch_related("domains")
        .order_by("name")
    )


def referrals_of(specialist: Specialist) -> QuerySet[CareRelationship]:
    """The specialist's referred patients, newest first, with whether they booked yet."""
    booked = Appointment.objects.filter(
        specialist=OuterRef("specialist"),
        patient=OuterRef("patient"),
        status__in=(
            Appointment.Status.CONFIRMED,
            Appointment.Status.COMPLETED,
            Appointment.Status.PENDING_PAYMENT,
        ),
    )
    return (
        CareRelationship.objects.filter(
            specialist=specialist, source=CareRelationship.Source.REFERRAL
        )
        .select_related("patient", "brand")
        .annotate(booked=Exists(booked))
        .order_by("-started_at", "-pk")
    )


def referral_counts(specialist: Specialist) -> dict:
    return CareRelationship.objects.filter(
        specialist=specialist, source=CareRelationship.Source.REFERRAL
    ).aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(status=CareRelationship.Status.ACTIVE)),
    )
