"""GET /health/: is this instance able to serve? For the load balancer and the person on call.

Checks the database, Redis (when configured) and that at least one Celery worker answers.
Answers 200 when all pass and 503 otherwise, naming each check but no internal detail.
The workers' answer is remembered for a few seconds: asking them takes up to a second when
none replies, and a storm of probes must not each wait that second.
"""

import logging
import threading
import time

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 1.0
WORKER_CHECK_SECONDS = 10.0

_worker_check_lock = threading.Lock()
_worker_check: tuple[float, int] | None = None  # (time.monotonic() when asked, how many answered)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception as error:
        logger.error("Health: database unreachable: %s", error)
        return False


def redis_ok() -> bool:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=TIMEOUT_SECONDS,
            socket_timeout=TIMEOUT_SECONDS,
        )
        return bool(client.ping())
    except Exception as error:
        logger.error("Health: Redis unreachable: %s", error)
        return False


def workers_answering() -> int:
    """How many workers answered a ping, asked at most once per WORKER_CHECK_SECONDS.

    Probes arriving while a ping is under way wait for it and share its answer.
    """
    global _worker_check
    with _worker_check_lock:
        now = time.monotonic()
        if _worker_check is not None and now - _worker_check[0] < WORKER_CHECK_SECONDS:
            return _worker_check[1]
        answering = _ping_workers()
        _worker_check = (time.monotonic(), answering)
        return answering


def worker_check_forget() -> None:
    """Ask the workers again at the next probe (tests starting or stopping a worker)."""
    global _worker_check
    with _worker_check_lock:
        _worker_check = None


def _ping_workers() -> int:
    try:
        replies = celery_app.control.ping(timeout=TIMEOUT_SECONDS, limit=1)
    except Exception as error:
        logger.error("Health: could not ask the workers: %s", error)
        return 0
    return len(replies or [])


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {"database": "ok" if database_ok() else "unreachable"}
    if celery_app.conf.task_always_eager:
        checks["redis"] = "not used"
        checks["worker"] = "in-process"
    elif redis_ok():
        checks["redis"] = "ok"
        checks["worker"] = "ok" if workers_answering() else "none answering"
    else:
        checks["redis"] = "unreachable"
        checks["worker"] = "unknown"
    healthy = all(value in {"ok", "not used", "in-process"} for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": checks},
        status=200 if healthy else 503,
    )
