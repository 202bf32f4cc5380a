"""What intake adds to a patient's record (``accounts.hooks.patient_record_sections``,
connected in ``IntakeConfig.ready``; bookings go to ``actions.send_at_booking``): each
audience sees the patient's forms, and the patient what waits for them."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hale.accounts.hooks import RecordSection
from hale.intake import access

ORDER = 25


def record_sections(
    *, patient, audience, user, specialist=None, brand=None, **_kwargs
) -> RecordSection | None:
    """``accounts.hooks.patient_record_sections``."""
    if audience == "patient":
        rows = list(access.patient_assignments(patient))
    else:
        rows = list(access.record_assignments(patient))
    if not rows and audience == "patient":
        return None

    def url(row) -> str:
        if audience == "patient":
            return reverse("intake_fill", args=[row.uuid])
        if audience == "specialist":
            return reverse("practice_intake_answers", args=[row.uuid])
        return reverse("staff_intake_answers", args=[patient.brand.slug, row.uuid])

    context: dict = {"rows": [(r, url(r)) for r in rows], "audience": audience, "patient": patient}
    if audience in ("specialist", "staff"):
        from hale.intake.forms import SendForm

        context["send_form"] = SendForm(intake_forms=access.sendable_forms(patient))
        if audience == "specialist":
            context["send_url"] = reverse("practice_intake_send", args=[patient.uuid])
        else:
            context["send_url"] = reverse(
                "staff_intake_send", args=[patient.brand.slug, patient.uuid]
            )
    pending = sum(1 for r in rows if r.is_pending) if audience == "patient" else 0
    return RecordSection(
        key="forms",
        title=_("Forms"),
        template="intake/includes/record_section.html",
        context=context,
        order=ORDER,
        pending=pending,
    )
