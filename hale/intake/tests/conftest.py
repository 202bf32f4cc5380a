"""Intake personas: a published "New client intake" form on brand A with one question of
every type."""

import pytest

from hale.intake import actions

ROWS = [
    {"label": "Your preferred name", "type": "short_text", "required": True},
    {"label": "What brings you here?", "type": "long_text", "required": True},
    {"label": "How did you hear of us?", "type": "single_choice", "choices": ["Friend", "Web"]},
    {
        "label": "Which times suit you?",
        "type": "multiple_choice",
        "choices": ["Mornings", "Evenings"],
    },
    {"label": "Date of birth", "type": "date"},
    {"label": "Have you had therapy before?", "type": "yes_no", "required": True},
    {"label": "Signature", "type": "signature", "required": True},
]

ANSWERS = {
    "q1": "Al",
    "q2": "Sleep and stress.",
    "q3": "Web",
    "q4": ["Mornings", "Evenings"],
    "q5": "1990-04-02",
    "q6": "no",
    "q7_method": "typed",
    "q7_typed": "Alice Patient",
}


@pytest.fixture
def intake_form(brand_a, staff_a):
    return actions.save_form(
        brand=brand_a, acting_user=staff_a, title="New client intake", rows=ROWS
    )


@pytest.fixture
def sent(intake_form, patient_a, staff_a):
    return actions.send_form(form=intake_form, patient=patient_a, acting_user=staff_a)
