import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hale.core.uploads import DEFAULT_TYPE_GROUPS, UploadPolicy, validate_type_groups

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))


class SignInMethod(models.TextChoices):
    """The ways a brand may let its patients sign in (``Brand.signin_methods``)."""

    PASSWORD = "password", _("Password, with optional two-factor authentication")
    EMAIL_CODE = "email_code", _("One-time code by email")
    MAGIC_LINK = "magic_link", _("Sign-in link by email")
    OIDC = "oidc", _("Single sign-on with an OpenID Connect provider")


def default_signin_methods() -> list[str]:
    return [SignInMethod.PASSWORD.value]


def validate_signin_methods(value) -> None:
    """At least one method, each one we know, none twice."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one sign-in method."), code="required")
    known = set(SignInMethod.values)
    unknown = [m for m in value if not isinstance(m, str) or m not in known]
    if unknown or len(set(value)) != len(value):
        raise ValidationError(
            _("Choose sign-in methods from the list, each at most once."), code="invalid"
        )


class Plan(models.TextChoices):
    """What a brand subscribes to; with ``Brand.portal_addon`` it decides what patients see."""

    PROFESSIONAL = "professional", _("Professional")
    PREMIUM = "premium", _("Premium")


class PlanFeature(models.TextChoices):
    """Patient-portal features a plan gives (``Brand.plan_includes``)."""

    DASHBOARD = "dashboard", _("Dashboard")
    APPOINTMENTS = "appointments", _("View appointments")
    SHOP = "shop", _("Browse and order products")
    ORDERS = "orders", _("View orders")
    SIGN_DOCUMENTS = "sign_documents", _("Sign documents")


# Which plan gives which feature; the Portal add-on gives signing on top of either plan.
PLAN_FEATURES: dict[str, frozenset[str]] = {
    Plan.PROFESSIONAL: frozenset({PlanFeature.DASHBOARD, PlanFeature.APPOINTMENTS}),
    Plan.PREMIUM: frozenset(
        {PlanFeature.DASHBOARD, PlanFeature.APPOINTMENTS, PlanFeature.SHOP, PlanFeature.ORDERS}
    ),
}
PORTAL_ADDON_FEATURES: frozenset[str] = frozenset({PlanFeature.SIGN_DOCUMENTS})


def plan_matrix() -> list[tuple[str, list[bool]]]:
    """Rows of (feature label, [Professional, Premium, Portal add-on]) for the back office."""
    columns = [PLAN_FEATURES[Plan.PROFESSIONAL], PLAN_FEATURES[Plan.PREMIUM], PORTAL_ADDON_FEATURES]
    return [
        (str(label), [value in column for column in columns])
        for value, label in PlanFeature.choices
    ]


def default_upload_type_groups() -> list[str]:
    return list(DEFAULT_TYPE_GROUPS)


# Bounds of ``Brand.upload_max_mb``: the pipeline reads a file to a temporary file before it
# keeps it, and clamd must accept the largest (its StreamMaxLength).
UPLOAD_MAX_MB_LIMIT = 50


class Brand(models.Model):
    """A white-label patient portal: its own domains, look, language, time zone and rules.

    Every patient-facing query filters by brand; the brand is resolved from the request host.
    """

    class Discovery(models.TextChoices):
        BROWSE = "browse", _("Browse and choose")
        GUIDED = "guided", _("Guided matching")
        SMART = "smart", _("Smart-matching")

    class Pricing(models.TextChoices):
        SPECIALIST = "specialist", _("Specialist sets the price")
        BRAND = "brand", _("Brand-fixed price")

    class MessagingPolicy(models.TextChoices):
        REPLY_ONLY = "reply_only", _("Patients reply only (closes 48 hours after our last message)")
        NEVER_INITIATE = "never_initiate", _("Patients never start a conversation")
        ASSIGNED_ONLY = "assigned_only", _("Staff and specialists message assigned patients only")
        ALL_CLIENTS = "all_clients", _("Anyone in a care relationship may start one")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=120)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    logo = models.FileField(_("logo"), upload_to="brands/logos/", blank=True)
    colour_primary = models.CharField(
        _("primary colour"), max_length=7, default="#2f6f73", validators=[hex_colour]
    )
    colour_accent = models.CharField(
        _("accent colour"), max_length=7, default="#e0a458", validators=[hex_colour]
    )
    colour_background = models.CharField(
        _("background colour"), max_length=7, default="#f7f7f2", validators=[hex_colour]
    )
    colour_text = models.CharField(
        _("text colour"), max_length=7, default="#1d2525", validators=[hex_colour]
    )
    default_language = models.CharField(
        _("default language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    default_time_zone = models.CharField(_("default time zone"), max_length=64, default="UTC")
    discovery_mode = models.CharField(
        _("discovery mode"), max_length=16, choices=Discovery.choices, default=Discovery.BROWSE
    )
    pricing_mode = models.CharField(
        _("pricing mode"), max_length=16, choices=Pricing.choices, default=Pricing.SPECIALIST
    )
    support_email = models.EmailField(_("support email"), blank=True)
    messaging_policy = models.CharField(
        _("messaging policy"),
        max_length=16,
        choices=MessagingPolicy.choices,
        default=MessagingPolicy.REPLY_ONLY,
        help_text=_("Who may start a conversation in secure messaging, and who may answer."),
    )
    referrals_enabled = models.BooleanField(
        _("referral program"),
        default=False,
        help_text=_(
            "Specialists get a referral link to this portal; people who sign up through it "
            "are allocated to them."
        ),
    )
    plan = models.CharField(
        _("plan"),
        max_length=16,
        choices=Plan.choices,
        default=Plan.PREMIUM,
        help_text=_("Professional: dashboard and appointments. Premium adds the shop and orders."),
    )
    portal_addon = models.BooleanField(
        _("Portal add-on"),
        default=True,
        help_text=_("Lets patients sign documents (consents) in the portal, on either plan."),
    )
    features = models.JSONField(
        _("features"),
        default=list,
        blank=True,
        help_text=_("Plan features switched on for this brand, e.g. video, shop, invitations."),
    )
    require_mfa_for_staff = models.BooleanField(
        _("require two-factor authentication for staff"),
        default=False,
        help_text=_(
            "Staff of this brand must set up an authenticator app or a security key before "
            "they can use the back office."
        ),
    )
    require_mfa_for_specialists = models.BooleanField(
        _("require two-factor authentication for specialists"),
        default=False,
        help_text=_(
            "Specialists must set up an authenticator app or a security key before they can "
            "use the specialist portal."
        ),
    )
    signin_methods = models.JSONField(
        _("sign-in methods"),
        default=default_signin_methods,
        validators=[validate_signin_methods],
        help_text=_(
            "How patients sign in to this portal. Methods not chosen are not shown and their "
            "pages refuse."
        ),
    )
    upload_max_mb = models.PositiveSmallIntegerField(
        _("largest upload (MB)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(UPLOAD_MAX_MB_LIMIT)],
        help_text=_("The largest file people may upload on this portal, in megabytes (1 to 50)."),
    )
    upload_type_groups = models.JSONField(
        _("files people may upload"),
        default=default_upload_type_groups,
        validators=[validate_type_groups],
        help_text=_("The kinds of file patients, specialists and staff may upload and share."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name

    def has_feature(self, feature: str) -> bool:
        return feature in self.features

    def plan_includes(self, feature: str) -> bool:
        """Whether the brand's plan (and add-on) gives its patients ``feature`` (a
        ``PlanFeature``); a feature it does not give is absent from the portal (404)."""
        if feature in PLAN_FEATURES.get(self.plan, frozenset()):
            return True
        return self.portal_addon and feature in PORTAL_ADDON_FEATURES

    @property
    def has_shop(self) -> bool:
        return self.plan_includes(PlanFeature.SHOP)

    def offers_signin(self, method: str) -> bool:
        """Whether patients may sign in to this portal with ``method`` (a SignInMethod)."""
        return method in (self.signin_methods or [])

    def upload_policy(self) -> UploadPolicy:
        """The limits ``hale.core.uploads.store_upload`` checks uploads on this brand with."""
        return UploadPolicy.for_groups(
            max_bytes=self.upload_max_mb * 1024 * 1024, groups=self.upload_type_groups
        )

    @property
    def primary_domain(self) -> str | None:
        domain = next((d for d in self.domains.all() if d.is_primary), None)
        return domain.domain if domain else None


class BrandDomain(models.Model):
    """A host name that serves a brand's patient portal (matched without the port)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("domain"), max_length=253, unique=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        ordering = ["-is_primary", "domain"]
        verbose_name = _("brand domain")
        verbose_name_plural = _("brand domains")
        constraints = [
            models.UniqueConstraint(
                fields=["brand"], condition=models.Q(is_primary=True), name="one_primary_domain"
            )
        ]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs):
        # Host lookups compare lower-case names; store them that way.
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)


class BrandMembership(models.Model):
    """A person who works for a brand in its back office (staff or admin)."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Staff")
        ADMIN = "admin", _("Brand admin")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="brand_memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "user"], name="one_membership_per_brand")
        ]
        verbose_name = _("brand membership")
        verbose_name_plural = _("brand memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.brand} ({self.role})"
