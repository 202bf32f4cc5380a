"""Demo data for My Account and security: every demo login's email address is verified, so
two-factor authentication can be switched on straight away (allauth refuses it while an
address is unverified). No brand requires two-factor in the demo (README: "My Account and
security" says how to switch it on). Idempotent."""

from allauth.account.models import EmailAddress

from hale.accounts.models import User


def seed_demo_account_security(emails: list[str]) -> None:
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
