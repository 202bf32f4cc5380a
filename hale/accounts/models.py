import uuid
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(zone)s” is not a time zone we know."), params={"zone": value})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """One global identity, signed in by email. Roles come from memberships:
    Patient rows (per brand), a Specialist profile, BrandMembership rows, or ``is_superuser``
    for platform operators (who also use Django admin)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )
    is_staff = models.BooleanField(
        _("platform operator"),
        default=False,
        help_text=_("May sign in to the Django admin of the platform."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Patient(models.Model):
    """A person receiving care on one brand. Staff may create one before it has an account;
    an invitation links it to a User. All clinical data hangs off Patient, so brand isolation
    follows from the foreign keys."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brand = models.ForeignKey("tenancy.Brand", on_delete=models.PROTECT, related_name="patients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patients",
    )
    email = models.EmailField(_("email address"))
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    portal_enabled = models.BooleanField(_("portal access"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        constraints = [
            models.UniqueConstraint(fields=["brand", "user"], name="one_patient_per_user_brand"),
            models.UniqueConstraint(fields=["brand", "email"], name="one_patient_per_email_brand"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email


class PortalInvitationQuerySet(models.QuerySet):
    def pending(self, now=None):
        """Invitations that can still be accepted: not accepted, not revoked, not expired."""
        return self.filter(
            status=PortalInvitation.Status.PENDING, expires_at__gt=now or timezone.now()
        )


class PortalInvitation(models.Model):
    """An invitation for a Patient record to get portal access on its brand.

    The raw token exists only in the emailed link; the row keeps its SHA-256 (``token_hash``,
    empty until the email task mints it). ``status`` stores the decisions people make
    (accepted, revoked); *expired* is derived from ``expires_at`` so it is right even when no
    worker ran. An invitation's history is its own timestamps (sent, accepted / revoked /
    expired), plus the audit trail.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    class RevokeReason(models.TextChoices):
        STAFF = "staff", _("Revoked by staff")
        PORTAL_DISABLED = "portal_disabled", _("Portal access was turned off")
        SUPERSEDED = "superseded", _("Another invitation was accepted")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        default=Status.PENDING,
        # Expired is never stored: it is worked out from expires_at.
        choices=[c for c in Status.choices if c[0] != "expired"],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    email_sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(max_length=32, choices=RevokeReason.choices, blank=True)

    objects = PortalInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("portal invitation")
        verbose_name_plural = _("portal invitations")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The pending count per patient (the limit of three) and the staff list.
            models.Index(fields=["patient", "status", "expires_at"], name="invitation_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.effective_status()})"

    def effective_status(self, now=None) -> str:
        """The status as people see it, with expiry worked out from ``expires_at``."""
        if self.status == self.Status.PENDING and self.expires_at <= (now or timezone.now()):
            return self.Status.EXPIRED
        return self.status

    @property
    def current_status(self) -> str:
        return self.effective_status()

    @property
    def current_status_label(self) -> str:
        return self.Status(self.effective_status()).label

    @property
    def is_pending(self) -> bool:
        return self.effective_status() == self.Status.PENDING
