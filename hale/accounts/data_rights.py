"""Data rights: a copy of everything Hale holds about a person, and deleting their account.

**The registry.** Every app that keeps personal data contributes in a ``data_rights.py``
module of its own (discovered the first time the registry is used)::

    from hale.accounts.data_rights import (
        ExportSection, register_deletion_check, register_eraser, register_exporter,
    )

    @register_exporter("appointments", label=_("Appointments"))
    def export_appointments(user):
        return [...]      # JSON-able dict or list, or ExportSection(data, files={...})

    @register_eraser("appointments")
    def erase_appointments(user, *, acting_user):
        ...  # cancel future appointments with notice, detach the records we must keep

    @register_deletion_check("payments")
    def unpaid_balance(user):
        return _("Settle your balance first.") if ... else None

Exporters run in the background build, read only rows that belong to ``user`` and never
another person's personal data (other people appear as ids or not at all). Files go in
``ExportSection.files`` (``{"name": FieldFile or bytes}``) and land under
``files/<section>/<name>`` in the ZIP; ``export_file_path`` gives that path for the data.

Erasers run inside ``delete_account``'s transaction (``order``, then registration order;
the accounts app's own run last), *before* the User row and the patient records are
anonymised, so they may still read names to write notices (send them with
``transaction.on_commit``). They erase or anonymise personal data, keep what the
law makes us keep (clinical and financial records, the audit trail) detached from the
identity, and delete files only after commit.

**Download links.** The token in ``/account/data/export/<uuid>/<token>/`` is an HMAC of the
export's random UUID under ``SECRET_KEY`` (256 bits). It is never stored: the row keeps its
SHA-256, and the owner's page, the in-app notification and the email compute the link when
they show it, so no raw token sits in the database (notifications and queued emails
included). The link works only for its owner, signed in, until ``expires_at``.
"""

import hashlib
import hmac
import json
import logging
import shutil
import tempfile
import time
import zipfile
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.module_loading import autodiscover_modules, import_string
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from hale.accounts.models import (
    PENDING_TIMEOUT,
    DataExport,
    Patient,
    PortalInvitation,
    User,
    UserSession,
)
from hale.core import audit
from hale.core.models import AuditEvent
from hale.core.tasks import enqueue_on_commit, retrying_task
from hale.tenancy.models import Brand, BrandMembership

logger = logging.getLogger(__name__)

EXPORT_LIFETIME = timedelta(days=7)
MAX_EXPORTS_PER_DAY = 3
# Export rows (without their files) are kept this long for the daily limit and the history.
EXPORT_ROW_RETENTION = timedelta(days=90)
DELETED_EMAIL_DOMAIN = "invalid.hale"
TOKEN_SALT = "hale.accounts.data_rights.download"  # noqa: S105 (an HMAC salt, not a secret)
EXPORT_FORMAT_VERSION = 1
# The accounts app's erasers run after every other app's: patient records are cleared last,
# so other apps' erasers can still read them (e.g. to word a cancellation notice).
ACCOUNTS_ERASER_ORDER = 900


class DataRightsError(Exception):
    """A request we refuse, with a message the person can read."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- Registry -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSection:
    """What an exporter returns when the section has files as well as data."""

    data: Any
    files: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Exporter:
    name: str
    func: Callable[[User], Any]
    label: Any = ""
    description: Any = ""


@dataclass(frozen=True)
class Eraser:
    name: str
    func: Callable[..., None]
    order: int = 100


DeletionCheck = Callable[[User], Any]

_exporters: dict[str, Exporter] = {}
_erasers: dict[str, Eraser] = {}
_checks: dict[str, DeletionCheck] = {}
_discovered = False


def _registrar(registry: dict, name: str, func, make=lambda name, func: func):
    if func is None:
        return lambda f: _registrar(registry, name, f, make)
    registry[name] = make(name, func)
    return func


def register_exporter(name: str, func=None, *, label="", description=""):
    """Add a section to every data export: ``func(user) -> dict | list | ExportSection``.
    Usable as a decorator. ``label``/``description`` explain the section in README.txt."""
    return _registrar(
        _exporters,
        name,
        func,
        lambda n, f: Exporter(name=n, func=f, label=label or n, description=description),
    )


def register_eraser(name: str, func=None, *, order: int = 100):
    """Run ``func(user, *, acting_user)`` when an account is deleted (see module docstring).
    Lower ``order`` runs first; the accounts app's own erasers (900) run last."""
    return _registrar(_erasers, name, func, lambda n, f: Eraser(name=n, func=f, order=order))


