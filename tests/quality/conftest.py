"""The quality gates' shared set-up: every page type fetched once, and the tools they run."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import TestCase
from django.utils import translation

from tests.factories import load_instrument
from tests.quality.site import Page, Site, build_programme, crawl_site, neutral_texts

TOOLS = Path(__file__).resolve().parents[2] / "tools" / "quality" / "node_modules"
# axe-core's run: the WCAG 2.2 A/AA rules, each violation with up to three of its elements.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = """tags => axe.run(document, {
  runOnly: {type: "tag", values: tags},
  resultTypes: ["violations"],
}).then(results => results.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help,
  targets: v.nodes.slice(0, 3).map(node => node.target.join(" ")),
})))"""


def quality_tool(relative: str) -> Path:
    """A file of an npm tool under tools/quality; a missing one fails with what to run."""
    path = TOOLS / relative
    if not path.exists():
        pytest.fail(
            f"{path} is missing: `make test` installs the quality tools "
            "(or `make quality-tools` alone)."
        )
    return path


def system_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"`{name}` is missing: `make test` installs it.")
    return found


@pytest.fixture(scope="session")
def site(django_db_setup, django_db_blocker) -> Site:
    """Every page type as each role in each language, fetched once; the data is rolled back."""
    with (
        django_db_blocker.unblock(),
        translation.override(settings.LANGUAGE_CODE),
        transaction.atomic(),
    ):
        load_instrument()
        with TestCase.captureOnCommitCallbacks(execute=True):
            programme = build_programme(get_user_model())
        pages = [page for code, _name in settings.LANGUAGES for page in crawl_site(programme, code)]
        found = Site(pages=pages, neutral_texts=neutral_texts())
        transaction.set_rollback(True)
    return found


@pytest.fixture(scope="session")
def site_pages(site) -> list[Page]:
    return site.pages
