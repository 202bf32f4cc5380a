"""Two tabs submitting one form at once, or an autosave racing the submission, on
PostgreSQL: exactly one submission, and nothing is saved after it."""

import pytest
from django.db import connection
from django.http import QueryDict

from hale.intake import actions
from hale.intake.errors import AlreadySubmitted
from hale.intake.models import Assignment
from tests.race import race

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]

FINAL = {"q1": "Final", "q2": "Answer", "q6": "yes", "q7": {"method": "typed", "name": "A P"}}


def _submit(sent, patient):
    return actions.submit(
        assignment=sent,
        patient=patient,
        acting_user=patient.user,
        answers=FINAL,
        ip_address="127.0.0.1",
        user_agent="pytest",
    )


def test_submitting_in_three_tabs_at_once_submits_once(sent, patient_a, private_storage):
    outcomes = race(
        [lambda: _submit(sent, patient_a) for _ in range(3)],
        lambda exc: "already" if isinstance(exc, AlreadySubmitted) else f"error: {exc!r}",
    )
    assert outcomes == ["already", "already", "applied"]
    sent.refresh_from_db()
    assert sent.status == Assignment.Status.SUBMITTED and sent.answers == FINAL


def test_an_autosave_racing_the_submission_never_overwrites_it(sent, patient_a, private_storage):
    draft = QueryDict("q1=Draft")
    attempts = [lambda: _submit(sent, patient_a)] + [
        lambda: actions.save_draft(
            assignment=sent, patient=patient_a, acting_user=patient_a.user, data=draft
        )
        for _ in range(3)
    ]
    outcomes = race(
        attempts,
        lambda exc: "already" if isinstance(exc, AlreadySubmitted) else f"error: {exc!r}",
    )
    assert not [o for o in outcomes if o.startswith("error")]
    sent.refresh_from_db()
    assert sent.status == Assignment.Status.SUBMITTED and sent.answers == FINAL
