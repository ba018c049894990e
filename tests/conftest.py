"""Shared test set-up: the real instrument loaded once, and small builders of test data."""

import pytest
from django.utils import translation

from tests.factories import load_instrument


@pytest.fixture
def instrument(db):
    return load_instrument()


@pytest.fixture(autouse=True)
def _reset_language():
    yield
    translation.activate("es")
