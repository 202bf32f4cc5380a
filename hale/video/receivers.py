"""Where video takes part in scheduling: the "Video session" section of both people's
appointment page — Join inside the window, when it opens before, that it ended after, what
to do first when something refuses — and, for the specialist, the session's history."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hale.accounts.hooks import RecordSection
from hale.video import access, actions
from hale.video.models import VideoRoom


def join_url(appointment, role: str) -> str:
    if role == "patient":
        return reverse("video_room", urlconf="hale.urls_brand", args=[appointment.uuid])
    return reverse("practice_video_room", urlconf="hale.urls_platform", args=[appointment.uuid])


def appointment_sections(*, appointment, user, next_url=""):
    role = access.role_of(appointment, user)
    if role is None or not access.has_video(appointment):
        return None
    state = access.join_state(appointment, user)
    room = VideoRoom.objects.filter(appointment=appointment).first()
    history = actions.history(room) if role == "specialist" else []
    if state.state == access.NONE and not history:
        return None
    return RecordSection(
        key="video",
        order=5,
        title=_("Video session"),
        template="video/includes/appointment_section.html",
        context={"state": state, "join_url": join_url(appointment, role), "history": history},
    )


def calendar_join_url(*, appointment, user):
    """ "Join" in the specialist's calendar: no query unless the room could be open now."""
    if not access.has_video(appointment) or appointment.status != "confirmed":
        return None
    opens, closes = access.window(appointment)
    if not opens <= timezone.now() < closes:
        return None
    role = access.role_of(appointment, user)
    if role is None or not access.join_state(appointment, user).is_open:
        return None
    return join_url(appointment, role)
