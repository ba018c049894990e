"""GET /health/: is this instance able to serve? For the load balancer and the person on call.

Checks the database, Redis (when configured) and that at least one Celery worker answers.
Answers 200 when all pass and 503 otherwise, naming each check but no internal detail.
"""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 1.0


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
