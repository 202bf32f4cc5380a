"""Demo consents: on calm, "Consent to online therapy" (before the first session), signed by
alex with a generated PDF, and an "Information sharing" request from dr.rivera still
pending; on northside, "Telehealth consent" required at sign-up. Idempotent."""

from django.db import transaction

from hale.accounts.models import Patient
from hale.consents import actions
from hale.consents.models import ConsentRequest, ConsentSignature, ConsentTemplate
from hale.core.signatures import CapturedSignature
from hale.specialists.models import Specialist
from hale.tenancy.models import BrandMembership

THERAPY = """You agree to receive therapy by secure video.

- Sessions are private; do not record them.
- In an emergency, call your local emergency number.
"""
SHARING = "You allow your specialist to share session notes with their clinical lead."
TELEHEALTH = "You agree to receive care remotely through this portal."


def _template(brand, staff, title, body, requirement):
    template = ConsentTemplate.objects.filter(brand=brand, title=title).first()
    if template is None:
        template = actions.create_template(
            brand=brand, acting_user=staff, title=title, body=body, requirement=requirement
        )
        actions.publish_version(template=template, acting_user=staff, revision=None)
    return template


@transaction.atomic
def seed_demo_consents(brands: dict) -> None:
    for slug, title, body, rule in (
        ("calm", "Consent to online therapy", THERAPY, "first_session"),
        ("calm", "Information sharing", SHARING, "on_request"),
        ("northside", "Telehealth consent", TELEHEALTH, "signup"),
    ):
        brand = brands[slug]
        staff = BrandMembership.objects.filter(brand=brand).select_related("user").first()
        _template(brand, staff.user if staff else None, title, body, rule)
    calm = brands["calm"]
    alex = Patient.objects.filter(brand=calm, email="alex@calm.example").first()
    if alex is None or alex.user is None:
        return
    therapy = ConsentTemplate.objects.get(brand=calm, title="Consent to online therapy")
    if not ConsentSignature.objects.filter(patient=alex, template=therapy).exists():
        actions.sign_consent(
            patient=alex,
            template=therapy,
            version_number=1,
            signature=CapturedSignature(method="typed", typed_name=alex.full_name or "Alex"),
            acting_user=alex.user,
            ip_address="127.0.0.1",
            user_agent="Hale demo",
        )
    sharing = ConsentTemplate.objects.get(brand=calm, title="Information sharing")
    rivera = Specialist.objects.filter(user__email="dr.rivera@hale.example").first()
    if not ConsentRequest.objects.filter(patient=alex, template=sharing).exists():
        actions.request_consent(
            template=sharing,
            patient=alex,
            acting_user=rivera.user if rivera else None,
            specialist=rivera,
        )
