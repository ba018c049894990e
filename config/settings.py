"""Settings, read from the environment.

Without any environment the project runs embedded: SQLite under var/, Celery tasks run
in-process, e-mail printed to the console. A malformed value stops start-up with a message
that names the variable.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.ratelimit import parse_limit

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    normalized = value.strip().lower()
    if normalized in {"1", "true", "yes", "on"}:
        return True
    if normalized in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def env_rate_limit(name: str, default: str) -> str:
    """A per-client limit such as 30/h, checked now so a typo stops start-up, not a request."""
    value = os.environ.get(name) or default
    try:
        parse_limit(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must read like 30/h or 100/10m (a count, a slash, a period in s, m, h "
            f"or d), not {value!r}."
        ) from None
    return value


def embedded_secret_key() -> str:
    """A random key kept under var/, so the embedded mode needs no configuration."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


# DJANGO_ENV=production: a hosted site behind an HTTPS proxy, with PostgreSQL and Redis.
# Everything it needs must then come from the environment (see .env.example).
PRODUCTION = os.environ.get("DJANGO_ENV", "development").strip().lower() == "production"
if PRODUCTION:
    missing = [
        name
        for name in (
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "REDIS_URL",
            "SITE_URL",
            "EMAIL_HOST",
        )
        if not os.environ.get(name)
    ]
    if missing:
        raise ImproperlyConfigured(
            f"DJANGO_ENV=production needs {', '.join(missing)} in the environment."
        )

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or embedded_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "bootstrap",
    "django_countries",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "core",
    "diagnostic",
    "recommendations",
    "cohorts",
    "field",
]

MIDDLEWARE = [
    "config.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.privacy.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages go out gzip-compressed (static files come compressed from WhiteNoise). Django pads
    # each compressed page with random bytes (Heal the BREACH) and masks the CSRF token anew
    # for every response, and no page reflects a query parameter next to a resume token.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# Staff forms render through django-crispy-forms with Bootstrap 5 (templates/bootstrap5/ holds
# our one change to its templates).
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# A server database keeps each process's connection open between requests and tasks
# (checked before reuse): opening one costs more than most of our pages take to render.
_DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(
            _DATABASE_URL,
            conn_max_age=env_int(
                "DATABASE_CONN_MAX_AGE", 0 if _DATABASE_URL.startswith("sqlite") else 600
            ),
            conn_health_checks=True,
        )
    }
except ValueError as error:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database URL we understand: {error}"
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the in-process tasks and the web thread share the file;
    # IMMEDIATE transactions take the write lock up front, so two saves queue, not fail.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: our queries are short, and for the few long ones (exports, reports)
    # compiling took longer (0.7 s for a 150,000-row export) than it saved.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Spanish first. LANGUAGES=es,en,pt adds a language without code changes,
