"""URLs of payments: patient pages on brand hosts, /practice/ for specialists,
/staff/brands/<slug>/ for the brand's staff, and Stripe's webhook on every host."""

from django.urls import path

from hale.payments.views import patient, practice, staff, webhook

patient_urlpatterns = [
    path("payments/", patient.payment_list, name="payments_list"),
    path("payments/cards/", patient.cards, name="payments_cards"),
    path("payments/cards/add/", patient.card_add, name="payments_card_add"),
    path(
        "payments/cards/<uuid:card_id>/authorize/",
        patient.card_authorize,
        name="payments_card_authorize",
    ),
    path("payments/cards/<uuid:card_id>/remove/", patient.card_remove, name="payments_card_remove"),
    path("payments/<uuid:payment_id>/", patient.receipt, name="payments_receipt"),
    path("payments/<uuid:payment_id>/pay/", patient.pay, name="payments_pay"),
    path("payments/<uuid:payment_id>/checkout/", patient.checkout, name="payments_checkout"),
    path("payments/<uuid:payment_id>/return/", patient.checkout_return, name="payments_return"),
    path("payments/<uuid:payment_id>/release/", patient.release, name="payments_release"),
    path(
        "payments/<uuid:payment_id>/receipt.pdf", patient.receipt_pdf, name="payments_receipt_pdf"
    ),
]

# /practice/
practice_urlpatterns = [
    path("payments/", practice.overview, name="practice_payments"),
    path("payments/connect/", practice.connect, name="practice_payments_connect"),
    path("payments/connected/", practice.connected, name="practice_payments_connected"),
    path("payments/report/<str:month>.<str:fmt>", practice.report, name="practice_payments_report"),
    path("payments/<uuid:payment_id>/charge/", practice.charge, name="practice_payments_charge"),
]

# /staff/brands/<brand_slug>/
staff_urlpatterns = [
    path("payments/", staff.payment_list, name="staff_payments"),
    path("payments/settings/", staff.settings_page, name="staff_payment_settings"),
    path("payments/report/<str:month>.<str:fmt>", staff.report, name="staff_payments_report"),
    path("payments/<uuid:payment_id>/", staff.payment_detail, name="staff_payment"),
    path(
        "payments/<uuid:payment_id>/received/", staff.record_received, name="staff_payment_received"
    ),
]

common_urlpatterns = [
    path("payments/stripe/webhook/", webhook.stripe_webhook, name="stripe_webhook"),
]
