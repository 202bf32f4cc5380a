"""Deleting an account: every app's erasers in one transaction, then the identity goes.

See ``hale.core.data_rights`` for what each app contributes.
"""

import logging
import time
import zoneinfo

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from hale.accounts.data_rights.exports import DELETED_EMAIL_DOMAIN, DataRightsError
from hale.accounts.models import (
    User,
)
from hale.core import audit
from hale.core.data_rights import deletion_checks, erasers
from hale.core.tasks import enqueue_on_commit, retrying_task
from hale.tenancy.models import Brand

logger = logging.getLogger(__name__)

# --- Deletion -------------------------------------------------------------------------------


def anonymised_email(uuid) -> str:
    return f"deleted-{uuid}@{DELETED_EMAIL_DOMAIN}"


def is_deleted(user: User) -> bool:
    return not user.is_active and user.email.endswith("@" + DELETED_EMAIL_DOMAIN)


def deletion_blockers(user: User) -> list[str]:
    """Reasons (translated) why ``user``'s account cannot be deleted right now."""
    reasons = []
    for _name, check in deletion_checks():
        reason = check(user)
        if reason:
            reasons.append(str(reason))
    return reasons


@transaction.atomic
def delete_account(
    *, user: User, acting_user: User, reason: str = "", brand: Brand | None = None
) -> None:
    """Delete ``user``'s account: erase or anonymise their personal data everywhere.

    The person themselves (or a platform operator acting on a request) deletes it. Every
    registered eraser runs in this one transaction; then the User row is anonymised (email
    ``deleted-<uuid>@invalid.hale``, no name, no password, inactive) and kept, so the audit
    trail and the records the law makes us keep still point at a row, detached from the
    identity. A last email goes to the original address after commit (``brand`` themes it).
    Raises ``DataRightsError`` when a deletion check refuses or it was deleted already.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if acting_user.pk != locked.pk and not acting_user.is_superuser:
        raise PermissionDenied
    if is_deleted(locked):
        raise DataRightsError(_("This account has already been deleted."))
    blockers = deletion_blockers(locked)
    if blockers:
        raise DataRightsError(blockers[0])

    from hale.notifications.email import recipient_language, recipient_time_zone

    farewell = {
        "email": locked.email,
        "language": recipient_language(locked, brand),
        "time_zone": recipient_time_zone(locked, brand).key,
        "brand_id": brand.pk if brand is not None else None,
    }
    ran = []
    for eraser in erasers():
        eraser.func(locked, acting_user=acting_user)
        ran.append(eraser.name)

    locked.email = anonymised_email(locked.uuid)
    locked.full_name = ""
    locked.language = ""
    locked.time_zone = ""
    locked.is_active = False
    locked.is_staff = False
    locked.is_superuser = False
    locked.set_unusable_password()
    locked.save(
        update_fields=[
            "email",
            "full_name",
            "language",
            "time_zone",
            "is_active",
            "is_staff",
            "is_superuser",
            "password",
        ]
    )
    locked.groups.clear()
    locked.user_permissions.clear()
    audit.record(
        acting_user,
        "account.deleted",
        locked,
        brand=brand,
        by_self=acting_user.pk == locked.pk,
        reason=reason[:500],
        erasers=ran,
    )
    enqueue_on_commit(send_account_deleted_email, **farewell)
    # The caller's instance (often request.user) must not keep the old identity.
    user.refresh_from_db()


def render_account_deleted_email(*, email: str, language: str, time_zone: str, brand: Brand | None):
    from hale.notifications.email import brand_email_context, branded_message

    with override(language), timezone.override(zoneinfo.ZoneInfo(time_zone)):
        ctx = {**brand_email_context(brand), "email": email}
        subject = " ".join(render_to_string("emails/account.deleted/subject.txt", ctx).split())
        ctx["subject"] = subject
        text = render_to_string("emails/account.deleted/body.txt", ctx).strip() + "\n"
        html = render_to_string("emails/account.deleted/body.html", ctx)
    return branded_message(brand, to=email, subject=subject, text=text, html=html)


@retrying_task(queue_name="email")
def send_account_deleted_email(
    *, email: str, language: str, time_zone: str, brand_id: int | None
) -> None:
    """The last email, to the address the account had (the row no longer knows it)."""
    brand = Brand.objects.filter(pk=brand_id).first() if brand_id else None
    render_account_deleted_email(
        email=email, language=language, time_zone=time_zone, brand=brand
    ).send()


def needs_reauthentication(request) -> bool:
    """Whether the signed-in person must prove again who they are before deleting.

    People with a password or an authenticator re-authenticate through allauth (the deletion
    POST is replayed afterwards). allauth cannot ask people without either (sign-in by
    emailed code or by a provider) and lets them pass, so for them a sign-in within the
    same window is required instead.
    """
    from allauth.account import app_settings as account_settings
    from allauth.account.internal.flows import reauthentication
    from allauth.account.internal.flows.login import get_authentication_records

    from hale.accounts.sessions import AUTH_AT_KEY

    if reauthentication.get_reauthentication_flows(request.user):
        return not reauthentication.did_recently_reauthenticate(request)
    # allauth records code and provider sign-ins; Hale's own sign-in links only stamp the
    # session (hale.accounts.sessions).
    times = [r.get("at", 0) for r in get_authentication_records(request, request.user)]
    times.append(request.session.get(AUTH_AT_KEY) or 0)
    return time.time() - max(times) >= account_settings.REAUTHENTICATION_TIMEOUT
