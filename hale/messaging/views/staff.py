"""The brand's shared inbox in the back office (platform host,
/staff/brands/<slug>/messages/). Every staff read of a conversation is audited."""

import uuid

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hale.accounts.access import access_brand_patient, brand_patients
from hale.messaging import access, actions
from hale.messaging.errors import MessagingError
from hale.messaging.forms import AssignForm
from hale.messaging.models import Side
from hale.messaging.views import common
from hale.tenancy.access import access_staff_brand


def _portal(brand) -> common.Portal:
    return common.Portal(
        side=Side.STAFF, base_template="staff/base.html", prefix="staff_message", args=(brand.slug,)
    )


def _viewer(request: HttpRequest, brand_slug: str):
    brand = access_staff_brand(request.user, brand_slug)
    return brand, access.staff_viewer(request.user, brand)


def _staff_choices(brand) -> list[tuple[str, str]]:
    return [
        (str(u.pk), u.get_full_name() or u.email)
        for u in access.brand_staff_users(brand).order_by("email")
    ]


@login_required
@require_safe
def inbox(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand, viewer = _viewer(request, brand_slug)
    return common.inbox(
        request, _portal(brand), viewer, can_start=True, extra={"managed_brand": brand}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand, viewer = _viewer(request, brand_slug)
    patients = brand_patients(brand)
    recipients = [(str(p.uuid), p.full_name or p.email) for p in patients]

    def resolve(value: str):
        return access_brand_patient(brand, value), None

    wanted = request.GET.get("patient", "")
    return common.start(
        request,
        _portal(brand),
        viewer,
        recipients=recipients,
        resolve=resolve,
        initial={"to": wanted} if wanted else None,
        extra={"managed_brand": brand},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def thread(request: HttpRequest, brand_slug: str, conversation_id: uuid.UUID) -> HttpResponse:
    brand, viewer = _viewer(request, brand_slug)
    conversation = access.access_conversation(viewer, conversation_id)

    def sidebar() -> dict:
        assign = None
        if access.is_brand_admin(request.user, brand):
            assign = AssignForm(
                staff=_staff_choices(brand),
                initial={"assignee": conversation.assigned_to_id or ""},
            )
        return {
            "patient": conversation.patient,
            "assigned_to": conversation.assigned_to,
            "assign_form": assign,
            "assign_url": _portal(brand).url("assign", conversation.uuid),
            "staff": True,
        }

    return common.thread(
        request,
        _portal(brand),
        viewer,
        conversation,
        sidebar=sidebar,
        extra={"managed_brand": brand},
    )


@login_required
@require_POST
def assign(request: HttpRequest, brand_slug: str, conversation_id: uuid.UUID) -> HttpResponse:
    brand, viewer = _viewer(request, brand_slug)
    conversation = access.access_conversation(viewer, conversation_id)
    form = AssignForm(request.POST, staff=_staff_choices(brand))
    if not form.is_valid():
        flash.error(request, _("Choose a member of this clinic's staff."))
        return redirect(_portal(brand).url("thread", conversation.uuid))
    chosen = form.cleaned_data["assignee"]
    assignee = access.brand_staff_users(brand).filter(pk=chosen).first() if chosen else None
    try:
        actions.assign_conversation(
            brand=brand, patient=conversation.patient, assignee=assignee, acting_user=request.user
        )
    except MessagingError as exc:
        flash.error(request, str(exc.message))
    else:
        flash.success(request, _("Assignment saved."))
    return redirect(_portal(brand).url("thread", conversation.uuid))


@login_required
@require_safe
def updates(request: HttpRequest, brand_slug: str, conversation_id: uuid.UUID) -> HttpResponse:
    brand, viewer = _viewer(request, brand_slug)
    return common.updates(
        request, _portal(brand), viewer, access.access_conversation(viewer, conversation_id)
    )


@login_required
@require_POST
def delete(
    request: HttpRequest, brand_slug: str, conversation_id: uuid.UUID, message_id: uuid.UUID
) -> HttpResponse:
    brand, viewer = _viewer(request, brand_slug)
    conversation = access.access_conversation(viewer, conversation_id)
    return common.delete(request, _portal(brand), viewer, conversation, message_id)


@login_required
@require_safe
def file(request: HttpRequest, brand_slug: str, attachment_id: uuid.UUID) -> HttpResponse:
    _brand, viewer = _viewer(request, brand_slug)
    return common.attachment(request, viewer, attachment_id)
