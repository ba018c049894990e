"""Shared test set-up: the real instrument loaded once, and small builders of test data."""

import copy
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import translation

from tests.factories import load_instrument

TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """With pytest -n, the quality gates (one crawl of the site between them) run on one
    worker, and the browser journeys (one browser between them) on one worker."""
    for item in items:
        for group in ("quality", "browser"):
            if item.path.is_relative_to(TESTS / group):
                item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture
def instrument(db):
    return load_instrument()


def built_once(build: Callable[[], Any]):
    """A module-scoped fixture holding what `build()` makes, for a module whose tests only
    read it: built once, in a transaction rolled back after the module's last test (what
    Django's setUpTestData does for a TestCase). Each test still runs in its own savepoint,
    so what it writes is undone after it; take a `copy.deepcopy` of the objects (see
    `fresh`) so that what it changes in memory is too. Not for a module with transactional
    tests (`transaction=True`, a live server, a Celery worker): they need no open
    transaction around them."""

    @pytest.fixture(scope="module")
    def once(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
            try:
                built = build()
            except BaseException as error:
                outer.__exit__(type(error), error, error.__traceback__)
                raise
        yield built
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)

    return once


def fresh(built: Any) -> Any:
    """A test's own copy of what a `built_once` fixture holds."""
    return copy.deepcopy(built)


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Each test starts in the site's default language, whatever a request left active."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _root_log_level():
    """A Celery worker started in a test sets the root logger's level (to ERROR) for the whole
    process; put it back, so later tests see the warnings the code logs."""
    root = logging.getLogger()
    level = root.level
    yield
    root.setLevel(level)


@pytest.fixture
def english():
    """For tests that assert messages in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker thread taking tasks from Redis, for the tests that need one."""
    if not django_settings.REDIS_URL:
        pytest.skip(
            "needs REDIS_URL: a real Celery worker runs this task through Redis (CI sets it)"
        )
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connections

    from config.celery import app

    def close_worker_connections(**kwargs):
        # The worker thread opens its own connections; close them before the thread ends.
        connections.close_all()

    app.conf.task_always_eager = False
    task_postrun.connect(close_worker_connections, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield app
    finally:
        app.conf.task_always_eager = True
        task_postrun.disconnect(close_worker_connections)


@pytest.fixture
def redis_down(settings):
    """Redis configured but refusing connections: the broker and the cache both fail."""
    from config.celery import app

    closed = "redis://127.0.0.1:1/0"
    saved = app.conf.broker_url, app.conf.task_always_eager
    settings.REDIS_URL = closed
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": closed,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    app.conf.broker_url, app.conf.task_always_eager = closed, False
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        app._pool = None
        app.amqp._producer_pool = None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logreport(report):
    """Captured output with text UTF-8 cannot carry (the lone surrogates some fault tests log
    on purpose) is escaped, so that a parallel worker (pytest -n) can send its report."""
    report.sections = [
        (title, content.encode("utf-8", "backslashreplace").decode("utf-8"))
        for title, content in report.sections
    ]
