"""Patient records made by staff, portal access, and portal invitations.

Staff create a Patient on their brand, keep its portal access on or off and send invitations;
the patient accepts one from the emailed link and their account is linked to the record.

Rules kept here (views only parse and render):

- Every change runs in one transaction, re-checks that the acting user works for the brand,
  writes an audit row and fires side effects after commit.
- Rows are locked patient first, then invitation, in every action, so two actions never wait
  on each other in opposite orders.
- Tokens are ``secrets.token_urlsafe(32)`` (256 bits). The database keeps only their SHA-256.
  The email task mints the token as it sends the email, so the raw token is never stored
  anywhere, not even in the task queue's arguments; it lives only in the emailed link.
- Opening a link reads; only :func:`accept_invitation` (a confirming POST) spends a token.
- *Expired* is worked out from ``expires_at``; no worker has to run for it to be right.
"""

import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hale.accounts.models import Patient, PortalInvitation, User, validate_time_zone
from hale.core import audit
from hale.core.models import AuditEvent
from hale.core.tasks import enqueue_on_commit, retrying_task
from hale.core.tokens import hash_token, new_token, plausible_token
from hale.notifications.actions import notify
from hale.notifications.email import (
    brand_email_context,
    branded_message,
    portal_url,
    recipient_locale,
)
from hale.tenancy.access import staff_brands
from hale.tenancy.models import Brand

logger = logging.getLogger(__name__)

DEFAULT_EXPIRY_HOURS = 48
MIN_EXPIRY_HOURS = 1
MAX_EXPIRY_HOURS = 7 * 24
MAX_PENDING_PER_PATIENT = 3

Status = PortalInvitation.Status


class InvitationError(Exception):
    """A request about a patient or an invitation that cannot be done, with a message for
    the person who asked (already translated) and a stable ``code`` for code and tests."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


class NotBrandStaff(PermissionDenied):
    """The acting user does not work for the patient's brand."""


# --- Tokens ---------------------------------------------------------------------------------


# --- Scoped reads ---------------------------------------------------------------------------


def staff_patients(brand: Brand, *, query: str = "") -> QuerySet[Patient]:
    """The brand's patients for its back office, with their pending invitation count, found
    by name or email. One query whatever the number of rows."""
    now = timezone.now()
    patients = Patient.objects.filter(brand=brand)
    if query:
        patients = patients.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    return patients.annotate(
        pending_invitations=Count(
            "invitations",
            filter=Q(invitations__status=Status.PENDING, invitations__expires_at__gt=now),
        )
    ).order_by("full_name", "email", "pk")


def access_staff_patient(brand: Brand, patient_uuid) -> Patient:
    """One of ``brand``'s patients (callers have checked the user is its staff); 404 if not."""
    patient = (
        Patient.objects.filter(brand=brand, uuid=patient_uuid)
        .select_related("user", "brand")
        .first()
    )
    if patient is None:
        raise Http404
    return patient


def access_staff_invitation(patient: Patient, invitation_uuid) -> PortalInvitation:
    invitation = patient.invitations.filter(uuid=invitation_uuid).first()
    if invitation is None:
        raise Http404
    invitation.patient = patient
    return invitation


def patient_invitations(patient: Patient) -> list[PortalInvitation]:
    """Every invitation of ``patient``, newest first, with the people in its history."""
    return list(patient.invitations.select_related("created_by", "accepted_by", "revoked_by"))


def patient_activity(patient: Patient, *, limit: int = 50) -> list[AuditEvent]:
    """The audit trail of the patient record itself (created, portal access, account linked),
    newest first; staff page views are left out."""
    return list(
        AuditEvent.objects.filter(object_type=Patient._meta.label_lower, object_id=str(patient.pk))
        .exclude(action="patient.viewed")
        .select_related("actor")[:limit]
    )


def invitation_for_token(token: str, brand: Brand) -> PortalInvitation | None:
    """The invitation a link's token belongs to on ``brand``, whatever its status, or None
    (unknown, altered, or another brand's). Reading never changes anything."""
    if not plausible_token(token):
        return None
    return invitation_for_hash(hash_token(token), brand)


def invitation_for_hash(token_hash: str, brand: Brand) -> PortalInvitation | None:
    """As :func:`invitation_for_token`, from the token's hash (what a session keeps while
    the visitor signs up, so the raw token is not stored there either)."""
    if not token_hash:
        return None
    return (
        PortalInvitation.objects.filter(token_hash=token_hash, patient__brand=brand)
        .select_related("patient", "patient__brand", "created_by")
        .first()
    )


def portal_access_disabled(*, user, brand: Brand | None) -> bool:
    """Whether ``user`` is a patient of ``brand`` whose portal access staff turned off."""
    if brand is None or not getattr(user, "is_authenticated", False):
        return False
    return Patient.objects.filter(brand=brand, user=user, portal_enabled=False).exists()


