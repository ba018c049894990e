import pytest

from diagnostic.selectors import instrument_spec
from recommendations.services import catalogue_load
from tests.cohorts.conftest import world  # noqa: F401 - the named people


def load_catalogue(instrument) -> None:
    catalogue_load(instrument=instrument_spec(instrument))


@pytest.fixture
def catalogue(instrument):
    load_catalogue(instrument)
