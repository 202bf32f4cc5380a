"""Data rights pages (every host): download my data, delete my account."""

from uuid import UUID

from allauth.account.internal.flows.reauthentication import get_reauthentication_flows
from allauth.core.exceptions import ReauthenticationRequired
from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hale.accounts import data_rights
from hale.accounts.forms_data import DeleteAccountForm
from hale.accounts.models import DataExport, Patient
from hale.core.http import SignedInRequest

POLL_SECONDS = 5


def _export_context(request: SignedInRequest) -> dict:
    export = data_rights.latest_export(request.user)
    status = export.current_status if export is not None else ""
    return {
        "export": export,
        "export_status": status,
        "download_url": data_rights.download_path(export)
        if export is not None and status == "ready"
        else "",
        "poll_seconds": POLL_SECONDS,
        "max_per_day": data_rights.MAX_EXPORTS_PER_DAY,
        "lifetime_days": data_rights.EXPORT_LIFETIME.days,
    }


@login_required
@require_GET
@never_cache
def data_rights_page(request: SignedInRequest) -> HttpResponse:
    context = _export_context(request)
    if request.htmx:
        if context["export_status"] == DataExport.Status.PENDING:
            return HttpResponse(status=204)  # unchanged: htmx swaps nothing, polling goes on
        return render(request, "accounts/data/index.html#export-status", context)
    context["sections"] = data_rights.exporters()
    return render(request, "accounts/data/index.html", context)


@login_required
@require_POST
def data_export_request(request: SignedInRequest) -> HttpResponse:
    try:
        data_rights.request_data_export(acting_user=request.user, brand=request.brand)
    except data_rights.DataRightsError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "We are preparing a copy of your data. We will tell you, here and by email, when "
                "it is ready."
            ),
        )
    return redirect("data_rights")


@login_required
@require_GET
@never_cache
def data_export_download(
    request: SignedInRequest, export_uuid: UUID, token: str
) -> HttpResponseBase:
    export = data_rights.access_export_download(request.user, export_uuid, token)
    if export.effective_status() == DataExport.Status.EXPIRED:
        data_rights.expire_export(export=export)
        return render(request, "accounts/data/export_expired.html", status=410)
    try:
        handle = export.file.open("rb")
    except (FileNotFoundError, ValueError):
        return render(request, "accounts/data/export_expired.html", status=410)
    data_rights.record_download(export=export, acting_user=request.user, brand=request.brand)
    filename = f"my-data-{timezone.localdate(export.ready_at):%Y-%m-%d}.zip"
    response = StreamingHttpResponse(_read_async(handle), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(export.size)
    response["Cache-Control"] = "no-store, private"
    return response


async def _read_async(handle, chunk_size: int = 256 * 1024):
    """Stream a file under ASGI without holding a thread for the whole download."""
    read = sync_to_async(handle.read, thread_sensitive=False)
    try:
        while chunk := await read(chunk_size):
            yield chunk
    finally:
        await sync_to_async(handle.close, thread_sensitive=False)()


def _patient_services(user) -> list[str]:
    return list(
        Patient.objects.filter(user=user, erased_at__isnull=True)
        .order_by("brand__name")
        .values_list("brand__name", flat=True)
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: SignedInRequest) -> HttpResponse:
    """Explain what deleting erases and keeps; on a confirmed POST by someone who proved
    again who they are (allauth's re-authentication, then the POST is replayed), delete."""
    user = request.user
    blockers = data_rights.deletion_blockers(user)
    form = DeleteAccountForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        status = 400
        if blockers:
            form.add_error(None, blockers[0])
        elif form.is_valid():
            if data_rights.needs_reauthentication(request):
                if get_reauthentication_flows(user):
                    # allauth asks for the password (or a second factor) and replays this POST.
                    raise ReauthenticationRequired()
                form.add_error(
                    None,
                    _(
                        "For your safety, sign out and sign in again, then delete your account "
                        "within five minutes."
                    ),
                )
            else:
                try:
                    data_rights.delete_account(user=user, acting_user=user, brand=request.brand)
                except data_rights.DataRightsError as exc:
                    form.add_error(None, exc.message)
                else:
                    logout(request)
                    return redirect("account_deleted")
    return render(
        request,
        "accounts/data/delete.html",
        {"form": form, "blockers": blockers, "services": _patient_services(user)},
        status=status,
    )


@require_GET
def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/data/deleted.html")
