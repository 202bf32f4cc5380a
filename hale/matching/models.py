import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BrandMatching(models.Model):
    """A brand's discovery rules kept by this app: the brand-fixed price (used when the
    brand's ``pricing_mode`` is *brand*) and the switching rule for care relationships."""

    class Switching(models.TextChoices):
        FREE = "free", _("Switch freely")
        NO_UPCOMING = "no_upcoming", _("Not while appointments are upcoming")

    brand = models.OneToOneField(
        "tenancy.Brand", on_delete=models.CASCADE, related_name="matching_settings"
    )
    fixed_price_minor = models.PositiveIntegerField(
        _("brand-fixed price (cents)"), null=True, blank=True
    )
    fixed_currency = models.CharField(_("currency"), max_length=3, default="EUR")
    switching_rule = models.CharField(
        _("switching rule"), max_length=16, choices=Switching.choices, default=Switching.FREE
    )

    class Meta:
        verbose_name = _("brand matching settings")
        verbose_name_plural = _("brand matching settings")

    def __str__(self) -> str:
        return f"{self.brand_id}: {self.switching_rule}"


class Listing(models.Model):
    """A specialist offered on one brand. Only approved specialists with a *listed* listing
    appear on (and can be booked through) that brand. ``price_minor`` overrides the session
    types' prices there when the brand lets specialists set prices."""

    class Visibility(models.TextChoices):
        LISTED = "listed", _("Listed")
        HIDDEN = "hidden", _("Hidden")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    specialist = models.ForeignKey(
        "specialists.Specialist", on_delete=models.CASCADE, related_name="listings"
    )
    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="listings")
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.LISTED
    )
    price_minor = models.PositiveIntegerField(_("price (cents)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        constraints = [
            models.UniqueConstraint(fields=["brand", "specialist"], name="listing_unique_brand")
        ]
        indexes = [models.Index(fields=["brand", "visibility"], name="listing_brand_vis_idx")]

    def __str__(self) -> str:
        return f"{self.specialist_id} on {self.brand_id} ({self.visibility})"

    @property
    def price_label(self) -> str:
        """The override as an amount (the session types' currency applies)."""
        if self.price_minor is None:
            return ""
        return f"{self.price_minor // 100}.{self.price_minor % 100:02d}"

    @property
    def is_listed(self) -> bool:
        return self.visibility == self.Visibility.LISTED


class ListingRequest(models.Model):
    """A specialist asking to be listed on a brand that does not list them yet. Brand staff
    approve it (which creates the ``Listing``) or decline it with a reason; the specialist
    may withdraw it while it waits. Only one request per specialist and brand waits at a
    time (the database holds that); decided ones stay as history."""

    MESSAGE_MAX_LENGTH = 1000

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the brand")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    specialist = models.ForeignKey(
        "specialists.Specialist", on_delete=models.CASCADE, related_name="listing_requests"
    )
    brand = models.ForeignKey(
        "tenancy.Brand", on_delete=models.CASCADE, related_name="listing_requests"
    )
    message = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Who closed the request (staff deciding, or the specialist withdrawing) and when.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("listing request")
        verbose_name_plural = _("listing requests")
        constraints = [
            models.UniqueConstraint(
                fields=["specialist", "brand"],
                condition=models.Q(status="pending"),
                name="listing_request_one_pending",
            )
        ]
        indexes = [
            models.Index(fields=["brand", "status"], name="listing_request_brand_idx"),
            models.Index(fields=["specialist", "status"], name="listing_request_spec_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.specialist_id} asks {self.brand_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class MatchProfile(models.Model):
    """What smart-matching needs about a specialist, precomputed so one query ranks
    thousands: keys like ``|en|es|`` for portable "contains" filters, the next free slot,
    a 168-bit mask of weekly working hours in UTC (hour of week) and the current load.
    Refreshed by ``actions.refresh_match_profiles`` (a task, the demo and staff)."""

    specialist = models.OneToOneField(
        "specialists.Specialist", on_delete=models.CASCADE, related_name="match_profile"
    )
    languages_key = models.CharField(max_length=400, blank=True, default="|")
    specialisations_key = models.CharField(max_length=2000, blank=True, default="|")
    expertise_key = models.CharField(max_length=4000, blank=True, default="|")
    accepting_new_patients = models.BooleanField(default=True)
    next_available_at = models.DateTimeField(null=True, blank=True)
    # Working hours per UTC day part, bits: 1 night (0-6), 2 morning (6-12), 4 afternoon
    # (12-18), 8 evening (18-24).
    utc_parts_mask = models.PositiveSmallIntegerField(default=0)
    active_patients = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["next_available_at"], name="matchprofile_next_idx")]

    def __str__(self) -> str:
        return f"match profile of {self.specialist_id}"


