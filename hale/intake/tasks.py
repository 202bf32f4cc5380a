"""Intake's background work: the answers' PDF and the notices. Each takes an id, re-reads
the row and is idempotent (a retried PDF task finds the PDF made and stops)."""

from hale.core.tasks import retrying_task


@retrying_task()
def generate_answers_pdf(*, assignment_id: int) -> str:
    from hale.intake import pdf

    return pdf.generate_answers_pdf(assignment_id)


@retrying_task()
def notify_form_sent(*, assignment_id: int) -> None:
    from hale.intake import actions

    actions.send_notification(assignment_id)


@retrying_task()
def notify_form_submitted(*, assignment_id: int) -> None:
    from hale.intake import actions

    actions.send_submitted_notification(assignment_id)
