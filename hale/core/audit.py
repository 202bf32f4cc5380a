"""Audit trail: call ``record`` inside the action's transaction."""

from django.db import models

from hale.core.models import AuditEvent


def record(
    actor,
    action: str,
    obj: models.Model | None = None,
    *,
    brand=None,
    object_type: str = "",
    object_id: str = "",
    **data,
) -> AuditEvent:
    """One audit row. ``obj`` names the object; without it ``object_type`` and
    ``object_id`` may (an object that could not be loaded, e.g. a denied access)."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        brand=brand,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else object_id,
        data=data,
    )
