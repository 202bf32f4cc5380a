"""Consents' background work: the signed PDF and the request notice. Both take ids, re-read
the rows and are idempotent (a retried PDF task finds the PDF made and stops)."""

from hale.core.tasks import retrying_task


@retrying_task()
def generate_signature_pdf(*, signature_id: int) -> str:
    from hale.consents import pdf

    return pdf.generate_signature_pdf(signature_id)


@retrying_task()
def notify_consent_requested(*, request_id: int) -> None:
    from hale.consents import actions

    actions.send_request_notification(request_id)
