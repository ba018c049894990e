"""gunicorn's access log, without the secrets that travel in URLs (see observability)."""

from gunicorn.glogging import Logger

from config.observability import redact_secrets


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time) -> dict:
        return {
            key: redact_secrets(value) if isinstance(value, str) else value
            for key, value in super().atoms(resp, req, environ, request_time).items()
        }
