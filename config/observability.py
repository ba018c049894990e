"""Structured logs: one JSON object a line, each carrying the id of the request or task.

The request id comes from the proxy's X-Request-ID header when it looks like one (so a log
line can be matched with the proxy's), otherwise it is made here; it is sent back in the
response and travels with the Celery tasks the request queues.
"""

import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
request_id: ContextVar[str] = ContextVar("request_id", default="")


def request_id_from(value: str | None) -> str:
    """The caller's id when it is a plain token, else a new one: never log what a client wrote."""
    if value and _ACCEPTABLE_ID.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Kept after the response: Django logs a failed request only once it has left us.
        request_id.set(request_id_from(request.headers.get(REQUEST_ID_HEADER)))
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id.get()
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


# Secrets that travel in URLs: an assessment's link, an invitation, a password reset. Logs keep
# the route ("/es/a/<token>/result/"), also where a URL sits encoded in a query (?next=…).
_SLASH = "(?:/|%2F)"
_URL_SAFE = "[A-Za-z0-9_-]+"  # what token_urlsafe and base64 ids are made of
_SECRETS_IN_URLS = [
    (
        re.compile(rf"({_SLASH}(?:a|accounts{_SLASH}invitations){_SLASH}){_URL_SAFE}", re.I),
        r"\1<token>",
    ),
    (
        re.compile(
            rf"({_SLASH}accounts{_SLASH}password-reset{_SLASH})"
            rf"(?!(?:sent|finished){_SLASH}){_URL_SAFE}({_SLASH}){_URL_SAFE}",
            re.I,
        ),
        r"\1<uidb64>\2<token>",
    ),
]


def redact_secrets(text: str) -> str:
    """The text with the secrets of the URLs in it replaced by their route's placeholders."""
    for pattern, replacement in _SECRETS_IN_URLS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Whoever reads the logs gets no working link: "Not Found: /es/a/<token>/"."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


# The attributes every LogRecord has; anything else was passed in `extra=` and is logged too.
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                plain = value if isinstance(value, str | int | float | bool) else repr(value)
                entry[key] = redact_secrets(plain) if isinstance(plain, str) else plain
        if record.exc_info:
            entry["exception"] = redact_secrets(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def task_publish_add_request_id(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """Celery's before_task_publish: the queuing request's id goes with the task."""
    if headers is not None and request_id.get():
        headers.setdefault("request_id", request_id.get())


def task_prerun_set_request_id(task: Any = None, **kwargs: Any) -> None:
    """Celery's task_prerun: log the task under the id of the request that queued it."""
    incoming = getattr(task.request, "request_id", None) if task is not None else None
    request_id.set(request_id_from(incoming))
