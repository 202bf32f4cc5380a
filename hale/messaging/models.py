"""Secure messaging: one conversation per patient and specialist (or per patient and the
brand's staff), its messages with attachments, and each participant's read state."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Side(models.TextChoices):
    """Which side of a conversation someone writes from."""

    PATIENT = "patient", _("Patient")
    SPECIALIST = "specialist", _("Specialist")
    STAFF = "staff", _("Clinic staff")


class Conversation(models.Model):
    """A patient's thread with one specialist, or (``specialist`` empty) with the brand's
    staff as a shared inbox.

    The ``last_*_at`` stamps are kept by the send action and drive the brand policy: under
    "reply only" the conversation is closed for the patient 48 hours after the care team's
    last message that the patient has not answered, computed from these stamps on every
    read and send (``closed_at`` is only a tidy-up record for lists and reports).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brand = models.ForeignKey(
        "tenancy.Brand", on_delete=models.CASCADE, related_name="conversations"
    )
    patient = models.ForeignKey(
        "accounts.Patient", on_delete=models.CASCADE, related_name="conversations"
    )
    specialist = models.ForeignKey(
        "specialists.Specialist",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="conversations",
    )
    started_by_side = models.CharField(_("started by"), max_length=16, choices=Side.choices)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_conversations",
        help_text=_("The staff member this patient is assigned to (staff conversations)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    last_team_message_at = models.DateTimeField(null=True, blank=True)
    last_patient_message_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "specialist"],
                condition=Q(specialist__isnull=False),
                name="one_conversation_per_patient_specialist",
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(specialist__isnull=True),
                name="one_staff_conversation_per_patient",
            ),
        ]
        indexes = [
            models.Index(fields=["brand", "specialist", "-last_message_at"]),
            models.Index(fields=["specialist", "-last_message_at"]),
        ]

    def __str__(self) -> str:
        return f"Conversation {self.uuid}"

    @property
    def is_staff_inbox(self) -> bool:
        return self.specialist_id is None


class Message(models.Model):
    """One message. A deleted message keeps its row as a tombstone without text or files."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sender_side = models.CharField(max_length=16, choices=Side.choices)
    body = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(db_index=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["conversation", "created_at"])]

    def __str__(self) -> str:
        return f"Message {self.uuid}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Attachment(models.Model):
    """A file sent with a message, kept through the one upload pipeline (``core.Upload``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    upload = models.OneToOneField(
        "core.Upload", on_delete=models.CASCADE, related_name="message_attachment"
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"Attachment {self.uuid}"


class ReadState(models.Model):
    """How far one participant has read one conversation.

    ``emailed`` is set when the "unread message" email for the current unread stretch has
    been sent (under a row lock, so a retried task sends nothing twice) and cleared on read.
    """

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="read_states"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_reads"
    )
    last_read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("read state")
        verbose_name_plural = _("read states")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="one_read_state")
        ]

    def __str__(self) -> str:
        return f"Read state {self.conversation_id}/{self.user_id}"
