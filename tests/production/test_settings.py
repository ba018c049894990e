"""The production settings: strict about what they need, and clean under `check --deploy`."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "SECRET_KEY": "kZ3p-" + "x7Qw9rT2vB8nM4cL6hJ1gF5dS0aP3oI9uY7tR2eW4qZ8xC6vB1nM5",
    "ALLOWED_HOSTS": "ruta.example.org",
    "SITE_URL": "https://ruta.example.org",
    "DATABASE_URL": "postgres://ruta@db.example.org:5432/ruta",
    "REDIS_URL": "redis://cache.example.org:6379/0",
    "EMAIL_HOST": "smtp.example.org",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The browser tests allow async-unsafe calls in this process; production never does.
    leave_out = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {key: value for key, value in os.environ.items() if key not in leave_out}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_no_warning_under_the_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_HOST"])
def test_production_refuses_to_start_without_what_it_needs(missing):
    env = {**PRODUCTION, missing: ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert f"DJANGO_ENV=production needs {missing}" in result.stderr


def test_a_production_response_carries_hsts_csp_and_secure_cookies():
    # /health/ renders no template, so no collected static files are needed; the services
    # sit on closed local ports, so it answers at once (503, which changes no header).
    script = """
import json
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="ruta.example.org")
plain = client.get("/es/")
page = client.get("/health/", secure=True)
print(json.dumps({
    "redirect": [plain.status_code, plain.headers.get("Location")],
    "hsts": page.headers.get("Strict-Transport-Security"),
    "csp": page.headers.get("Content-Security-Policy"),
    "referrer": page.headers.get("Referrer-Policy"),
    "cookies_secure": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
}))
"""
    closed = {
        "DATABASE_URL": "postgres://ruta@127.0.0.1:1/ruta",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    result = manage("shell", "--no-imports", "-c", script, env={**PRODUCTION, **closed})
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["redirect"] == [301, "https://ruta.example.org/es/"]
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "default-src 'self'" in seen["csp"] and "script-src 'self';" in seen["csp"]
    assert "upgrade-insecure-requests" in seen["csp"]
    assert seen["referrer"] == "same-origin"
    assert seen["cookies_secure"] == [True, True]


@pytest.mark.parametrize("value", ["lots", "30", "30/week", "-1/h", "30/0h"])
def test_a_malformed_rate_limit_stops_start_up_naming_the_variable(value):
    result = manage("check", env={"RATE_LIMIT_PDF": value})
    assert result.returncode != 0
    assert "RATE_LIMIT_PDF" in result.stderr
    assert "30/h" in result.stderr  # what a good value looks like


def test_a_server_database_keeps_its_connection_between_requests_and_checks_it_first():
    script = (
        "import json; from django.conf import settings; d = settings.DATABASES['default'];"
        " print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))"
    )
    result = manage("shell", "--no-imports", "-c", script, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [600, True]

    shorter = manage(
        "shell", "--no-imports", "-c", script, env={**PRODUCTION, "DATABASE_CONN_MAX_AGE": "30"}
    )
    assert json.loads(shorter.stdout) == [30, True]
