"""Per-client rate limits, counted in the cache (Redis when configured) in fixed windows.

A client is its IP address as the proxy in front of us saw it (`CLIENT_IP_PROXIES` trusted
proxies append to X-Forwarded-For), or the signed-in user. Limits read like "30/h" and come
from settings.RATE_LIMITS. When the cache itself is down, requests pass: a broken counter
must not lock every owner out.
"""

import hashlib
import logging
import re
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_LIMIT = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


def parse_limit(text: str) -> tuple[int, int]:
    """'30/h' → (30, 3600); '100/10m' → (100, 600). ValueError for anything else."""
    match = _LIMIT.match(text)
    if not match:
        raise ValueError(f"A rate limit reads like 30/h or 100/10m, not {text!r}.")
    count, multiple, unit = match.groups()
    period = int(multiple or 1) * PERIODS[unit]
    if period == 0:
        raise ValueError(f"A rate limit's period is at least one second, not {text!r}.")
    return int(count), period


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address: REMOTE_ADDR, or the one our trusted proxies recorded for us."""
    proxies = settings.CLIENT_IP_PROXIES
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def address_key(email: str) -> str:
    """An e-mail address as a rate-limit key: the same in any case, and unreadable in Redis."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def rate_limit_exceeded(scope: str, client: str) -> int:
    """Count one request of `client` in `scope`: 0 when allowed, else seconds to wait."""
    allowed, period = parse_limit(settings.RATE_LIMITS[scope])
    window = int(time.time() // period)
    key = f"ratelimit:{scope}:{client}:{window}"
    try:
        cache.add(key, 0, timeout=period + 1)
        count = cache.incr(key)
    except Exception as error:  # the cache is down: let the request through
        logger.warning("Rate limit for %s not counted: %s", scope, error)
        return 0
    if count <= allowed:
        return 0
    return max(1, (window + 1) * period - int(time.time()))


def too_many_requests(request: HttpRequest, wait: int) -> HttpResponse:
    """The 429 page in the visitor's language, saying how long to wait."""
    response = render(request, "429.html", {"minutes": (wait + 59) // 60}, status=429)
    response["Retry-After"] = str(wait)
    return response


def rate_limited(scope: str, *, methods: tuple[str, ...] = ("POST",)) -> Callable[..., Any]:
    """A view decorator: over the limit, the visitor gets the 429 page in their language."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                user = getattr(request, "user", None)
                if user and user.is_authenticated:
                    client = f"user:{user.pk}"
                else:
                    client = client_ip(request) or "unknown"
                wait = rate_limit_exceeded(scope, client)
                if wait:
                    return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
