"""Data exports: a ZIP of everything Hale holds about a person, built in the background.

**Download links.** The token in ``/account/data/export/<uuid>/<token>/`` is an HMAC of the
export's random UUID under ``SECRET_KEY`` (256 bits). It is never stored: the row keeps its
SHA-256, and the owner's page, the in-app notification and the email compute the link when
they show it, so no raw token sits in the database (notifications and queued emails
included). The link works only for its owner, signed in, until ``expires_at``.
"""

import json
import logging
import shutil
import tempfile
import zipfile
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from hale.accounts.models import (
    PENDING_TIMEOUT,
    DataExport,
    User,
)
from hale.core import audit
from hale.core.data_rights import ExportSection, export_file_path, exporters
from hale.core.tasks import enqueue_on_commit, retrying_task
from hale.core.tokens import hash_token, token_matches
from hale.tenancy.models import Brand

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


# --- Download links -------------------------------------------------------------------------


def download_token(export: DataExport) -> str:
    return salted_hmac(TOKEN_SALT, str(export.uuid), algorithm="sha256").hexdigest()


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
    if not token_matches(token, export.token_hash):
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
    brand = Brand.objects.filter(pk=export.brand_id).first() if export.brand_id else None
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
        drop_files([locked.file.name] if locked.file and locked.file.name else [])
        locked.file = ""
        locked.status = DataExport.Status.EXPIRED
        locked.save(update_fields=["file", "status"])
    return locked


@transaction.atomic
def record_download(*, export: DataExport, acting_user: User, brand: Brand | None) -> None:
    DataExport.objects.filter(pk=export.pk).update(downloaded_at=timezone.now())
    audit.record(acting_user, "account.data_export_downloaded", export, brand=brand)


def drop_files(names: list[str]) -> None:
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
        drop_files([name for _pk, name in expired])
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
