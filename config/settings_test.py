"""Test overrides, all in one place."""

from .settings import *  # noqa: F403

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
