"""Hale settings: one module, configured by environment variables (see README "Configuration").

Defaults give the embedded setup (SQLite, in-memory channel layer, database task queue, an
outbox for email). Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL
and the SMTP variables.
"""

import secrets
import sys
from pathlib import Path
from typing import Literal

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from hale.core.env import ConfigError, env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("HALE_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

TESTING = "pytest" in sys.modules or env_bool("HALE_TESTING", False)
DEBUG = env_bool("DEBUG", True)


def _secret_key() -> str:
    key = env_secret("SECRET_KEY")
    if key:
        if not DEBUG and (len(key) < 50 or key.startswith("django-insecure")):
            raise ConfigError("SECRET_KEY must be at least 50 random characters in production")
        return key
    if not DEBUG:
        raise ConfigError("SECRET_KEY is required when DEBUG=0")
    # Development: generate once into an ignored file so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

# Hosts: the platform host serves the specialist portal, the staff back office and the admin;
# every other host must be a brand domain (resolved per request by hale.tenancy.middleware).
PLATFORM_HOSTS = env_list("PLATFORM_HOSTS", ["localhost", "127.0.0.1"])
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [".localhost", "localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if TESTING:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public base URL of the platform host, used in emails sent from background tasks.
PLATFORM_URL = env_str("PLATFORM_URL", "http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "hale.core",
    "hale.tenancy",
    "hale.accounts",
    "hale.authn",
    "hale.specialists",
    "hale.notifications",
    "hale.helpcenter",
    "hale.legal",
    "hale.scheduling",
    "hale.matching",
    "hale.messaging",
    "hale.documents",
    "hale.consents",
    "hale.intake",
    "hale.payments",
    "hale.video",
    "hale.shop",
    "hale.dashboards",
    "hale.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "hale.accounts.pagecache.PageCacheMiddleware",
    "hale.tenancy.middleware.BrandMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hale.core.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "hale.authn.middleware.SignInMethodsMiddleware",
    "hale.accounts.session_security.SessionSecurityMiddleware",
    "hale.accounts.mfa_policy.MfaRequiredMiddleware",
    "hale.accounts.middleware.PortalAccessMiddleware",
    "hale.legal.middleware.ConsentGateMiddleware",
    "hale.consents.middleware.SignupConsentGateMiddleware",
    "hale.core.middleware.TimezoneMiddleware",
    "hale.core.access.DeniedAccessMiddleware",
]

ROOT_URLCONF = "hale.urls_platform"
WSGI_APPLICATION = None
ASGI_APPLICATION = "hale.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hale" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hale.tenancy.context_processors.portal",
            ],
            "builtins": ["hale.core.templatetags.hale"],
        },
    }
]
# <select> and its options built in Python (hale.core.forms_rendering), as Django would.
FORM_RENDERER = "hale.core.forms_rendering.Renderer"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hale.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web process and the worker read while one writes; IMMEDIATE takes the
        # write lock at BEGIN so concurrent writers queue instead of failing with "locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file (not :memory:) so the browser tests' server thread sees the same data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Under ASGI every request and socket handler runs in a thread of its own, so without a
    # pool each one would open (and PostgreSQL fork) a fresh connection. psycopg's pool keeps
    # them open; DATABASE_POOL_SIZE=0 turns it off (e.g. behind PgBouncer).
    DATABASE_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 10)
    if DATABASE_POOL_SIZE:
        DATABASES["default"]["OPTIONS"] = {
            "pool": {"min_size": 2, "max_size": DATABASE_POOL_SIZE, "timeout": 10}
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, channels, tasks -----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
# Parallel test processes (pytest-xdist) share one Redis: each keeps to its own keys.
REDIS_PREFIX = "hale" + (env_str("PYTEST_XDIST_WORKER", "") if TESTING else "")
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": REDIS_PREFIX},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Signed-in pages kept in each process's memory, checked against the database's table stamps
# on every use (hale.accounts.pagecache). Off in tests and while developing (DEBUG), where
# templates change under it.
PAGE_CACHE = env_bool("PAGE_CACHE", not TESTING and not DEBUG)
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "hale-pages",
    "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_ENTRIES", 2000)},
}

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "email"],
    }
}
if TESTING:
    TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "email"],
        }
    }
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 5)
# Denied object accesses (404 for another person's or brand's object) audited per person a minute.
DENIED_AUDIT_PER_MINUTE = env_int("DENIED_AUDIT_PER_MINUTE", 30)

