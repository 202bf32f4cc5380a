"""The specialist's calendar: a day, week or month of appointments and open hours."""

import datetime as dt
from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hale.accounts.pagecache import cacheable
from hale.scheduling import access, hooks
from hale.scheduling.models import Appointment
from hale.scheduling.slots import availability, load_schedule
from hale.scheduling.views.common import practice_specialist

VIEWS = ("day", "week", "month")


def _week_start(day: dt.date, week_start: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - week_start) % 7)


def _range(view: str, anchor: dt.date, week_start: int = 0) -> tuple[dt.date, dt.date]:
    """First and last local date shown (weeks start on ``week_start``, 0 = Monday)."""
    if view == "day":
        return anchor, anchor
    if view == "week":
        first = _week_start(anchor, week_start)
        return first, first + dt.timedelta(days=6)
    first = anchor.replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    # Whole weeks, starting on the specialist's first day of the week.
    start = _week_start(first, week_start)
    last = next_month - dt.timedelta(days=1)
    end = _week_start(last, week_start) + dt.timedelta(days=6)
    return start, end


def _step(view: str, anchor: dt.date, direction: int) -> dt.date:
    if view == "day":
        return anchor + dt.timedelta(days=direction)
    if view == "week":
        return anchor + dt.timedelta(days=7 * direction)
    month = anchor.month - 1 + direction
    return dt.date(anchor.year + month // 12, month % 12 + 1, 1)


@cacheable
@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """Day, week or month of appointments and open hours, in the viewer's zone.

    Two queries for appointments and six for availability, whatever the range holds.
    """
    specialist = practice_specialist(request)
    zone = timezone.get_current_timezone()
    now = timezone.now()
    prefs = access.schedule_preferences(specialist)
    default_view = prefs.calendar_view
    view = request.GET.get("view", default_view)
    if view not in VIEWS:
        view = default_view
    try:
        anchor = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        anchor = now.astimezone(zone).date()
    first, last = _range(view, anchor, prefs.week_starts_on)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone).astimezone(
        dt.UTC
    )
    appointments = list(
        access.specialist_appointments(specialist)
        .overlapping(start, end)
        .exclude(status__in=[Appointment.Status.DECLINED])
        .order_by("start")
    )
    schedule = load_schedule(specialist, start, end, now=now)
    open_time = availability(schedule, start, end)

    days = []
    day = first
    while day <= last:
        days.append(day)
        day += dt.timedelta(days=1)
    by_day: dict[dt.date, list] = defaultdict(list)
    for appointment in appointments:
        # E.g. video: "Join" on a session whose room is open now.
        appointment.join_url = hooks.join_url.first(appointment=appointment, user=request.user)
        by_day[appointment.start.astimezone(zone).date()].append(appointment)

    def is_open(a: dt.datetime, b: dt.datetime) -> bool:
        return any(s < b and a < e for s, e in open_time)

    context = {
        "view": view,
        "anchor": anchor,
        "first": first,
        "last": last,
        "previous": _step(view, anchor, -1).isoformat(),
        "next": _step(view, anchor, 1).isoformat(),
        "today": now.astimezone(zone).date().isoformat(),
        "views": [(v, {"day": _("Day"), "week": _("Week"), "month": _("Month")}[v]) for v in VIEWS],
        "specialist": specialist,
    }
    if view == "month":
        weeks = []
        for i in range(0, len(days), 7):
            week = []
            for d in days[i : i + 7]:
                d_start = dt.datetime.combine(d, dt.time(0), tzinfo=zone)
                d_end = d_start + dt.timedelta(days=1)
                week.append(
                    {
                        "date": d,
                        "in_month": d.month == anchor.month,
                        "appointments": by_day.get(d, []),
                        "open": is_open(d_start, d_end),
                    }
                )
            weeks.append(week)
        context["weeks"] = weeks
        context["weekday_names"] = [d for d in days[:7]]
    else:
        hours = set(range(prefs.day_starts_at, prefs.day_ends_at))
        for appointment in appointments:
            hours.add(appointment.start.astimezone(zone).hour)
        for s, e in open_time:
            local_s, local_e = s.astimezone(zone), (e - dt.timedelta(seconds=1)).astimezone(zone)
            if local_s.date() == local_e.date():
                hours.update(range(local_s.hour, local_e.hour + 1))
        rows = []
        for hour in sorted(hours):
            cells = []
            for d in days:
                cell_start = dt.datetime.combine(d, dt.time(hour), tzinfo=zone)
                cell_end = cell_start + dt.timedelta(hours=1)
                cells.append(
                    {
                        "date": d,
                        "open": is_open(cell_start.astimezone(dt.UTC), cell_end.astimezone(dt.UTC)),
                        "appointments": [
                            a for a in by_day.get(d, []) if a.start.astimezone(zone).hour == hour
                        ],
                    }
                )
            rows.append({"hour": dt.time(hour), "cells": cells})
        context["rows"] = rows
        context["days"] = days
    return render(request, "scheduling/practice/calendar.html", context)