class CareRelationship(models.Model):
    """A patient in the care of a specialist on a brand, with how they were brought together
    (``source``) and, for matching, the reasons shown to the patient."""

    class Source(models.TextChoices):
        BROWSE = "browse", _("Browse and choose")
        GUIDED = "guided", _("Guided matching")
        SMART = "smart", _("Smart-matching")
        PROGRAM = "program", _("Program")
        STAFF = "staff", _("Staff")
        REFERRAL = "referral", _("Referral")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "accounts.Patient", on_delete=models.CASCADE, related_name="care_relationships"
    )
    specialist = models.ForeignKey(
        "specialists.Specialist", on_delete=models.CASCADE, related_name="care_relationships"
    )
    brand = models.ForeignKey(
        "tenancy.Brand", on_delete=models.CASCADE, related_name="care_relationships"
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    reasons = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("care relationship")
        verbose_name_plural = _("care relationships")
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status="active"),
                name="care_one_active_per_patient",
            )
        ]
        indexes = [models.Index(fields=["specialist", "status"], name="care_specialist_idx")]

    def __str__(self) -> str:
        return f"{self.patient_id} with {self.specialist_id} ({self.status})"


class Supervision(models.Model):
    """A clinical lead (a specialist) supervising another specialist on one brand. Brand staff
    set these rows; the lead may then read the session history of the supervisee's patients of
    that brand, and every such read is audited (``supervision.history_viewed``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brand = models.ForeignKey(
        "tenancy.Brand", on_delete=models.CASCADE, related_name="supervisions"
    )
    lead = models.ForeignKey(
        "specialists.Specialist",
        on_delete=models.CASCADE,
        related_name="supervisions_led",
        verbose_name=_("clinical lead"),
    )
    supervisee = models.ForeignKey(
        "specialists.Specialist",
        on_delete=models.CASCADE,
        related_name="supervised_by",
        verbose_name=_("supervised specialist"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "lead", "supervisee"], name="supervision_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(lead=models.F("supervisee")), name="supervision_not_self"
            ),
        ]
        indexes = [models.Index(fields=["lead", "brand"], name="supervision_lead_idx")]

    def __str__(self) -> str:
        return f"{self.lead_id} supervises {self.supervisee_id} on {self.brand_id}"


# --- Organisations and programs -------------------------------------------------------------


class Organization(models.Model):
    """An organisation (employer, insurer, school) that sponsors programs on a brand."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brand = models.ForeignKey(
        "tenancy.Brand", on_delete=models.CASCADE, related_name="organizations"
    )
    name = models.CharField(_("name"), max_length=200)
    # Deactivated: its programs stop for patients (kept, with their members and history).
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["brand", "name"], name="organization_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Program(models.Model):
    """A sponsored program on a brand: who is eligible (an access code printed on flyers, an
    email domain, or a roster), how many sessions it covers per member, the consent members
    accept first and how members are matched. The access code is a shared secret, stored
    normalised (upper case, no spaces) and compared in constant time."""

    class Eligibility(models.TextChoices):
        CODE = "code", _("Access code")
        DOMAIN = "domain", _("Email domain")
        ROSTER = "roster", _("Roster")

    class Matching(models.TextChoices):
        SMART = "smart", _("Smart-matching")
        GUIDED = "guided", _("Guided matching")
        BROWSE = "browse", _("Browse and choose")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="programs")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="programs"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    eligibility = models.CharField(
        _("eligibility"), max_length=8, choices=Eligibility.choices, default=Eligibility.CODE
    )
    access_code = models.CharField(_("access code"), max_length=64, blank=True)
    email_domains = models.JSONField(_("email domains"), default=list, blank=True)
    covered_sessions = models.PositiveSmallIntegerField(_("covered sessions per member"))
    matching_mode = models.CharField(
        _("matching"), max_length=8, choices=Matching.choices, default=Matching.GUIDED
    )
    consent_markdown = models.TextField(_("required consent (Markdown)"))
    consent_version = models.PositiveIntegerField(_("consent version"), default=1)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    # Deactivated by staff: hidden from patients, members' covered sessions paused.
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day) -> bool:
        """Running on ``day``: active, its organisation active, and within its dates."""
        return (
            self.is_active
            and self.organization.is_active
            and (self.starts_on is None or self.starts_on <= day)
            and (self.ends_on is None or day <= self.ends_on)
        )


