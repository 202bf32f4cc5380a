"""Demo people of the accounts app: the platform operator, brand staff and patients (called
from ``hale.demo.seed``). Idempotent: existing people are looked up by email and kept."""

from allauth.account.models import EmailAddress
from django.utils import timezone

from hale.accounts.models import Patient, User
from hale.core.demo import DEMO_PASSWORD
from hale.tenancy.models import Brand, BrandMembership

STAFF = [
    ("calm", "staff@calm.example", "Morgan Lee"),
    ("northside", "staff@northside.example", "Jordan Patel"),
]
# Patients who are through onboarding (sam@calm.example below is not).
PATIENTS = [
    ("calm", "alex@calm.example", "Alex Morgan", "Europe/London", "en"),
    ("northside", "priya@northside.example", "Priya Shah", "America/New_York", "en"),
]
NEW_PATIENT = ("calm", "sam@calm.example")

# A patient a newcomer can delete without spoiling the other demo logins. After deletion the
# address is free again, so the next ``make run`` brings a fresh Jo back.
DELETABLE_PATIENT = "jo@northside.example"


def seed_demo_data_rights(brands: dict[str, Brand]) -> None:
    """Idempotent: the deletable demo patient on Northside Clinic (run after the legal
    documents are seeded)."""
    user = demo_user(DELETABLE_PATIENT, "Jo Rivers", time_zone="America/New_York", language="en")
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


def demo_user(email: str, full_name: str, **extra) -> User:
    """The demo user ``email``, created with the demo password when missing."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, full_name=full_name, **extra
        )
    return user


def seed_demo_people(brands: dict[str, Brand]) -> dict[str, User]:
    """The operator, each brand's staff admin and the demo patients; returns the staff user
    of each brand by slug."""
    if not User.objects.filter(email="admin@hale.example").exists():
        User.objects.create_superuser(
            email="admin@hale.example", password=DEMO_PASSWORD, full_name="Hale Operator"
        )
    staff = {}
    for slug, email, name in STAFF:
        staff[slug] = user = demo_user(email, name)
        BrandMembership.objects.get_or_create(
            brand=brands[slug], user=user, defaults={"role": BrandMembership.Role.ADMIN}
        )
    for slug, email, name, zone, language in PATIENTS:
        user = demo_user(email, name, time_zone=zone, language=language)
        Patient.objects.get_or_create(
            brand=brands[slug],
            user=user,
            defaults={"email": email, "full_name": name, "time_zone": zone, "language": language},
        )
        Patient.objects.filter(user=user, onboarded_at__isnull=True).update(
            onboarded_at=timezone.now(), onboarding_step="next"
        )
    # A patient who signed up but has not been through onboarding: sign in to walk it.
    slug, email = NEW_PATIENT
    sam = demo_user(email, "")
    Patient.objects.get_or_create(brand=brands[slug], user=sam, defaults={"email": sam.email})
    return staff


def seed_demo_account_security(emails: list[str]) -> None:
    """Every demo login's email address is verified, so two-factor authentication can be
    switched on straight away (allauth refuses it while an address is unverified). No brand
    requires two-factor in the demo (README: "My Account and security" says how)."""
    users = User.objects.filter(email__in=emails)
    existing = set(
        EmailAddress.objects.filter(user__in=users, email__in=emails).values_list(
            "user_id", flat=True
        )
    )
    EmailAddress.objects.filter(user__in=users, email__in=emails, verified=False).update(
        verified=True
    )
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=user, email=user.email, verified=True, primary=True)
            for user in users
            if user.pk not in existing
        ]
    )
