"""Settings for Kulturskole, read from environment variables.

With nothing set the project runs on the embedded default: SQLite, Celery tasks run eagerly,
e-mail printed to the console, DEBUG on. Production sets DEBUG=false and must then provide
SECRET_KEY and ALLOWED_HOSTS, or the process refuses to start.

Every variable is listed in the README's configuration table.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def envsecret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file named by NAME_FILE (Docker secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def envlist(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = envbool("DEBUG", True)

SECRET_KEY = envsecret("SECRET_KEY")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS")
if not DEBUG:
    missing = [
        name
        for name, value in [("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS)]
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            "Production mode (DEBUG=false) needs " + " and ".join(missing) + ". "
            "Set them in the environment; see the configuration table in README.md."
        )
else:
    # Only for the embedded default: a fixed, public key is fine on a developer's laptop.
    SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-kulturskole-do-not-use-in-production-0123"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]

CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# The public address of the site, for links in e-mails sent by background tasks.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "kulturskole.accounts",
    "kulturskole",
    "enrollment",
    "waitlist",
    "billing",
    "regional",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_filters",
    "django_htmx",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kulturskole.i18n.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kulturskole.access.RequireStaffMFAMiddleware",
]

ROOT_URLCONF = "kulturskole.urls"
WSGI_APPLICATION = "kulturskole.wsgi.application"
ASGI_APPLICATION = "kulturskole.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kulturskole.context_processors.navigation",
            ],
        },
    },
]

FORM_RENDERER = "kulturskole.forms.FormRenderer"

# Database: SQLite on the embedded default, PostgreSQL (or anything dj-database-url reads)
# when DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache, Celery broker and result backend on Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kulturskole",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Without a broker the tasks run in the calling process, so a newcomer needs no Redis.
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TIMEZONE = "Europe/Oslo"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery finds only modules named tasks.py; the daily waiting-list tasks live in their own.
CELERY_IMPORTS = ["waitlist.periodic"]
CELERY_BEAT_SCHEDULE = {
    "daily-housekeeping": {
        "task": "kulturskole.tasks.housekeeping",
        "schedule": crontab(hour=3, minute=15),
    },
    "requeue-stuck-messages": {
        "task": "kulturskole.tasks.requeue_stuck_messages",
        "schedule": crontab(minute="*/5"),
    },
    "expire-place-offers": {
        "task": "waitlist.tasks.expire_place_offers",
        "schedule": crontab(minute="*/15"),
    },
    "remind-place-offers": {
        "task": "waitlist.tasks.remind_place_offers",
        "schedule": crontab(minute=5),
    },
    "admit-to-vacancies": {
        "task": "waitlist.periodic.admit_to_vacancies",
        "schedule": crontab(hour=6, minute=0),
    },
    "notify-vacancies": {
        "task": "waitlist.periodic.notify_vacancies",
        "schedule": crontab(hour=7, minute=0),
    },
    "application-deadline-reminders": {
        "task": "waitlist.periodic.application_deadline_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "snapshot-waiting-lists": {
        "task": "waitlist.periodic.snapshot_waiting_lists",
        "schedule": crontab(hour=23, minute=50),
    },
    "end-due-placements": {
        "task": "enrollment.tasks.placements_end_due",
        "schedule": crontab(hour=0, minute=10),
    },
    "upper-age": {
        "task": "enrollment.tasks.upper_age_run",
        "schedule": crontab(hour=2, minute=0),
    },
    "notice-deadline-reminders": {
        "task": "enrollment.tasks.notice_deadline_reminders",
        "schedule": crontab(hour=8, minute=15),
    },
    "conference-reminders": {
        "task": "enrollment.tasks.conference_reminders",
        "schedule": crontab(minute=25),
    },
    "requeue-stuck-invoices": {
        "task": "billing.tasks.requeue_stuck_invoices",
        "schedule": crontab(minute="*/10"),
    },
    "invoice-reminders": {
        "task": "billing.tasks.invoice_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    "regional-deadline-reminders": {
        "task": "regional.tasks.remind_registration_deadlines",
        "schedule": crontab(hour=8, minute=30),
    },
    "regional-day-before-reminders": {
        "task": "regional.tasks.remind_day_before",
        "schedule": crontab(hour=9, minute=0),
    },
    "regional-feedback-requests": {
        "task": "regional.tasks.request_feedback",
        "schedule": crontab(hour=10, minute=0),
    },
}

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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: e-mail is the username; guardians sign up themselves and must verify.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Kulturskole] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_ADAPTER = "kulturskole.accounts.adapters.AccountAdapter"
# Our labels and hints on allauth's forms (kulturskole/accounts/forms.py).
ACCOUNT_FORMS = {
    "login": "kulturskole.accounts.forms.LoginForm",
    "signup": "kulturskole.accounts.forms.SignupForm",
    "add_email": "kulturskole.accounts.forms.AddEmailForm",
    "reset_password": "kulturskole.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "kulturskole.accounts.forms.ResetPasswordKeyForm",
    "change_password": "kulturskole.accounts.forms.ChangePasswordForm",
    "set_password": "kulturskole.accounts.forms.SetPasswordForm",
    "reauthenticate": "kulturskole.accounts.forms.ReauthenticateForm",
}
# Security notices by e-mail: password changed or reset, e-mail changed, two factors on/off.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Failed logins are limited per IP and per account; the cache (Redis in production) counts.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Kulturskole"
# Accept the code of the previous and next 30-second window too: phones' clocks drift and a
# code typed just before its window ends would otherwise fail.
MFA_TOTP_TOLERANCE = 1
MFA_ADAPTER = "kulturskole.accounts.adapters.MFAAdapter"
MFA_FORMS = {
    "authenticate": "kulturskole.accounts.forms.AuthenticateForm",
    "reauthenticate": "kulturskole.accounts.forms.MFAReauthenticateForm",
    "activate_totp": "kulturskole.accounts.forms.ActivateTOTPForm",
}
# Staff roles (office, principal, project leader) and superusers must have TOTP switched on.
MFA_REQUIRED_FOR_STAFF = envbool("MFA_REQUIRED_FOR_STAFF", True)

SOCIALACCOUNT_ADAPTER = "kulturskole.accounts.adapters.SocialAccountAdapter"
# ID-porten gives neither e-mail nor name, so the first sign-in asks for them.
SOCIALACCOUNT_FORMS = {"signup": "kulturskole.accounts.forms.SocialSignupForm"}
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_LOGIN_ON_GET = False
# ID-porten (the Norwegian public login) through allauth's OpenID Connect provider. It is on
# only when the municipality has registered a client and set these variables.
IDPORTEN_CLIENT_ID = os.environ.get("IDPORTEN_CLIENT_ID", "")
IDPORTEN_CLIENT_SECRET = envsecret("IDPORTEN_CLIENT_SECRET")
IDPORTEN_SERVER_URL = os.environ.get("IDPORTEN_SERVER_URL", "https://idporten.no")
IDPORTEN_ENABLED = bool(IDPORTEN_CLIENT_ID and IDPORTEN_CLIENT_SECRET)
# The sign-in button posts to us and we redirect to ID-porten's authorize endpoint, which lives
# on a sub-domain (login.idporten.no, login.test.idporten.no). Browsers apply the CSP
# form-action to that redirect too, so both the server and its sub-domains are allowed.
_idporten = urlsplit(IDPORTEN_SERVER_URL)
IDPORTEN_FORM_ACTION = [IDPORTEN_SERVER_URL, f"{_idporten.scheme}://*.{_idporten.netloc}"]
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": (
            [
                {
                    "provider_id": "idporten",
                    "name": "ID-porten",
                    "client_id": IDPORTEN_CLIENT_ID,
                    "secret": IDPORTEN_CLIENT_SECRET,
                    "settings": {
                        "server_url": IDPORTEN_SERVER_URL,
                        "token_auth_method": "client_secret_post",
                        "auth_params": {"acr_values": "idporten-loa-substantial"},
                        "scope": ["openid", "profile"],
                    },
                }
            ]
            if IDPORTEN_ENABLED
            else []
        ),
    }
}

# Internationalisation: source strings in English, Bokmål by default, Nynorsk and English too.
LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

if DEBUG:
    # The embedded default serves static files from the app folders; there is no STATIC_ROOT
    # until `collectstatic` runs for production, which WhiteNoise would warn about.
    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Signed contracts and other personal documents: never served as plain files, only through
# views that check who is asking.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: SMTP when EMAIL_HOST is set, otherwise printed to the console (or written to files
# under EMAIL_FILE_PATH when that is set).
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kulturskole <noreply@kulturskole.local>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 30
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif EMAIL_FILE_PATH:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Security. The production values make `manage.py check --deploy` clean.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Only allows submitting the domain to the browsers' HSTS preload list; `check --deploy` wants it.
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF, *IDPORTEN_FORM_ACTION],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint and fontTools report every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Unverified sign-ups are deleted after this many days by the daily housekeeping task, so the
# installation keeps no personal data for accounts nobody finished creating.
UNVERIFIED_ACCOUNT_RETENTION_DAYS = envint("UNVERIFIED_ACCOUNT_RETENTION_DAYS", 14)
