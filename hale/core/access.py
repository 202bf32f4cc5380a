"""Denied object access: one 404 for "not yours" and "not there", and a trace of it.

Access helpers (``access_<thing>(user, id)``) raise :class:`Denied` instead of a bare
``Http404`` when someone asks for an object by id that they may not see (or that does not
exist: the answer must not tell the two apart). It *is* an ``Http404``, so views and
Django answer exactly as before; :class:`DeniedAccessMiddleware` additionally writes an
``access.denied`` audit row — who, what type, which id, the path, when — so probing for other
people's records leaves a trace that platform operators can read (Django admin, Audit
events, filtered by action). Rows are rate-limited per person, so a scan cannot flood the
audit table: at most ``DENIED_AUDIT_PER_MINUTE`` rows a minute per actor, and the same
object is recorded once a minute.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.http import Http404, HttpRequest

logger = logging.getLogger(__name__)

DENIED_ACTION = "access.denied"


class Denied(Http404):
    """404 for an object ``object_type`` (``app_label.model``) with id ``object_id`` that the
    acting user may not see or that does not exist."""

    def __init__(self, object_type: str | type[models.Model], object_id: Any = "") -> None:
        if isinstance(object_type, type) and issubclass(object_type, models.Model):
            object_type = object_type._meta.label_lower
        self.object_type = str(object_type)[:80]
        self.object_id = str(object_id)[:64]
        super().__init__(f"No {self.object_type} {self.object_id}")


def _actor_key(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    from hale.core.http import client_ip

    return f"ip{client_ip(request) or '-'}"


def record_denied(request: HttpRequest, denied: Denied) -> bool:
    """Write the audit row for ``denied`` unless the rate limit says enough; True if written."""
    from hale.core import audit

    actor = _actor_key(request)
    per_minute = settings.DENIED_AUDIT_PER_MINUTE
    # The same object once a minute; at most ``per_minute`` rows a minute per actor.
    if not cache.add(f"hale:denied:{actor}:{denied.object_type}:{denied.object_id}", 1, 60):
        return False
    count_key = f"hale:denied:{actor}:count"
    cache.add(count_key, 0, 60)
    try:
        count = cache.incr(count_key)
    except ValueError:  # expired between add and incr
        cache.set(count_key, 1, 60)
        count = 1
    if count > per_minute:
        return False
    brand = getattr(request, "brand", None)
    audit.record(
        getattr(request, "user", None),
        DENIED_ACTION,
        None,
        brand=brand if getattr(brand, "pk", None) else None,
        object_type=denied.object_type,
        object_id=denied.object_id,
        path=request.path[:300],
        method=request.method,
    )
    return True


class DeniedAccessMiddleware:
    """Records every :class:`Denied` a view raises (the response stays Django's 404)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Denied):
            try:
                record_denied(request, exception)
            except Exception:  # noqa: BLE001 - a failed trace must not turn a 404 into a 500
                logger.exception("Could not record a denied access")
        return None
