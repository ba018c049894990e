"""axe-core finds no serious or critical WCAG 2.2 A/AA violation on any page type.

Each page is the HTML the crawl fetched (error states included), opened at the live
server's address so that its CSS and JavaScript load as they do for a visitor: colour
contrast and target sizes are measured on the styled page. Owners' pages are checked on a
phone's screen, the desk's pages on a laptop's.
"""

import pytest

from tests.quality.conftest import quality_tool

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
OWNERS = {"owner", "visitor"}
RUN_AXE = """tags => axe.run(document, {
  runOnly: {type: "tag", values: tags},
  resultTypes: ["violations"],
}).then(results => results.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help,
  targets: v.nodes.slice(0, 3).map(node => node.target.join(" ")),
})))"""


def serving(body: str, status: int, content_type: str):
    """Answer an address with the given body: a page the crawl fetched, or axe itself."""

    def fulfil(route, request):
        route.fulfill(status=status, content_type=content_type, body=body)

    return fulfil


def test_no_page_type_has_a_serious_accessibility_violation(site_pages, live_server, chromium):
    axe = quality_tool("axe-core/axe.min.js").read_text(encoding="utf-8")
    # Served from one address, so that Chromium compiles it once rather than on every page.
    axe_url = f"{live_server.url}/quality-tools/axe.min.js"
    problems = []
    tabs = {}
    for screen, options in (("phone", PHONE), ("laptop", LAPTOP)):
        context = chromium.new_context(**options)
        context.route(axe_url, serving(axe, 200, "text/javascript"))
        tabs[screen] = context.new_page()
    try:
        for page_type in site_pages:
            tab = tabs["phone" if page_type.role in OWNERS else "laptop"]
            url = live_server.url + page_type.url
            tab.route(url, serving(page_type.html, page_type.status, "text/html; charset=utf-8"))
            tab.goto(url)
            tab.add_script_tag(url=axe_url)
            for violation in tab.evaluate(RUN_AXE, WCAG_TAGS):
                if violation["impact"] in ("serious", "critical"):
                    problems.append(
                        f"{page_type.label}: {violation['id']} ({violation['impact']}) "
                        f"{violation['help']} — {', '.join(violation['targets'])}"
                    )
            tab.unroute(url)
    finally:
        for tab in tabs.values():
            tab.context.close()
    assert not problems, f"{len(problems)} accessibility violations:\n" + "\n".join(problems)
