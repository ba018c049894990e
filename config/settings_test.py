"""Test overrides, all in one place."""

from urllib.parse import urlsplit

from .settings import *  # noqa: F403
from .settings import REDIS_URL as _SHARED_REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Tests run tasks in-process unless they start a real worker (tests/diagnostic/test_tasks.py).
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": FILES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: the live server's and the Celery worker's threads then open and
    # close their own connections as in production.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
# The whole suite starts hundreds of diagnostics from 127.0.0.1; tests of the limits set theirs.
RATE_LIMITS = dict.fromkeys(RATE_LIMITS, "100000/h")  # noqa: F405
# pytest -n: each worker has its own database (pytest-django adds _gw0, _gw1… to its name)
# and its own Redis database, so a worker's Celery thread never takes a task that another
# worker's tests queued, and their rate-limit counters stay apart.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # noqa: F405
if _SHARED_REDIS_URL and _WORKER.startswith("gw"):
    REDIS_URL = urlsplit(_SHARED_REDIS_URL)._replace(path=f"/{int(_WORKER[2:]) + 1}").geturl()
    CELERY_BROKER_URL = REDIS_URL
    CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