# --- Checks ---------------------------------------------------------------------------------


def _check_staff(user, brand: Brand) -> None:
    if not staff_brands(user).filter(pk=brand.pk).exists():
        raise NotBrandStaff(_("Only the brand's staff can manage its patients."))


def _lock_patient(patient: Patient) -> Patient:
    return Patient.objects.select_for_update().select_related("brand").get(pk=patient.pk)


def _lock_invitation(pk: int) -> PortalInvitation:
    return PortalInvitation.objects.select_for_update().get(pk=pk)


def _expiry_hours(value) -> int:
    try:
        hours = int(value)
    except (TypeError, ValueError):
        hours = 0
    if not MIN_EXPIRY_HOURS <= hours <= MAX_EXPIRY_HOURS:
        raise InvitationError(
            _("An invitation can last from %(min)s hour to %(max)s hours (7 days).")
            % {"min": MIN_EXPIRY_HOURS, "max": MAX_EXPIRY_HOURS},
            code="bad_expiry",
        )
    return hours


STATUS_ERRORS: dict[str, tuple[str, str | Promise]] = {
    Status.ACCEPTED: (
        "used",
        gettext_lazy(
            "This invitation has already been used. If it was you, sign in; "
            "otherwise ask the clinic for a new invitation."
        ),
    ),
    Status.EXPIRED: (
        "expired",
        gettext_lazy("This invitation has expired. Ask the clinic to send you a new one."),
    ),
    Status.REVOKED: (
        "revoked",
        gettext_lazy(
            "This invitation was withdrawn by the clinic. Ask them for a new one "
            "if you still need access."
        ),
    ),
}


def _status_error(status: str) -> InvitationError:
    code, message = STATUS_ERRORS[status]
    return InvitationError(str(message), code=code)


# --- Staff actions --------------------------------------------------------------------------


@transaction.atomic
def create_patient(
    *,
    acting_user: User,
    brand: Brand,
    email: str,
    full_name: str,
    date_of_birth=None,
    phone: str = "",
    time_zone: str = "",
    language: str = "",
    portal_enabled: bool = True,
) -> Patient:
    """A patient record made by staff, before the person has an account on the portal.

    The email is stored lower-cased; one brand has at most one patient per email."""
    _check_staff(acting_user, brand)
    email = (email or "").strip().lower()
    if not email:
        raise InvitationError(_("Enter the patient's email address."), code="email_required")
    if time_zone:
        try:
            validate_time_zone(time_zone)
        except ValidationError as exc:
            raise InvitationError(" ".join(exc.messages), code="bad_time_zone") from None
    duplicate = InvitationError(
        _("%(brand)s already has a patient with the email address %(email)s.")
        % {"brand": brand.name, "email": email},
        code="duplicate_email",
    )
    if Patient.objects.filter(brand=brand, email__iexact=email).exists():
        raise duplicate
    try:
        with transaction.atomic():
            patient = Patient.objects.create(
                brand=brand,
                email=email,
                full_name=full_name.strip(),
                date_of_birth=date_of_birth,
                phone=phone.strip(),
                time_zone=time_zone,
                language=language,
                portal_enabled=portal_enabled,
            )
    except IntegrityError:
        # Someone created the same patient a moment ago.
        raise duplicate from None
    audit.record(
        acting_user,
        "patient.created",
        patient,
        brand=brand,
        source="staff",
        portal_enabled=portal_enabled,
    )
    return patient


