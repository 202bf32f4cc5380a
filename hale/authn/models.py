"""Sign-in methods a brand offers beyond what allauth stores itself.

allauth keeps passwords, login codes, MFA and social accounts. Hale adds two things: which
OpenID Connect apps (allauth ``SocialApp`` rows) belong to which brand, and sign-in links
sent by email ("magic links"), which allauth does not have.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

OIDC_PROVIDER = "openid_connect"


class BrandIdentityProvider(models.Model):
    """An OpenID Connect provider (an allauth ``SocialApp`` with provider "openid_connect")
    that patients of ``brand`` may sign in with.

    An app serves exactly one brand, so a provider set up for one brand never appears, nor
    answers its sign-in URLs, on another brand's portal. The app's ``provider_id`` is part of
    its URLs (``/accounts/oidc/<provider_id>/login/``) and must be unique.
    """

    brand = models.ForeignKey(
        "tenancy.Brand", on_delete=models.CASCADE, related_name="identity_providers"
    )
    social_app = models.OneToOneField(
        "socialaccount.SocialApp",
        on_delete=models.CASCADE,
        related_name="brand_link",
        verbose_name=_("OpenID Connect app"),
    )
    label = models.CharField(
        _("button label"),
        max_length=60,
        blank=True,
        help_text=_("Shown as “Continue with …”; the app's name when empty."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["brand", "position", "pk"]
        verbose_name = _("brand identity provider")
        verbose_name_plural = _("brand identity providers")

    def __str__(self) -> str:
        return f"{self.display_label} @ {self.brand}"

    @property
    def display_label(self) -> str:
        return self.label or self.social_app.name

    def clean(self) -> None:
        app = getattr(self, "social_app", None)
        if app is None:
            return
        if app.provider != OIDC_PROVIDER:
            raise ValidationError(
                {"social_app": _("Choose an app whose provider is “openid_connect”.")}
            )
        if not app.provider_id:
            raise ValidationError(
                {"social_app": _("The app needs a provider ID: it is part of its sign-in URL.")}
            )
        if not (app.settings or {}).get("server_url"):
            raise ValidationError(
                {
                    "social_app": _(
                        "Set the issuer in the app's settings, e.g. "
                        '{"server_url": "https://accounts.google.com"}.'
                    )
                }
            )
        from allauth.socialaccount.models import SocialApp

        clash = SocialApp.objects.filter(provider_id=app.provider_id).exclude(pk=app.pk).exists()
        if clash:
            raise ValidationError({"social_app": _("Another app already uses this provider ID.")})


class MagicLinkQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Links that can still sign someone in: minted, not used, not expired."""
        return self.filter(
            used_at__isnull=True,
            token_hash__isnull=False,
            expires_at__gt=now or timezone.now(),
        )


class MagicLink(models.Model):
    """A sign-in link emailed to ``user`` for ``brand``'s portal.

    The raw token exists only in the email; the row keeps its SHA-256 (``token_hash``, empty
    until the email task mints it). Opening the link (GET) only reads; the confirming POST
    spends it (``used_at``). It expires ``expires_at`` (about 15 minutes after it was sent),
    computed from timestamps so no worker has to run. ``uuid`` names the request that asked
    for the link, so a retried email task reuses the row instead of adding one.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brand = models.ForeignKey("tenancy.Brand", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="magic_links"
    )
    email = models.EmailField(_("email address"))
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    next_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    objects = MagicLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")
        indexes = [
            # Spending a user's other open links when one is used.
            models.Index(fields=["user", "brand", "used_at"], name="magiclink_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.email} @ {self.brand_id}"

    def is_expired(self, now=None) -> bool:
        return self.expires_at is None or self.expires_at <= (now or timezone.now())
