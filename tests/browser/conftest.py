"""A real browser: Debian's Chromium driven by Playwright (never `playwright install`).

A journey asks for `visit`: a fresh browser page in one language on one screen. Journeys
marked `every_language_and_screen` run in Spanish and English on a phone and a desktop;
the others in Spanish on a phone and English on a desktop, unless screenshots are wanted;
a test may also name its own with `@pytest.mark.parametrize("way", [("es", "desktop")])`.
"""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connections
from PIL import Image
from playwright.sync_api import Page, sync_playwright

from tests.cohorts.conftest import world  # noqa: F401 - the named people, for journeys
from tests.quality.conftest import RUN_AXE, WCAG_TAGS, quality_tool

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
PASSWORD = "una-clave-larga-9"  # the named people's password (tests/cohorts/conftest.py)

SCREENS = {
    "phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
BROWSER_LOCALES = {"es": "es-MX", "en": "en-US"}
EVERY_WAY = [(language, screen) for language in BROWSER_LOCALES for screen in SCREENS]
TWO_WAYS = [("es", "phone"), ("en", "desktop")]

LAID_OUT = """(width) => document.documentElement.scrollWidth <= width
  && [...document.querySelectorAll(".form-check")].every((check) => {
    const input = check.querySelector("input"), label = check.querySelector("label");
    return !input || !label
      || label.getBoundingClientRect().top < input.getBoundingClientRect().bottom;
  })"""

# `make screenshots` sets it to the gallery's folder; CI leaves it unset.
SCREENSHOTS = os.environ.get("SCREENSHOTS", "")

# Playwright's sync API runs an event loop in this thread; the tests only read the
# database between browser steps, never concurrently with the live server.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_generate_tests(metafunc):
    chosen = any(mark.args[0] == "way" for mark in metafunc.definition.iter_markers("parametrize"))
    if "way" in metafunc.fixturenames and not chosen:
        everything = SCREENSHOTS or metafunc.definition.get_closest_marker(
            "every_language_and_screen"
        )
        ways = EVERY_WAY if everything else TWO_WAYS
        metafunc.parametrize("way", ways, ids=[f"{lang}-{screen}" for lang, screen in ways])


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # While Playwright's loop runs in this thread, Django keeps the thread's database
        # connections apart (asgiref's Local, as for async code): close them before it stops,
        # or they outlive the session and the test database cannot be dropped.
        connections.close_all()


@dataclass
class Visit:
    """One person's browser page, in one language on one screen."""

    page: Page
    base: str
    language: str
    screen: str

    def say(self, es: str, en: str) -> str:
        """The text the page shows in this visit's language."""
        return es if self.language == "es" else en

    def goto(self, path: str) -> None:
        """Open a path of the site under this visit's language prefix."""
        self.page.goto(f"{self.base}/{self.language}{path}")

    def log_in(self, username: str) -> None:
        self.goto("/accounts/login/")
        self.screenshot("login")
        self.page.get_by_label(self.say("Nombre de usuario", "Username")).fill(username)
        self.page.get_by_label(self.say("Contraseña", "Password")).fill(PASSWORD)
        self.page.get_by_role("button", name=self.say("Iniciar sesión", "Log in")).click()

    def log_out(self) -> None:
        self.page.context.clear_cookies()

    def accessibility_problems(self) -> list[str]:
        """axe-core's serious and critical WCAG 2.2 A/AA violations on the page as it is now
        (for pages a script draws, which the quality gates' crawl cannot see)."""
        if not hasattr(Visit, "_axe"):
            Visit._axe = quality_tool("axe-core/axe.min.js").read_text(encoding="utf-8")
        if not self.page.evaluate("() => typeof axe !== 'undefined'"):
            self.page.evaluate(Visit._axe)  # through the DevTools protocol: the CSP allows it
        return [
            f"{violation['id']} ({violation['impact']}) {violation['help']} — "
            + ", ".join(violation["targets"])
            for violation in self.page.evaluate(RUN_AXE, WCAG_TAGS)
            if violation["impact"] in ("serious", "critical")
        ]

    def fits_the_screen(self) -> bool:
        """Nothing sticks out sideways (the page never scrolls horizontally), and every answer
        starts beside its radio button or checkbox, however long it is."""
        self.page.wait_for_load_state()  # with its stylesheets
        width = self.page.viewport_size["width"]
        return self.page.evaluate(LAID_OUT, width)

    def screenshot(self, page_type: str) -> None:
        """The gallery's picture of this page type, when `SCREENSHOTS` names a folder."""
        if not SCREENSHOTS:
            return
        path = Path(SCREENSHOTS) / f"{page_type}-{self.language}-{self.screen}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.wait_for_load_state()
        # The whole page, down to a few screens: enough to see it, small enough to commit.
        height = min(self.page.evaluate("document.documentElement.scrollHeight"), 3000)
        clip = {"x": 0, "y": 0, "width": self.page.viewport_size["width"], "height": height}
        self.page.screenshot(path=path, full_page=True, clip=clip, caret="hide")
        # 256 colours keep text sharp and the file a fraction of its size.
        Image.open(path).convert("RGB").quantize(colors=256).save(path, optimize=True)


@pytest.fixture
def visit(browser, live_server, way):
    language, screen = way
    context = browser.new_context(
        locale=BROWSER_LOCALES[language], reduced_motion="reduce", **SCREENS[screen]
    )
    yield Visit(page=context.new_page(), base=live_server.url, language=language, screen=screen)
    context.close()
