"""What the accounts app itself holds about a person: its exporters, erasers and checks."""

import logging

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hale.accounts.data_rights.deletion import anonymised_email
from hale.accounts.data_rights.exports import ACCOUNTS_ERASER_ORDER, drop_files
from hale.accounts.models import (
    DataExport,
    Patient,
    PortalInvitation,
    User,
    UserSession,
)
from hale.core.data_rights import register_deletion_check, register_eraser, register_exporter
from hale.core.models import AuditEvent
from hale.tenancy.models import Brand, BrandMembership

logger = logging.getLogger(__name__)

# --- What the accounts app holds ------------------------------------------------------------


def _brand_label(brand: Brand | None) -> str:
    return brand.name if brand is not None else ""


@register_exporter(
    "account",
    label=_("Your account"),
    description=_("Your sign-in details, email addresses, security keys and linked sign-ins."),
)
def export_account(user: User) -> dict:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    return {
        "uuid": user.uuid,
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "time_zone": user.time_zone,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "has_password": user.has_usable_password(),
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        # Which kinds of second factor, never their secrets.
        "authenticators": [
            {"type": a.type, "created_at": a.created_at, "last_used_at": a.last_used_at}
            for a in Authenticator.objects.filter(user=user).order_by("created_at")
        ],
        "linked_sign_ins": [
            {"provider": s.provider, "date_joined": s.date_joined, "last_login": s.last_login}
            for s in SocialAccount.objects.filter(user=user).order_by("date_joined")
        ],
        "sessions": [
            {
                "signed_in_at": s.created_at,
                "last_seen_at": s.last_seen_at,
                "ip_address": s.ip_address,
                "browser": s.user_agent,
                "host": s.host,
            }
            for s in UserSession.objects.filter(user=user).order_by("created_at")
        ],
    }


@register_exporter(
    "patient_records",
    label=_("Patient records"),
    description=_("Your details as a patient of each service you use, and invitations to them."),
)
def export_patient_records(user: User) -> list[dict]:
    patients = list(
        Patient.objects.filter(user=user)
        .select_related("brand")
        .prefetch_related("invitations")
        .order_by("created_at")
    )
    return [
        {
            "uuid": p.uuid,
            "service": p.brand.name,
            "email": p.email,
            "full_name": p.full_name,
            "date_of_birth": p.date_of_birth,
            "phone": p.phone,
            "time_zone": p.time_zone,
            "language": p.language,
            "portal_access": p.portal_enabled,
            "created_at": p.created_at,
            # Who sent them is staff's personal data, and the token is nobody's business.
            "invitations": [
                {
                    "uuid": i.uuid,
                    "email": i.email,
                    "status": i.effective_status(),
                    "sent_at": i.created_at,
                    "expires_at": i.expires_at,
                    "accepted_at": i.accepted_at,
                    "revoked_at": i.revoked_at,
                }
                for i in p.invitations.all()
            ],
        }
        for p in patients
    ]


@register_exporter(
    "staff_memberships",
    label=_("Staff roles"),
    description=_("The services whose back office you work in."),
)
def export_staff_memberships(user: User) -> list[dict]:
    return [
        {"service": m.brand.name, "role": m.role, "since": m.created_at}
        for m in BrandMembership.objects.filter(user=user).select_related("brand")
    ]


@register_exporter(
    "data_exports",
    label=_("Data exports"),
    description=_("When you asked for a copy of your data."),
)
def export_data_exports(user: User) -> list[dict]:
    return [
        {"uuid": e.uuid, "requested_at": e.requested_at, "status": e.effective_status()}
        for e in DataExport.objects.filter(user=user)
    ]


def _subject_filter(user: User) -> Q:
    """Audit rows about the person: their account, their patient records, their profile."""
    subject = Q(object_type="accounts.user", object_id=str(user.pk))
    patient_ids = [str(pk) for pk in Patient.objects.filter(user=user).values_list("pk", flat=True)]
    if patient_ids:
        subject |= Q(object_type="accounts.patient", object_id__in=patient_ids)
    # The specialist profile (``user.specialist``, from the specialists app above this one).
    specialist_ids = [
        str(pk)
        for pk in User.objects.filter(pk=user.pk, specialist__isnull=False).values_list(
            "specialist__pk", flat=True
        )
    ]
    if specialist_ids:
        subject |= Q(object_type="specialists.specialist", object_id__in=specialist_ids)
    return subject


@register_exporter(
    "activity",
    label=_("Activity record"),
    description=_("What you did, and what was done to your account and records, and when."),
)
def export_activity(user: User) -> list[dict]:
    # Only id, action and time: the rest of a row can name other people.
    events = AuditEvent.objects.filter(Q(actor=user) | _subject_filter(user)).order_by("at", "pk")
    return [
        {"id": e.uuid, "action": e.action, "at": e.at}
        for e in events.only("uuid", "action", "at").iterator(chunk_size=2000)
    ]


def _legal_installed() -> bool:
    return apps.is_installed("hale.legal")


