"""What the scheduling views share: which host a page lives on, the signed-in specialist, and
a refused action shown as a form error."""

from collections.abc import Callable

from django import forms
from django.http import Http404, HttpRequest

from hale.scheduling import access, hooks
from hale.scheduling.errors import SchedulingError
from hale.specialists.models import Specialist


def brand_only(request: HttpRequest) -> None:
    """Patient pages exist on brand hosts only: 404 on the platform host."""
    if getattr(request, "brand", None) is None:
        raise Http404


def platform_only(request: HttpRequest) -> None:
    """Specialist pages exist on the platform host only: 404 on a brand host."""
    if getattr(request, "brand", None) is not None:
        raise Http404


def practice_specialist(request: HttpRequest) -> Specialist:
    """The signed-in specialist of a practice page; 404 on a brand host and for anyone who is
    not an approved specialist."""
    platform_only(request)
    return access.own_specialist(request.user)


def run_for_valid(form: forms.BaseForm, action: Callable[[], object]) -> bool:
    """Run ``action`` when ``form`` is valid; a refused action (``SchedulingError``) becomes a
    form error. True when the action ran."""
    if not form.is_valid():
        return False
    try:
        action()
    except SchedulingError as exc:
        form.add_error(None, exc.message)
        return False
    return True


def appointment_sections(request: HttpRequest, appointment) -> list:
    """What apps above add to an appointment page of either portal (consents this session
    needs, its payment, its video room), in their order."""
    found: list = []
    for result in hooks.appointment_sections.call(
        appointment=appointment, user=request.user, next_url=request.get_full_path()
    ):
        if result is not None:
            found.extend(result if isinstance(result, list | tuple) else [result])
    return sorted(found, key=lambda s: (s.order, s.key))
