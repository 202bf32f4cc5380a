"""Messages in the patient portal (brand hosts)."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from hale.messaging import access, actions
from hale.messaging.models import Side
from hale.messaging.views import common

PORTAL = common.Portal(side=Side.PATIENT, base_template="patient/base.html", prefix="message")
CLINIC = "clinic"


def _viewer(request: HttpRequest) -> access.Viewer:
    return access.patient_viewer(request.user, getattr(request, "brand", None))


def _recipients(viewer) -> list[tuple[str, str]]:
    choices = [(CLINIC, _("%(clinic)s team") % {"clinic": viewer.brand.name})]
    choices += [(str(s.uuid), s.display_name) for s in access.patient_specialists(viewer.patient)]
    return choices


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    decision = actions.start_decision(viewer, patient=viewer.patient, specialist=None)
    return common.inbox(
        request,
        PORTAL,
        viewer,
        can_start=bool(decision),
        extra={"refusal": None if decision else decision},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    decision = actions.start_decision(viewer, patient=viewer.patient, specialist=None)

    def resolve(value: str):
        if value == CLINIC:
            return viewer.patient, None
        specialist = access.patient_specialists(viewer.patient).filter(uuid=value).first()
        if specialist is None:
            raise Http404
        return viewer.patient, specialist

    return common.start(
        request,
        PORTAL,
        viewer,
        recipients=_recipients(viewer),
        resolve=resolve,
        refusal=None if decision else decision,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def thread(request: HttpRequest, conversation_id: uuid.UUID) -> HttpResponse:
    viewer = _viewer(request)
    conversation = access.access_conversation(viewer, conversation_id)
    return common.thread(request, PORTAL, viewer, conversation)


# The thread's live updates, message deletion and attachment downloads.
updates, delete, file = common.conversation_views(_viewer, PORTAL)


@login_required
@require_safe
def unread(request: HttpRequest) -> JsonResponse:
    viewer = _viewer(request)
    return JsonResponse(
        {"messages_unread": access.unread_total(viewer)}, headers={"Cache-Control": "no-store"}
    )
