"""Notification centre (every host), staff announcements (platform host), dev outbox."""

import functools
import json
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hale.core.http import PortalRequest, safe_next
from hale.notifications import access, actions
from hale.notifications.forms import AnnouncementForm, PreferencesForm
from hale.notifications.kinds import all_kinds
from hale.tenancy.access import access_staff_brand

PAGE_SIZE = 20
OUTBOX_PAGE_SIZE = 50


def _count_trigger(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    """Tell the bell (bell.js listens for it) the new count after an htmx swap."""
    access.forget_unread_count(request)
    count = access.unread_count_for_request(request)
    response["HX-Trigger"] = json.dumps({"hale:unread": {"count": count}})
    return response


# --- Notification centre --------------------------------------------------------------------


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    brand, portal = access.scope_for_request(request)
    notifications = access.notification_list(request.user, brand=brand, portal=portal)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page_obj": page, "unread": access.unread_count_for_request(request)},
    )


@login_required
@require_POST
def notification_mark_read(request: PortalRequest, notification_uuid: UUID) -> HttpResponse:
    brand, portal = access.scope_for_request(request)
    notification = access.access_notification(
        request.user, notification_uuid, brand=brand, portal=portal
    )
    actions.mark_read(user=request.user, notification=notification)
    if request.htmx:
        response = render(
            request, "notifications/list.html#item", {"n": notification, "focus_after_swap": True}
        )
        return _count_trigger(response, request)
    return redirect(safe_next(request, request.POST.get("next"), "notification_list"))


@login_required
@require_POST
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    brand, portal = access.scope_for_request(request)
    count = actions.mark_all_read(user=request.user, brand=brand, portal=portal)
    if count:
        messages.success(
            request,
            ngettext(
                "Marked %(count)d notification as read.",
                "Marked %(count)d notifications as read.",
                count,
            )
            % {"count": count},
        )
    return redirect(safe_next(request, request.POST.get("next"), "notification_list"))


@never_cache
@require_GET
def notification_unread_count(request: HttpRequest) -> JsonResponse:
    """The bell's polling fallback: ``{"unread": n}``."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("Sign in to see notifications.")}, status=401)
    return JsonResponse({"unread": access.unread_count_for_request(request)})


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    _brand, portal = access.scope_for_request(request)
    kinds = all_kinds(portal)
    current = access.preference_map(request.user, kinds)
    data = request.POST if request.method == "POST" else None
    form = PreferencesForm(data, kinds=kinds, current=current)
    if request.method == "POST" and form.is_valid():
        actions.set_preferences(user=request.user, portal=portal, enabled=form.enabled())
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notification_preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# --- Staff announcements (platform host) ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def staff_announcements(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = access_staff_brand(request.user, brand_slug)
    form = AnnouncementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            announcement = actions.send_announcement(
                acting_user=request.user,
                brand=brand,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except actions.NotificationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Announcement sent to %(count)d patient.",
                    "Announcement sent to %(count)d patients.",
                    announcement.recipient_count,
                )
                % {"count": announcement.recipient_count},
            )
            return redirect("staff_announcements", brand_slug=brand.slug)
    page = Paginator(access.announcements_for_brand(brand), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/staff_announcements.html",
        {"brand_obj": brand, "form": form, "page_obj": page},
    )


# --- Dev outbox (debug mode only) -----------------------------------------------------------


def dev_outbox_only(view):
    """The outbox exists only while settings.DEV_OUTBOX is on (debug mode)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.DEV_OUTBOX:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@dev_outbox_only
@never_cache
@require_GET
def dev_outbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(access.outbox_emails(), OUTBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox_list.html", {"page_obj": page})


@dev_outbox_only
@never_cache
@require_GET
def dev_outbox_email(request: HttpRequest, email_uuid: UUID) -> HttpResponse:
    email = access.access_outbox_email(email_uuid)
    return render(request, "notifications/outbox_detail.html", {"email": email})


# The email's own HTML, framed by the detail page: no scripts, no plugins, no forms, an opaque
# origin (sandbox), inline styles allowed because that is how emails are styled.
EMAIL_HTML_CSP: dict[str, list[str]] = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": ["http:", "https:", "data:"],
    "form-action": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.SELF],
    "sandbox": [
        "allow-popups",
        "allow-popups-to-escape-sandbox",
        "allow-top-navigation-by-user-activation",
    ],
}


@dev_outbox_only
@never_cache
@require_GET
@xframe_options_sameorigin
@csp_override(EMAIL_HTML_CSP)
def dev_outbox_html(request: HttpRequest, email_uuid: UUID) -> HttpResponse:
    email = access.access_outbox_email(email_uuid)
    if not email.html:
        raise Http404
    # Links open in the whole tab, not inside the frame (whose app pages refuse framing).
    html = email.html
    marker = "<head>"
    base = '<base target="_top">'
    html = html.replace(marker, marker + base, 1) if marker in html else base + html
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response
