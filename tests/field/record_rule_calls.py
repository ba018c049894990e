"""A pytest plugin, ``-p tests.field.record_rule_calls``: writes down the calls the tests
make to the roadmap's rules into the file ``$RULE_CALLS`` names (tests/field/rule_calls.py)."""

import os
from pathlib import Path

import pytest


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    # Imported here, once pytest-django has set Django up: the recorder reads the catalogue.
    from tests.field.rule_calls import VARIABLE, Recorder

    if VARIABLE not in os.environ:
        raise pytest.UsageError(f"name the file to record the calls in: set ${VARIABLE}")
    config.pluginmanager.register(Recorder(Path(os.environ[VARIABLE])), "rule-call-recorder")
