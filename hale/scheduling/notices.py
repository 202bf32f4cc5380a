"""Telling people about their appointments and availability requests (after commit).

Each person is told in their own language and time zone, on their own portal: patients on
their brand, specialists on the platform host. ``names`` ({"patient": ..., "specialist": ...})
are taken before commit when one side is being anonymised (account deletion; that side is
inactive by then and gets nothing).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from hale.notifications.actions import notify
from hale.notifications.email import recipient_locale
from hale.notifications.kinds import PATIENT, PLATFORM
from hale.scheduling.models import Appointment, AvailabilityRequest


def local_when(moment: dt.datetime) -> str:
    """A moment in the active zone with the zone named (call inside recipient_locale)."""
    local = timezone.localtime(moment)
    return (
        f"{formats.date_format(local, 'DATETIME_FORMAT')} ({timezone.get_current_timezone_name()})"
    )


# Titles and bodies per kind: (title, body) with %(session)s, %(when)s, %(other)s.
APPOINTMENT_MESSAGES = {
    "appointment.booked": (
        gettext_lazy("Booked: %(session)s on %(when)s"),
        gettext_lazy("%(session)s with %(other)s is booked for %(when)s."),
    ),
    "appointment.proposed": (
        gettext_lazy("Proposed: %(session)s on %(when)s"),
        gettext_lazy(
            "%(other)s proposed %(session)s on %(when)s. Please answer before %(expires)s."
        ),
    ),
    "appointment.accepted": (
        gettext_lazy("Accepted: %(session)s on %(when)s"),
        gettext_lazy("%(session)s with %(other)s on %(when)s is confirmed."),
    ),
    "appointment.declined": (
        gettext_lazy("Declined: %(session)s on %(when)s"),
        gettext_lazy("The proposed %(session)s with %(other)s on %(when)s was declined."),
    ),
    "appointment.withdrawn": (
        gettext_lazy("Withdrawn: %(session)s on %(when)s"),
        gettext_lazy("The proposed %(session)s with %(other)s on %(when)s was withdrawn."),
    ),
    "appointment.expired": (
        gettext_lazy("Expired: %(session)s on %(when)s"),
        gettext_lazy("The proposed %(session)s with %(other)s on %(when)s expired unanswered."),
    ),
    "appointment.cancelled": (
        gettext_lazy("Cancelled: %(session)s on %(when)s"),
        gettext_lazy("%(session)s with %(other)s on %(when)s is cancelled."),
    ),
    "appointment.rescheduled": (
        gettext_lazy("Rescheduled: %(session)s now on %(when)s"),
        gettext_lazy("%(session)s with %(other)s moved from %(previous)s to %(when)s."),
    ),
    "appointment.reminder": (
        gettext_lazy("Reminder: %(session)s on %(when)s"),
        gettext_lazy("%(session)s with %(other)s starts on %(when)s."),
    ),
    "appointment.proposal_changed": (
        gettext_lazy("Changed proposal: %(session)s on %(when)s"),
        gettext_lazy(
            "%(other)s changed the proposed session: %(session)s on %(when)s (was %(previous)s). "
            "Please answer before %(expires)s."
        ),
    ),
}

REQUEST_MESSAGES = {
    "availability.requested": (
        gettext_lazy("Availability request from %(patient)s"),
        gettext_lazy(
            "%(patient)s asks for session times: “%(preferred)s”. Please answer before %(expires)s."
        ),
    ),
    "availability.declined": (
        gettext_lazy("%(specialist)s cannot offer times for your request"),
        gettext_lazy("%(specialist)s declined your availability request: %(reason)s"),
    ),
    "availability.expired": (
        gettext_lazy("Availability request expired"),
        gettext_lazy(
            "The availability request of %(patient)s to %(specialist)s was not answered in time."
        ),
    ),
}


@dataclass(frozen=True)
class Recipient:
    user: AbstractBaseUser
    portal: str
    url: str
    other: str = ""  # the other side's name, as this recipient sees it


def _send(
    *,
    kind: str,
    brand,
    messages: dict,
    recipients: list[Recipient],
    values_for: Callable[[Recipient], dict],
    context: dict,
    note: Promise | None = None,
) -> None:
    """Render and send one notification per recipient, each in their own locale."""
    title_t, body_t = messages[kind]
    for recipient in recipients:
        with recipient_locale(recipient.user, brand):
            values = values_for(recipient)
            title, body = str(title_t) % values, str(body_t) % values
            if note:
                body = f"{body} {str(note) % values}"
        notify(
            user=recipient.user,
            kind=kind,
            brand=brand,
            title=title,
            body=body,
            url=recipient.url,
            portal=recipient.portal,
            context=context,
        )


def _patient_name(obj) -> str:
    return obj.patient.full_name or obj.patient.email


def notify_appointment(
    appointment: Appointment,
    kind: str,
    *,
    previous_start: dt.datetime | None = None,
    names: dict | None = None,
    note: Promise | None = None,
    now: bool = False,
) -> None:
    """Tell the patient and the specialist about ``appointment`` after commit (``now``: in
    the current transaction, so the notifications commit or roll back with it). ``note``
    (lazy, may use %(other)s) is added to the body."""
    appointment_id = appointment.pk

    def send() -> None:
        appt = Appointment.objects.select_related("patient__user", "specialist__user", "brand").get(
            pk=appointment_id
        )
        recipients = []
        if appt.patient.user is not None:
            recipients.append(
                Recipient(
                    appt.patient.user,
                    PATIENT,
                    reverse("appointment_detail", urlconf="hale.urls_brand", args=[appt.uuid]),
                    names["specialist"] if names else appt.specialist.display_name,
                )
            )
        recipients.append(
            Recipient(
                appt.specialist.user,
                PLATFORM,
                reverse("schedule_appointment", urlconf="hale.urls_platform", args=[appt.uuid]),
                names["patient"] if names else _patient_name(appt),
            )
        )

        def values_for(recipient: Recipient) -> dict:
            return {
                "session": appt.session_name,
                "when": local_when(appt.start),
                "other": recipient.other,
                "expires": local_when(appt.expires_at) if appt.expires_at else "",
                "previous": local_when(previous_start) if previous_start else "",
            }

        _send(
            kind=kind,
            brand=appt.brand,
            messages=APPOINTMENT_MESSAGES,
            recipients=recipients,
            values_for=values_for,
            context={"appointment": str(appt.uuid)},
            note=note,
        )

    if now:
        send()
    else:
        transaction.on_commit(send)


def notify_request(
    request_id: int, kind: str, *, to_patient: bool, to_specialist: bool, names=None
) -> None:
    """Tell the patient and/or the specialist about an availability request after commit."""

    def send() -> None:
        req = AvailabilityRequest.objects.select_related(
            "patient__user", "specialist__user", "brand"
        ).get(pk=request_id)
        recipients = []
        if to_patient and req.patient.user is not None:
            url = reverse("availability_request_detail", urlconf="hale.urls_brand", args=[req.uuid])
            recipients.append(Recipient(req.patient.user, PATIENT, url))
        if to_specialist:
            url = reverse("schedule_request", urlconf="hale.urls_platform", args=[req.uuid])
            recipients.append(Recipient(req.specialist.user, PLATFORM, url))

        def values_for(recipient: Recipient) -> dict:
            return {
                "patient": names["patient"] if names else _patient_name(req),
                "specialist": names["specialist"] if names else req.specialist.display_name,
                "preferred": req.preferred_summary()[:200],
                "reason": req.decline_reason,
                "expires": local_when(req.expires_at),
            }

        _send(
            kind=kind,
            brand=req.brand,
            messages=REQUEST_MESSAGES,
            recipients=recipients,
            values_for=values_for,
            context={"availability_request": str(req.uuid)},
        )

    transaction.on_commit(send)
