import pytest

from recommendations.services import catalogue_load
from tests.cohorts.conftest import world  # noqa: F401 - the named people


@pytest.fixture
def catalogue(instrument):
    catalogue_load()
