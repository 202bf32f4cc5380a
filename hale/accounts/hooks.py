"""Where apps above accounts add to a patient's record (see ``hale.core.hooks``).

The record is shown in three places: to the patient ("Documents", their own view), to one of
their specialists (the practice patient page) and to the brand's staff (the back-office
patient page). Consents, shared documents, intake forms and private notes each contribute a
section; the page that shows the record only lays the sections out in ``order``.
"""

from dataclasses import dataclass, field
from typing import Any

from hale.core.hooks import Hook


@dataclass(frozen=True)
class RecordSection:
    """One section of a patient record: ``template`` rendered with ``context`` (plus the
    page's own context). ``pending`` counts what waits for the viewer (e.g. documents to
    sign), for banners and badges."""

    key: str
    title: Any
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
    pending: int = 0


patient_record_sections = Hook(
    "patient_record_sections",
    """``call(patient=, audience=, user=, specialist=None, brand=None)``: each receiver returns
    a ``RecordSection``, a list of them, or None. ``audience`` is ``"patient"`` (the patient's
    own documents page; ``user`` is the patient's user), ``"specialist"`` (``specialist`` is
    the viewing specialist, who has a care relationship with ``patient``) or ``"staff"``
    (``brand`` is the staff member's brand, the patient's brand). Access to ``patient`` was
    checked by the caller; receivers scope what they show to the audience.""",
)


def record_sections(**kwargs: Any) -> list[RecordSection]:
    """The sections every receiver contributes, in display order."""
    sections: list[RecordSection] = []
    for result in patient_record_sections.call(**kwargs):
        if result is None:
            continue
        sections.extend(result if isinstance(result, list | tuple) else [result])
    return sorted(sections, key=lambda s: (s.order, s.key))
