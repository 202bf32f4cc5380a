"""Demo Terms of Service and Privacy Policy for each demo brand, and the demo patients'
acceptances, so nobody meets the consent page on their first sign-in.

Idempotent: a kind that already has any version on the brand is left as it is (staff may have
published newer ones), and acceptances already recorded stay. The texts are content, not
interface strings, so they are not marked for translation. To try re-consent, publish a new
version in the back office (/staff/brands/<brand>/legal/) and sign in as a demo patient.
"""

from hale.legal import access, actions
from hale.legal.models import LegalAcceptance, LegalDocument
from hale.tenancy.models import Brand

DEMO_IP = "127.0.0.1"
DEMO_USER_AGENT = "Hale demo data"


def _terms(brand: Brand) -> tuple[str, str]:
    name = brand.name
    email = brand.support_email or "our support team"
    if brand.slug == "calm":
        service = (
            "online talking therapy with independent, licensed therapists matched to you. "
            "Sessions happen by video in your browser"
        )
        emergencies = (
            "Calm Minds is not an emergency service. If you are in crisis or thinking about "
            "harming yourself, call your local emergency number or a crisis line now."
        )
    else:
        service = (
            "appointments with the clinic's doctors, nurses and therapists, by video or at "
            "the clinic, and a shop for prescribed products"
        )
        emergencies = (
            "Northside Clinic's online service is not for emergencies. In an emergency, call "
            "your local emergency number or go to the nearest emergency department."
        )
    return (
        f"{name} Terms of Service",
        f"""\
These terms apply when you use the {name} patient portal. Please read them: by creating an
account you agree to them.

## What {name} offers

{name} gives you {service}. Your specialist is responsible for the care they give you.

## Your account

- You must be at least 18, or have a parent or guardian's permission.
- Keep your sign-in details to yourself. Tell us at once if you think someone else used them.
- Give us true details, and keep them up to date.

## Appointments and payments

- Prices are shown before you book. You pay when you book, unless your plan says otherwise.
- You can cancel or move a session up to **24 hours** before it starts at no charge. Later
  cancellations and missed sessions may be charged in full.

## Emergencies

{emergencies}

## Changes to these terms

We may update these terms. When we do, we will ask you to accept the new version before you
carry on using the portal, and earlier versions stay available to read.

## Contact

Questions about these terms? Write to {email}.
""",
    )


def _privacy(brand: Brand) -> tuple[str, str]:
    name = brand.name
    email = brand.support_email or "our support team"
    return (
        f"{name} Privacy Policy",
        f"""\
This policy explains what personal information {name} keeps, why, and your rights.

## What we collect

- **Account details**: your name, email address, phone number, language and time zone.
- **Care records**: appointments, messages with your specialist, consent forms and documents.
- **Payments**: amounts and dates. Card details are handled by our payment provider, never
  stored by us.
- **Technical records**: when you sign in and when you accept our terms, with your IP address.

## Why we use it

To provide your care, to run bookings and payments, to keep the service secure, and to meet
our legal duties. We never sell your information.

## Who can see it

Only the specialists caring for you see your clinical information. {name} staff see what they
need to help you with bookings and billing. Every opening of health information is logged.

## How long we keep it

Clinical and financial records are kept as long as the law requires; everything else is
deleted when you delete your account.

## Your rights

You can download a copy of your data, correct it, or delete your account from your account
settings. For anything else, write to {email}.
""",
    )


def seed_demo_legal(brand: Brand, author) -> list[LegalDocument]:
    """Publish version 1 of the Terms and the Privacy Policy where the brand has none yet."""
    existing = set(LegalDocument.objects.filter(brand=brand).values_list("kind", flat=True))
    published = []
    for kind, text in [
        (LegalDocument.Kind.TERMS, _terms),
        (LegalDocument.Kind.PRIVACY, _privacy),
    ]:
        if kind in existing:
            continue
        title, body = text(brand)
        draft = actions.create_draft(
            acting_user=author, brand=brand, kind=kind, title=title, body_markdown=body
        )
        published.append(actions.publish_document(acting_user=author, document=draft))
    return published


def accept_demo_documents(brand: Brand, users) -> None:
    """Record that each demo patient accepted the brand's current documents — once: a
    patient who has accepted anything on the brand is left alone, so a version published
    in the back office still asks them to accept it after the next restart."""
    documents = access.current_documents(brand)
    accepted = set(
        LegalAcceptance.objects.filter(brand=brand, user__in=users).values_list(
            "user_id", flat=True
        )
    )
    for user in users:
        if user.pk in accepted:
            continue
        actions.record_acceptance(
            user=user,
            brand=brand,
            documents=documents,
            ip=DEMO_IP,
            user_agent=DEMO_USER_AGENT,
        )
