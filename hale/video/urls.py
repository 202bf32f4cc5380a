"""URLs of video sessions: the room page in each portal, and the signalling WebSocket. They
sit under the appointment's own path, so the portals list them before scheduling's
``appointments/<uuid>/<action>/`` patterns."""

from django.urls import path

from hale.video import consumers, views

patient_urlpatterns = [
    path("appointments/<uuid:appointment_id>/video/", views.patient_room, name="video_room"),
]

# /practice/
practice_urlpatterns = [
    path(
        "schedule/appointments/<uuid:appointment_id>/video/",
        views.practice_room,
        name="practice_video_room",
    ),
]

websocket_urlpatterns = [
    path("ws/video/<str:room_id>/", consumers.SignallingConsumer.as_asgi()),
]
