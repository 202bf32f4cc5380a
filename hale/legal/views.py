"""Legal pages: the documents and the accept page (brand host), and the back office where
brand staff write and publish versions (platform host)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hale.core.http import BrandRequest, client_ip, safe_next, user_agent
from hale.core.markdown import MAX_MARKDOWN_LENGTH, render_markdown
from hale.legal import access, actions
from hale.legal.forms import LegalDocumentForm
from hale.legal.models import LegalDocument
from hale.tenancy.access import access_staff_brand

# --- Brand host ---------------------------------------------------------------------------------


def _brand_only(request: HttpRequest) -> None:
    if getattr(request, "brand", None) is None:
        raise Http404


@require_safe
def document(request: BrandRequest, kind: str, version: int | None = None) -> HttpResponse:
    """A published version of the brand's Terms or Privacy Policy (the current one by
    default), with links to the others."""
    _brand_only(request)
    kind = access.kind_from_slug(kind)
    shown = access.published_document(request.brand, kind, version)
    versions = access.published_versions(request.brand, kind)
    return render(
        request,
        "legal/document.html",
        {
            "document": shown,
            "is_current": bool(versions) and versions[0].pk == shown.pk,
            "current": versions[0] if versions else None,
            "versions": versions,
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def accept(request: BrandRequest) -> HttpResponse:
    """The current documents a patient has not accepted yet, with one "I accept" button.

    The form names the versions it showed: if staff publish another one meanwhile, the
    patient is shown the newer text instead of accepting something they did not see."""
    _brand_only(request)
    next_url = safe_next(
        request, request.POST.get("next") or request.GET.get("next"), reverse("home")
    )
    status = access.consent_status(request)
    pending = status.pending
    if not pending:
        return redirect(next_url)
    error = ""
    if request.method == "POST":
        shown = set(request.POST.getlist("document"))
        if shown == {str(d.uuid) for d in pending}:
            actions.record_acceptance(
                user=request.user,
                brand=request.brand,
                documents=pending,
                ip=client_ip(request),
                user_agent=user_agent(request),
            )
            messages.success(request, _("Thank you. You can carry on where you were."))
            return redirect(next_url)
        error = _(
            "These documents changed while you were reading them. "
            "Please look at the latest versions below."
        )
    previous = access.previously_accepted_versions(request.user, pending)
    return render(
        request,
        "legal/accept.html",
        {
            "items": [{"document": d, "previous_version": previous.get(d.kind)} for d in pending],
            "updated": bool(previous),
            "next_url": next_url,
            "error": error,
        },
        status=409 if error else 200,
    )


# --- Staff back office (platform host) ----------------------------------------------------


def _list_url(brand) -> str:
    return reverse("staff_legal_list", args=[brand.slug])


def _edit_url(document: LegalDocument) -> str:
    return reverse("staff_legal_edit", args=[document.brand.slug, document.uuid])


def _patient_url(request: HttpRequest, document: LegalDocument) -> str | None:
    """Where patients read this version: its brand's primary domain, on this server's port."""
    domain = document.brand.primary_domain
    if not domain or not document.is_published:
        return None
    host = request.get_host()
    port = "" if host.endswith("]") or ":" not in host else ":" + host.rsplit(":", 1)[1]
    path = reverse(
        "legal_document_version",
        args=[document.kind, document.version],
        urlconf="hale.urls_brand",
    )
    return f"{request.scheme}://{domain}{port}{path}"


def _is_preview(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get("intent") == "preview"


def _preview_of(request: HttpRequest) -> str:
    return render_markdown(request.POST.get("body_markdown", "")[:MAX_MARKDOWN_LENGTH])


def _document_form(request: HttpRequest, brand, initial: dict | None = None) -> LegalDocumentForm:
    """The bound form on a save; on a preview, the typed values without validation errors."""
    preview_url = reverse("staff_legal_preview", args=[brand.slug])
    if _is_preview(request):
        return LegalDocumentForm(initial=request.POST.dict(), preview_url=preview_url)
    return LegalDocumentForm(request.POST or None, initial=initial, preview_url=preview_url)


def _values(form: LegalDocumentForm) -> dict:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "change_summary": data.get("change_summary") or "",
        "body_markdown": data["body_markdown"],
    }


def _put_errors(form: LegalDocumentForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
@require_safe
def staff_list(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """Each kind with its versions, newest first, and what to do next."""
    brand = access_staff_brand(request.user, brand_slug)
    documents = list(access.staff_documents(brand))
    kinds = []
    for kind in access.KINDS:
        versions = [d for d in documents if d.kind == kind]
        kinds.append(
            {
                "kind": kind,
                "label": kind.label,
                "versions": versions,
                "draft": next((d for d in versions if d.is_draft), None),
                "current": next((d for d in versions if d.is_published), None),
            }
        )
    return render(request, "legal/staff/list.html", {"managed_brand": brand, "kinds": kinds})


@login_required
@require_http_methods(["GET", "POST"])
def staff_create(request: HttpRequest, brand_slug: str, kind: str) -> HttpResponse:
    """Write the next version of a document, starting from the current one's text."""
    brand = access_staff_brand(request.user, brand_slug)
    kind = access.kind_from_slug(kind)
    draft = access.draft_of(brand, kind)
    if draft is not None:
        messages.info(
            request,
            _("Version %(version)d is already being written. Continue that draft.")
            % {"version": draft.version},
        )
        return redirect(_edit_url(draft))
    current = access.current_document(brand, kind, with_text=True)
    initial = (
        {"title": current.title, "body_markdown": current.body_markdown}
        if current
        else {"title": kind.label}
    )
    form = _document_form(request, brand, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            created = actions.create_draft(
                acting_user=request.user, brand=brand, kind=kind, **_values(form)
            )
        except actions.DraftExists as exc:
            messages.info(request, exc.messages[0])
            return redirect(_edit_url(exc.draft))
        except ValidationError as exc:
            _put_errors(form, exc)
        else:
            messages.success(
                request,
                _("Version %(version)d is saved as a draft. Patients see it once you publish it.")
                % {"version": created.version},
            )
            return redirect(_edit_url(created))
    return render(
        request,
        "legal/staff/form.html",
        {
            "managed_brand": brand,
            "form": form,
            "document": None,
            "kind_label": kind.label,
            "next_version": (current.version + 1) if current else 1,
            "current": current,
            "preview_html": _preview_of(request)
            if form.is_bound or _is_preview(request)
            else (current.body_html if current else ""),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, brand_slug: str, document_id: uuid.UUID) -> HttpResponse:
    """Edit a draft (with a preview); a published version is shown read-only."""
    brand = access_staff_brand(request.user, brand_slug)
    shown = access.access_staff_document(brand, document_id)
    if shown.is_published:
        if request.method == "POST":
            messages.error(
                request,
                _(
                    "Version %(version)d is published and cannot be changed. "
                    "Create a new version instead."
                )
                % {"version": shown.version},
            )
            return redirect(_edit_url(shown))
        return render(
            request,
            "legal/staff/detail.html",
            {
                "managed_brand": brand,
                "document": shown,
                "patient_url": _patient_url(request, shown),
            },
        )
    form = _document_form(
        request,
        brand,
        initial={
            "title": shown.title,
            "change_summary": shown.change_summary,
            "body_markdown": shown.body_markdown,
        },
    )
    if form.is_bound and form.is_valid():
        try:
            actions.update_draft(acting_user=request.user, document=shown, **_values(form))
        except ValidationError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(_edit_url(shown))
    return render(
        request,
        "legal/staff/form.html",
        {
            "managed_brand": brand,
            "form": form,
            "document": shown,
            "kind_label": shown.get_kind_display(),
            "preview_html": _preview_of(request) if _is_preview(request) else shown.body_html,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def staff_preview(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """The rendered Markdown of the text being written (an htmx partial for the editor)."""
    access_staff_brand(request.user, brand_slug)
    return render(request, "legal/staff/form.html#preview", {"preview_html": _preview_of(request)})


@login_required
@require_http_methods(["GET", "POST"])
def staff_publish(request: HttpRequest, brand_slug: str, document_id: uuid.UUID) -> HttpResponse:
    """Confirm, then publish a draft: it becomes current and patients are asked to accept."""
    brand = access_staff_brand(request.user, brand_slug)
    shown = access.access_staff_document(brand, document_id)
    if shown.is_published:
        messages.info(
            request, _("Version %(version)d is already published.") % {"version": shown.version}
        )
        return redirect(_edit_url(shown))
    if request.method == "POST":
        try:
            actions.publish_document(acting_user=request.user, document=shown)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(_edit_url(shown))
        messages.success(
            request,
            _(
                "Version %(version)d of the %(document)s is published. Signed-in patients "
                "will be asked to accept it."
            )
            % {"version": shown.version, "document": shown.get_kind_display()},
        )
        return redirect(_list_url(brand))
    return render(
        request,
        "legal/staff/confirm_publish.html",
        {
            "managed_brand": brand,
            "document": shown,
            "current": access.current_document(brand, shown.kind),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_discard(request: HttpRequest, brand_slug: str, document_id: uuid.UUID) -> HttpResponse:
    """Confirm, then throw a draft away."""
    brand = access_staff_brand(request.user, brand_slug)
    shown = access.access_staff_document(brand, document_id)
    if shown.is_published:
        raise Http404
    if request.method == "POST":
        actions.discard_draft(acting_user=request.user, document=shown)
        messages.success(
            request,
            _("The draft of version %(version)d is discarded.") % {"version": shown.version},
        )
        return redirect(_list_url(brand))
    return render(
        request, "legal/staff/confirm_discard.html", {"managed_brand": brand, "document": shown}
    )
