"""Version 2 of the A–E rules (instrument mydigitalsme-v2), firm by firm (DESIGN 2.3).

The firms are data, shared with the field app's conformance suite:
tests/diagnostic/cases/stages.yaml.
"""

import pytest
from django.utils import translation

from diagnostic.stages import StagePlacement, explain_stage, place_stage, stage_rules_for
from tests.diagnostic.cases import (
    assert_explained,
    assert_matches,
    case_id,
    cleaned,
    load_cases,
)

pytestmark = pytest.mark.usefixtures("english")


def placed(**answers) -> StagePlacement:
    return place_stage(answers, rules="v2")


@pytest.mark.parametrize("case", load_cases("stages")["v2"], ids=case_id)
def test_place_stage(case):
    placement = place_stage(cleaned(case["answers"]), rules="v2")

    assert_matches(placement.to_dict(), case["expect"])
    assert_explained(placement, case.get("explanation", {}))


def test_a_stored_v2_placement_is_explained_by_the_v2_rules():
    placement = placed(sales_channels=("b2b_online",), business_software=("accounting",))
    again = StagePlacement.from_dict(placement.to_dict())
    assert again == placement
    with translation.override("es"):
        steps = explain_stage(again).next_steps
    assert any("etapa A" in step for step in steps)


def test_a_v1_result_stored_before_rule_versions_stays_v1():
    stored = place_stage({"online_presence": ("website",)}).to_dict()
    del stored["rules"]
    assert StagePlacement.from_dict(stored).rules == "v1"
    assert StagePlacement.from_dict(stored).stage == "D"


def test_each_instrument_version_is_placed_by_its_rules():
    assert stage_rules_for("mydigitalsme-v1") == "v1"
    assert stage_rules_for("mydigitalsme-v2") == "v2"
    assert stage_rules_for("mydigitalsme-v3") == "v2"
