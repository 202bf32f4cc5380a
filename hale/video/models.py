"""Video sessions: one room per video appointment (an unguessable id that only its patient
and specialist can open, and only inside the join window) and what happened in it — who
joined and left when, and reconnects. No media is recorded or stored."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_room_id() -> str:
    return secrets.token_urlsafe(24)


class VideoRoom(models.Model):
    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.CASCADE, related_name="video_room"
    )
    room_id = models.CharField(max_length=64, unique=True, default=new_room_id, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("video room")
        verbose_name_plural = _("video rooms")

    def __str__(self) -> str:
        return f"room of appointment {self.appointment_id}"


class SessionEvent(models.Model):
    class Kind(models.TextChoices):
        JOINED = "joined", _("Joined")
        LEFT = "left", _("Left")
        RECONNECTED = "reconnected", _("Reconnected")

    room = models.ForeignKey(VideoRoom, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=16)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("session event")
        verbose_name_plural = _("session events")

    def __str__(self) -> str:
        return f"{self.role} {self.kind} {self.at:%Y-%m-%d %H:%M}"
