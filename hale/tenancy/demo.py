"""Demo brands (two portals on ``*.localhost``). Idempotent: a brand a newcomer changed keeps
its changes; only what is missing is added."""

from pathlib import Path

from django.core.files.base import ContentFile

from hale.tenancy.models import Brand, BrandDomain, Plan

ASSETS = Path(__file__).parent / "demo_assets"

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
        "plan": Plan.PREMIUM,
        "portal_addon": True,
        "referrals_enabled": True,
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
        "plan": Plan.PROFESSIONAL,
        "portal_addon": True,
        "features": [
            "invitations",
            "payments",
            "messaging",
            "video",
            "collect_date_of_birth",
        ],
    },
]


def _brand(spec: dict) -> Brand:
    fields = {k: v for k, v in spec.items() if k != "slug"}
    brand, _created = Brand.objects.get_or_create(slug=spec["slug"], defaults=fields)
    BrandDomain.objects.get_or_create(
        domain=f"{brand.slug}.localhost", defaults={"brand": brand, "is_primary": True}
    )
    if not brand.logo:
        svg = (ASSETS / f"{brand.slug}.svg").read_bytes()
        brand.logo.save(f"{brand.slug}.svg", ContentFile(svg), save=False)
        brand.save(update_fields=["logo"])
    return brand


def seed_demo_brands() -> dict[str, Brand]:
    """The demo brands by slug."""
    return {str(spec["slug"]): _brand(spec) for spec in BRANDS}
