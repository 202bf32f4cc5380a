"""Programs: the scoped reads. A program of another brand, or one not running, answers 404."""

import uuid

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from hale.matching.models import Organization, Program, ProgramMembership


def staff_programs(brand) -> QuerySet[Program]:
    return (
        Program.objects.filter(brand=brand)
        .select_related("organization")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name", "pk")
    )


def access_staff_organization(brand, org_id: uuid.UUID) -> Organization:
    organization = Organization.objects.filter(brand=brand, uuid=org_id).first()
    if organization is None:
        raise Http404
    return organization


def access_staff_program(brand, program_id: uuid.UUID) -> Program:
    program = Program.objects.filter(brand=brand, uuid=program_id).first()
    if program is None:
        raise Http404
    return program


def access_open_program(brand, program_id: uuid.UUID) -> Program:
    """A program on ``brand`` running today; 404 otherwise (including other brands')."""
    if brand is None:
        raise Http404
    program = (
        Program.objects.select_related("organization").filter(brand=brand, uuid=program_id).first()
    )
    if program is None or not program.is_active_on(timezone.localdate()):
        raise Http404
    return program


def open_programs(brand) -> list[Program]:
    today = timezone.localdate()
    return [
        p
        for p in Program.objects.filter(brand=brand, is_active=True, organization__is_active=True)
        .select_related("organization")
        .order_by("name")
        if p.is_active_on(today)
    ]


def membership_rows(program: Program) -> QuerySet[ProgramMembership]:
    """Members with ``used`` annotated, in one query."""
    return (
        program.memberships.select_related("patient", "patient__user")
        .annotate(used=Count("session_uses"))
        .order_by("joined_at", "pk")
    )


def membership_for(program: Program, patient) -> ProgramMembership | None:
    if patient is None:
        return None
    return ProgramMembership.objects.filter(program=program, patient=patient).first()


def current_membership(patient) -> ProgramMembership | None:
    """The patient's consented membership on a running program, the most recent first."""
    if patient is None:
        return None
    today = timezone.localdate()
    rows = (
        ProgramMembership.objects.filter(patient=patient, consented_at__isnull=False)
        .select_related("program__organization")
        .annotate(used=Count("session_uses"))
        .order_by("-joined_at", "-pk")
    )
    for membership in rows:
        if membership.program.is_active_on(today) and membership.has_consented:
            return membership
    return None


def sessions_left(membership: ProgramMembership) -> int:
    used = getattr(membership, "used", None)
    if used is None:
        used = membership.session_uses.count()
    return max(membership.program.covered_sessions - used, 0)
