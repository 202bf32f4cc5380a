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


def test_two_staff_saving_the_builder_from_one_revision_keep_one(intake_form, brand_a, staff_a):
    from hale.intake.errors import IntakeError
    from hale.intake.tests.conftest import ROWS

    def save(title):
        return lambda: actions.save_form(
            brand=brand_a,
            acting_user=staff_a,
            form=intake_form,
            revision=intake_form.revision,
            title=title,
            rows=[*ROWS, {"label": title, "type": "short_text"}],
        )

    outcomes = race(
        [save("From tab one"), save("From tab two")],
        lambda exc: "stale" if isinstance(exc, IntakeError) else f"error: {exc!r}",
    )
    assert outcomes == ["applied", "stale"]
    intake_form.refresh_from_db()
    assert intake_form.revision == 1
    assert intake_form.versions.count() == 2  # the winner's questions, once


def test_sending_one_form_twice_at_once_sends_it_once(intake_form, patient_a, staff_a):
    from hale.intake.errors import IntakeError

    outcomes = race(
        [
            lambda: actions.send_form(form=intake_form, patient=patient_a, acting_user=staff_a)
            for _ in range(3)
        ],
        lambda exc: "already" if isinstance(exc, IntakeError) else f"error: {exc!r}",
    )
    assert outcomes == ["already", "already", "applied"]
    assert Assignment.objects.filter(form=intake_form, patient=patient_a).count() == 1
