"""State changes for accounts."""

from django.db import transaction

from hale.accounts.models import Patient, User, validate_time_zone
from hale.core import audit
from hale.tenancy.models import Brand


@transaction.atomic
def ensure_patient_for_brand(*, user: User, brand: Brand | None) -> Patient | None:
    """Make ``user`` a patient of ``brand`` when they sign up on its portal (idempotent).

    When the brand already has a patient record with this email (staff made it), nothing is
    created: that record is linked only by accepting its invitation (which proves the email),
    and a second record for the same person would be a duplicate."""
    if brand is None:
        return None
    existing = Patient.objects.filter(brand=brand, user=user).first()
    if existing is not None:
        return existing
    if Patient.objects.filter(brand=brand, email__iexact=user.email).exists():
        return None
    patient, created = Patient.objects.get_or_create(
        brand=brand,
        user=user,
        defaults={
            "email": user.email,
            "full_name": user.full_name,
            "language": user.language,
            "time_zone": user.time_zone,
        },
    )
    if created:
        audit.record(user, "patient.created", patient, brand=brand)
    return patient


@transaction.atomic
def update_preferences(
    *, user: User, language: str | None = None, time_zone: str | None = None
) -> User:
    """Save the viewer's language and/or time zone."""
    fields = []
    if language is not None and language != user.language:
        user.language = language
        fields.append("language")
    if time_zone is not None and time_zone != user.time_zone:
        validate_time_zone(time_zone)
        user.time_zone = time_zone
        fields.append("time_zone")
    if fields:
        user.save(update_fields=fields)
    return user
