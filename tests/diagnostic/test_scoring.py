import json
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from diagnostic.instrument import Area, Dimension, Instrument, Item, Option
from diagnostic.instrument_file import load_instrument_file, parse_instrument
from diagnostic.scoring import (
    LEVELS,
    SCORING_VERSION,
    Completeness,
    Score,
    item_score,
    level_for,
    score_answers,
)
from diagnostic.services import INSTRUMENTS_DIR

pytestmark = pytest.mark.usefixtures("english")


TEXT = {"en": "text", "es": "texto"}


def option(code: str, score: int | None, *, exclusive: bool = False) -> Option:
    return Option(code=code, label=TEXT, score=score, exclusive=exclusive)


def choice(code: str, kind: str, options: list[Option], *, weight: float = 1, **kw) -> dict:
    return dict(code=code, kind=kind, weight=weight, prompt=TEXT, options=tuple(options), **kw)


def build(dimensions: list[tuple[str, bool, float, list[tuple[str, float, list[dict]]]]]):
    """An Instrument from (dimension, scored, weight, [(area, weight, [item fields])])."""
    return Instrument(
        code="tiny",
        name=TEXT,
        dimensions=tuple(
            Dimension(
                code=dimension,
                name=TEXT,
                weight=dimension_weight,
                scored=scored,
                areas=tuple(
                    Area(
                        code=area,
                        name=TEXT,
                        weight=area_weight,
                        items=tuple(
                            Item(area=area, dimension=dimension, **fields) for fields in items
                        ),
                    )
                    for area, area_weight, items in areas
                ),
            )
            for dimension, scored, dimension_weight, areas in dimensions
        ),
    )


TINY = build(
    [
        (
            "readiness",
            False,
            1,
            [
                (
                    "connectivity",
                    1,
                    [
                        choice(
                            "internet",
                            "single",
                            [option("none", 0), option("mobile", 2), option("fixed", 4)],
                        )
                    ],
                )
            ],
        ),
        (
            "marketing",
            True,
            1,
            [
                (
                    "social",
                    1,
                    [
                        choice(
                            "social_use",
                            "single",
                            [
                                option("never", 0),
                                option("sometimes", 2),
                                option("daily", 4),
                                option("not_applicable", None),
                            ],
                        ),
                        choice(
                            "channels",
                            "multi",
                            [
                                option("none", 0, exclusive=True),
                                option("whatsapp", 1),
                                option("website", 3),
                                option("dont_know", None, exclusive=True),
                            ],
                        ),
                    ],
                ),
                (
                    "analytics",
                    3,
                    [
                        dict(
                            code="staff",
                            kind="number",
                            weight=1,
                            prompt=TEXT,
                            minimum=0,
                            maximum=100,
                            bands=((0, 0), (1, 2), (5, 4)),
                        ),
                        choice("reports", "single", [option("no", 0), option("yes", 4)], weight=2),
                    ],
                ),
            ],
        ),
        (
            "operations",
            True,
            2,
            [
                (
                    "software",
                    1,
                    [
                        choice(
                            "software",
                            "multi",
                            [
                                option("none", 0, exclusive=True),
                                option("accounting", 1),
                                option("inventory", 1),
                                option("crm", 1),
                                option("other", None),
                                option("dont_know", None, exclusive=True),
                            ],
                            breadth=((0, 0), (1, 1), (2, 2), (3, 4)),
                        )
                    ],
                ),
                (
                    "logistics",
                    1,
                    [
                        choice(
                            "shipping",
                            "single",
                            [option("no", 0), option("yes", 4), option("not_applicable", None)],
                        )
                    ],
                ),
            ],
        ),
    ]
)

FULL_ANSWERS = {
    "internet": "none",
    "social_use": "daily",
    "channels": ("whatsapp", "website"),
    "staff": 3,
    "reports": "yes",
    "software": ("accounting", "crm"),
    "shipping": "not_applicable",
}


def test_scores_are_weighted_means_scaled_to_100():
    result = score_answers(TINY, FULL_ANSWERS)

    # social: (4 + 3) / 2 × 25 = 87.5; analytics: (2·1 + 4·2) / 3 × 25 = 83.33…
    assert result.areas["social"] == Score(88, "leading")
    assert result.areas["analytics"] == Score(83, "leading")
    # marketing: (87.5·1 + 83.33…·3) / 4 = 84.375
    assert result.dimensions["marketing"] == Score(84, "leading")
    # software: two kinds → breadth 2 → 50; logistics has no score, so it is left out.
    assert result.areas["software"] == Score(50, "intermediate")
    assert result.dimensions["operations"] == Score(50, "intermediate")
    # overall: (84.375·1 + 50·2) / 3 = 61.46
    assert result.overall == Score(61, "advanced")


