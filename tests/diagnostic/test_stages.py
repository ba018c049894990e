"""Version 1 of the A–E rules (DESIGN 2.3). The cases are data, shared with the field app's
conformance suite: tests/diagnostic/cases/stages.yaml."""

import json

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from diagnostic.instrument import CANONICAL_ITEMS
from diagnostic.stages import STAGES, explain_stage, place_stage
from tests.diagnostic.cases import (
    assert_explained,
    assert_matches,
    case_id,
    cleaned,
    load_cases,
)

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize("case", load_cases("stages")["v1"], ids=case_id)
def test_place_stage(case):
    placement = place_stage(cleaned(case["answers"]))

    assert_matches(placement.to_dict(), case["expect"])
    assert_explained(placement, case.get("explanation", {}))


def firm(*channels: str, **answers) -> dict:
    """Cleaned answers: `channels` are the sales channels, other items by keyword."""
    if channels:
        answers["sales_channels"] = channels
    return answers


def test_to_dict_is_plain_json():
    placement = place_stage(firm("global_marketplace", payments_accepted=("cash_only",)))

    data = json.loads(json.dumps(placement.to_dict()))

    assert data["stage"] == "C"
    assert data["blocked"][0]["missing"][0] == {
        "code": "capability_a_software",
        "params": {"have": 0, "need": 3},
    }
    assert data["missing"] == [{"code": "capability_b_payments", "params": {}}]


def test_explanation_is_rendered_in_the_active_language():
    placement = place_stage(firm("social_media"))

    with translation.override("es"):
        explanation = explain_stage(placement)

    # No Spanish catalogue is needed for this: the summary is text either way.
    assert explanation.summary
    assert "D" in explanation.summary


# --- Properties -------------------------------------------------------------------------------

STAGE_ORDER = "EDCBA"


def options(item: str) -> tuple[str, ...]:
    return CANONICAL_ITEMS[item][1]


def multi_answer(item: str, exclusive: str) -> st.SearchStrategy:
    others = [code for code in options(item) if code != exclusive]
    return (
        st.none()
        | st.just((exclusive,))
        | st.sets(st.sampled_from(others), min_size=1).map(
            lambda chosen: tuple(code for code in others if code in chosen)
        )
    )


@st.composite
def canonical_answers(draw) -> dict:
    candidates = {
        "internet_access": st.none() | st.sampled_from(options("internet_access")),
        "cross_border_sales": st.none() | st.sampled_from(options("cross_border_sales")),
        "online_presence": multi_answer("online_presence", "none"),
        "sales_channels": multi_answer("sales_channels", "in_person_only"),
        "payments_accepted": multi_answer("payments_accepted", "cash_only"),
        "business_software": multi_answer("business_software", "none"),
    }
    answers = {code: draw(strategy) for code, strategy in candidates.items()}
    return {code: answer for code, answer in answers.items() if answer is not None}


@settings(max_examples=200)
@given(canonical_answers())
def test_stage_is_always_a_to_e_or_undetermined_and_always_explained(answers):
    placement = place_stage(answers)

    assert placement.stage in (*STAGES, None)
    assert (placement.stage is None) == (
        "sales_channels" not in answers and "online_presence" not in answers
    )
    assert all(gap.missing for gap in placement.blocked)
    assert all(
        STAGE_ORDER.index(gap.stage) > STAGE_ORDER.index(placement.stage)
        for gap in placement.blocked
    )
    explanation = explain_stage(placement)
    assert explanation.summary
    assert len(explanation.next_steps) == len(placement.missing)


@settings(max_examples=200)
@given(canonical_answers(), st.sampled_from(options("sales_channels")[1:]))
def test_adding_a_sales_channel_never_lowers_the_stage(answers, channel):
    before = place_stage(answers)
    channels = set(answers.get("sales_channels", ())) - {"in_person_only"} | {channel}
    after = place_stage(
        answers | {"sales_channels": tuple(c for c in options("sales_channels") if c in channels)}
    )

    assert after.stage is not None
    if before.stage is not None:
        assert STAGE_ORDER.index(after.stage) >= STAGE_ORDER.index(before.stage)
