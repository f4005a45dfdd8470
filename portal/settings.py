"""Settings for the GPAI evaluation portal.

Everything is read from the environment with strict parsing. Defaults are safe for
production (DEBUG off, secure cookies); `make run` and `make test` opt into development
mode explicitly with DJANGO_DEBUG=true. With no database or broker configured the portal
runs on a SQLite file and a filesystem Celery broker under var/, so a fresh clone needs no
server. Every variable is listed in README.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from portal.languages import LANGUAGE_NAMES, complete_languages

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))

_TRUE, _FALSE = {"true"}, {"false"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be 'true' or 'false', not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "dev-only-insecure-secret-key-never-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is not 'true'. "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is not 'true' "
            "(comma-separated host names, e.g. portal.example.eu)."
        )

# Encrypts TOTP secrets and recovery-code seeds at rest (allauth stores them in clear text
# otherwise). A Fernet key: python -c 'from cryptography.fernet import Fernet;
# print(Fernet.generate_key().decode())'. In development it is derived from SECRET_KEY.
MFA_ENCRYPTION_KEY = env_str("MFA_ENCRYPTION_KEY")
if not MFA_ENCRYPTION_KEY and not DEBUG:
    raise ImproperlyConfigured("MFA_ENCRYPTION_KEY is required when DJANGO_DEBUG is not 'true'.")

SITE_URL = env_str("PORTAL_SITE_URL", "http://127.0.0.1:8000")
# The name allauth's emails greet with ("Hello from ...!"), beside SITE_URL's host.
PORTAL_NAME = "GPAI evaluation portal"
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Not AutodiscoverRulesConfig: each app registers its permissions in its AppConfig.
    "rules",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "csp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "portal",
    "criteria",
    "submissions",
    "reviews",
    "assignment",
    "reports",
    "imports",
    "debate",
    "discussion",
    "expertise",
    "api",
    "privacy",
]

MIDDLEWARE = [
    "portal.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.PrivateCacheControlMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.StaffMFARequiredMiddleware",
    "portal.middleware.NulInPathMiddleware",
    "api.problems.ApiProblemMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# The hottest queries run as prepared statements on PostgreSQL (portal/precompiled.py); off
# behind a pooler that does not keep them (PgBouncer in transaction mode).
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # One test database per test process, so that two test runs on one server never
    # drop each other's database.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so that a Celery worker process started by the tests sees
    # the same test database as the test process.
    # One file per test process, so that two test runs on one machine do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-portal-{os.getpid()}.sqlite3")}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The embedded default serves a web process and a Celery worker at once:
    # - WAL, so that readers never wait for the writer nor the writer for readers;
    # - IMMEDIATE transactions, so that a transaction takes the write lock when it begins:
    #   a deferred one that reads and then writes (the audit chain reads the last hash,
    #   then inserts) fails at once with "database is locked" when another process wrote
    #   meanwhile, as SQLite cannot wait its way out of that;
    # - a busy timeout, so that a writer waits for the other one instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"


# Cache: rate limits live here, so in production it must be shared between gunicorn
# workers (Redis). Development uses a file cache under var/ for the same reason. While
# Redis cannot be reached, each process falls back to a memory cache of its own
# (portal/cache.py) rather than failing every request that counts a rate limit.
def caches_for(url: str) -> dict:
    """CACHES for a CACHE_URL; a function so that the Redis outage test builds the same."""
    if url.startswith(("redis://", "rediss://")):
        return {"default": {"BACKEND": "portal.cache.FallbackRedisCache", "LOCATION": url}}
    if url in ("", "file"):
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(VAR_DIR / "cache"),
            }
        }
    if url == "locmem":
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    raise ImproperlyConfigured("CACHE_URL must be a redis:// URL, 'file' or 'locmem'.")


CACHE_URL = env_str("CACHE_URL")
CACHES = caches_for(CACHE_URL)

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
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

# --- allauth -------------------------------------------------------------------------
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
MFA_ADAPTER = "portal.adapters.MFAAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# A newcomer who confirms in the browser they signed up in is signed in at once. allauth
# (65.x) does this only while the signup's pending login is in that session: a link opened
# in another browser still confirms the address, then asks to sign in.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
ACCOUNT_RATE_LIMITS_ENABLED = env_bool("ACCOUNT_RATE_LIMITS_ENABLED", True)
if not ACCOUNT_RATE_LIMITS_ENABLED:
    ACCOUNT_RATE_LIMITS = False
# The rate limits above count per client address. Behind a reverse proxy every request
# comes from the proxy's address, so one client's failures would lock everyone out; the
# address is then taken from X-Forwarded-For, counting this many proxies (ours) from the
# right. 0 (direct) ignores the header, which a client could otherwise forge to escape
# the limit. A header that the proxy sets to the client's address alone (X-Real-IP)
# takes precedence when named.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("PORTAL_TRUSTED_PROXY_COUNT", 0)
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("PORTAL_TRUSTED_PROXY_COUNT must be 0 or more.")
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("PORTAL_TRUSTED_CLIENT_IP_HEADER") or None
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGIN_URL = "account_login"

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "GPAI evaluation portal"

SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS: dict = {}
# EU Login (the Commission's authentication service) speaks OpenID Connect; the provider is
# configured only by environment, and the button appears only when it is.
EULOGIN_CLIENT_ID = env_str("EULOGIN_CLIENT_ID")
if EULOGIN_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": "eulogin",
                "name": "EU Login",
                "client_id": EULOGIN_CLIENT_ID,
                "secret": env_str("EULOGIN_CLIENT_SECRET"),
                "settings": {
                    "server_url": env_str(
                        "EULOGIN_SERVER_URL", "https://ecas.ec.europa.eu/cas/oauth2"
                    ),
                },
            }
        ]
    }

# Django's renderer, with the widget templates that repeat per option done in Python.
FORM_RENDERER = "portal.form_renderer.PortalFormRenderer"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- internationalisation --------------------------------------------------------------
LANGUAGE_CODE = "en"
LOCALE_PATHS = [BASE_DIR / "portal" / "locale"]
# English and every language whose catalogue is complete and compiled (portal/languages.py):
# a language loaded with `manage.py translations_import` is offered once all its messages
# are translated, never before. The language switcher and Accept-Language negotiation both
# use this list; tests/test_translations.py checks every language in it.
LANGUAGES = [
    (code, LANGUAGE_NAMES[code]) for code in [LANGUAGE_CODE, *complete_languages(LOCALE_PATHS[0])]
]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
# English dates as the EU institutions write them ("26 November 2026"); Danish keeps
# Django's own ("26. november 2026").
FORMAT_MODULE_PATH = ["portal.formats"]
USE_TZ = True

# --- static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
# In development WhiteNoise serves straight from the source folders (no collectstatic).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# No MEDIA_URL: uploaded files are never served directly, only through views that check
# permission for the exact file.
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
# Uploaded files in an S3-compatible object store instead of MEDIA_ROOT when a bucket is
# named. Objects are private; a URL to one is signed and expires (querystring_auth), and
# is only ever handed out by a view that has checked permission. No overwrite: a name
# clash gets a new name rather than replacing another submission's file.
S3_BUCKET = env_str("S3_BUCKET")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }

# --- uploads -------------------------------------------------------------------------------
SUBMISSION_MAX_UPLOAD_MB = env_int("SUBMISSION_MAX_UPLOAD_MB", 50)
if SUBMISSION_MAX_UPLOAD_MB < 1:
    raise ImproperlyConfigured("SUBMISSION_MAX_UPLOAD_MB must be at least 1.")
SUBMISSION_MAX_UPLOAD_BYTES = SUBMISSION_MAX_UPLOAD_MB * 1024 * 1024
# The size limit first, while the body streams; then straight to disk in 64 KB chunks.
# No MemoryFileUploadHandler: every file goes to disk, so a worker's memory stays flat
# whatever is uploaded, and the file checks can hand the path to a child process.
FILE_UPLOAD_HANDLERS = [
    "submissions.uploads.MaxSizeUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# A folder of our own rather than /tmp, which is often a RAM-backed tmpfs (a 50 MB upload
# there is 50 MB of memory) and is shared with everything else on the host. Files in it
# live only for the length of a request; anything left after a crash is safe to delete.
FILE_UPLOAD_TEMP_DIR = str(VAR_DIR / "uploads")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
# Uploaded evaluations are confidential: not readable by other users on the host.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# A publication list uploaded for import (expertise): BibTeX, ORCID, DBLP, OpenReview.
PUBLICATION_IMPORT_MAX_MB = 5
# Non-file form fields (kept in memory by Django): generous for long text fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Limits for the child process that opens uploaded PDFs and JSON (submissions.pdfcheck).
PDF_CHECK_TIMEOUT_SECONDS = env_int("PDF_CHECK_TIMEOUT_SECONDS", 20)
PDF_CHECK_MEMORY_MB = env_int("PDF_CHECK_MEMORY_MB", 1024)

# --- email -------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "GPAI evaluation portal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than the longest job, so that Redis does not re-deliver a task that is
        # still running (it re-delivers unacknowledged tasks after this many seconds).
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 4 * 3600),
        # A broker that stops answering without closing the connection (hung, or gone
        # behind a firewall) would otherwise hold a publish, and the web request sending
        # mail after its commit, forever; the mail then waits in the outbox. Above
        # kombu's BRPOP timeout (1 s), so that a worker waiting for tasks is not disturbed.
        "socket_connect_timeout": 2,
        "socket_timeout": 3,
    }
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection before and after every task unless
# this is set, so each task paid a new PostgreSQL connection (10-25 ms; a bulk run of
# feedback reports is a thousand short tasks). portal.celery instead applies
# CONN_MAX_AGE and the health check around each task, as Django does around a request;
# the fixup still closes a connection after this many tasks.
CELERY_DB_REUSE_MAX = 500
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD_KB", 800_000)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# What a task prints (the console email backend's mails) is information, not a warning.
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    "flush-outbox": {"task": "portal.tasks.task_flush_outbox", "schedule": 300.0},
    "send-due-reminders": {
        "task": "reviews.tasks.task_send_due_reminders",
        "schedule": 3600.0,
        # A missed run is dropped rather than queued twice: the next scan catches up.
        "options": {"expires": 3000},
    },
    "purge-old-reports": {
        "task": "reports.tasks.task_purge_old_reports",
        "schedule": 24 * 3600.0,
        "options": {"expires": 12 * 3600},
    },
    # At most one per hour per submission and reviewer: the service checks, so running
    # every five minutes only makes the digest timely.
    "send-discussion-digests": {
        "task": "discussion.tasks.task_send_discussion_digests",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
    # Retention of personal data (privacy.services.retention): idempotent, so a missed or
    # repeated run only finds more or less to do.
    "apply-retention": {
        "task": "privacy.tasks.task_apply_retention",
        "schedule": 24 * 3600.0,
        "options": {"expires": 12 * 3600},
    },
}

# --- security ------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie (static/portal/*.js take the token from the form) nor the
# language switcher's (the server renders the page in the chosen language): both are
# HttpOnly, and, as the session cookie, only ever sent over HTTPS in production.
CSRF_COOKIE_HTTPONLY = True
# A refused form gets the portal's page (what happened, go back and reload), not Django's.
CSRF_FAILURE_VIEW = "portal.views.errors.csrf_failure"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The reverse proxy terminates TLS and says so in this header (see docker-compose.yml).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
# Third-party chatter (WeasyPrint's CSS notes, font-cache messages) only when debugging.
_QUIET_LEVEL = "DEBUG" if LOG_LEVEL == "DEBUG" else "ERROR"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line carries the id of the request (or of the request that queued the task) it
    # belongs to: the same id as the audit events it caused and the X-Request-ID header.
    "filters": {
        "request_id": {"()": "portal.audit.logging.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "no_traceback_below_500": {"()": "portal.logfilters.NoTracebackBelow500"},
        "drop_client_errors": {"()": "portal.logfilters.DropClientErrors"},
    },
    "formatters": {
        "portal": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "portal",
        },
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "filters": ["drop_client_errors"],
            "formatter": "django.server",
        },
    },
    "loggers": {
        # Django's default adds a console handler of its own to "django": with the root's,
        # every warning (each 403 and 404) was printed twice.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.request": {"filters": ["no_traceback_below_500"]},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "weasyprint": {"level": _QUIET_LEVEL},
        "fontTools": {"level": _QUIET_LEVEL},
        "matplotlib": {"level": _QUIET_LEVEL},
        # "No hostname was supplied": meaningless for the filesystem broker (see below).
        **(
            {"kombu.connection": {"level": "ERROR"}} if CELERY_BROKER_URL == "filesystem://" else {}
        ),
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# --- portal -----------------------------------------------------------------------------
# The audit log (portal.models.AuditEvent): text longer than this many characters is kept
# as its hash and length only; events older than AUDIT_RETENTION_YEARS are purged by the
# daily retention task (the hash chain stays verifiable).
AUDIT_TEXT_LIMIT = env_int("AUDIT_TEXT_LIMIT", 200)
AUDIT_RETENTION_YEARS = env_int("AUDIT_RETENTION_YEARS", 10)
if AUDIT_RETENTION_YEARS < 1:
    raise ImproperlyConfigured("AUDIT_RETENTION_YEARS must be at least 1.")
INVITATION_MAX_AGE_DAYS = env_int("INVITATION_MAX_AGE_DAYS", 14)
STAFF_GROUP_NAME = "AI Office staff"
ACCOUNT_SIGNUP_OPEN = env_bool("ACCOUNT_SIGNUP_OPEN", True)
ACCOUNT_SIGNUP_FORM_CLASS = "portal.forms.SignupForm"
# Public reports suppress any figure computed from fewer evaluations (or reviewers) than
# this, so that nobody can be singled out.
REPORT_MIN_GROUP_SIZE = env_int("REPORT_MIN_GROUP_SIZE", 3)
if REPORT_MIN_GROUP_SIZE < 1:
    raise ImproperlyConfigured("REPORT_MIN_GROUP_SIZE must be at least 1.")
# Finished and failed reports older than this are deleted, files included, by a daily task;
# the newest of each report and each organisation's released feedback report stay.
REPORT_RETENTION_DAYS = env_int("REPORT_RETENTION_DAYS", 365)
if REPORT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("REPORT_RETENTION_DAYS must be at least 1.")

# --- personal data: retention (privacy/) --------------------------------------------------
# Applied daily by privacy.tasks.task_apply_retention (or `manage.py apply_retention`):
# accounts whose address was never verified, and that hold nothing, are deleted this many
# days after sign-up;
RETENTION_UNVERIFIED_ACCOUNT_DAYS = env_int("RETENTION_UNVERIFIED_ACCOUNT_DAYS", 30)
# drafts never submitted are deleted, files included, this many days after their deadline;
RETENTION_DRAFT_DAYS = env_int("RETENTION_DRAFT_DAYS", 365)
# accounts are pseudonymised this many years after the last workshop their person took part
# in (or their last sign-in, if later), after a warning email this many days before.
# AI Office staff and superusers never are.
RETENTION_INACTIVE_ACCOUNT_YEARS = env_int("RETENTION_INACTIVE_ACCOUNT_YEARS", 3)
RETENTION_INACTIVE_WARNING_DAYS = env_int("RETENTION_INACTIVE_WARNING_DAYS", 30)
# A person's data export (the profile's "Download my data") can be downloaded for this many
# days after it is built; then the daily retention run deletes it.
DATA_EXPORT_RETENTION_DAYS = env_int("DATA_EXPORT_RETENTION_DAYS", 7)
# The outbox (portal.models.OutgoingEmail) keeps each email, with its recipients, this many
# days after it was sent, or after it was written when sending failed for good.
OUTGOING_EMAIL_RETENTION_DAYS = env_int("OUTGOING_EMAIL_RETENTION_DAYS", 90)
for _name in (
    "RETENTION_UNVERIFIED_ACCOUNT_DAYS",
    "RETENTION_DRAFT_DAYS",
    "RETENTION_INACTIVE_ACCOUNT_YEARS",
    "RETENTION_INACTIVE_WARNING_DAYS",
    "DATA_EXPORT_RETENTION_DAYS",
    "OUTGOING_EMAIL_RETENTION_DAYS",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1.")
# Who answers for the processing, shown in the privacy notice and the record of processing
# (Regulation (EU) 2018/1725, Art. 31). While the controller or the DPO contact is empty
# both pages say so, and `manage.py check --deploy` warns (privacy.W001, privacy.W002).
PRIVACY_CONTROLLER = {
    "name": env_str("PRIVACY_CONTROLLER_NAME"),
    # One line in the environment: "\n" starts a new line of the address.
    "address": env_str("PRIVACY_CONTROLLER_ADDRESS").replace("\\n", "\n"),
}
PRIVACY_DPO_CONTACT = env_str("PRIVACY_DPO_CONTACT")
# The functional mailbox where people exercise their rights (privacy.W003 while empty).
PRIVACY_CONTACT_EMAIL = env_str("PRIVACY_CONTACT_EMAIL")

# --- imports (imports/) ------------------------------------------------------------------
# An export (JSON, CSV, XLSX) staff upload to import; the ZIP of files beside it is bounded
# by what it may unpack to, entry count and total size (a zip bomb is refused unread).
IMPORT_DATA_MAX_MB = env_int("IMPORT_DATA_MAX_MB", 20)
IMPORT_ARCHIVE_MAX_MB = env_int("IMPORT_ARCHIVE_MAX_MB", 2048)
IMPORT_ARCHIVE_MAX_UNPACKED_MB = env_int("IMPORT_ARCHIVE_MAX_UNPACKED_MB", 8192)
IMPORT_ARCHIVE_MAX_ENTRIES = env_int("IMPORT_ARCHIVE_MAX_ENTRIES", 20_000)
# Larger exports (or any with a ZIP of files: each file is checked in a child process) are
# previewed and applied by a Celery job with a progress bar instead of in the request.
IMPORT_SYNC_MAX_BYTES = env_int("IMPORT_SYNC_MAX_BYTES", 512 * 1024)
IMPORT_JOB_MAX_ATTEMPTS = 3
# A preview or apply that shows no sign of life for this long has lost its job: staff are
# offered to start it again. Jobs beat with every percent of progress, far more often.
IMPORT_JOB_STALLED_MINUTES = env_int("IMPORT_JOB_STALLED_MINUTES", 10)

# --- API (api/) ----------------------------------------------------------------------------
# Requests per token per period (per person for the browser, per address without a token).
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.BearerTokenAuthentication",
        "api.auth.BrowserSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.PortalAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # ISO 8601 with the time zone offset, in UTC.
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "GPAI evaluation portal API",
    "DESCRIPTION": (
        "Version 1 of the portal's API. Authenticate with a personal token "
        "(`Authorization: Bearer <token>`, made on the profile page) or, from the browser, "
        "the session with its CSRF token. Errors are `application/problem+json`."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problem_responses",
    ],
    # Choice sets named once where several fields share them or one name means several
    # (several models have a `state`).
    "ENUM_NAME_OVERRIDES": {
        "AssignmentStateEnum": "reviews.models.Assignment.State",
        # Assignment runs and report jobs share their states (queued, running, done, failed).
        "JobStateEnum": "assignment.models.AssignmentRun.State",
        "ReviewerApplicationStateEnum": "reviews.models.ReviewerApplication.State",
        "YesNoEnum": "reviews.models.CriterionScore.YesNo",
        "ImportSourceEnum": "imports.models.ImportRun.Source",
        "ImportStateEnum": "imports.models.ImportRun.State",
        "ReviewStateEnum": "reviews.models.Review.State",
        "SubmissionStateEnum": "submissions.models.Submission.State",
        "ReportKindEnum": "reports.models.ReportJob.Kind",
        "SubmissionFileKindEnum": "submissions.models.SubmissionFile.Kind",
        "DocumentLanguageEnum": "portal.languages.EU_LANGUAGES",
    },
}