def test_readiness_is_scored_but_never_in_the_overall():
    without_internet = score_answers(TINY, FULL_ANSWERS)
    with_internet = score_answers(TINY, FULL_ANSWERS | {"internet": "fixed"})

    assert without_internet.dimensions["readiness"] == Score(0, "initial")
    assert with_internet.dimensions["readiness"] == Score(100, "leading")
    assert without_internet.overall == with_internet.overall


def test_not_applicable_is_left_out_of_the_denominator_not_counted_as_zero():
    result = score_answers(
        TINY, {"social_use": "not_applicable", "channels": ("website",), "staff": 3}
    )

    assert result.items["social_use"] is None
    assert result.areas["social"] == Score(75, "advanced")
    assert result.completeness["marketing"] == Completeness(scored=2, applicable=3)


def test_area_with_no_answerable_items_has_no_score():
    result = score_answers(TINY, {"shipping": "not_applicable"})

    assert result.areas["logistics"] == Score(None, None)
    assert result.areas["software"] == Score(None, None)
    assert result.dimensions["operations"] == Score(None, None)
    assert result.overall == Score(None, None)


def test_dimension_uses_only_areas_that_have_a_score():
    result = score_answers(TINY, {"reports": "no", "staff": 0, "shipping": "no"})

    assert result.areas["social"].value is None
    assert result.dimensions["marketing"] == Score(0, "initial")
    assert result.overall == Score(0, "initial")


def test_a_dimension_with_fewer_than_half_its_questions_answered_shows_no_score():
    # One owner answered 1 of marketing's 4 questions: a 100 from that would mislead.
    result = score_answers(TINY, {"reports": "yes", "software": ("accounting",)})

    assert result.completeness["marketing"] == Completeness(scored=1, applicable=4)
    assert not result.completeness["marketing"].enough
    assert result.dimensions["marketing"] == Score(None, None)
    assert result.areas["analytics"] == Score(None, None)
    assert result.strongest_areas() == ("software",)
    # Operations rests on 1 of its 2 questions: half is enough.
    assert result.dimensions["operations"] == Score(25, "basic")
    # The overall needs every dimension scored.
    assert result.overall == Score(None, None)
    assert result.rests_on == Completeness(scored=2, applicable=6)


def test_dont_know_stays_in_the_count_and_not_applicable_leaves_it():
    dont_know = score_answers(TINY, {"software": ("dont_know",), "shipping": "yes"})
    not_applicable = score_answers(TINY, {"software": ("none",), "shipping": "not_applicable"})

    assert dont_know.completeness["operations"] == Completeness(scored=1, applicable=2)
    assert dont_know.dimensions["operations"] == Score(100, "leading")
    assert not_applicable.completeness["operations"] == Completeness(scored=1, applicable=1)
    assert not_applicable.dimensions["operations"] == Score(0, "initial")


def test_the_overall_comes_with_how_many_questions_it_rests_on():
    result = score_answers(TINY, FULL_ANSWERS)

    assert result.overall == Score(61, "advanced")
    # Readiness is not part of the overall; shipping was not applicable.
    assert result.rests_on == Completeness(scored=5, applicable=5)
    assert result.to_dict()["rests_on"] == {"scored": 5, "applicable": 5}
    assert result.to_dict()["completeness"]["readiness"] == {"scored": 1, "applicable": 1}


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (("whatsapp",), 1),
        (("whatsapp", "website"), 3),
        (("none",), 0),
        (("dont_know",), None),
    ],
)
def test_multi_choice_scores_the_highest_chosen_option(chosen, expected):
    assert item_score(TINY.items["channels"], chosen) == expected


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (("accounting",), 1),
        (("accounting", "inventory"), 2),
        (("accounting", "inventory", "crm"), 4),
        (("accounting", "other"), 1),
        (("other",), None),
        (("dont_know",), None),
        (("none",), 0),
    ],
)
def test_breadth_rule_scores_the_number_of_scored_options_chosen(chosen, expected):
    assert item_score(TINY.items["software"], chosen) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 0), (0.5, 0), (1, 2), (4.99, 2), (5, 4), (100, 4)],
)
def test_number_scores_the_highest_band_at_or_below_the_value(value, expected):
    assert item_score(TINY.items["staff"], value) == expected


SMARTPHONES = Item(
    code="staff_with_smartphone",
    kind="number",
    weight=1,
    prompt=TEXT,
    area="devices",
    dimension="readiness",
    minimum=0,
    maximum=500,
    bands=((0, 0), (0.01, 1), (0.25, 2), (0.5, 3), (1, 4)),
    per_person=True,
)


