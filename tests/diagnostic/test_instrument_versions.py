"""Instrument files load into the database; a version in use can never change."""

import pytest
import yaml
from django.core.management import CommandError, call_command

from diagnostic.models import Instrument
from diagnostic.services import INSTRUMENTS_DIR, InstrumentLocked, instrument_load
from tests.factories import make_assessment

pytestmark = pytest.mark.django_db

SOURCE = INSTRUMENTS_DIR / "mydigitalsme-v3.yaml"  # the version new assessments use


def changed_copy(tmp_path, change) -> object:
    definition = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    change(definition)
    path = tmp_path / "mydigitalsme-v3.yaml"
    path.write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
    return path


def reweight_first_item(definition: dict) -> None:
    definition["dimensions"][0]["areas"][0]["items"][0]["weight"] = 3


def test_loading_twice_changes_nothing():
    first, status = instrument_load(path=SOURCE)
    assert status == "created"
    again, status = instrument_load(path=SOURCE)
    assert (again.pk, status) == (first.pk, "unchanged")


def test_an_unused_version_can_still_be_corrected(tmp_path):
    instrument_load(path=SOURCE)
    instrument, status = instrument_load(path=changed_copy(tmp_path, reweight_first_item))
    assert status == "updated"
    assert instrument.definition["dimensions"][0]["areas"][0]["items"][0]["weight"] == 3


def test_a_version_in_use_refuses_any_change_and_keeps_its_definition(tmp_path):
    assessment = make_assessment()
    before = Instrument.objects.get(code="mydigitalsme-v3").checksum
    with pytest.raises(InstrumentLocked) as error:
        instrument_load(path=changed_copy(tmp_path, reweight_first_item))
    assert "se usa en 1 evaluación" in str(error.value)
    assert "versión nueva" in str(error.value)
    assert Instrument.objects.get(code="mydigitalsme-v3").checksum == before
    assert assessment.instrument.code == "mydigitalsme-v3"


def test_the_command_reports_a_locked_version_clearly(tmp_path):
    make_assessment()
    with pytest.raises(CommandError, match="mydigitalsme-v3"):
        call_command("load_instrument", str(changed_copy(tmp_path, reweight_first_item)))


def test_the_command_reports_every_problem_of_an_invalid_file(tmp_path):
    def break_it(definition):
        definition["dimensions"][0]["areas"][0]["items"][0]["kind"] = "essay"
        definition["dimensions"][1]["weight"] = -1

    with pytest.raises(CommandError) as error:
        call_command("load_instrument", str(changed_copy(tmp_path, break_it)))
    assert "essay" in str(error.value)
    assert "weight" in str(error.value)
    assert not Instrument.objects.exists()


def test_the_command_loads_every_shipped_instrument():
    call_command("load_instrument", verbosity=0)
    assert sorted(Instrument.objects.values_list("code", flat=True)) == [
        "mydigitalsme-v1",
        "mydigitalsme-v2",
        "mydigitalsme-v3",
    ]
