"""What happens in a room, recorded: who joined and left when, and reconnects (the
specialist's session history). No media passes through or is kept by the server."""

from django.db.models import QuerySet

from hale.core import audit
from hale.video.models import SessionEvent, VideoRoom


def room_for(appointment) -> VideoRoom:
    """The appointment's room, made on first use (its id is what the socket is opened with)."""
    room, _created = VideoRoom.objects.get_or_create(appointment=appointment)
    return room


def record(room: VideoRoom, user, role: str, kind: str) -> SessionEvent:
    event = SessionEvent.objects.create(room=room, user=user, role=role, kind=kind)
    if kind == SessionEvent.Kind.JOINED:
        audit.record(user, "video.joined", room.appointment, brand=room.appointment.brand)
    return event


def history(room: VideoRoom | None) -> list[dict]:
    """Per person: first joined, last left, time inside (joined → left pairs), reconnects."""
    if room is None:
        return []
    events: QuerySet[SessionEvent] = room.events.select_related("user").order_by("at", "pk")
    people: dict[str, dict] = {}
    for event in events:
        person = people.setdefault(
            event.role,
            {
                "role": event.role,
                "joined": None,
                "left": None,
                "seconds": 0,
                "reconnects": 0,
                "_in": None,
            },
        )
        if event.kind == SessionEvent.Kind.JOINED:
            person["joined"] = person["joined"] or event.at
            person["_in"] = person["_in"] or event.at
        elif event.kind == SessionEvent.Kind.LEFT:
            person["left"] = event.at
            if person["_in"] is not None:
                person["seconds"] += int((event.at - person["_in"]).total_seconds())
                person["_in"] = None
        elif event.kind == SessionEvent.Kind.RECONNECTED:
            person["reconnects"] += 1
    for person in people.values():
        person["minutes"] = round(person.pop("seconds") / 60)
        person.pop("_in")
    return sorted(people.values(), key=lambda p: p["role"] != "patient")
