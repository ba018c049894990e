"""Shared test set-up: the real instrument loaded once, and small builders of test data."""

import pytest
from django.utils import translation

from tests.factories import load_instrument


@pytest.fixture
def instrument(db):
    return load_instrument()


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Each test starts in the site's default language, whatever a request left active."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def english():
    """For tests that assert messages in English."""
    with translation.override("en"):
        yield