def register_deletion_check(name: str, func=None):
    """``func(user)`` returns a reason (translated) why the account cannot be deleted yet, or
    None. Every check must pass before any eraser runs."""
    return _registrar(_checks, name, func)


def unregister(name: str) -> None:
    """Remove an exporter, eraser and check by name (for tests)."""
    for registry in (_exporters, _erasers, _checks):
        registry.pop(name, None)


def autodiscover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("data_rights")
        _discovered = True


def exporters() -> list[Exporter]:
    autodiscover()
    return list(_exporters.values())


def erasers() -> list[Eraser]:
    """Registered erasers in the order they run (``order``, then registration)."""
    autodiscover()
    return sorted(_erasers.values(), key=lambda e: e.order)


def deletion_checks() -> list[tuple[str, DeletionCheck]]:
    autodiscover()
    return list(_checks.items())


def export_file_path(section: str, name: str) -> str:
    """Where a file of ``section`` lands inside the ZIP (for references in the data)."""
    return f"files/{section}/{name}"


# --- Download links -------------------------------------------------------------------------


def download_token(export: DataExport) -> str:
    return salted_hmac(TOKEN_SALT, str(export.uuid), algorithm="sha256").hexdigest()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def download_path(export: DataExport) -> str:
    """The download link (a path on any host: the URL is served on every portal)."""
    return reverse("data_export_download", args=[export.uuid, download_token(export)])


def _urlconf(brand: Brand | None) -> str:
    return "hale.urls_brand" if brand is not None else "hale.urls_platform"


def data_page_path(brand: Brand | None) -> str:
    return reverse("data_rights", urlconf=_urlconf(brand))


def absolute_download_url(export: DataExport) -> str:
    """The download link on the portal where the export was asked for (for emails)."""
    from hale.notifications.email import absolute_url

    path = reverse(
        "data_export_download",
        args=[export.uuid, download_token(export)],
        urlconf=_urlconf(export.brand),
    )
    return absolute_url(path, export.brand)


# --- Reads ----------------------------------------------------------------------------------


def latest_export(user: User) -> DataExport | None:
    return DataExport.objects.filter(user=user).first()


def access_export_download(user: User, export_uuid, token: str) -> DataExport:
    """The export behind a download link, for its owner with the right token; anything else
    (another person's export, a wrong token, no such export) is the same 404."""
    export = DataExport.objects.filter(uuid=export_uuid, user=user).first()
    if export is None or not export.token_hash:
        raise Http404
    if not hmac.compare_digest(hash_token(token), export.token_hash):
        raise Http404
    return export


# --- Export ---------------------------------------------------------------------------------


@transaction.atomic
def request_data_export(*, acting_user: User, brand: Brand | None) -> DataExport:
    """``acting_user`` asks for a copy of their own data; it is built in the background.

    One build at a time, at most ``MAX_EXPORTS_PER_DAY`` requests in 24 hours (the user row
    is locked, so two clicks cannot both pass the checks)."""
    user = User.objects.select_for_update().get(pk=acting_user.pk)
    if not user.is_active:
        raise PermissionDenied
    now = timezone.now()
    recent = list(DataExport.objects.filter(user=user).requested_since(now - timedelta(days=1)))
    if any(export.effective_status(now) == DataExport.Status.PENDING for export in recent):
        raise DataRightsError(
            _("We are already preparing a copy of your data. We will tell you when it is ready.")
        )
    if len(recent) >= MAX_EXPORTS_PER_DAY:
        raise DataRightsError(
            _(
                "You can ask for a copy of your data %(count)s times a day. "
                "Please try again tomorrow."
            )
            % {"count": MAX_EXPORTS_PER_DAY}
        )
    export = DataExport.objects.create(user=user, brand=brand, requested_at=now)
    audit.record(acting_user, "account.data_export_requested", export, brand=brand)
    enqueue_on_commit(build_data_export_task, str(export.uuid))
    return export