# Busy-time import from external calendars (hale.scheduling.busy_import). Private and
# loopback addresses are refused unless DEBUG or tests allow them (never in production).
# An open WebSocket re-checks its session this often and closes once it is signed out.
WEBSOCKET_RECHECK_SECONDS = env_int("WEBSOCKET_RECHECK_SECONDS", 5)

# Secure messaging: email someone when a message waits unread this long (minutes).
MESSAGE_UNREAD_EMAIL_MINUTES = env_int("MESSAGE_UNREAD_EMAIL_MINUTES", 30)

ICS_IMPORT_ALLOW_PRIVATE = (DEBUG or TESTING) and env_bool("ICS_IMPORT_ALLOW_PRIVATE", True)
ICS_IMPORT_TIMEOUT = env_int("ICS_IMPORT_TIMEOUT", 10)
ICS_IMPORT_MAX_BYTES = env_int("ICS_IMPORT_MAX_BYTES", 2 * 1024 * 1024)
ICS_IMPORT_INTERVAL_MINUTES = env_int("ICS_IMPORT_INTERVAL_MINUTES", 30)

# Payments. With STRIPE_SECRET_KEY set, card payments go through Stripe (STRIPE_WEBHOOK_SECRET
# verifies its webhooks at /payments/stripe/webhook/); without, the built-in "pay at the
# clinic / invoice" provider runs the whole flow offline. STRIPE_API_BASE points the SDK at
# another Stripe-compatible server (the tests' loopback one); empty means Stripe's own.
STRIPE_SECRET_KEY = env_secret("STRIPE_SECRET_KEY") or ""
STRIPE_WEBHOOK_SECRET = env_secret("STRIPE_WEBHOOK_SECRET") or ""
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "").strip().rstrip("/")
if STRIPE_SECRET_KEY and not STRIPE_WEBHOOK_SECRET and not DEBUG:
    raise ConfigError("STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY when DEBUG=0")

# Video sessions (hale.video): the join window around each video appointment, and the ICE
# servers the browsers use. TURN credentials follow the TURN REST shared-secret scheme
# (coturn: use-auth-secret + static-auth-secret=VIDEO_TURN_SECRET); relay forces every call
# through TURN (the peers never see each other's addresses).
VIDEO_JOIN_EARLY_MINUTES = env_int("VIDEO_JOIN_EARLY_MINUTES", 10)
VIDEO_JOIN_GRACE_MINUTES = env_int("VIDEO_JOIN_GRACE_MINUTES", 15)
VIDEO_STUN_URLS = env_list("VIDEO_STUN_URLS", [])
VIDEO_TURN_URLS = env_list("VIDEO_TURN_URLS", [])
VIDEO_TURN_SECRET = env_secret("VIDEO_TURN_SECRET") or ""
VIDEO_TURN_TTL_SECONDS = env_int("VIDEO_TURN_TTL_SECONDS", 3600)
VIDEO_ICE_TRANSPORT_POLICY = env_str("VIDEO_ICE_TRANSPORT_POLICY", "all")
if VIDEO_ICE_TRANSPORT_POLICY not in ("all", "relay"):
    raise ConfigError("VIDEO_ICE_TRANSPORT_POLICY must be all or relay")
if VIDEO_TURN_URLS and not VIDEO_TURN_SECRET:
    raise ConfigError("VIDEO_TURN_SECRET is required with VIDEO_TURN_URLS")

# Virus scanning of uploads (hale.core.uploads) through a ClamAV daemon: a unix socket path
# (CLAMD_SOCKET) or a host and port (CLAMD_HOST, CLAMD_PORT). Neither: files are not scanned.
CLAMD_SOCKET = env_str("CLAMD_SOCKET", "").strip()
CLAMD_HOST = env_str("CLAMD_HOST", "").strip()
CLAMD_PORT = env_int("CLAMD_PORT", 3310)
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 60)
if CLAMD_SOCKET and CLAMD_HOST:
    raise ConfigError("Set CLAMD_SOCKET or CLAMD_HOST, not both")
