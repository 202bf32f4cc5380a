"""The bell's unread count, computed once per request."""

from django import template
from django.utils.translation import gettext, ngettext

from hale.notifications.access import unread_count_for_request

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_unread_count(context) -> int:
    request = context.get("request")
    if request is None:
        return 0
    return unread_count_for_request(request)


@register.simple_tag
def notification_bell_labels(count: int) -> dict[str, str]:
    """The bell's accessible name now, and the patterns bell.js fills in when it changes
    (``{count}``, ``{title}``), translated here so the script needs no catalogue."""

    def label(n):
        return ngettext("Notifications, %(counter)s unread", "Notifications, %(counter)s unread", n)

    return {
        "current": label(count) % {"counter": count},
        "one": label(1) % {"counter": "{count}"},
        "other": label(2) % {"counter": "{count}"},
        "announce": gettext("New notification: %(title)s") % {"title": "{title}"},
    }
