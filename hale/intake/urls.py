"""URLs of intake forms: patient pages on brand hosts, /practice/ for specialists and
/staff/brands/<slug>/ for the brand's staff."""

from django.urls import path

from hale.intake.views import patient, practice, staff

patient_urlpatterns = [
    path("forms/", patient.form_list, name="intake_list"),
    path("forms/<uuid:assignment_id>/", patient.fill, name="intake_fill"),
    path("forms/<uuid:assignment_id>/draft/", patient.draft, name="intake_draft"),
    path("forms/<uuid:assignment_id>/pdf/", patient.answers_pdf, name="intake_pdf"),
]

# /practice/
practice_urlpatterns = [
    path("patients/<uuid:patient_id>/forms/send/", practice.send, name="practice_intake_send"),
    path("forms/<uuid:assignment_id>/", practice.answers, name="practice_intake_answers"),
    path("forms/<uuid:assignment_id>/pdf/", practice.answers_pdf, name="practice_intake_pdf"),
]

# /staff/brands/<brand_slug>/
staff_urlpatterns = [
    path("forms/", staff.form_list, name="staff_intake_list"),
    path("forms/new/", staff.form_edit, name="staff_intake_new"),
    path("forms/<uuid:form_id>/", staff.form_edit, name="staff_intake_edit"),
    path("forms/<uuid:form_id>/send/", staff.form_send, name="staff_intake_form_send"),
    path("forms/<uuid:form_id>/answers.csv", staff.answers_csv, name="staff_intake_csv"),
    path("patients/<uuid:patient_id>/forms/send/", staff.patient_send, name="staff_intake_send"),
    path("forms/answers/<uuid:assignment_id>/", staff.answers, name="staff_intake_answers"),
    path("forms/answers/<uuid:assignment_id>/pdf/", staff.answers_pdf, name="staff_intake_pdf"),
    path(
        "forms/answers/<uuid:assignment_id>/withdraw/",
        staff.withdraw,
        name="staff_intake_withdraw",
    ),
]
