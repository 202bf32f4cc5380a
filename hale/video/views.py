"""The room page of a video session, in both portals: the pre-call check and the call when
the room is open (``access.join_state``), otherwise when it opens, that it ended, or what to
do first. Anyone but the session's two people gets 404."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.csp import CSP
from django.views.decorators.http import require_safe

from hale.core.http import BrandRequest, extend_csp
from hale.scheduling import access as scheduling_access
from hale.scheduling.views.common import brand_only, practice_specialist
from hale.video import access, actions, ice


def _page(request, appointment, *, role: str, base_template: str, back_url: str, chat_url: str):
    state = access.join_state(appointment, request.user)
    context = {
        "appointment": appointment,
        "state": state,
        "role": role,
        "base_template": base_template,
        "back_url": back_url,
        "leave_url": back_url,
        "chat_url": chat_url,
    }
    if role == "patient":
        context["peer_name"] = appointment.specialist.display_name
        context["self_name"] = appointment.patient.full_name or appointment.patient.email
        context["phone"] = ""
    else:
        context["peer_name"] = appointment.patient.full_name or appointment.patient.email
        context["self_name"] = appointment.specialist.display_name
        context["phone"] = appointment.patient.phone
    if state.is_open:
        room = actions.room_for(appointment)
        context["ws_url"] = f"/ws/video/{room.room_id}/"
        context["ice_config"] = ice.ice_config(request.user)
    response = render(request, "video/room.html", context, status=200 if state.is_open else 409)
    if state.is_open:
        # The vendored background-blur model is WebAssembly: this page may compile it.
        extend_csp(response, "script-src", CSP.WASM_UNSAFE_EVAL)
    return response


@login_required
@require_safe
def patient_room(request: BrandRequest, appointment_id: uuid.UUID) -> HttpResponse:
    brand_only(request)
    appointment = scheduling_access.access_patient_appointment(
        request.user, request.brand, appointment_id
    )
    return _page(
        request,
        appointment,
        role="patient",
        base_template="patient/base.html",
        back_url=reverse("appointment_detail", args=[appointment.uuid]),
        chat_url=reverse("message_inbox"),
    )


@login_required
@require_safe
def practice_room(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    specialist = practice_specialist(request)
    appointment = scheduling_access.access_specialist_appointment(specialist, appointment_id)
    return _page(
        request,
        appointment,
        role="specialist",
        base_template="specialist/base.html",
        back_url=reverse("schedule_appointment", args=[appointment.uuid]),
        chat_url=reverse("practice_message_inbox"),
    )
