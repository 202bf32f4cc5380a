"""How consents take part in scheduling and the patient record (connected in
``ConsentsConfig.ready``): booking and joining wait for required signatures; the
appointment page and the record show what is signed and what waits. On a brand without
online signing (no Portal add-on) nothing waits: no requirement holds a patient back."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hale.accounts.hooks import RecordSection
from hale.consents import access
from hale.consents.models import ConsentTemplate
from hale.scheduling.hooks import Refusal


def sign_url(pending: access.Pending) -> str:
    url = reverse("consent_sign", urlconf="hale.urls_brand", args=[pending.template.uuid])
    if pending.appointment is not None:
        url += f"?appointment={pending.appointment.uuid}"
    return url


def with_next(url: str, next_url: str) -> str:
    if not next_url:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'next': next_url})}"


def _refusal(items: list[access.Pending]) -> Refusal | None:
    if not items:
        return None
    first = items[0]
    if len(items) == 1:
        message = _("Please sign “%(title)s” first.") % {"title": first.template.title}
    else:
        message = ngettext(
            "Please sign %(count)d consent first.",
            "Please sign %(count)d consents first.",
            len(items),
        ) % {"count": len(items)}
    # One at a time: after signing, the page they came from asks again for the next one.
    return Refusal(message=message, url=sign_url(first), action=_("Sign now"))


def booking_requirement(*, brand, patient, specialist, session_type) -> Refusal | None:
    """``scheduling.hooks.booking_requirement``: consents to sign before booking."""
    if not access.signing_offered(brand):
        return None
    if not ConsentTemplate.objects.filter(brand_id=patient.brand_id, is_active=True).exists():
        return None
    return _refusal(access.blocking_pending(patient, session_type=session_type))


def join_refusal(*, appointment, user) -> Refusal | None:
    """``scheduling.hooks.join_refusal``: the patient signs what this session needs first.
    Specialists (who sign nothing) are not held back by the patient's consents."""
    patient = appointment.patient
    if user is None or patient.user_id != getattr(user, "pk", None):
        return None
    if not access.signing_offered(appointment.brand):
        return None
    return _refusal(access.blocking_pending(patient, appointment=appointment))


def appointment_sections(*, appointment, user, next_url: str = "") -> RecordSection | None:
    """The consents a session needs, on the patient's appointment page."""
    patient = appointment.patient
    if patient.user_id != getattr(user, "pk", None) or not access.signing_offered(patient.brand):
        return None
    templates = list(
        access.templates_for_patient(patient).filter(versions__isnull=False).distinct()
    )
    needed = [
        t
        for t in templates
        if t.requirement in ("signup", "first_session", "every_session")
        or (t.requirement == "session_type" and t.session_type_id == appointment.session_type_id)
    ]
    if not needed:
        return None
    pending = access.blocking_pending(patient, appointment=appointment)
    items = [(p, with_next(sign_url(p), next_url)) for p in pending]
    return RecordSection(
        key="consents",
        title=_("Consents for this session"),
        template="consents/includes/appointment_section.html",
        context={"items": items, "needed": needed},
        order=10,
        pending=len(pending),
    )


def record_sections(*, patient, audience, user, specialist=None, brand=None):
    """``accounts.hooks.patient_record_sections``: consent status for each audience. Without
    online signing the patient sees no section (their consent pages do not exist) and
    specialists and staff see earlier signatures only, with no way to ask for more."""
    offered = access.signing_offered(patient.brand)
    if audience == "patient" and not offered:
        return None
    status = access.patient_status(patient)
    context = {
        "status": status,
        "patient": patient,
        "audience": audience,
        "signing_offered": offered,
        "pending_items": [(p, sign_url(p)) for p in status.pending],
    }
    if audience in ("specialist", "staff") and offered:
        from hale.consents.forms import RequestForm

        context["request_form"] = RequestForm(templates=access.requestable_templates(patient))
        if audience == "specialist":
            context["request_url"] = reverse(
                "practice_consent_request", urlconf="hale.urls_platform", args=[patient.uuid]
            )
        else:
            context["request_url"] = reverse(
                "staff_consent_request",
                urlconf="hale.urls_platform",
                args=[patient.brand.slug, patient.uuid],
            )
    return RecordSection(
        key="consents",
        title=_("Consents"),
        template="consents/includes/record_section.html",
        context=context,
        order=20,
        pending=status.pending_count,
    )
