"""Demo program: "Acme Employee Wellbeing" on Calm — access code ACME2026 (people signing in
with an @acme.example address need no code), 6 covered sessions, guided matching.
Idempotent; the program's UUID is fixed so its link is stable: /programs/<uuid>/."""

import uuid

from hale.matching.models import Organization, Program

DEMO_PROGRAM_UUID = uuid.UUID("6b1f3c2e-9a57-4c1e-8f61-ac3e00002026")
DEMO_CONSENT = """\
**Acme Employee Wellbeing** pays for up to six sessions with a Calm Minds specialist.

- Acme learns only *how many* covered sessions you have used, never what you talk about.
- Your specialist keeps clinical notes as for any other patient.
- You can leave the program at any time; sessions after the sixth are at the normal price.
"""


def seed_demo_programs(brands) -> Program:
    brand = brands["calm"]
    organization, _created = Organization.objects.get_or_create(brand=brand, name="Acme Corp")
    program, _created = Program.objects.update_or_create(
        uuid=DEMO_PROGRAM_UUID,
        defaults={
            "brand": brand,
            "organization": organization,
            "name": "Acme Employee Wellbeing",
            "description": "Six sessions with a specialist, paid for by Acme.",
            "eligibility": Program.Eligibility.CODE,
            "access_code": "ACME2026",
            "email_domains": ["acme.example"],
            "covered_sessions": 6,
            "matching_mode": Program.Matching.GUIDED,
            "consent_markdown": DEMO_CONSENT,
        },
    )
    return program
