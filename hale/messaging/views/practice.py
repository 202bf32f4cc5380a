"""Messages in the specialist portal (platform host, /practice/messages/), with the patient
sidebar beside each conversation."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from hale.accounts.hooks import record_sections
from hale.legal.access import consent_status_for
from hale.matching.access import access_specialist_patient, specialist_patients
from hale.matching.models import CareRelationship
from hale.messaging import access
from hale.messaging.models import Conversation, Side
from hale.messaging.policy import Policy
from hale.messaging.views import common
from hale.scheduling.access import specialist_appointments, specialist_requests

PORTAL = common.Portal(
    side=Side.SPECIALIST, base_template="specialist/base.html", prefix="practice_message"
)


def _viewer(request: HttpRequest) -> access.Viewer:
    if getattr(request, "brand", None) is not None:
        raise Http404
    return access.specialist_viewer(request.user)


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    can_start = specialist_patients(viewer.specialist, active_only=False).exists()
    return common.inbox(request, PORTAL, viewer, can_start=can_start)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    patients = list(specialist_patients(viewer.specialist, active_only=False))
    recipients = [(str(p.uuid), f"{p.full_name or p.email} · {p.brand.name}") for p in patients]

    def resolve(value: str):
        patient = next((p for p in patients if str(p.uuid) == value), None)
        if patient is None:
            raise Http404
        return patient, viewer.specialist

    wanted = request.GET.get("patient", "")
    return common.start(
        request,
        PORTAL,
        viewer,
        recipients=recipients,
        resolve=resolve,
        initial={"to": wanted} if wanted else None,
    )


def sidebar(conversation: Conversation, specialist) -> dict:
    """What the specialist sees beside the chat: next session, consents, care, links."""
    return patient_summary(conversation.patient, specialist)


def patient_summary(patient, specialist) -> dict:
    """The facts a specialist keeps in view about one of their patients (the chat's sidebar
    and the patient page)."""
    upcoming = (
        specialist_appointments(specialist)
        .filter(patient=patient)
        .upcoming()
        .order_by("start")
        .first()
    )
    care = (
        CareRelationship.objects.filter(patient=patient, specialist=specialist)
        .order_by("-started_at")
        .first()
    )
    consent = consent_status_for(patient.user, patient.brand) if patient.user_id else None
    return {
        "patient": patient,
        "next_appointment": upcoming,
        "care": care,
        "consent_pending": None if consent is None else consent.needs_consent,
        "propose_url": reverse("schedule_propose") + f"?patient={patient.uuid}",
        "requests_url": reverse("schedule_requests"),
        "patient_url": reverse("practice_patient", args=[patient.uuid]),
        "policy_label": Policy(patient.brand.messaging_policy).label,
    }


@login_required
@require_safe
def patient(request: HttpRequest, patient_id: uuid.UUID) -> HttpResponse:
    """One of the specialist's patients: the summary, their sessions with this specialist,
    and the conversation."""
    viewer = _viewer(request)
    person = access_specialist_patient(viewer.specialist, patient_id, active_only=False)
    conversation = access.conversations_for(viewer).filter(patient=person).first()
    appointments = (
        specialist_appointments(viewer.specialist).filter(patient=person).order_by("-start")[:50]
    )
    response = render(
        request,
        "messaging/practice_patient.html",
        {
            "summary": patient_summary(person, viewer.specialist),
            "appointments": appointments,
            "requests": list(
                specialist_requests(viewer.specialist)
                .filter(patient=person)
                .order_by("-created_at")[:20]
            ),
            "record_sections": record_sections(
                patient=person,
                audience="specialist",
                user=request.user,
                specialist=viewer.specialist,
            ),
            "conversation_url": (
                reverse("practice_message_thread", args=[conversation.uuid])
                if conversation is not None
                else reverse("practice_message_new") + f"?patient={person.uuid}"
            ),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def thread(request: HttpRequest, conversation_id: uuid.UUID) -> HttpResponse:
    viewer = _viewer(request)
    conversation = access.access_conversation(viewer, conversation_id)
    return common.thread(
        request,
        PORTAL,
        viewer,
        conversation,
        sidebar=lambda: sidebar(conversation, viewer.specialist),
    )


# The thread's live updates, message deletion and attachment downloads.
updates, delete, file = common.conversation_views(_viewer, PORTAL)


@login_required
@require_safe
def unread(request: HttpRequest) -> JsonResponse:
    """The platform header count: as a specialist and as staff (any platform user)."""
    if getattr(request, "brand", None) is not None:
        raise Http404
    return JsonResponse(
        {"messages_unread": access.platform_unread_total(request.user)},
        headers={"Cache-Control": "no-store"},
    )
