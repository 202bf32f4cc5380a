"""Demo data of the accounts app (called from ``hale.core.demo.seed``)."""

from django.utils import timezone

from hale.accounts.models import Patient, User
from hale.tenancy.models import Brand

# A patient a newcomer can delete without spoiling the other demo logins. After deletion the
# address is free again, so the next ``make run`` brings a fresh Jo back.
DELETABLE_PATIENT = "jo@northside.example"


def seed_demo_data_rights(brands: dict[str, Brand]) -> None:
    """Idempotent: the deletable demo patient on Northside Clinic (run after the legal
    documents are seeded)."""
    from hale.core.demo import DEMO_PASSWORD

    user = User.objects.filter(email=DELETABLE_PATIENT).first()
    if user is None:
        user = User.objects.create_user(
            email=DELETABLE_PATIENT,
            password=DEMO_PASSWORD,
            full_name="Jo Rivers",
            time_zone="America/New_York",
            language="en",
        )
    Patient.objects.get_or_create(
        brand=brands["northside"],
        user=user,
        defaults={
            "email": user.email,
            "full_name": user.full_name,
            "time_zone": user.time_zone,
            "language": user.language,
        },
    )
    # Set up like the other demo patients: onboarded, and the brand's documents accepted.
    Patient.objects.filter(user=user, onboarded_at__isnull=True).update(
        onboarded_at=timezone.now(), onboarding_step="next"
    )
    from hale.legal.demo import accept_demo_documents

    accept_demo_documents(brands["northside"], User.objects.filter(pk=user.pk))