@pytest.mark.parametrize(
    ("answer", "people", "expected"),
    [
        (1, 1, 4),  # a one-person firm whose owner works from a smartphone: the top score
        (4, 4, 4),
        (2, 4, 3),
        (3, 45, 1),  # a 45-person manufacturer where three people use one
        (12, 45, 2),
        (1, 100, 1),  # exactly one hundredth reaches the 0.01 band
        (0, 3, 0),
        (6, 4, 4),  # more than the headcount counts as everyone
    ],
)
def test_items_that_count_people_are_relative_to_the_size_of_the_firm(answer, people, expected):
    assert item_score(SMARTPHONES, answer, people=people) == expected


def test_a_per_person_item_has_no_score_without_the_headcount():
    assert item_score(SMARTPHONES, 3, people=None) is None


def test_the_current_instrument_counts_smartphones_and_learning_hours_per_person():
    spec = parse_instrument(load_instrument_file(INSTRUMENTS_DIR / "mydigitalsme-v3.yaml"))
    answers = {"staff_with_smartphone": 1, "digital_training_hours": 20}

    alone = score_answers(spec, answers, people=1)
    fifty = score_answers(spec, answers, people=50)

    assert (alone.items["staff_with_smartphone"], alone.items["digital_training_hours"]) == (4, 4)
    assert (fifty.items["staff_with_smartphone"], fifty.items["digital_training_hours"]) == (1, 0)


def test_unanswered_item_has_no_score():
    assert item_score(TINY.items["social_use"], None) is None


@pytest.mark.parametrize(
    ("exact", "rounded"),
    [
        (Fraction(25, 2), 13),
        (Fraction(125, 2), 63),
        (Fraction(1, 2), 1),
        (Fraction(1249, 100), 12),
        (Fraction(0), 0),
        (Fraction(100), 100),
    ],
)
def test_scores_round_half_up(exact, rounded):
    assert Score.of(exact).value == rounded


def test_area_score_of_twelve_and_a_half_rounds_to_thirteen():
    # (0 + 1) / 2 × 25 = 12.5
    result = score_answers(TINY, {"social_use": "never", "channels": ("whatsapp",)})

    assert result.areas["social"] == Score(13, "initial")


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0, "initial"),
        (19, "initial"),
        (20, "basic"),
        (39, "basic"),
        (40, "intermediate"),
        (59, "intermediate"),
        (60, "advanced"),
        (79, "advanced"),
        (80, "leading"),
        (100, "leading"),
        (None, None),
    ],
)
def test_level_boundaries(score, level):
    assert level_for(score) == level


def test_level_comes_from_the_rounded_score():
    assert Score.of(Fraction(395, 10)) == Score(40, "intermediate")


def test_every_level_has_a_label():
    assert [str(label) for label in LEVELS.values()] == [
        "Initial",
        "Basic",
        "Intermediate",
        "Advanced",
        "Leading",
    ]


def test_answered_and_total_count_items():
    result = score_answers(TINY, FULL_ANSWERS)

    assert (result.answered, result.total) == (7, 7)
    assert score_answers(TINY, {"staff": 0}).answered == 1


def test_strongest_and_weakest_areas_skip_readiness_and_unscored_areas():
    result = score_answers(TINY, FULL_ANSWERS)

    assert result.strongest_areas() == ("social", "analytics")
    assert result.weakest_areas() == ("software",)


def test_areas_all_at_the_top_are_strengths_and_no_gap():
    result = score_answers(TINY, {"social_use": "daily", "reports": "yes", "shipping": "yes"})

    assert result.strongest_areas() == ("social", "analytics")  # ties keep instrument order
    assert result.weakest_areas() == ()


def test_nothing_at_zero_is_a_strength():
    result = score_answers(TINY, {"social_use": "never", "channels": ("none",)})

    assert result.areas["social"].value == 0
    assert result.strongest_areas() == ()


def test_to_dict_is_plain_json():
    data = json.loads(json.dumps(score_answers(TINY, FULL_ANSWERS).to_dict()))

    assert data["scoring_version"] == SCORING_VERSION
    assert data["overall"] == {"value": 61, "level": "advanced"}
    assert data["areas"]["logistics"] == {"value": None, "level": None}
    assert data["items"]["channels"] == 3
    assert data["strongest_areas"] == ["social", "analytics"]


def test_answers_that_are_not_clean_are_refused():
    with pytest.raises(ValueError, match="unknown items"):
        score_answers(TINY, {"nope": "x"})
    with pytest.raises(ValueError, match="has no option 'nope'"):
        score_answers(TINY, {"social_use": "nope"})
    with pytest.raises(ValueError, match="tuple of option codes"):
        score_answers(TINY, {"channels": "website"})


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