class ProgramRosterEntry(models.Model):
    """One eligible person on a roster program, by (lower-case) email."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="roster")
    email = models.EmailField(_("email"))
    external_id = models.CharField(_("external id"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        constraints = [
            models.UniqueConstraint(fields=["program", "email"], name="roster_unique_email")
        ]

    def __str__(self) -> str:
        return self.email


class ProgramMembership(models.Model):
    """A patient enrolled in a program: how they proved eligibility and the consent they
    accepted (version, time, IP). Sessions used are the ``ProgramSessionUse`` rows."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="memberships")
    patient = models.ForeignKey(
        "accounts.Patient", on_delete=models.CASCADE, related_name="program_memberships"
    )
    eligible_via = models.CharField(
        _("eligible via"), max_length=8, choices=Program.Eligibility.choices
    )
    joined_at = models.DateTimeField(_("joined"))
    consented_at = models.DateTimeField(_("consented"), null=True, blank=True)
    consent_version = models.PositiveIntegerField(_("consent version"), null=True, blank=True)
    consent_ip = models.GenericIPAddressField(_("consent IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("program membership")
        verbose_name_plural = _("program memberships")
        constraints = [
            models.UniqueConstraint(fields=["program", "patient"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} in {self.program_id}"

    @property
    def has_consented(self) -> bool:
        return self.consent_version == self.program.consent_version


class ProgramSessionUse(models.Model):
    """A booked appointment covered by a membership (price 0 for the member). Deleted when
    the booking is cancelled within the policy, which gives the session back."""

    membership = models.ForeignKey(
        ProgramMembership, on_delete=models.CASCADE, related_name="session_uses"
    )
    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.CASCADE, related_name="program_use"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("covered session")
        verbose_name_plural = _("covered sessions")

    def __str__(self) -> str:
        return f"{self.appointment_id} via {self.membership_id}"


class BrandQuestionnaire(models.Model):
    """A brand's own version of the guided/smart matching questionnaire.

    ``questions`` is the ordered list of the built-in questions (keys in
    ``hale.matching.questionnaire.QUESTION_KEYS``), each ``{"key", "enabled", "label",
    "help_text"}``; an empty label or help text means the translated default.
    ``concerns`` lists the expertise-area slugs offered (empty: every active area);
    ``region`` is where the brand's patients are, for the licence constraint. A brand without
    a row gets the default questionnaire and no region."""

    brand = models.OneToOneField(
        "tenancy.Brand", on_delete=models.CASCADE, related_name="questionnaire"
    )
    questions = models.JSONField(default=list, blank=True)
    concerns = models.JSONField(default=list, blank=True)
    # Where the brand's patients are (ISO 3166 code, "ES" or "US-CA"). When set, matching
    # keeps only specialists licensed there (a hard constraint, see ``smart``).
    region = models.CharField(_("patients' region"), max_length=6, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("matching questionnaire")
        verbose_name_plural = _("matching questionnaires")

    def __str__(self) -> str:
        return f"questionnaire of {self.brand_id}"
