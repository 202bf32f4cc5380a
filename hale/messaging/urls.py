"""URLs of messaging: /messages/ on brand hosts, /practice/messages/ for specialists and
/staff/brands/<slug>/messages/ for the brand's shared inbox."""

from django.urls import path

from hale.messaging.views import patient, practice, staff


def _pages(module, prefix: str) -> list:
    return [
        path("messages/", module.inbox, name=f"{prefix}_inbox"),
        path("messages/new/", module.new, name=f"{prefix}_new"),
        path("messages/<uuid:conversation_id>/", module.thread, name=f"{prefix}_thread"),
        path(
            "messages/<uuid:conversation_id>/updates/",
            module.updates,
            name=f"{prefix}_updates",
        ),
        path(
            "messages/<uuid:conversation_id>/<uuid:message_id>/delete/",
            module.delete,
            name=f"{prefix}_delete",
        ),
        path("messages/files/<uuid:attachment_id>/", module.file, name=f"{prefix}_file"),
    ]


patient_urlpatterns = [
    *_pages(patient, "message"),
    path("messages/unread.json", patient.unread, name="message_unread"),
]

# /practice/
practice_urlpatterns = [
    *_pages(practice, "practice_message"),
    path("messages/unread.json", practice.unread, name="practice_message_unread"),
    path("patients/<uuid:patient_id>/", practice.patient, name="practice_patient"),
]

# /staff/brands/<brand_slug>/
staff_urlpatterns = [
    *_pages(staff, "staff_message"),
    path("messages/<uuid:conversation_id>/assign/", staff.assign, name="staff_message_assign"),
]
