"""A real browser: Debian's Chromium driven by Playwright (never `playwright install`)."""

import os
import shutil

import pytest

from tests.cohorts.conftest import world  # noqa: F401 - the named people, for journeys

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the tests only read the
# database between browser steps, never concurrently with the live server.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A cheap Android phone's screen, in Spanish."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="es-MX", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()