def write_export_zip(user: User, target) -> None:
    """Write the ZIP for ``user`` into the binary file object ``target``."""
    sections: dict[str, Any] = {}
    files: list[tuple[str, Any]] = []
    described = []
    for exporter in exporters():
        result = exporter.func(user)
        if isinstance(result, ExportSection):
            sections[exporter.name] = result.data
            files.extend(
                (export_file_path(exporter.name, name), content)
                for name, content in result.files.items()
            )
        else:
            sections[exporter.name] = result
        described.append(exporter)
    generated_at = timezone.now()
    document = {
        "format": "hale-data-export",
        "version": EXPORT_FORMAT_VERSION,
        "generated_at": generated_at,
        "account": str(user.uuid),
        "sections": sections,
    }
    readme = render_to_string(
        "accounts/data/export_readme.txt",
        {
            "sections": described,
            "generated_at": generated_at,
            "files": [path for path, _content in files],
        },
    )
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        archive.writestr(
            "data.json",
            json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        )
        for path, content in files:
            if isinstance(content, bytes):
                archive.writestr(path, content)
                continue
            try:
                source = content.open("rb")
            except FileNotFoundError:
                # A file the row names but storage lost: the data still says it existed.
                logger.warning("Data export of user %s: %s is missing", user.pk, content.name)
                continue
            with source, archive.open(path, "w") as sink:
                shutil.copyfileobj(source, sink, 1024 * 1024)


def build_data_export(*, export_uuid: str) -> str:
    """Build one export's ZIP, then tell its owner. Safe to run more than once.

    Not one transaction: the ZIP is written and stored with no lock held (it can be large);
    the row is then claimed under a lock and only a still-pending export becomes ready (a
    deleted account or a duplicate run leaves the new file to be removed). Returns "ready",
    "skipped" or raises (the task retries; the last attempt marks the export failed).
    """
    from hale.notifications.email import recipient_locale

    export = DataExport.objects.select_related("user", "brand").filter(uuid=export_uuid).first()
    if export is None or export.status != DataExport.Status.PENDING:
        return "skipped"
    user = export.user
    if not user.is_active:
        DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.FAILED)
        return "skipped"
    DataExport.objects.filter(pk=export.pk).update(attempts=F("attempts") + 1)
    attempts = export.attempts + 1
    storage = DataExport._meta.get_field("file").storage
    try:
        with (
            recipient_locale(user, export.brand),
            tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024) as buffer,
        ):
            write_export_zip(user, buffer)
            size = buffer.tell()
            buffer.seek(0)
            filename = f"data-{timezone.now():%Y-%m-%d}.zip"
            stored = storage.save(
                DataExport._meta.get_field("file").generate_filename(export, filename),
                File(buffer, name=filename),
            )
    except Exception:
        if attempts >= settings.TASK_MAX_ATTEMPTS:
            DataExport.objects.filter(pk=export.pk, status=DataExport.Status.PENDING).update(
                status=DataExport.Status.FAILED
            )
        raise
    return _finish_export(export.pk, stored_name=stored, size=size)


@transaction.atomic
def _finish_export(export_pk: int, *, stored_name: str, size: int) -> str:
    from hale.notifications.actions import notify

    storage = DataExport._meta.get_field("file").storage
    export = (
        DataExport.objects.select_for_update()
        .filter(pk=export_pk, status=DataExport.Status.PENDING)
        .first()
    )
    if export is None:
        transaction.on_commit(lambda: storage.delete(stored_name))
        return "skipped"
    now = timezone.now()
    export.file.name = stored_name
    export.size = size
    export.status = DataExport.Status.READY
    export.ready_at = now
    export.expires_at = now + EXPORT_LIFETIME
    export.token_hash = hash_token(download_token(export))
    export.save(update_fields=["file", "size", "status", "ready_at", "expires_at", "token_hash"])
    brand = Brand.objects.filter(pk=export.brand_id).first()
    audit.record(None, "account.data_export_ready", export, brand=brand)
    notify(
        user=export.user,
        kind="account.data_export_ready",
        brand=brand,
        title=_("Your data is ready to download"),
        body=_(
            "The copy of your data you asked for is ready. Download it within 7 days: "
            "after that the link stops working."
        ),
        url=data_page_path(brand),
        context={"export": str(export.uuid)},
    )
    # A good moment to clear other people's expired files too (cheap; the timestamps keep
    # expiry right whether or not this runs).
    enqueue_on_commit(purge_expired_exports_task)
    return "ready"


