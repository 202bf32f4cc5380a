"""State changes a person makes on My Account."""

from django.db import transaction

from hale.accounts.models import Patient, User
from hale.core import audit
from hale.tenancy.models import Brand


@transaction.atomic
def update_profile(
    *, user: User, full_name: str, brand: Brand | None = None, phone: str | None = None
) -> User:
    """Save the person's own name, and on a brand their patient record's name and phone
    (only their own record on that brand; staff-made records they have not accepted are
    untouched)."""
    changed = []
    if full_name != user.full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name"])
        changed.append("full_name")
    if brand is not None:
        patient = Patient.objects.select_for_update().filter(brand=brand, user=user).first()
        if patient is not None:
            fields = []
            if full_name and patient.full_name != full_name:
                patient.full_name = full_name
                fields.append("full_name")
            if phone is not None and patient.phone != phone:
                patient.phone = phone
                fields.append("phone")
            if fields:
                patient.save(update_fields=fields)
                changed += [f"patient.{f}" for f in fields]
    if changed:
        audit.record(user, "account.profile_updated", user, brand=brand, fields=changed)
    return user
