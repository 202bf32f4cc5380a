"""Stripe's webhook endpoint (/payments/stripe/webhook/, every host): unsigned or forged
requests get 400 and change nothing; a verified event is applied once (see ``webhooks``);
an error answers 500 so Stripe delivers it again."""

import logging

import stripe
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hale.payments import stripe_api, webhooks

logger = logging.getLogger(__name__)

MAX_BYTES = 512 * 1024


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    if not stripe_api.enabled() or not stripe_api.settings.STRIPE_WEBHOOK_SECRET:
        return HttpResponse(status=404)
    payload = request.body
    signature = request.headers.get("Stripe-Signature", "")
    if not signature or len(payload) > MAX_BYTES:
        return HttpResponse("unsigned", status=400, content_type="text/plain")
    try:
        event = stripe_api.verify_webhook(payload, signature)
    except (ValueError, stripe.SignatureVerificationError):
        logger.warning("Stripe webhook with a bad signature refused")
        return HttpResponse("bad signature", status=400, content_type="text/plain")
    applied = webhooks.receive(event)
    return HttpResponse("ok" if applied else "duplicate", content_type="text/plain")
