"""Demo data for a newcomer's first `make run`: two brands, the three kinds of people, content.

Idempotent: running it again keeps existing rows (looked up by natural keys) and only adds
what is missing, so a newcomer's own changes survive a restart.
"""

from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from hale.accounts.models import Patient, User
from hale.specialists.models import Specialist
from hale.tenancy.models import Brand, BrandDomain, BrandMembership

DEMO_PASSWORD = "hale-demo-2026"  # noqa: S105 (printed demo login)
ASSETS = Path(__file__).parent / "demo_assets"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    host: str


BRANDS = [
    {
        "slug": "calm",
        "name": "Calm Minds",
        "tagline": "Online therapy with specialists matched to you.",
        "colour_primary": "#2f6f73",
        "colour_accent": "#e0a458",
        "colour_background": "#f3f8f7",
        "colour_text": "#18302f",
        "default_language": "en",
        "default_time_zone": "Europe/London",
        "discovery_mode": Brand.Discovery.SMART,
        "pricing_mode": Brand.Pricing.BRAND,
        "support_email": "care@calm.example",
        "features": ["video", "smart_matching", "payments", "messaging"],
    },
    {
        "slug": "northside",
        "name": "Northside Clinic",
        "tagline": "Your neighbourhood clinic, now online.",
        "colour_primary": "#7a2e3a",
        "colour_accent": "#2b4c7e",
        "colour_background": "#fbf7f5",
        "colour_text": "#2a1d20",
        "default_language": "en",
        "default_time_zone": "America/New_York",
        "discovery_mode": Brand.Discovery.BROWSE,
        "pricing_mode": Brand.Pricing.SPECIALIST,
        "support_email": "frontdesk@northside.example",
        "features": ["invitations", "shop", "payments", "messaging", "collect_date_of_birth"],
    },
]

LOGINS = [
    DemoLogin("Platform operator (Django admin)", "admin@hale.example", "localhost"),
    DemoLogin(
        "Specialist (approved; clinical lead of Dr Okafor)", "dr.rivera@hale.example", "localhost"
    ),
    DemoLogin("Specialist (approved)", "dr.okafor@hale.example", "localhost"),
    DemoLogin("Specialist applicant (waiting for review)", "dr.new@hale.example", "localhost"),
    DemoLogin("Staff of Calm Minds", "staff@calm.example", "localhost"),
    DemoLogin("Staff of Northside Clinic", "staff@northside.example", "localhost"),
    DemoLogin("Patient of Calm Minds (email code or link)", "alex@calm.example", "calm.localhost"),
    DemoLogin("Patient of Calm Minds (new: not set up yet)", "sam@calm.example", "calm.localhost"),
    DemoLogin("Patient of Northside Clinic", "priya@northside.example", "northside.localhost"),
    DemoLogin(
        "Patient of Northside Clinic (try deleting this one)",
        "jo@northside.example",
        "northside.localhost",
    ),
]


def _user(email: str, full_name: str, **extra) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, full_name=full_name, **extra
        )
    return user


def _brand(spec: dict) -> Brand:
    fields = {k: v for k, v in spec.items() if k != "slug"}
    brand, created = Brand.objects.get_or_create(slug=spec["slug"], defaults=fields)
    BrandDomain.objects.get_or_create(
        domain=f"{brand.slug}.localhost", defaults={"brand": brand, "is_primary": True}
    )
    if not brand.logo:
        svg = (ASSETS / f"{brand.slug}.svg").read_bytes()
        brand.logo.save(f"{brand.slug}.svg", ContentFile(svg), save=False)
        brand.save(update_fields=["logo"])
    return brand


@transaction.atomic
def seed() -> list[DemoLogin]:
    from hale.authn.demo import seed_demo_signin
    from hale.helpcenter.demo import seed_demo_articles
    from hale.specialists.demo import seed_demo_specialists

    brands = {spec["slug"]: _brand(spec) for spec in BRANDS}
    seed_demo_signin(brands)

    admin = User.objects.filter(email="admin@hale.example").first()
    if admin is None:
        User.objects.create_superuser(
            email="admin@hale.example", password=DEMO_PASSWORD, full_name="Hale Operator"
        )

    for email, name, zone, credentials in [
        ("dr.rivera@hale.example", "Lucía Rivera", "Europe/Madrid", "PsyD, Clinical Psychologist"),
        ("dr.okafor@hale.example", "Daniel Okafor", "America/New_York", "LCSW, Therapist"),
    ]:
        user = _user(email, name, time_zone=zone)
        Specialist.objects.get_or_create(
            user=user,
            defaults={
                "display_name": f"Dr {name}",
                "credentials": credentials,
                "status": Specialist.Status.APPROVED,
            },
        )

    seed_demo_specialists()

    for slug, email, name in [
        ("calm", "staff@calm.example", "Morgan Lee"),
        ("northside", "staff@northside.example", "Jordan Patel"),
    ]:
        user = _user(email, name)
        BrandMembership.objects.get_or_create(
            brand=brands[slug], user=user, defaults={"role": BrandMembership.Role.ADMIN}
        )
        seed_demo_articles(brands[slug], user)

    for slug, email, name, zone, language in [
        ("calm", "alex@calm.example", "Alex Morgan", "Europe/London", "en"),
        ("northside", "priya@northside.example", "Priya Shah", "America/New_York", "en"),
    ]:
        user = _user(email, name, time_zone=zone, language=language)
        Patient.objects.get_or_create(
            brand=brands[slug],
            user=user,
            defaults={"email": email, "full_name": name, "time_zone": zone, "language": language},
        )
        # Already through the guided onboarding (sam@calm.example below is not).
        Patient.objects.filter(user=user, onboarded_at__isnull=True).update(
            onboarded_at=timezone.now(), onboarding_step="next"
        )

    # A patient who signed up but has not been through onboarding: sign in to walk it.
    sam = _user("sam@calm.example", "")
    Patient.objects.get_or_create(brand=brands["calm"], user=sam, defaults={"email": sam.email})

    from hale.legal.demo import accept_demo_documents, seed_demo_legal

    for slug, staff_email, patient_emails in [
        ("calm", "staff@calm.example", ["alex@calm.example", "sam@calm.example"]),
        ("northside", "staff@northside.example", ["priya@northside.example"]),
    ]:
        seed_demo_legal(brands[slug], User.objects.get(email=staff_email))
        accept_demo_documents(brands[slug], User.objects.filter(email__in=patient_emails))

    from hale.matching.demo import refresh_demo_matching, seed_demo_matching

    seed_demo_matching(brands)

    from hale.matching.demo_programs import seed_demo_programs

    seed_demo_programs(brands)

    from hale.scheduling.demo import seed_demo_schedule

    seed_demo_schedule()
    refresh_demo_matching()

    from hale.matching.demo_leads import seed_demo_leads

    seed_demo_leads(brands)

    from hale.accounts.demo import seed_demo_data_rights

    seed_demo_data_rights(brands)

    from hale.accounts.demo_security import seed_demo_account_security

    seed_demo_account_security([login.email for login in LOGINS])
    return LOGINS
