"""Scoped reads for specialists and their applications.

Who reviews applications: platform operators (``is_superuser``) and anyone on the staff of any
brand (a ``BrandMembership``, staff or admin role). Specialists are platform-level, not owned by
one brand, so the review queue is platform-wide: every reviewer sees every submitted
application. Nobody reviews their own application. Everyone else gets 404 on the review pages.

Patient-facing code reads specialists through ``Specialist.objects.approved()``.
"""

import uuid

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from hale.specialists.models import Education, ReviewEvent, Specialist, SpecialistQuerySet
from hale.tenancy.models import BrandMembership


def is_reviewer(user) -> bool:
    """May ``user`` review specialist applications? (One query for non-operators.)"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return BrandMembership.objects.filter(user=user).exists()


def specialist_for_user(user) -> Specialist | None:
    """The signed-in user's own specialist profile, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Specialist.objects.filter(user=user).first()


def profile_queryset() -> SpecialistQuerySet:
    """Specialists with everything a profile page shows, fetched in a constant number of
    queries."""
    return Specialist.objects.select_related("user").prefetch_related(
        "specialisations",
        "expertise_areas",
        Prefetch("education", queryset=Education.objects.order_by("position", "-year", "pk")),
    )


def review_queue(user) -> QuerySet[Specialist]:
    """Submitted applications ``user`` may decide on, oldest first; 404 for non-reviewers."""
    if not is_reviewer(user):
        raise Http404
    return (
        Specialist.objects.awaiting_review()
        .exclude(user=user)
        .select_related("user")
        .prefetch_related("specialisations")
    )


def access_application_for_review(user, specialist_id: uuid.UUID) -> Specialist:
    """Any application (in any state) for a reviewer to read; 404 for everyone else, for a
    reviewer's own application, and for ids that do not exist."""
    if not is_reviewer(user):
        raise Http404
    specialist = (
        profile_queryset()
        .prefetch_related(
            Prefetch(
                "review_events",
                queryset=ReviewEvent.objects.select_related("actor").order_by("-at", "-pk"),
            )
        )
        .exclude(user=user)
        .filter(uuid=specialist_id)
        .first()
    )
    if specialist is None:
        raise Http404
    return specialist


def approved_profile(specialist_id: uuid.UUID) -> Specialist:
    """An approved specialist's public profile; 404 for any other state (for patient pages)."""
    specialist = profile_queryset().approved().filter(uuid=specialist_id).first()
    if specialist is None:
        raise Http404
    return specialist
