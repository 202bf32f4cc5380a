"""What matching holds about a person, for data export and account deletion
(see ``hale.core.data_rights``).

Export: a patient's care relationships on every brand (specialist, source, reasons, dates)
and program memberships (eligibility, consent, covered sessions used);
a specialist's listings, listing requests and the care relationships of their practice
(patients' names: the specialist's own practice records). Deletion: active care relationships
end (the rows stay as part of the clinical record and point at the anonymised patient); a
specialist's listings are hidden so they stop appearing anywhere, and their waiting listing
requests are withdrawn.
"""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hale.core import audit
from hale.core.data_rights import register_eraser, register_exporter
from hale.matching.models import CareRelationship, Listing, ListingRequest, ProgramMembership


def _care_row(care: CareRelationship, *, with_patient: bool) -> dict:
    row = {
        "brand": care.brand.name,
        "specialist": care.specialist.display_name,
        "source": care.source,
        "status": care.status,
        "reasons": care.reasons,
        "started_at": care.started_at.isoformat(),
        "ended_at": care.ended_at.isoformat() if care.ended_at else None,
    }
    if with_patient:
        row["patient"] = care.patient.full_name or care.patient.email
    return row


@register_exporter(
    "matching",
    label=_("Finding a specialist"),
    description=_(
        "Your care relationships (who you were matched with, how and why) and, for "
        "specialists, your listings per brand."
    ),
)
def export_matching(user) -> dict:
    cares = CareRelationship.objects.select_related("brand", "specialist", "patient")
    data = {
        "care_relationships": [
            _care_row(c, with_patient=False) for c in cares.filter(patient__user=user)
        ],
        "program_memberships": [
            {
                "program": m.program.name,
                "organisation": m.program.organization.name,
                "brand": m.program.brand.name,
                "eligible_via": m.eligible_via,
                "joined_at": m.joined_at.isoformat(),
                "consented_at": m.consented_at.isoformat() if m.consented_at else None,
                "consent_version": m.consent_version,
                "consent_ip": m.consent_ip,
                "covered_sessions_used": m.used,
            }
            for m in ProgramMembership.objects.filter(patient__user=user)
            .select_related("program__organization", "program__brand")
            .annotate(used=Count("session_uses"))
        ],
    }
    if hasattr(user, "specialist"):
        data["listings"] = [
            {"brand": name, "visibility": visibility, "price_minor": price}
            for name, visibility, price in Listing.objects.filter(
                specialist__user=user
            ).values_list("brand__name", "visibility", "price_minor")
        ]
        data["listing_requests"] = [
            {
                "brand": name,
                "status": status,
                "message": message,
                "decline_reason": reason,
                "created_at": created.isoformat(),
                "decided_at": decided.isoformat() if decided else None,
            }
            for name, status, message, reason, created, decided in ListingRequest.objects.filter(
                specialist__user=user
            )
            .order_by("created_at", "pk")
            .values_list(
                "brand__name", "status", "message", "decline_reason", "created_at", "decided_at"
            )
        ]
        data["practice_care_relationships"] = [
            _care_row(c, with_patient=True) for c in cares.filter(specialist__user=user)
        ]
    return data


@register_eraser("matching")
def erase_matching(user, *, acting_user) -> None:
    now = timezone.now()
    ended = CareRelationship.objects.filter(status=CareRelationship.Status.ACTIVE).filter(
        Q(patient__user=user) | Q(specialist__user=user)
    )
    count = ended.update(status=CareRelationship.Status.ENDED, ended_at=now)
    hidden = Listing.objects.filter(specialist__user=user).update(
        visibility=Listing.Visibility.HIDDEN
    )
    withdrawn = ListingRequest.objects.filter(
        specialist__user=user, status=ListingRequest.Status.PENDING
    ).update(status=ListingRequest.Status.WITHDRAWN, decided_at=now)
    # The consent stays recorded (version and time) but the IP address goes with the person.
    ProgramMembership.objects.filter(patient__user=user).update(consent_ip=None)
    # A deleted specialist neither supervises nor is supervised any more.
    from hale.matching.models import Supervision

    supervisions, _detail = Supervision.objects.filter(
        Q(lead__user=user) | Q(supervisee__user=user)
    ).delete()
    if count or hidden or supervisions or withdrawn:
        audit.record(
            acting_user,
            "matching.erased",
            None,
            ended=count,
            hidden=hidden,
            supervisions=supervisions,
            listing_requests_withdrawn=withdrawn,
        )