@transaction.atomic
def expire_export(*, export: DataExport) -> DataExport:
    """Delete the file of an export past its expiry (on access; the clean-up does the rest)."""
    locked = DataExport.objects.select_for_update().get(pk=export.pk)
    if locked.effective_status() == DataExport.Status.EXPIRED and (
        locked.file or locked.status != DataExport.Status.EXPIRED
    ):
        _drop_files([locked.file.name] if locked.file else [])
        locked.file = ""
        locked.status = DataExport.Status.EXPIRED
        locked.save(update_fields=["file", "status"])
    return locked


@transaction.atomic
def record_download(*, export: DataExport, acting_user: User, brand: Brand | None) -> None:
    DataExport.objects.filter(pk=export.pk).update(downloaded_at=timezone.now())
    audit.record(acting_user, "account.data_export_downloaded", export, brand=brand)


def _drop_files(names: list[str]) -> None:
    """Delete stored export files once the transaction commits (never before: a rollback
    would leave rows pointing at nothing)."""
    names = [n for n in names if n]
    if not names:
        return
    storage = DataExport._meta.get_field("file").storage

    def drop():
        for name in names:
            try:
                storage.delete(name)
            except Exception:
                logger.warning("Could not delete data export file %s", name, exc_info=True)

    transaction.on_commit(drop)


@transaction.atomic
def purge_expired_exports(*, now=None) -> dict[str, int]:
    """Delete the files of expired exports, fail builds that never finished, and forget
    export rows older than ``EXPORT_ROW_RETENTION``. Idempotent; run it from cron
    (``manage.py purge_data_exports``) or let the builder enqueue it."""
    now = now or timezone.now()
    expired = list(
        DataExport.objects.select_for_update()
        .filter(status=DataExport.Status.READY, expires_at__lte=now)
        .values_list("pk", "file")
    )
    if expired:
        DataExport.objects.filter(pk__in=[pk for pk, _name in expired]).update(
            status=DataExport.Status.EXPIRED, file=""
        )
        _drop_files([name for _pk, name in expired])
    stale = DataExport.objects.filter(
        status=DataExport.Status.PENDING,
        requested_at__lte=now - PENDING_TIMEOUT,
    ).update(status=DataExport.Status.FAILED)
    old = DataExport.objects.filter(
        requested_at__lte=now - EXPORT_ROW_RETENTION,
        status__in=[DataExport.Status.EXPIRED, DataExport.Status.FAILED],
    )
    forgotten, _by_model = old.delete()
    return {"expired": len(expired), "failed": stale, "forgotten": forgotten}


@retrying_task()
def build_data_export_task(export_uuid: str) -> str:
    return build_data_export(export_uuid=export_uuid)


@retrying_task()
def purge_expired_exports_task() -> dict[str, int]:
    return purge_expired_exports()


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
    from django.core.mail import EmailMultiAlternatives

    from hale.notifications.email import brand_email_context, from_address

    with override(language), timezone.override(zoneinfo.ZoneInfo(time_zone)):
        ctx = {**brand_email_context(brand), "email": email}
        subject = " ".join(render_to_string("emails/account.deleted/subject.txt", ctx).split())
        ctx["subject"] = subject
        text = render_to_string("emails/account.deleted/body.txt", ctx).strip() + "\n"
        html = render_to_string("emails/account.deleted/body.html", ctx)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_address(brand),
        to=[email],
        headers={"Auto-Submitted": "auto-generated"},
        reply_to=[brand.support_email] if brand is not None and brand.support_email else [],
    )
    message.attach_alternative(html, "text/html")
    message.hale_brand_id = brand.pk if brand is not None else None
    return message


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
    if apps.is_installed("hale.specialists"):
        from hale.specialists.models import Specialist

        specialist_ids = [
            str(pk) for pk in Specialist.objects.filter(user=user).values_list("pk", flat=True)
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
    _drop_files([name for name in exports.values_list("file", flat=True) if name])
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