if not 1 <= CLAMD_PORT <= 65535:
    raise ConfigError(f"CLAMD_PORT must be a TCP port (1-65535), got {CLAMD_PORT}")
if CLAMD_TIMEOUT < 1:
    raise ConfigError(f"CLAMD_TIMEOUT must be at least 1 second, got {CLAMD_TIMEOUT}")

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Every sign-up confirms its email before signing in: only then does allauth answer a taken
# address with the same "check your email" page (and email its owner), so sign-up never
# reveals whether an account exists (with ACCOUNT_PREVENT_ENUMERATION).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
# Sign-in methods per brand (hale.authn): allauth's defaults for the rest (signup 20/m/ip,
# login 30/m/ip, reset_password 20/m/ip,5/m/key, ...), plus Hale's sign-in links.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "request_login_code": "20/m/ip,3/m/key",
    "request_magic_link": "20/m/ip,3/m/key",
    "use_magic_link": "30/m/ip",
}
ACCOUNT_ADAPTER = "hale.authn.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "hale.authn.forms.SignupForm"}
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Signs in after confirming the email only in the browser session that signed up (allauth
# checks the pending sign-up): a passwordless sign-up is complete once its email is confirmed.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
SOCIALACCOUNT_ADAPTER = "hale.authn.adapter.SocialAccountAdapter"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_REQUIRED = True
# An address counts as verified only when the provider says so (its email_verified claim);
# otherwise the person confirms it (emailed link) before the first sign-in. Social sign-in never
# takes over an existing account by email: a brand's provider cannot vouch for other brands.
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}
# Adds the Terms/Privacy consent box to every allauth sign-up form (email and social).
ACCOUNT_SIGNUP_FORM_CLASS = "hale.legal.forms.ConsentSignupForm"
# Proxies of ours in front of the app that append to X-Forwarded-For (0: trust REMOTE_ADDR
# only). Rate limits and the IP recorded with a Terms acceptance both use it.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_ADAPTER = "hale.accounts.adapter.MFAAdapter"
# Changing email addresses asks for the password (or a second factor) again, like MFA does.
ACCOUNT_REAUTHENTICATION_REQUIRED = True

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
# Signed out after this many seconds without activity (0: never); the page warns 2 minutes
# before. And after this long from sign-in, however active (hale.accounts.session_security).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_LIFETIME = env_int("SESSION_ABSOLUTE_LIFETIME", SESSION_COOKIE_AGE)
SESSION_SAVE_EVERY_REQUEST = False

# --- i18n / time ----------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [Path(env_str("HALE_LOCALE_DIR", str(BASE_DIR / "hale" / "locale")))]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "hale" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Files only views may hand out after their own checks (data exports): never under MEDIA_URL.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Email ---------------------------------------------------------------------------------
# Django 6.1 MAILERS. With EMAIL_HOST set (or in production) mail goes over SMTP; in debug
# without a mail server it lands in the dev outbox (a page listing every email sent).
_email_host = env_str("EMAIL_HOST", "")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Hale <no-reply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
_smtp = "django.core.mail.backends.smtp.EmailBackend"
_mail_backend = env_str(
    "EMAIL_BACKEND",
    _smtp if _email_host or not DEBUG else "hale.notifications.outbox.OutboxEmailBackend",
)
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": {}}}
if _mail_backend == _smtp:
    MAILERS["default"]["OPTIONS"] = {
        "host": _email_host or "localhost",
        "port": env_int("EMAIL_PORT", 587),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_secret("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": env_int("EMAIL_TIMEOUT", 20),
    }
# The dev outbox page lists sent emails; only ever on in debug mode.
DEV_OUTBOX = DEBUG

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE: Literal["Lax"] = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "connect-src": [CSP.SELF, "ws:", "wss:"] if DEBUG else [CSP.SELF, "wss:"],
    "font-src": [CSP.SELF],
    "media-src": [CSP.SELF, "blob:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_CSP["upgrade-insecure-requests"] = True

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
