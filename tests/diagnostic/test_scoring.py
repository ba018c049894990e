"""Scoring (DESIGN 2.2). The cases are data, shared with the field app's conformance suite:
tests/diagnostic/cases/scoring.yaml."""

import json
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from diagnostic.instrument import Instrument, Item
from diagnostic.scoring import (
    LEVELS,
    SCORING_VERSION,
    Completeness,
    Score,
    item_score,
    level_for,
    score_answers,
)
from tests.diagnostic.cases import assert_matches, case_id, cleaned, instrument_named, load_cases

pytestmark = pytest.mark.usefixtures("english")

CASES = load_cases("scoring")
TINY = instrument_named("tiny")
FULL_ANSWERS = cleaned(CASES["full_answers"])


@pytest.mark.parametrize("case", CASES["scores"], ids=case_id)
def test_score_answers(case):
    result = score_answers(
        instrument_named(case["instrument"]), cleaned(case["answers"]), people=case.get("people")
    )

    assert_matches(result.to_dict(), case["expect"])


@pytest.mark.parametrize("case", CASES["refused"], ids=case_id)
def test_answers_that_are_not_clean_are_refused(case):
    with pytest.raises(ValueError, match=case["error"]):
        score_answers(instrument_named(case["instrument"]), cleaned(case["answers"]))


@pytest.mark.parametrize(
    ("group", "case"),
    [(group, case) for group in CASES["items"] for case in group["cases"]],
    ids=lambda value: value["name"] if "name" in value else _answer_id(value),
)
def test_item_score(group, case):
    item = instrument_named(group["instrument"]).items[group["item"]]
    answer = tuple(case["answer"]) if isinstance(case["answer"], list) else case["answer"]

    assert item_score(item, answer, people=case.get("people")) == case["expect"]


def _answer_id(case: dict) -> str:
    answer = "+".join(case["answer"]) if isinstance(case["answer"], list) else case["answer"]
    return f"{answer} of {case['people']}" if "people" in case else str(answer)


@pytest.mark.parametrize("case", CASES["rounding"], ids=lambda case: case["exact"])
def test_scores_round_half_up_and_take_the_level_of_the_rounded_score(case):
    assert_matches(Score.of(Fraction(case["exact"])).to_dict(), case["expect"])


@pytest.mark.parametrize("case", CASES["levels"], ids=lambda case: repr(case["score"]))
def test_level_boundaries(case):
    assert level_for(case["score"]) == case["expect"]


@pytest.mark.parametrize(
    ("scored", "applicable", "enough"),
    [(1, 4, False), (1, 3, False), (1, 2, True), (2, 3, True), (0, 0, True), (0, 1, False)],
)
def test_a_dimension_is_scored_from_half_its_applicable_questions(scored, applicable, enough):
    assert Completeness(scored, applicable).enough is enough


def test_every_level_has_a_label():
    assert [str(label) for label in LEVELS.values()] == [
        "Initial",
        "Basic",
        "Intermediate",
        "Advanced",
        "Leading",
    ]


def test_to_dict_is_plain_json():
    data = json.loads(json.dumps(score_answers(TINY, FULL_ANSWERS).to_dict()))

    assert data["scoring_version"] == SCORING_VERSION
    assert data["overall"] == {"value": 61, "level": "advanced"}
    assert data["areas"]["logistics"] == {"value": None, "level": None}
    assert data["items"]["channels"] == 3
    assert data["strongest_areas"] == ["social", "analytics"]


# --- Properties -------------------------------------------------------------------------------


def answer_for(item: Item) -> st.SearchStrategy:
    """Any valid cleaned answer to the item."""
    if item.kind == "number":
        return st.integers(int(item.minimum), int(item.maximum)) | st.floats(
            item.minimum, item.maximum
        )
    if item.kind == "single":
        return st.sampled_from(item.option_codes)
    exclusive = [(o.code,) for o in item.options if o.exclusive]
    others = [o.code for o in item.options if not o.exclusive]
    combined = st.sets(st.sampled_from(others), min_size=1).map(
        lambda chosen: tuple(code for code in others if code in chosen)
    )
    return st.sampled_from(exclusive) | combined if exclusive else combined


@st.composite
def answers(draw, instrument: Instrument = TINY) -> dict:
    chosen = {}
    for code, item in instrument.items.items():
        if draw(st.booleans()):
            chosen[code] = draw(answer_for(item))
    return chosen


def all_scores(result) -> list[int | None]:
    return [
        result.overall.value,
        *(s.value for s in result.dimensions.values()),
        *(s.value for s in result.areas.values()),
    ]


@settings(max_examples=200)
@given(answers())
def test_every_score_is_between_0_and_100(given_answers):
    result = score_answers(TINY, given_answers)

    assert all(0 <= value <= 100 for value in all_scores(result) if value is not None)
    assert all(0 <= s <= 4 for s in result.items.values() if s is not None)


def not_applicable_code(item: Item) -> str | tuple[str, ...] | None:
    codes = [
        o.code for o in item.options if o.score is None and (o.exclusive or item.kind != "multi")
    ]
    if not codes:
        return None
    return codes[0] if item.kind == "single" else (codes[0],)


@settings(max_examples=200)
@given(answers(), st.data())
def test_an_answer_without_a_score_never_changes_a_score_that_was_shown(given_answers, data):
    # "Not applicable" takes the item out of the count, so it may let a dimension reach half
    # of its questions answered; what was already scored stays the same.
    unanswered = [
        code
        for code, item in TINY.items.items()
        if code not in given_answers and not_applicable_code(item) is not None
    ]
    assume(unanswered)
    code = data.draw(st.sampled_from(unanswered))
    with_not_applicable = given_answers | {code: not_applicable_code(TINY.items[code])}

    before = score_answers(TINY, given_answers)
    after = score_answers(TINY, with_not_applicable)

    assert all(
        shown is None or shown == now
        for shown, now in zip(all_scores(before), all_scores(after), strict=True)
    )
    assert after.items == before.items


@settings(max_examples=200)
@given(answers())
def test_an_area_is_never_both_a_strength_and_a_gap(given_answers):
    result = score_answers(TINY, given_answers)

    assert not set(result.strongest_areas()) & set(result.weakest_areas())