def export_legal_acceptances(user: User) -> list[dict]:
    from hale.legal.models import LegalAcceptance

    return [
        {
            "service": a.brand.name,
            "document": a.document.get_kind_display(),
            "version": a.version,
            "accepted_at": a.accepted_at,
            "ip_address": a.ip_address,
            "browser": a.user_agent,
        }
        for a in LegalAcceptance.objects.filter(user=user)
        .select_related("brand", "document")
        .order_by("accepted_at")
    ]


if _legal_installed():
    register_exporter(
        "legal_acceptances",
        export_legal_acceptances,
        label=_("Terms and policies you accepted"),
        description=_("Which version of each service's terms and privacy policy, and when."),
    )


@register_eraser("accounts.patient_records", order=ACCOUNTS_ERASER_ORDER)
def erase_patient_records(user: User, *, acting_user: User) -> None:
    """Clear the personal fields of the person's patient records and keep the rows, marked
    erased, so retained records (clinical, financial) still point somewhere. Their
    invitations lose the address and the token; pending ones are revoked."""
    now = timezone.now()
    patients = list(Patient.objects.select_for_update().filter(user=user, erased_at__isnull=True))
    if not patients:
        return
    for patient in patients:
        patient.email = anonymised_email(patient.uuid)
        patient.full_name = ""
        patient.phone = ""
        patient.date_of_birth = None
        patient.time_zone = ""
        patient.language = ""
        patient.portal_enabled = False
        patient.erased_at = now
    Patient.objects.bulk_update(
        patients,
        [
            "email",
            "full_name",
            "phone",
            "date_of_birth",
            "time_zone",
            "language",
            "portal_enabled",
            "erased_at",
        ],
    )
    ids = [p.pk for p in patients]
    invitations = PortalInvitation.objects.filter(patient_id__in=ids)
    invitations.filter(status=PortalInvitation.Status.PENDING).update(
        status=PortalInvitation.Status.REVOKED, revoked_at=now, revoked_by=acting_user
    )
    invitations.update(
        token_hash=None,
        email=Subquery(Patient.objects.filter(pk=OuterRef("patient_id")).values("email")[:1]),
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=acting_user,
            brand_id=p.brand_id,
            action="patient.erased",
            object_type=p._meta.label_lower,
            object_id=str(p.pk),
        )
        for p in patients
    )


@register_eraser("accounts.sign_in", order=ACCOUNTS_ERASER_ORDER)
def erase_sign_in(user: User, *, acting_user: User) -> None:
    """Email addresses, second factors and linked sign-ins go entirely."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()


@register_eraser("accounts.sessions", order=ACCOUNTS_ERASER_ORDER)
def erase_sessions(user: User, *, acting_user: User) -> None:
    """End every session of the person, on every host.

    Three locks on the door: the session rows (``UserSession``) go, so the session
    middleware signs each one out at its next request; the unusable password set afterwards
    changes the session auth hash Django checks; and with database sessions the stored
    sessions themselves are deleted. Finding those means reading every live session once
    (the rows keep only a hash of the key): fine for a rare action.
    """
    UserSession.objects.filter(user=user).delete()
    engine = settings.SESSION_ENGINE
    if engine not in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        return
    from django.contrib.sessions.models import Session

    store_class = import_string(f"{engine}.SessionStore")
    decoder = store_class()
    user_id = str(user.pk)
    doomed = [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000)
        if str(decoder.decode(s.session_data).get(SESSION_KEY)) == user_id
    ]
    if engine.endswith("cached_db"):
        for key in doomed:
            store_class(session_key=key).delete()
    else:
        Session.objects.filter(session_key__in=doomed).delete()


@register_eraser("accounts.data_exports", order=ACCOUNTS_ERASER_ORDER)
def erase_data_exports(user: User, *, acting_user: User) -> None:
    exports = DataExport.objects.filter(user=user)
    drop_files([name for name in exports.values_list("file", flat=True) if name])
    exports.delete()


@register_eraser("accounts.staff_memberships", order=ACCOUNTS_ERASER_ORDER)
def erase_staff_memberships(user: User, *, acting_user: User) -> None:
    BrandMembership.objects.filter(user=user).delete()


@register_deletion_check("accounts.last_admin")
def last_brand_admin(user: User) -> str | None:
    """A brand must not lose its only admin (someone has to run its back office)."""
    admin_of = list(
        BrandMembership.objects.filter(user=user, role=BrandMembership.Role.ADMIN).values_list(
            "brand_id", flat=True
        )
    )
    if not admin_of:
        return None
    others = set(
        BrandMembership.objects.filter(
            brand_id__in=admin_of, role=BrandMembership.Role.ADMIN, user__is_active=True
        )
        .exclude(user=user)
        .values_list("brand_id", flat=True)
    )
    alone = Brand.objects.filter(pk__in=set(admin_of) - others).order_by("name").first()
    if alone is None:
        return None
    return gettext(
        "You are the only admin of %(brand)s. Ask the platform team to make someone else an "
        "admin first."
    ) % {"brand": alone.name}


@register_deletion_check("accounts.last_operator")
def last_operator(user: User) -> str | None:
    if not user.is_superuser:
        return None
    if User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk).exists():
        return None
    return gettext("You are the only platform operator. Make someone else an operator first.")