@transaction.atomic
def send_invitation(
    *, acting_user: User, patient: Patient, expires_in_hours: int = DEFAULT_EXPIRY_HOURS
) -> PortalInvitation:
    """Invite ``patient`` to the portal: needs portal access on and fewer than three pending
    invitations. The email (with the only copy of the token) goes out after commit."""
    _check_staff(acting_user, patient.brand)
    hours = _expiry_hours(expires_in_hours)
    patient = _lock_patient(patient)
    if not patient.portal_enabled:
        raise InvitationError(
            _("Portal access is turned off for this patient. Turn it on before inviting them."),
            code="portal_disabled",
        )
    now = timezone.now()
    if patient.invitations.pending(now).count() >= MAX_PENDING_PER_PATIENT:
        raise InvitationError(
            _(
                "This patient already has %(count)s pending invitations. Revoke one or wait "
                "for one to expire before sending another."
            )
            % {"count": MAX_PENDING_PER_PATIENT},
            code="too_many_pending",
        )
    invitation = PortalInvitation.objects.create(
        patient=patient,
        email=patient.email.lower(),
        created_by=acting_user,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    audit.record(
        acting_user,
        "invitation.sent",
        invitation,
        brand=patient.brand,
        patient=str(patient.uuid),
        email=invitation.email,
        expires_at=invitation.expires_at.isoformat(),
    )
    enqueue_on_commit(send_invitation_email, invitation.pk)
    return invitation


@transaction.atomic
def revoke_invitation(*, acting_user: User, invitation: PortalInvitation) -> PortalInvitation:
    """Withdraw a pending invitation; its link then shows a clear page and changes nothing."""
    patient = invitation.patient
    _check_staff(acting_user, patient.brand)
    _lock_patient(patient)
    invitation = _lock_invitation(invitation.pk)
    status = invitation.effective_status()
    if status != Status.PENDING:
        raise InvitationError(
            _("Only a pending invitation can be revoked; this one is %(status)s.")
            % {"status": Status(status).label.lower()},
            code="not_pending",
        )
    now = timezone.now()
    invitation.status = Status.REVOKED
    invitation.revoked_at = now
    invitation.revoked_by = acting_user
    invitation.revoke_reason = PortalInvitation.RevokeReason.STAFF
    invitation.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
    audit.record(
        acting_user,
        "invitation.revoked",
        invitation,
        brand=patient.brand,
        patient=str(patient.uuid),
        reason=invitation.revoke_reason,
    )
    return invitation


@transaction.atomic
def set_portal_access(*, acting_user: User, patient: Patient, enabled: bool) -> Patient:
    """Turn the patient's portal access on or off.

    Turning it off revokes every pending invitation and stops the linked account signing in
    to this brand (other brands are untouched); open sessions end on their next request. The
    account stays linked, so turning access on again lets it back in; a patient without an
    account needs a new invitation."""
    _check_staff(acting_user, patient.brand)
    locked = _lock_patient(patient)
    if locked.portal_enabled == enabled:
        patient.portal_enabled = enabled
        return locked
    now = timezone.now()
    revoked: list[str] = []
    if not enabled:
        pending = list(
            locked.invitations.pending(now).select_for_update().values_list("pk", "uuid")
        )
        revoked = [str(u) for _pk, u in pending]
        PortalInvitation.objects.filter(pk__in=[pk for pk, _u in pending]).update(
            status=Status.REVOKED,
            revoked_at=now,
            revoked_by=acting_user,
            revoke_reason=PortalInvitation.RevokeReason.PORTAL_DISABLED,
        )
    locked.portal_enabled = enabled
    locked.save(update_fields=["portal_enabled"])
    patient.portal_enabled = enabled
    audit.record(
        acting_user,
        "patient.portal_enabled" if enabled else "patient.portal_disabled",
        locked,
        brand=locked.brand,
        revoked_invitations=revoked,
    )
    return locked


# --- The patient accepts --------------------------------------------------------------------


def accept_invitation(*, token: str, user: User, brand: Brand) -> Patient:
    """Spend ``token``: link ``user`` to the invited patient record on ``brand``.

    Refused, changing nothing, when the token is unknown (or altered, or another brand's),
    already used, expired or revoked; when the account's email is not the invited one; when
    the record is linked to someone else; or when the user already is another patient of
    this brand. The invitation row is locked, so of two concurrent accepts one links and the
    other sees "already used"."""
    if not plausible_token(token):
        token_hash = ""
    else:
        token_hash = hash_token(token)
    return accept_invitation_by_hash(token_hash=token_hash, user=user, brand=brand)


def accept_invitation_by_hash(*, token_hash: str, user: User, brand: Brand) -> Patient:
    """:func:`accept_invitation` for a token whose hash a session kept."""
    found = invitation_for_hash(token_hash, brand)
    if found is None:
        raise InvitationError(
            _(
                "This invitation link is not valid. Check that you copied the whole link, or "
                "ask the clinic to send a new invitation."
            ),
            code="invalid",
        )
    with transaction.atomic():
        patient = _lock_patient(found.patient)
        invitation = _lock_invitation(found.pk)
        now = timezone.now()
        status = invitation.effective_status(now)
        if status == Status.ACCEPTED and patient.user_id == user.pk:
            raise InvitationError(
                _("You have already accepted this invitation. Welcome back!"),
                code="already_yours",
            )
        if status != Status.PENDING:
            raise _status_error(status)
        if not patient.portal_enabled:
            raise InvitationError(
                _("Portal access is turned off for this record. Please contact the clinic."),
                code="portal_disabled",
            )
        if (user.email or "").casefold() != invitation.email.casefold():
            raise InvitationError(
                _(
                    "This invitation was sent to %(email)s, but you are signed in as "
                    "%(current)s. Sign out, then sign in or create an account with %(email)s."
                )
                % {"email": invitation.email, "current": user.email},
                code="wrong_email",
            )
        if patient.user_id is not None and patient.user_id != user.pk:
            raise InvitationError(
                _(
                    "This patient record is already linked to another account. Please contact "
                    "the clinic."
                ),
                code="already_linked",
            )
        if Patient.objects.filter(brand=brand, user=user).exclude(pk=patient.pk).exists():
            raise InvitationError(
                _(
                    "Your account already belongs to another patient record on %(brand)s. "
                    "Please contact the clinic."
                )
                % {"brand": brand.name},
                code="other_patient",
            )
        if patient.user_id != user.pk:
            patient.user = user
            try:
                with transaction.atomic():
                    patient.save(update_fields=["user"])
            except IntegrityError:
                # The same account was linked to another record of this brand meanwhile.
                raise InvitationError(
                    _(
                        "Your account already belongs to another patient record on %(brand)s. "
                        "Please contact the clinic."
                    )
                    % {"brand": brand.name},
                    code="other_patient",
                ) from None
            audit.record(
                user, "patient.linked", patient, brand=brand, invitation=str(invitation.uuid)
            )
        invitation.status = Status.ACCEPTED
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.save(update_fields=["status", "accepted_at", "accepted_by"])
        # The other pending invitations of this record have nothing left to do.
        patient.invitations.pending(now).exclude(pk=invitation.pk).update(
            status=Status.REVOKED,
            revoked_at=now,
            revoke_reason=PortalInvitation.RevokeReason.SUPERSEDED,
        )
        audit.record(
            user, "invitation.accepted", invitation, brand=brand, patient=str(patient.uuid)
        )
        if invitation.created_by_id:
            transaction.on_commit(lambda: _notify_inviter(invitation.pk))
    return patient


def _notify_inviter(invitation_id: int) -> None:
    """Tell the staff member who sent the invitation that it was accepted."""
    invitation = (
        PortalInvitation.objects.select_related("patient", "patient__brand", "created_by")
        .filter(pk=invitation_id, status=Status.ACCEPTED)
        .first()
    )
    if invitation is None or invitation.created_by is None:
        return
    patient = invitation.patient
    brand = patient.brand
    name = patient.full_name or patient.email
    # Lazy, so notify renders them in the staff member's own language.
    title = lazy(lambda: _("%(name)s accepted your invitation") % {"name": name}, str)()
    body = lazy(
        lambda: (
            _("%(name)s can now use the %(brand)s patient portal.")
            % {"name": name, "brand": brand.name}
        ),
        str,
    )()
    notify(
        user=invitation.created_by,
        kind="invitation.accepted",
        brand=brand,
        title=title,
        body=body,
        url=reverse(
            "staff_patient_detail", urlconf="hale.urls_platform", args=[brand.slug, patient.uuid]
        ),
    )


# --- The invitation email -------------------------------------------------------------------


def _mint_token(invitation_id: int) -> str | None:
    """Give a pending, not yet emailed invitation a fresh token; None if there is nothing to
    send (accepted, revoked, expired, already emailed, gone)."""
    with transaction.atomic():
        invitation = PortalInvitation.objects.select_for_update().filter(pk=invitation_id).first()
        if invitation is None or invitation.email_sent_at is not None:
            return None
        if invitation.effective_status() != Status.PENDING:
            return None
        token = new_token()
        invitation.token_hash = hash_token(token)
        invitation.save(update_fields=["token_hash"])
    return token


def render_invitation_email(invitation: PortalInvitation, token: str) -> EmailMultiAlternatives:
    """The brand-themed invitation email, in the patient's language and time zone."""
    patient = invitation.patient
    brand = patient.brand
    inviter = invitation.created_by
    with recipient_locale(patient, brand):
        ctx = {
            **brand_email_context(brand),
            "invitation": invitation,
            "patient": patient,
            "recipient_name": patient.full_name,
            "inviter_name": inviter.get_full_name() if inviter else "",
            "accept_url": portal_url("invitation_landing", brand, token),
            "expires_at": invitation.expires_at,
            "time_zone": timezone.get_current_timezone_name(),
        }
        subject = " ".join(render_to_string("emails/invitation/subject.txt", ctx).split())
        ctx["subject"] = subject
        text = render_to_string("emails/invitation/body.txt", ctx).strip() + "\n"
        html = render_to_string("emails/invitation/body.html", ctx)
    return branded_message(brand, to=invitation.email, subject=subject, text=text, html=html)


@retrying_task(queue_name="email")
def send_invitation_email(invitation_id: int) -> None:
    """Mint the token and email the link (idempotent: an emailed invitation is not sent
    again). A failed send is retried with a fresh token, so only the delivered link works."""
    token = _mint_token(invitation_id)
    if token is None:
        return
    invitation = PortalInvitation.objects.select_related(
        "patient", "patient__brand", "created_by"
    ).get(pk=invitation_id)
    render_invitation_email(invitation, token).send()
    PortalInvitation.objects.filter(pk=invitation_id).update(email_sent_at=timezone.now())
