"""Specialist pages for calendars on the platform host: preferences, the private ICS feed
(and the feed itself), and external calendars whose events block time."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hale.notifications.email import absolute_url
from hale.scheduling import access, actions, feeds
from hale.scheduling.forms import BusySourceForm, PreferencesForm
from hale.scheduling.models import CalendarFeed
from hale.scheduling.views.common import platform_only, practice_specialist, run_for_valid

NEW_FEED_SESSION_KEY = "scheduling_new_feed_token"


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Calendar default view and proposal defaults (also linked from account settings)."""
    specialist = practice_specialist(request)
    prefs = access.schedule_preferences(specialist)
    session_types = list(access.session_types_for(specialist, active_only=True))
    form = PreferencesForm(
        request.POST or None,
        session_types=session_types,
        initial={
            "calendar_view": prefs.calendar_view,
            "proposal_expiry_hours": prefs.proposal_expiry_hours,
            "default_session_type": str(prefs.default_session_type.uuid)
            if prefs.default_session_type
            else "",
            "week_starts_on": prefs.week_starts_on,
            "day_starts_at": prefs.day_starts_at,
            "day_ends_at": prefs.day_ends_at,
            "feed_shows_patient_names": prefs.feed_shows_patient_names,
        },
    )
    if request.method == "POST" and run_for_valid(
        form,
        lambda: actions.save_schedule_preferences(
            specialist=specialist, acting_user=request.user, values=form.values()
        ),
    ):
        messages.success(request, _("Preferences saved."))
        return redirect("schedule_preferences")
    return render(
        request,
        "scheduling/practice/preferences.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


# --- Calendar feed -----------------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def feed_page(request: HttpRequest) -> HttpResponse:
    """Create, rotate or revoke the private feed. The URL is shown once, right after it was
    made (only its hash is stored), from the session, then forgotten."""
    specialist = practice_specialist(request)
    token = request.session.pop(NEW_FEED_SESSION_KEY, None)
    feed_url = ""
    if token:
        feed_url = request.build_absolute_uri(reverse("schedule_feed", args=[token]))
    active = CalendarFeed.objects.filter(specialist=specialist, revoked_at__isnull=True).first()
    return render(
        request,
        "scheduling/practice/feed.html",
        {
            "active": active,
            "feed_url": feed_url,
            "webcal_url": feed_url.replace("https://", "webcal://", 1).replace(
                "http://", "webcal://", 1
            ),
            "prefs": access.schedule_preferences(specialist),
        },
    )


@login_required
@require_POST
def feed_action(request: HttpRequest, what: str) -> HttpResponse:
    specialist = practice_specialist(request)
    if what == "create":
        token = actions.create_calendar_feed(specialist=specialist, acting_user=request.user)
        request.session[NEW_FEED_SESSION_KEY] = token
        messages.success(request, _("Your new calendar address is ready. Copy it now."))
    elif what == "revoke":
        if actions.revoke_calendar_feed(specialist=specialist, acting_user=request.user):
            messages.success(request, _("The calendar address no longer works."))
    else:
        raise Http404
    return redirect("schedule_feed_page")


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself: no sign-in (calendar apps cannot), the token is the key. A revoked
    or unknown token is a 404."""
    platform_only(request)
    found = feeds.find_feed(token)
    if found is None:
        raise Http404
    specialist = found.specialist
    prefs = access.schedule_preferences(specialist)
    body = feeds.feed_calendar(
        specialist,
        show_names=prefs.feed_shows_patient_names,
        url_for=lambda a: absolute_url(reverse("schedule_appointment", args=[a.uuid])),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="hale-sessions.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- External calendars (busy times) -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def busy_sources(request: HttpRequest) -> HttpResponse:
    specialist = practice_specialist(request)
    form = BusySourceForm(request.POST or None)
    if request.method == "POST" and run_for_valid(
        form,
        lambda: actions.add_busy_source(
            specialist=specialist,
            acting_user=request.user,
            name=form.cleaned_data["name"],
            url=form.cleaned_data["url"],
        ),
    ):
        messages.success(request, _("Calendar added. Its busy times are imported."))
        return redirect("schedule_busy_sources")
    return render(
        request,
        "scheduling/practice/busy_sources.html",
        {"form": form, "sources": list(access.busy_sources_for(specialist))},
        status=400 if form.errors else 200,
    )


def _own_busy_source(specialist, source_id: uuid.UUID):
    """One of the specialist's external calendars; 404 for anyone else's and for none."""
    source = access.busy_sources_for(specialist).filter(uuid=source_id).first()
    if source is None:
        raise Http404
    return source


@login_required
@require_GET
@never_cache
def busy_source_card(request: HttpRequest, source_id: uuid.UUID) -> HttpResponse:
    """One calendar's card: what the page polls while an import is queued or running."""
    specialist = practice_specialist(request)
    source = _own_busy_source(specialist, source_id)
    return render(request, "scheduling/practice/_busy_source.html", {"source": source})


@login_required
@require_POST
def busy_source_action(request: HttpRequest, source_id: uuid.UUID, what: str) -> HttpResponse:
    specialist = practice_specialist(request)
    source = _own_busy_source(specialist, source_id)
    if what == "remove":
        actions.remove_busy_source(
            specialist=specialist, acting_user=request.user, source_id=source.uuid
        )
        messages.success(request, _("Calendar removed with its busy times."))
    elif what == "refresh":
        actions.request_busy_import(
            specialist=specialist, acting_user=request.user, source_id=source.uuid
        )
        messages.success(
            request, _("Import started. Its progress shows below; the page updates by itself.")
        )
    else:
        raise Http404
    return redirect("schedule_busy_sources")
