"""Every call Hale makes to Stripe, through its official SDK (``stripe.StripeClient``).

Pages never hold card data: the patient pays on Stripe's hosted payment page (Checkout, mode
"payment"), saves a card there (mode "setup"), and specialists onboard on Stripe's Connect
pages. Direct charges on a specialist's connected account carry the platform's application
fee; saved cards (which live on the platform) are charged off-session as destination charges.
Every creating call sends an idempotency key derived from our own row, so a retried request
never charges or refunds twice.
"""

from typing import Any

import stripe
from django.conf import settings


def enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def client() -> stripe.StripeClient:
    base = settings.STRIPE_API_BASE
    addresses: Any = {"api": base, "connect": base, "files": base} if base else {}
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY, base_addresses=addresses, max_network_retries=2
    )


def _options(account: str = "", idempotency_key: str = "") -> Any:
    options: Any = {}
    if account:
        options["stripe_account"] = account
    if idempotency_key:
        options["idempotency_key"] = idempotency_key
    return options


def create_checkout(
    *,
    payment,
    success_url: str,
    cancel_url: str,
    customer_email: str,
    expires_at: int | None = None,
) -> Any:
    """A hosted payment page for ``payment`` (one line: what it is, at its amount)."""
    params: Any = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": payment.currency.lower(),
                    "unit_amount": payment.amount_minor,
                    "product_data": {"name": payment.description[:120]},
                },
                "quantity": 1,
            }
        ],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "client_reference_id": str(payment.uuid),
        "metadata": {"payment": str(payment.uuid)},
        "payment_intent_data": {"metadata": {"payment": str(payment.uuid)}},
        "customer_email": customer_email,
    }
    if expires_at:
        params["expires_at"] = expires_at
    if payment.stripe_account and payment.fee_minor:
        params["payment_intent_data"]["application_fee_amount"] = payment.fee_minor
    return client().checkout.sessions.create(
        params,
        _options(
            payment.stripe_account, f"checkout-{payment.uuid}-{payment.updated_at.timestamp()}"
        ),
    )


def retrieve_checkout(session_id: str, account: str = "") -> Any:
    return client().checkout.sessions.retrieve(session_id, options=_options(account))


def expire_checkout(session_id: str, account: str = "") -> Any:
    return client().checkout.sessions.expire(session_id, options=_options(account))


def retrieve_intent(intent_id: str, account: str = "") -> Any:
    return client().payment_intents.retrieve(intent_id, options=_options(account))


def refund(*, refund, payment, intent_id: str = "") -> Any:
    params: Any = {
        "payment_intent": intent_id or payment.payment_intent_id,
        "amount": refund.amount_minor,
        "metadata": {"refund": str(refund.uuid), "payment": str(payment.uuid)},
    }
    if payment.stripe_account:
        # Direct charge: the platform gives its fee back in proportion.
        params["refund_application_fee"] = True
    return client().refunds.create(
        params, _options(payment.stripe_account, f"refund-{refund.uuid}")
    )


# --- Saved cards ------------------------------------------------------------------------------


def create_customer(*, patient) -> Any:
    return client().customers.create(
        {
            "email": patient.email,
            "name": patient.full_name or patient.email,
            "metadata": {"patient": str(patient.uuid)},
        },
        _options(idempotency_key=f"customer-{patient.uuid}"),
    )


def create_setup_checkout(*, customer_id: str, patient, success_url: str, cancel_url: str) -> Any:
    return client().checkout.sessions.create(
        {
            "mode": "setup",
            "currency": "eur",
            "customer": customer_id,
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": str(patient.uuid),
            "metadata": {"patient": str(patient.uuid), "purpose": "save_card"},
            "setup_intent_data": {"metadata": {"patient": str(patient.uuid)}},
        }
    )


def retrieve_setup_intent(setup_intent_id: str) -> Any:
    return client().setup_intents.retrieve(setup_intent_id)


def retrieve_payment_method(payment_method_id: str) -> Any:
    return client().payment_methods.retrieve(payment_method_id)


def delete_customer(customer_id: str) -> Any:
    return client().customers.delete(customer_id)


def detach_payment_method(payment_method_id: str) -> Any:
    return client().payment_methods.detach(payment_method_id)


def charge_saved_card(*, payment, customer_id: str, payment_method_id: str) -> Any:
    """An off-session charge of a saved card (the patient authorised the specialist)."""
    params: Any = {
        "amount": payment.amount_minor,
        "currency": payment.currency.lower(),
        "customer": customer_id,
        "payment_method": payment_method_id,
        "confirm": True,
        "off_session": True,
        "metadata": {"payment": str(payment.uuid)},
    }
    if payment.stripe_account:
        # The card lives on the platform: a destination charge to the connected account.
        params["transfer_data"] = {"destination": payment.stripe_account}
        params["application_fee_amount"] = payment.fee_minor
    return client().payment_intents.create(
        params, _options(idempotency_key=f"charge-{payment.uuid}-{payment.updated_at.timestamp()}")
    )


# --- Connect ----------------------------------------------------------------------------------


def create_account(*, specialist) -> Any:
    return client().accounts.create(
        {
            "type": "express",
            "email": specialist.user.email,
            "metadata": {"specialist": str(specialist.uuid)},
        },
        _options(idempotency_key=f"account-{specialist.uuid}"),
    )


def retrieve_account(account_id: str) -> Any:
    return client().accounts.retrieve(account_id)


def onboarding_link(*, account_id: str, refresh_url: str, return_url: str) -> Any:
    return client().account_links.create(
        {
            "account": account_id,
            "refresh_url": refresh_url,
            "return_url": return_url,
            "type": "account_onboarding",
        }
    )


def verify_webhook(payload: bytes, signature: str) -> Any:
    """The event, when ``signature`` is Stripe's signature of ``payload`` with our secret;
    raises ``stripe.SignatureVerificationError`` or ``ValueError`` otherwise."""
    return stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
