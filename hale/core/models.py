import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LapsingStatusMixin:
    """For models whose stored status can lapse with time (a proposal, a request, an export):
    the model defines ``effective_status(now=None)`` from its timestamps, so the status is
    right even when no worker has run; templates read ``current_status`` and its label."""

    Status: type[models.TextChoices]

    def effective_status(self, now=None) -> str:
        raise NotImplementedError

    @property
    def current_status(self) -> str:
        return self.effective_status()

    @property
    def current_status_label(self) -> "StrOrPromise":
        return self.Status(self.effective_status()).label


class AuditEvent(models.Model):
    """An append-only record of who did what to which object, and when.

    Written in the same transaction as the change it describes (see ``hale.core.audit``).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    brand = models.ForeignKey(
        "tenancy.Brand", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


from hale.core.uploads.models import Upload  # noqa: E402  (the upload pipeline's model)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = ["AuditEvent", "LapsingStatusMixin", "TableStamp", "Upload"]


def max_length(model: type[models.Model], field_name: str) -> int:
    """The ``max_length`` of a model's character field, for validating before a write."""
    field = model._meta.get_field(field_name)
    length = getattr(field, "max_length", None)
    if not isinstance(length, int):
        raise TypeError(f"{model.__name__}.{field_name} has no max_length")
    return length


class TableStamp(models.Model):
    """The version of one table's contents: replaced after every commit that wrote to the
    table (``hale.core.stamps``). What was computed from a table stays valid while its stamp
    is unchanged."""

    name = models.CharField(max_length=100, primary_key=True)
    version = models.BigIntegerField()

    class Meta:
        verbose_name = _("table stamp")

    def __str__(self) -> str:
        return f"{self.name}: {self.version}"