# given its catalogue under locale/ and its texts in the instrument file.
LANGUAGE_NAMES = {"es": "Español", "en": "English", "pt": "Português", "fr": "Français"}
LANGUAGES = [(code, LANGUAGE_NAMES.get(code, code)) for code in env_list("LANGUAGES", "es,en")]
LANGUAGE_CODE = LANGUAGES[0][0]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Mexico_City")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Generated and uploaded files (roadmap PDFs, cohort reports, imports, e-mail attachments)
# go through the storage API and are served only through views that check who asks. The
# embedded default is a folder; FILE_STORAGE=s3 puts them in an S3-compatible bucket, so
# several web and worker machines need no shared disk.
FILE_STORAGE = os.environ.get("FILE_STORAGE", "local")
if FILE_STORAGE == "local":
    FILES: dict[str, Any] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif FILE_STORAGE == "s3":
    if not os.environ.get("S3_BUCKET"):
        raise ImproperlyConfigured("FILE_STORAGE=s3 needs S3_BUCKET")
    FILES = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "location": os.environ.get("S3_PREFIX", ""),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            # Private objects; a file name never replaces another's.
            "default_acl": None,
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(f"FILE_STORAGE must be local or s3, not {FILE_STORAGE!r}")
STORAGES = {
    "default": FILES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"  # FILE_STORAGE=local: generated files, served only through views

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# HTTPS, terminated by a proxy that sets X-Forwarded-Proto (and strips it from clients).
HTTPS = env_bool("HTTPS", PRODUCTION)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # the load balancer's probe speaks plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
# How many proxies in front of us append the client's address to X-Forwarded-For: the
# address rate limits and login throttling count by.
CLIENT_IP_PROXIES = env_int("CLIENT_IP_PROXIES", 1 if HTTPS else 0)

# Content-Security-Policy: only our own scripts, styles, fonts and images (Bootstrap's
# form icons are data: SVGs); no inline script or style anywhere, no framing, no plugins.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
if HTTPS:
    SECURE_CSP["upgrade-insecure-requests"] = True

# Abuse: per-client limits ("count/period", period s, m, h or d, e.g. 100/10m). Generous for
# owners, since a mobile carrier puts many phones behind one address.
RATE_LIMITS = {
    "new_assessment": env_rate_limit("RATE_LIMIT_NEW_ASSESSMENT", "60/h"),
    "pdf": env_rate_limit("RATE_LIMIT_PDF", "30/h"),
    "import": env_rate_limit("RATE_LIMIT_IMPORT", "20/h"),
    # Assessments sent from one consultant's field app: weeks of visits sent at once, with
    # the retries of a bad connection, stay well under it.
    "field_upload": env_rate_limit("RATE_LIMIT_FIELD_UPLOAD", "300/h"),
    # Counted twice: per client address and per address the link is sent to (mail bombing).
    "password_reset": env_rate_limit("RATE_LIMIT_PASSWORD_RESET", "5/h"),
    # Resume links e-mailed to one address, whichever drafts ask (anyone can type any address).
    "resume_email_to": env_rate_limit("RATE_LIMIT_RESUME_EMAIL_TO", "5/d"),
}
# Login throttling (django-axes): five wrong passwords for one username from one address lock
# that pair out for a quarter of an hour; other people on the same address are not affected.
# Besides, LOGIN_ADDRESS_FAILURE_LIMIT wrong passwords from one address within the cool-off
# time, whatever the usernames, lock that address (password spraying: one common password
# tried on many accounts). It is generous on purpose: a mobile carrier puts many customers
# behind one address, and an office shares one too; 30 in a quarter of an hour is six people
# each locked out on their own at once, far more than honest typos, far fewer than spraying
# needs to try the usernames of a programme.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "config.login_throttle.AddressAwareHandler"
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.ratelimit.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LOGIN_URL = "cohorts:login"
LOGIN_REDIRECT_URL = "cohorts:desk"
LOGOUT_REDIRECT_URL = "diagnostic:landing"
# An invitation to join an organisation can be accepted for this many days.
INVITATION_DAYS = env_int("INVITATION_DAYS", 14)

# Background work: with REDIS_URL, Celery uses Redis as broker and Django as cache;
# without it, tasks run in-process right after the transaction commits.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
# With Redis down, a request that queues work learns it within about a second (and tells
# the visitor to try again) instead of hanging on reconnection attempts.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through LOGGING below
CELERY_WORKER_SEND_TASK_EVENTS = False
# Celery beat: the periodic clean-ups (see each task's docstring).
CELERY_BEAT_SCHEDULE = {
    f"{app}-housekeeping": {"task": f"{app}.tasks.housekeeping", "schedule": 10 * 60}
    for app in ("diagnostic", "recommendations", "cohorts")
} | {"benchmarks": {"task": "diagnostic.tasks.refresh_benchmarks", "schedule": 60 * 60}}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# E-mail: printed to the console unless EMAIL_HOST names an SMTP server.
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": env_int("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Ruta Digital <no-reply@localhost>")

# The address people reach the site at: links in PDFs and e-mails made in the background.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The instrument new assessments use: a file under diagnostic/instruments/.
DIAGNOSTIC_INSTRUMENT = os.environ.get("DIAGNOSTIC_INSTRUMENT", "mydigitalsme-v3")
# Who may change an assessment run by a programme's consultant (see diagnostic/access.py).
ASSISTED_EDIT_POLICY = "cohorts.selectors.assessment_editable_by"
# Where a programme's people read an owner's own diagnostic instead of through its link.
OWNER_ASSESSMENT_STAFF_PAGE = "cohorts.selectors.owner_assessment_staff_page"
# What else happens once an assessment is submitted: dotted paths of functions taking
# `assessment_id`, called after the commit (here: keep its roadmap's summary for reports).
AFTER_SUBMIT = ["recommendations.services.roadmap_summary_queue"]
# Called with `assessment_id` inside the submit's transaction: here, the cohorts keep each
# firm's first and latest result up to date.
ON_SUBMIT = ["cohorts.services.assessment_results_refresh"]
# Called with `assessment` inside the transaction that deletes an owner's own assessment,
# before it goes: here, the programme's copy of a diagnostic the owner shared goes too.
BEFORE_ASSESSMENT_DELETE = ["cohorts.services.enrolment_withdraw"]
# A draft nobody touched for this many days can no longer be resumed.
DRAFT_RESUME_DAYS = env_int("DRAFT_RESUME_DAYS", 180)
# Generated files (roadmap PDFs, e-mail attachments, failed import uploads) are deleted after
# this many days; a roadmap PDF is made again when asked for.
GENERATED_FILES_DAYS = env_int("GENERATED_FILES_DAYS", 30)
# A cohort's CSV of more assessments than this is made in the background, like the Excel file,
# rather than streamed: at about 20,000 rows a second no download request runs over 5 s.
CSV_STREAM_ROWS = env_int("CSV_STREAM_ROWS", 40_000)

# Logs: JSON lines with the request id (LOG_FORMAT=plain for a terminal).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.observability.RequestIdFilter"},
        "redact_secrets": {"()": "config.observability.RedactSecretsFilter"},
    },
    "formatters": {
        "json": {"()": "config.observability.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every rendering step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
