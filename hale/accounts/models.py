import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hale.core.models import LapsingStatusMixin
from hale.core.storage import get_private_storage
from hale.core.zones import known_zones


def validate_time_zone(value: str) -> None:
    if value and value not in known_zones():
        raise ValidationError(_("“%(zone)s” is not a time zone we know."), params={"zone": value})


class UserManager(BaseUserManager["User"]):
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
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def is_approved_specialist(self) -> bool:
        """Whether this person has an approved specialist profile. The ``specialists`` app,
        above this one, links its profile to the user as ``user.specialist``; reading it
        through the relation keeps accounts free of imports from above."""
        return User.objects.filter(pk=self.pk, specialist__status=SPECIALIST_APPROVED).exists()


# ``specialists.Specialist.Status.APPROVED``, which this lower app cannot import.
SPECIALIST_APPROVED = "approved"


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
    # Guided onboarding after the first sign-in (hale.accounts.onboarding): the step to resume
    # at, and when it was finished.
    onboarding_step = models.CharField(_("onboarding step"), max_length=16, blank=True)
    onboarded_at = models.DateTimeField(_("onboarded"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the person deleted their account: personal fields are cleared, the row stays so
    # records the law makes us keep (clinical, financial) still point somewhere.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)

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


class PortalInvitation(LapsingStatusMixin, models.Model):
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
    def is_pending(self) -> bool:
        return self.effective_status() == self.Status.PENDING


def data_export_upload_to(instance: "DataExport", filename: str) -> str:
    """A random folder per file: the name says nothing and cannot be guessed."""
    return f"data-exports/{secrets.token_urlsafe(24)}/{filename}"


class DataExportQuerySet(models.QuerySet):
    def requested_since(self, since) -> "DataExportQuerySet":
        return self.filter(requested_at__gte=since)


class DataExport(LapsingStatusMixin, models.Model):
    """A copy of everything Hale holds about one user, as a ZIP built in the background.

    ``status`` stores what the builder did (pending, ready, failed) and what the clean-up
    did (expired: the file is gone). Expiry is derived from ``expires_at`` and a build that
    never finished from ``requested_at`` (see ``effective_status``), so both are right even
    when no worker or clean-up ran. The file lives in the private storage (never served from
    ``MEDIA_URL``); the download view streams it to its owner. The link's token is never
    stored: the row keeps its SHA-256 (``token_hash``), see ``hale.accounts.data_rights``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Could not be prepared")
        EXPIRED = "expired", _("Expired")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    # Where it was asked for: the notification and the link go to that portal.
    brand = models.ForeignKey(
        "tenancy.Brand", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    file = models.FileField(
        _("file"),
        upload_to=data_export_upload_to,
        storage=get_private_storage,
        max_length=255,
        blank=True,
    )
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    downloaded_at = models.DateTimeField(_("last downloaded"), null=True, blank=True)

    objects = DataExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-requested_at", "-id"]
        indexes = [
            # The user's latest export and the daily limit.
            models.Index(fields=["user", "-requested_at"], name="dataexport_user_idx"),
            # The clean-up: ready files past their expiry.
            models.Index(fields=["status", "expires_at"], name="dataexport_purge_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.requested_at:%Y-%m-%d %H:%M} ({self.status})"

    def effective_status(self, now=None) -> str:
        """The status as people see it: a ready file past ``expires_at`` is expired, and a
        build still pending after ``PENDING_TIMEOUT`` has failed (its worker is gone)."""
        now = now or timezone.now()
        if self.status == self.Status.READY and self.expires_at and self.expires_at <= now:
            return self.Status.EXPIRED
        if self.status == self.Status.PENDING and self.requested_at + PENDING_TIMEOUT <= now:
            return self.Status.FAILED
        return self.status

    @property
    def is_ready(self) -> bool:
        return self.effective_status() == self.Status.READY

    @property
    def is_pending(self) -> bool:
        return self.effective_status() == self.Status.PENDING


# A build still pending this long after the request has failed (retries are over by then).
PENDING_TIMEOUT = timedelta(hours=6)


class UserSession(models.Model):
    """One signed-in browser session of a user, listed under My Account → Active sessions.

    The row is the authority for the session: ``SessionSecurityMiddleware`` signs a session
    out at its next request when its row is gone, so ending a session (sign out everywhere
    else, a password or two-factor change) is deleting rows, whatever the session backend.
    The session stores the row's ``uuid``; the row stores only the SHA-256 of the session key
    (``session_key_hash``, kept current when the key is cycled), never a usable key.
    ``last_seen_at`` moves at most once a minute and only for requests a person made
    (background polling does not count).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="user_sessions"
    )
    session_key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("signed in"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last active"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    host = models.CharField(_("host"), max_length=253, blank=True)
    brand = models.ForeignKey(
        "tenancy.Brand", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-last_seen_at", "-id"]
        indexes = [
            # The user's session list, newest activity first.
            models.Index(fields=["user", "-last_seen_at"], name="usersession_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.host} ({self.ip_address})"
