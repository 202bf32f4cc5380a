"""The pages every portal shares: inbox, new conversation, thread (read, send, search,
delete, live updates) and attachment download. Each portal module says who the viewer is,
which conversations they may open and which base template and URL names it uses."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from hale.core.uploads import UploadRejected, delete_uploads, serve_upload, store_upload
from hale.messaging import access, actions
from hale.messaging.errors import MessagingError
from hale.messaging.forms import MessageForm, SearchForm, StartForm
from hale.messaging.models import Conversation, Side

THREAD_LIMIT = 200


@dataclass
class Portal:
    """How one portal names its messaging pages and lays them out."""

    side: str
    base_template: str
    prefix: str  # URL names: f"{prefix}_inbox", f"{prefix}_thread", ...
    args: tuple = field(default_factory=tuple)  # leading URL arguments (the staff brand)

    def url(self, name: str, *args) -> str:
        return reverse(f"{self.prefix}_{name}", args=[*self.args, *args])


def wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _store(files, *, brand, user) -> list:
    """Keep each file through the upload pipeline; a refused one takes the others back."""
    stored = []
    try:
        for file in files:
            stored.append(
                store_upload(file=file, policy=brand.upload_policy(), uploaded_by=user, brand=brand)
            )
    except UploadRejected:
        delete_uploads(uploads=stored)
        raise
    return stored


def _with_urls(portal: Portal, conversation: Conversation, items: list[Any], viewer: access.Viewer):
    for message in items:
        message.mine = message.sender_id == viewer.user.pk and message.sender_side == viewer.side
        message.own_side = message.sender_side == viewer.side or (
            viewer.side != Side.PATIENT and message.sender_side != Side.PATIENT
        )
        message.delete_url = portal.url("delete", conversation.uuid, message.uuid)
        for attachment in message.attachments.all():
            attachment.url = portal.url("file", attachment.uuid)
    return items


def thread_context(request, portal: Portal, viewer, conversation: Conversation, *, query=""):
    items: list[Any] = list(
        access.messages_of(conversation, query=query).order_by("-created_at", "-pk")[:THREAD_LIMIT]
    )
    items.reverse()
    _with_urls(portal, conversation, items, viewer)
    seen_at = access.read_by_others(conversation, viewer)
    last_own = next((m for m in reversed(items) if m.own_side and not m.is_deleted), None)
    seen = seen_at if last_own is not None and seen_at and seen_at >= last_own.created_at else None
    decision = actions.send_decision(conversation, viewer)
    return {
        "conversation": conversation,
        "items": items,
        "seen_at": seen,
        "seen_message": last_own if seen else None,
        "decision": decision,
        "viewer_side": viewer.side,
        "query": query,
        "latest": items[-1].uuid if items else "",
        "portal": portal,
    }


def _other_name(conversation: Conversation, viewer) -> str:
    if viewer.side == Side.PATIENT:
        if conversation.specialist is not None:
            return conversation.specialist.display_name
        return _("%(clinic)s team") % {"clinic": conversation.brand.name}
    return conversation.patient.full_name or conversation.patient.email


def thread(
    request: HttpRequest,
    portal: Portal,
    viewer,
    conversation: Conversation,
    *,
    sidebar: Callable[[], dict] | None = None,
    extra=None,
) -> HttpResponse:
    """The conversation page; a POST sends. ``sidebar`` is computed only when the page is
    drawn (a message sent from the live page answers without it)."""
    form = MessageForm()
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid():
            sent = send(request, portal, viewer, conversation, form)
            if sent is not None:
                return sent
        status = 400
        if wants_json(request):
            return JsonResponse({"ok": False, "errors": _errors(form)}, status=400)
    search = SearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    if not query:
        actions.mark_read(conversation=conversation, viewer=viewer)
    ctx = thread_context(request, portal, viewer, conversation, query=query)
    ctx.update(
        base_template=portal.base_template,
        form=form,
        search=search,
        other_name=_other_name(conversation, viewer),
        inbox_url=portal.url("inbox"),
        send_url=portal.url("thread", conversation.uuid),
        updates_url=portal.url("updates", conversation.uuid),
        sidebar=sidebar() if sidebar is not None else None,
        **(extra or {}),
    )
    return render(request, "messaging/thread.html", ctx, status=status)


def _errors(form) -> list[str]:
    return [str(e) for errors in form.errors.values() for e in errors]


def send(request, portal: Portal, viewer, conversation: Conversation, form) -> HttpResponse | None:
    """Store the files, send the message; None (with the form carrying the error) if refused."""
    try:
        uploads = _store(
            form.cleaned_data["attachments"], brand=conversation.brand, user=request.user
        )
    except UploadRejected as exc:
        form.add_error("attachments", exc)
        return None
    try:
        actions.send_message(
            conversation=conversation,
            viewer=viewer,
            body=form.cleaned_data["body"],
            attachments=uploads,
        )
    except MessagingError as exc:
        delete_uploads(uploads=uploads)
        form.add_error(None, " ".join(str(x) for x in (exc.message, exc.instead) if x))
        return None
    if wants_json(request):
        return JsonResponse({"ok": True})
    return redirect(portal.url("thread", conversation.uuid))


def updates(
    request: HttpRequest, portal: Portal, viewer, conversation: Conversation
) -> JsonResponse:
    """The thread's messages and state as HTML for the live page (socket or polling)."""
    if request.GET.get("read") == "1":
        actions.mark_read(conversation=conversation, viewer=viewer)
    conversation.refresh_from_db(
        fields=[
            "last_message_at",
            "last_team_message_at",
            "last_patient_message_at",
            "started_by_side",
            "assigned_to",
        ]
    )
    ctx = thread_context(request, portal, viewer, conversation)
    return JsonResponse(
        {
            "html": render_to_string("messaging/_messages.html", ctx, request=request),
            "composer": render_to_string("messaging/_closed.html", ctx, request=request),
            "allowed": bool(ctx["decision"]),
            "latest": str(ctx["latest"]),
            "messages_unread": unread_total(viewer),
        },
        headers={"Cache-Control": "no-store"},
    )


