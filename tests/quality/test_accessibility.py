"""axe-core finds no serious or critical WCAG 2.2 A/AA violation on any page type.

Each page is the HTML the crawl fetched (error states included), opened at the live
server's address so that its CSS and JavaScript load as they do for a visitor: colour
contrast and target sizes are measured on the styled page. Owners' pages are checked on a
phone's screen, the desk's pages on a laptop's.
"""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.quality.conftest import RUN_AXE, WCAG_TAGS, quality_tool
from tests.quality.site import Page

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
OWNERS = {"owner", "visitor"}


def serving(body: str, status: int, content_type: str):
    """Answer an address with the given body: a page the crawl fetched, or axe itself."""

    def fulfil(route, request):
        route.fulfill(status=status, content_type=content_type, body=body)

    return fulfil


def axe_violations(pages: list[Page], server_url: str, axe: str) -> list[str]:
    """The serious and critical violations axe finds on each page, in Chromium."""
    from playwright.sync_api import sync_playwright

    # Served from one address, so that Chromium compiles it once rather than on every page.
    axe_url = f"{server_url}/quality-tools/axe.min.js"
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tabs = {}
        for screen, options in (("phone", PHONE), ("laptop", LAPTOP)):
            context = browser.new_context(**options)
            context.route(axe_url, serving(axe, 200, "text/javascript"))
            tabs[screen] = context.new_page()
        for page in pages:
            tab = tabs["phone" if page.role in OWNERS else "laptop"]
            url = server_url + page.url
            tab.route(url, serving(page.html, page.status, "text/html; charset=utf-8"))
            tab.goto(url)
            tab.add_script_tag(url=axe_url)
            problems += [
                f"{page.label}: {violation['id']} ({violation['impact']}) "
                f"{violation['help']} — {', '.join(violation['targets'])}"
                for violation in tab.evaluate(RUN_AXE, WCAG_TAGS)
                if violation["impact"] in ("serious", "critical")
            ]
            tab.unroute(url)
        browser.close()
    return problems


def test_no_page_type_has_a_serious_accessibility_violation(site_pages, live_server):
    axe = quality_tool("axe-core/axe.min.js").read_text(encoding="utf-8")
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package.")
    # Playwright's own thread: the browser journeys' Playwright may be running in this one.
    with ThreadPoolExecutor(max_workers=1) as thread:
        problems = thread.submit(axe_violations, site_pages, live_server.url, axe).result()
    assert not problems, f"{len(problems)} accessibility violations:\n" + "\n".join(problems)
