"""Demo data for a newcomer's first `make run`: two brands, the three kinds of people and what
they can try. Each app seeds its own rows (``hale/<app>/demo.py``); this module only runs them
in an order where every app finds what it builds on.

Idempotent: running it again keeps existing rows (looked up by natural keys) and only adds
what is missing, so a newcomer's own changes survive a restart.
"""

from django.db import transaction

from hale.accounts.demo import seed_demo_account_security, seed_demo_data_rights, seed_demo_people
from hale.accounts.models import User
from hale.authn.demo import seed_demo_signin
from hale.consents.demo import seed_demo_consents
from hale.core.demo import DEMO_PASSWORD, DemoLogin
from hale.documents.demo import seed_demo_documents
from hale.helpcenter.demo import seed_demo_articles
from hale.intake.demo import seed_demo_intake
from hale.legal.demo import accept_demo_documents, seed_demo_legal
from hale.matching.demo import refresh_demo_matching, seed_demo_leads, seed_demo_matching
from hale.matching.programs.demo import seed_demo_programs
from hale.messaging.demo import seed_demo_messages
from hale.payments.demo import seed_demo_payments
from hale.scheduling.demo import seed_demo_schedule
from hale.shop.demo import seed_demo_shop
from hale.specialists.demo import seed_demo_specialists
from hale.tenancy.demo import seed_demo_brands
from hale.video.demo import seed_demo_video

__all__ = ["DEMO_PASSWORD", "LOGINS", "seed"]

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

# Whose terms each brand's demo patients have accepted already.
ACCEPTED_TERMS = {
    "calm": ["alex@calm.example", "sam@calm.example"],
    "northside": ["priya@northside.example"],
}


@transaction.atomic
def seed() -> list[DemoLogin]:
    brands = seed_demo_brands()
    seed_demo_signin(brands)
    seed_demo_specialists()
    staff = seed_demo_people(brands)
    for slug, brand in brands.items():
        seed_demo_articles(brand, staff[slug])
        seed_demo_legal(brand, staff[slug])
        accept_demo_documents(brand, User.objects.filter(email__in=ACCEPTED_TERMS[slug]))
    seed_demo_data_rights(brands)  # Jo, before the schedule gives Jo sessions
    seed_demo_matching(brands)
    seed_demo_programs(brands)
    seed_demo_schedule()
    refresh_demo_matching()
    seed_demo_leads(brands)
    seed_demo_messages(brands)
    seed_demo_documents(brands)
    seed_demo_consents(brands)
    seed_demo_intake(brands)
    seed_demo_payments(brands)
    seed_demo_shop(brands)
    seed_demo_video()
    seed_demo_account_security([login.email for login in LOGINS])
    return LOGINS