def unread_total(viewer) -> int:
    if viewer.side == Side.PATIENT:
        return access.unread_total(viewer)
    return access.platform_unread_total(viewer.user)


def delete(
    request: HttpRequest, portal: Portal, viewer, conversation: Conversation, message_id
) -> HttpResponse:
    message = access.access_message(viewer, conversation, message_id)
    try:
        actions.delete_message(message=message, viewer=viewer)
    except MessagingError as exc:
        if wants_json(request):
            return JsonResponse({"ok": False, "errors": [str(exc.message)]}, status=400)
        flash.error(request, str(exc.message))
    else:
        if wants_json(request):
            return JsonResponse({"ok": True})
        flash.success(request, _("Message deleted."))
    return redirect(portal.url("thread", conversation.uuid))


def attachment(request: HttpRequest, viewer, attachment_id) -> HttpResponse:
    item = access.access_attachment(viewer, attachment_id)
    return serve_upload(request, item.upload, inline=request.GET.get("download") != "1")


def inbox(request: HttpRequest, portal: Portal, viewer, *, can_start, extra=None) -> HttpResponse:
    rows: list[Any] = list(access.inbox(viewer)[: access.INBOX_PAGE])
    for row in rows:
        row.url = portal.url("thread", row.uuid)
        row.other = _other_name(row, viewer)
        row.closed = viewer.side == Side.PATIENT and actions.policy.closed_for_patient(
            row, policy=row.brand.messaging_policy, now=timezone.now()
        )
    return render(
        request,
        "messaging/inbox.html",
        {
            "base_template": portal.base_template,
            "rows": rows,
            "can_start": can_start,
            "new_url": portal.url("new"),
            "viewer_side": viewer.side,
            **(extra or {}),
        },
    )


def start(
    request: HttpRequest,
    portal: Portal,
    viewer,
    *,
    recipients,
    resolve,
    refusal=None,
    initial=None,
    extra=None,
) -> HttpResponse:
    """New conversation. ``recipients`` are (value, label) choices; ``resolve(value)`` gives
    (patient, specialist) for one of them."""
    form = StartForm(
        request.POST or None, request.FILES or None, recipients=recipients, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        patient, specialist = resolve(form.cleaned_data["to"])
        conversation = actions.conversation_for(
            patient=patient, specialist=specialist, side=viewer.side
        )
        conversation = access.access_conversation(viewer, conversation.uuid)
        sent = send(request, portal, viewer, conversation, form)
        if sent is not None:
            return sent
    return render(
        request,
        "messaging/new.html",
        {
            "base_template": portal.base_template,
            "form": form,
            "inbox_url": portal.url("inbox"),
            "refusal": refusal,
            **(extra or {}),
        },
        status=400 if request.method == "POST" else 200,
    )


def conversation_views(viewer_of: Callable[[HttpRequest], access.Viewer], portal: Portal):
    """The updates, delete and file views of a portal whose URLs carry no brand (patient
    and practice): ``viewer_of(request)`` says who is looking (404 for anyone else)."""

    @login_required
    @require_safe
    def updates_view(request: HttpRequest, conversation_id: uuid.UUID) -> HttpResponse:
        viewer = viewer_of(request)
        return updates(request, portal, viewer, access.access_conversation(viewer, conversation_id))

    @login_required
    @require_POST
    def delete_view(
        request: HttpRequest, conversation_id: uuid.UUID, message_id: uuid.UUID
    ) -> HttpResponse:
        viewer = viewer_of(request)
        conversation = access.access_conversation(viewer, conversation_id)
        return delete(request, portal, viewer, conversation, message_id)

    @login_required
    @require_safe
    def file_view(request: HttpRequest, attachment_id: uuid.UUID) -> HttpResponse:
        return attachment(request, viewer_of(request), attachment_id)

    return updates_view, delete_view, file_view
