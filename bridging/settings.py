"""Settings, read from the environment.

Development is the default: DEBUG on, an SQLite file under var/, mail printed to the console.
`DJANGO_ENV=production` switches to the hardened profile that `manage.py check --deploy` accepts;
it refuses to start without a real SECRET_KEY and ALLOWED_HOSTS. The README lists every variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("DJANGO_ENV", "development") == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("Set SECRET_KEY when DJANGO_ENV=production.")
    SECRET_KEY = "django-insecure-development-only-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS when DJANGO_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # the trigram indexes of the offer search (PostgreSQL only)
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "common",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "partnerships",
    "participants",
    "bridging",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bridging.middleware.DanishFirstLocaleMiddleware",
    "bridging.middleware.RejectNulBytesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "bridging.middleware.AbsoluteSessionLifetimeMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "bridging.middleware.NoStoreForSignedInMiddleware",
    # Axes must come last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bridging.urls"
WSGI_APPLICATION = "bridging.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partnerships.context_processors.memberships",
                "bridging.context_processors.inbox",
            ],
        },
    },
    {
        # The hot fragments only (common/fragments.py says which and why); rendered with
        # common.fragments.render, never looked up by name through Django's loaders.
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "common.fragments.environment"},
    },
]

# --- Database -------------------------------------------------------------------------------
# An empty DATABASE_URL counts as unset (dj_database_url.config would return {} for it).
# In production each worker keeps its connection for ten minutes: a new PostgreSQL connection
# plans its first statements with empty catalogue caches (at national scale a page's first
# request on it costs the database 4-17 ms more CPU than the next), so a shorter life makes
# more requests pay that; the health check finds a connection the server has dropped.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600" if PRODUCTION else "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's cost of reading a page out of order, relative to reading the next one. Its
    # default, 4, is for spinning disks; on SSD or with the data in memory 1.1 is the usual
    # value. With 4, once updates have moved a table's rows out of their first order (every
    # mark updates its enrolment's kept figures), a programme's 6,000 enrolments were read by
    # scanning all 240,000 (120 ms) instead of by the course index (7 ms).
    server_settings = [f"-c random_page_cost={os.environ.get('POSTGRES_RANDOM_PAGE_COST', '1.1')}"]
    # A safety net, not a fix: PostgreSQL's JIT compiles a query whose estimated cost is high
    # (a figure over thousands of rows), which can take seconds longer than running it. Pages
    # answer in milliseconds, so the app's connections run without it (POSTGRES_JIT=1: with).
    if not env_bool("POSTGRES_JIT", False):
        server_settings.append("-c jit=off")
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(server_settings)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock a username from one IP address after repeated failures, for a cool-off.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
# The client's address behind TRUSTED_PROXY_COUNT reverse proxies (0: none; 1: one proxy that
# appends the client's address to X-Forwarded-For). See common/client_ip.py and the README.
TRUSTED_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "common.client_ip.client_ip"

# --- Sessions, cookies and security headers -------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# However active, a signed-in session ends this long after sign-in (besides the idle timeout).
SESSION_ABSOLUTE_AGE = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")) * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # Idle timeout: the session lives 30 minutes past the last request.
    SESSION_COOKIE_AGE = 30 * 60
    SESSION_SAVE_EVERY_REQUEST = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("TRUST_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}

# --- Machine interfaces: the reporting API (DRF) and the open offer directory (HSDS) ----------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["partnerships.api_auth.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # HSDS has its own `format` parameter (json or ndjson); DRF must not read it.
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_THROTTLE_CLASSES": ["partnerships.api_auth.ApiTokenThrottle"],
    # The HSDS throttle counts per client address: the same trusted proxies as the login
    # lockout, so a client cannot pick its own address with X-Forwarded-For.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "api_token": os.environ.get("API_THROTTLE_RATE", "1000/hour"),
        "hsds": os.environ.get("HSDS_THROTTLE_RATE", "600/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Brobygning API",
    "DESCRIPTION": (
        "The reporting API for municipalities (programmes, courses, the funnel and the local "
        "partnerships of Model 2; aggregates only, never a participant's personal data), with "
        "a token an organisation's coordinator makes under 'API-nøgler'; and the open offer "
        "directory as Open Referral HSDS 3.0 under /hsds/, public."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PUBLIC": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    # The enums' hook (drf-spectacular's default), then the answers other than 200.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "bridging.api_schema.add_error_answers",
    ],
}
# The licence and publisher stated with the open offer directory (the API and `export_hsds`).
HSDS_PUBLISHER = os.environ.get("HSDS_PUBLISHER", "Brobygning")
HSDS_LICENCE_NAME = os.environ.get("HSDS_LICENCE_NAME", "Creative Commons Attribution 4.0")
HSDS_LICENCE_URL = os.environ.get(
    "HSDS_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)

# --- Language and formats: Danish first -----------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True
# No thousand separators: with them every {{ number }} in a template, object ids in form values
# and links included, would render as "1.234" once the tables grow past 999 rows.
USE_THOUSAND_SEPARATOR = False
# Named formats of our own (DAY_FORMAT...) and English dates day first: common/formats/.
FORMAT_MODULE_PATH = ["common.formats"]

# --- Static files ---------------------------------------------------------------------------
# Bootstrap and Bootstrap Icons come from npm (package-lock.json) into node_modules/ and are
# served from there;
# htmx comes with the django-htmx package.
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request while it is missing.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Django's renderer, with selects, inputs and text areas written in Python (common/renderers.py).
FORM_RENDERER = "common.renderers.FastWidgetRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "brobygning@localhost")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Logging: everything to the console, where gunicorn or systemd collects it --------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The questionnaire and calendar addresses carry their secret: never write it to a log.
    "filters": {"redact_secrets": {"()": "common.redact.RedactSecretsFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # "Not Found: /q/…/", "Gone: …": a filter on the logger rewrites the record itself, so
        # every handler it reaches sees the redacted line.
        "django.request": {"filters": ["redact_secrets"]},
        "django.server": {"filters": ["redact_secrets"]},
        "django.db.backends": {"level": "INFO"},
        # Failed logins and lockouts are WARNING; successes and housekeeping are INFO noise.
        "axes": {"level": "WARNING"},
    },
}

# --- Privacy --------------------------------------------------------------------------------
# How long after their programme ended a participant without follow-up consent is kept before
# `purge_expired_participants` anonymises them.
PARTICIPANT_RETENTION_MONTHS = int(os.environ.get("PARTICIPANT_RETENTION_MONTHS", "24"))

# --- Handovers ------------------------------------------------------------------------------
# The address used in notification emails, which carry a link and no personal data.
# Unset: in development the address `make run` serves on (its PORT), in production the first
# of ALLOWED_HOSTS over HTTPS.
SITE_URL = (
    os.environ.get("SITE_URL")
    or (
        f"https://{ALLOWED_HOSTS[0]}"
        if PRODUCTION
        else f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}"
    )
).rstrip("/")
# A handover sent with no answer gets a reminder after this many days, and is flagged to the
# coordinator after as many days again (`manage.py send_reminders`, run daily from cron).
HANDOVER_REMINDER_DAYS = int(os.environ.get("HANDOVER_REMINDER_DAYS", "14"))
