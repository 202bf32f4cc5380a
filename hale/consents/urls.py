"""URLs of consents: patient pages on brand hosts, /practice/ for specialists and
/staff/brands/<slug>/ for the brand's staff."""

from django.urls import path

from hale.consents.views import patient, practice, staff

patient_urlpatterns = [
    path("consents/", patient.consent_list, name="consent_list"),
    path("consents/<uuid:template_id>/sign/", patient.consent_sign, name="consent_sign"),
    path("consents/signed/<uuid:signature_id>/", patient.consent_signed, name="consent_signed"),
    path("consents/signed/<uuid:signature_id>/pdf/", patient.consent_pdf, name="consent_pdf"),
]

# /practice/
practice_urlpatterns = [
    path(
        "patients/<uuid:patient_id>/consents/request/",
        practice.request_consent,
        name="practice_consent_request",
    ),
    path("consents/signed/<uuid:signature_id>/", practice.signed, name="practice_consent_signed"),
    path(
        "consents/signed/<uuid:signature_id>/pdf/",
        practice.signed_pdf,
        name="practice_consent_pdf",
    ),
]

# /staff/brands/<brand_slug>/
staff_urlpatterns = [
    path("consents/", staff.template_list, name="staff_consent_list"),
    path("consents/new/", staff.template_new, name="staff_consent_new"),
    path("consents/<uuid:template_id>/", staff.template_detail, name="staff_consent_detail"),
    path(
        "consents/<uuid:template_id>/request/",
        staff.template_request,
        name="staff_consent_template_request",
    ),
    path(
        "patients/<uuid:patient_id>/consents/request/",
        staff.patient_request,
        name="staff_consent_request",
    ),
    path("consents/signed/<uuid:signature_id>/", staff.signed, name="staff_consent_signed"),
    path("consents/signed/<uuid:signature_id>/pdf/", staff.signed_pdf, name="staff_consent_pdf"),
]
