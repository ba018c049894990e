from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import diagnostic
from diagnostic.instrument import CANONICAL_ITEMS
from diagnostic.instrument_file import load_instrument_file, parse_instrument
from diagnostic.scoring import score_answers
from diagnostic.stages import CONDITION_CODES, place_stage
from recommendations.catalogue import FirmProfile
from recommendations.rules import (
    RuleError,
    RuleFacts,
    facts_from_result,
    facts_from_stored,
    rule_holds,
    rule_problems,
)

INSTRUMENT_FILE = Path(diagnostic.__file__).parent / "instruments" / "mydigitalsme-v1.yaml"

SOCIAL_SELLER = {
    "internet_access": "mobile_reliable",
    "online_presence": ("social_profile", "messaging_business"),
    "sales_channels": ("messaging_apps", "social_media"),
    "payments_accepted": ("cash_only",),
    "staff_with_smartphone": 2,
}
FACTS = RuleFacts(
    answers=SOCIAL_SELLER,
    areas={"payments": 0, "connectivity": 75, "analytics": None},
    dimensions={"ecommerce": 30, "culture": None},
    stage="D",
    missing=("channel_c",),
    profile=FirmProfile(country="MX", settlement="rural", women_led=True, employees=4),
)


@pytest.fixture(scope="module")
def mydigitalsme():
    return parse_instrument(load_instrument_file(INSTRUMENT_FILE))


def holds(rule) -> bool:
    return rule_holds(rule, FACTS)


# --- Primitives ------------------------------------------------------------------------------


def test_no_rule_always_holds():
    assert rule_holds(None, RuleFacts())


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"answer": "sales_channels", "includes": "social_media"}, True),
        ({"answer": "sales_channels", "includes": "own_online_store"}, False),
        ({"answer": "internet_access", "includes": "mobile_reliable"}, True),
        ({"answer": "internet_access", "includes": "fixed_broadband"}, False),
        ({"answer": "business_software", "includes": "accounting"}, False),
    ],
)
def test_includes_tests_a_multi_choice_option_or_the_single_choice(rule, expected):
    assert holds(rule) is expected


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["own_online_store", "social_media"], True),
        (["own_online_store", "national_marketplace"], False),
    ],
)
def test_includes_any_needs_one_of_the_options(options, expected):
    assert holds({"answer": "sales_channels", "includes_any": options}) is expected


def test_includes_any_is_false_when_unanswered():
    assert not holds({"answer": "business_software", "includes_any": ["accounting", "crm"]})


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"answer": "payments_accepted", "lacks": "card_terminal"}, True),
        ({"answer": "payments_accepted", "lacks": "cash_only"}, False),
        ({"answer": "internet_access", "lacks": "fixed_broadband"}, True),
        ({"answer": "business_software", "lacks": "accounting"}, True),
    ],
)
def test_lacks_holds_when_the_option_is_not_chosen_or_unanswered(rule, expected):
    assert holds(rule) is expected


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"answer": "sales_channels", "lacks_all": ["own_online_store", "phone"]}, True),
        ({"answer": "sales_channels", "lacks_all": ["own_online_store", "social_media"]}, False),
        ({"answer": "business_software", "lacks_all": ["accounting", "crm"]}, True),
    ],
)
def test_lacks_all_holds_when_none_is_chosen_or_unanswered(rule, expected):
    assert holds(rule) is expected


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"answer": "internet_access", "in": ["mobile_unreliable", "mobile_reliable"]}, True),
        ({"answer": "internet_access", "in": ["none", "fixed_broadband"]}, False),
        ({"answer": "cross_border_sales", "in": ["no", "occasional"]}, False),
        ({"answer": "sales_channels", "in": ["social_media", "messaging_apps"]}, False),
    ],
)
def test_in_holds_when_the_single_choice_is_one_of_them_never_when_unanswered(rule, expected):
    assert holds(rule) is expected


@pytest.mark.parametrize(
    ("item", "wanted", "expected"),
    [
        ("business_software", True, True),
        ("business_software", False, False),
        ("internet_access", True, False),
        ("internet_access", False, True),
    ],
)
def test_unanswered_tests_whether_the_item_was_answered(item, wanted, expected):
    assert holds({"answer": item, "unanswered": wanted}) is expected


def test_an_empty_stored_answer_counts_as_unanswered():
    facts = RuleFacts(answers={"online_presence": (), "internet_access": ""})

    assert rule_holds({"answer": "online_presence", "unanswered": True}, facts)
    assert rule_holds({"answer": "internet_access", "unanswered": True}, facts)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"answer": "staff_with_smartphone", "below": 3}, True),
        ({"answer": "staff_with_smartphone", "below": 2}, False),
        ({"answer": "staff_with_smartphone", "at_least": 2}, True),
        ({"answer": "staff_with_smartphone", "at_least": 2.5}, False),
        ({"answer": "digital_training_hours", "below": 10}, False),
        ({"answer": "digital_training_hours", "at_least": 0}, False),
    ],
)
def test_number_comparisons_are_false_when_unanswered(rule, expected):
    assert holds(rule) is expected


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"area": "payments", "below": 40}, True),
        ({"area": "connectivity", "below": 75}, False),
        ({"area": "connectivity", "below": 76}, True),
        ({"area": "analytics", "below": 100}, False),
        ({"area": "inventory", "below": 100}, False),
        ({"dimension": "ecommerce", "below": 40}, True),
        ({"dimension": "ecommerce", "below": 30}, False),
        ({"dimension": "culture", "below": 100}, False),
    ],
)
def test_scores_are_strictly_below_and_no_score_is_never_below(rule, expected):
    assert holds(rule) is expected


@pytest.mark.parametrize(
    ("stages", "stage", "expected"),
    [
        (["D", "E"], "D", True),
        (["A", "B"], "D", False),
        (["E", "none"], None, True),
        (["D", "E"], None, False),
    ],
)
def test_stage_matches_the_listed_stages_and_none_for_undetermined(stages, stage, expected):
    assert rule_holds({"stage": stages}, RuleFacts(stage=stage)) is expected


def test_missing_tests_the_next_stages_missing_conditions():
    assert holds({"missing": "channel_c"})
    assert not holds({"missing": "capability_d_internet"})


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"profile": "settlement", "is": "rural"}, True),
        ({"profile": "settlement", "is": "metro"}, False),
        ({"profile": "settlement", "in": ["city", "rural"]}, True),
        ({"profile": "women_led", "is": True}, True),
        ({"profile": "women_led", "is": False}, False),
        ({"profile": "has_physical_storefront", "is": False}, False),
        ({"profile": "sector", "in": ["retail_goods", "agrifood"]}, False),
        ({"profile": "employees", "in": [1, 2, 3, 4]}, True),
    ],
)
def test_profile_compares_a_field_and_an_unknown_fact_never_matches(rule, expected):
    assert holds(rule) is expected


# --- Combinators -----------------------------------------------------------------------------

TRUE = {"stage": ["D"]}
FALSE = {"stage": ["A"]}


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"all": [TRUE, TRUE]}, True),
        ({"all": [TRUE, FALSE]}, False),
        ({"any": [FALSE, TRUE]}, True),
        ({"any": [FALSE, FALSE]}, False),
        ({"not": TRUE}, False),
        ({"not": FALSE}, True),
        ({"all": [TRUE, {"any": [FALSE, {"not": FALSE}]}]}, True),
    ],
)
def test_combinators(rule, expected):
    assert holds(rule) is expected


def test_a_rule_with_problems_is_refused_not_guessed():
    with pytest.raises(RuleError) as error:
        holds({"answer": "sales_channels", "contains": "social_media"})

    assert error.value.problems == [
        "unknown key 'contains' (with 'answer' use 'includes', 'includes_any', 'lacks', "
        "'lacks_all', 'in', 'unanswered', 'below', 'at_least')",
        "says what to test but not how: add one of 'includes', 'includes_any', 'lacks', "
        "'lacks_all', 'in', 'unanswered', 'below', 'at_least'",
    ]


# --- Building the facts ----------------------------------------------------------------------


def test_facts_from_a_result_and_from_its_stored_form_are_the_same(mydigitalsme):
    scores = score_answers(mydigitalsme, SOCIAL_SELLER)
    placement = place_stage(SOCIAL_SELLER)
    profile = FirmProfile(country="MX")
    stored_answers = {
        code: list(value) if isinstance(value, tuple) else value
        for code, value in SOCIAL_SELLER.items()
    }
    stored = {"scores": scores.to_dict(), "stage": placement.to_dict()}

    fresh = facts_from_result(SOCIAL_SELLER, scores, placement, profile)

    assert fresh == facts_from_stored(stored_answers, stored, profile)
    assert fresh.stage == "D"
    assert fresh.missing == ("channel_c",)
    assert fresh.areas["connectivity"] == scores.areas["connectivity"].value
    assert fresh.areas["inventory"] is None
    assert fresh.dimensions["marketing"] == scores.dimensions["marketing"].value


@st.composite
def canonical_answers(draw):
    answers = {}
    for code, (kind, options) in CANONICAL_ITEMS.items():
        if not draw(st.booleans()):
            continue
        if kind == "single":
            answers[code] = draw(st.sampled_from(options))
        else:
            answers[code] = tuple(draw(st.sets(st.sampled_from(options), min_size=1)))
    return answers


@settings(max_examples=200)
@given(canonical_answers())
def test_every_condition_the_stages_report_can_be_named_in_a_rule(answers):
    placement = place_stage(answers)
    reported = {condition.code for condition in placement.missing}
    reported |= {condition.code for gap in placement.blocked for condition in gap.missing}

    assert reported <= set(CONDITION_CODES)


# --- Problems --------------------------------------------------------------------------------


def test_a_clean_rule_has_no_problems(mydigitalsme):
    rule = {
        "all": [
            {"stage": ["D", "E", "none"]},
            {"missing": "channel_c"},
            {"not": {"answer": "sales_channels", "includes_any": ["own_online_store"]}},
            {"answer": "payments_accepted", "lacks": "card_terminal"},
            {"answer": "business_software", "lacks_all": ["accounting", "crm"]},
            {"answer": "cross_border_sales", "in": ["no", "occasional"]},
            {"answer": "digital_training_hours", "unanswered": True},
            {"answer": "staff_with_smartphone", "at_least": 1},
            {"any": [{"area": "connectivity", "below": 50}, {"dimension": "culture", "below": 40}]},
            {"profile": "settlement", "in": ["rural", "city"]},
            {"profile": "women_led", "is": True},
            {"profile": "annual_turnover", "in": [1000, 2500.5]},
        ]
    }

    assert rule_problems(rule) == []
    assert rule_problems(rule, mydigitalsme) == []
    assert rule_problems(None, mydigitalsme) == []


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ("stage D", "a rule must be a mapping like {stage: [D, E]}, not 'stage D'"),
        (
            {"stag": ["D"]},
            "a rule must have one of the keys all, any, not, answer, area, dimension, stage, "
            "missing, profile; it has 'stag'",
        ),
        (
            {"stage": ["D"], "missing": "channel_c"},
            "one rule can't test 'stage', 'missing' together; list them under 'all' or 'any'",
        ),
        ({"stage": ["D"], "below": 3}, "unknown key 'below'"),
        (
            {"area": "payments", "below": 40, "at_least": 10},
            "unknown key 'at_least' (with 'area' use 'below')",
        ),
        (
            {"answer": "sales_channels", "includes": "phone", "lacks": "social_media"},
            "one rule can't use 'includes', 'lacks' together; list them under 'all'",
        ),
        ({"all": []}, "all: must be a non-empty list of rules, not []"),
        ({"any": {"stage": ["D"]}}, "any: must be a non-empty list of rules, not {'stage': ['D']}"),
        ({"not": ["stage", "D"]}, "not: a rule must be a mapping like {stage: [D, E]}, not "),
        ({"all": [{"stage": "D"}]}, "all[0].stage: must be a non-empty list of stages"),
        ({"stage": ["D", "F"]}, "stage: 'F' is not a stage: use 'A', 'B', 'C', 'D', 'E', 'none'"),
        ({"missing": "channel_e"}, "missing: 'channel_e' is not a stage condition: use"),
        ({"answer": 3, "includes": "phone"}, "answer: must be a code, not 3"),
        (
            {"answer": "cross_border_sales", "in": [False, "occasional"]},
            "in[0]: must be a code, not False (quote it: YAML reads yes/no/on/off as true/false)",
        ),
        (
            {"answer": "sales_channels", "includes_any": "phone"},
            "includes_any: must be a non-empty",
        ),
        ({"answer": "sales_channels", "lacks_all": []}, "lacks_all: must be a non-empty list"),
        ({"answer": "sales_channels", "unanswered": "yes"}, "unanswered: must be true or false"),
        ({"answer": "staff_with_smartphone", "below": "3"}, "below: must be a number, not '3'"),
        ({"answer": "staff_with_smartphone", "at_least": True}, "at_least: must be a number"),
        ({"area": "payments"}, "says which area but not how: add 'below'"),
        ({"area": "payments", "below": 140}, "below: must be a score above 0 and at most 100"),
        ({"dimension": "culture", "below": 0}, "below: must be a score above 0 and at most 100"),
        ({"profile": "town", "is": "rural"}, "profile: 'town' is not a profile field: use"),
        ({"profile": "settlement"}, "says what to test but not how: add one of 'is', 'in'"),
        (
            {"profile": "women_led", "is": "yes"},
            "is: the profile field 'women_led' holds true or false, not 'yes'",
        ),
        ({"profile": "employees", "in": [1, True]}, "in: the profile field 'employees' holds a"),
        ({"profile": "settlement", "in": "rural"}, "in: must be a non-empty list of values"),
        ({"profile": "settlement", "is": None}, "is: the profile field 'settlement' holds text"),
    ],
)
def test_each_kind_of_mistake_is_reported(rule, problem):
    problems = rule_problems(rule)

    assert len(problems) == 1
    assert problems[0].startswith(problem)


def test_every_problem_is_reported_with_where_it_is():
    rule = {"any": [{"stage": ["X"]}, {"not": {"area": "payments", "below": "low"}}]}

    assert rule_problems(rule) == [
        "any[0].stage: 'X' is not a stage: use 'A', 'B', 'C', 'D', 'E', 'none'",
        "any[1].not.below: must be a score above 0 and at most 100, not 'low'",
    ]


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        (
            {"answer": "sales_chanels", "includes": "phone"},
            "answer: the instrument mydigitalsme-v1 has no item 'sales_chanels'",
        ),
        (
            {"answer": "sales_channels", "includes": "whatsapp"},
            "includes: the question 'sales_channels' has no answer 'whatsapp'",
        ),
        (
            {"answer": "sales_channels", "lacks_all": ["phone", "tiktok"]},
            "lacks_all[1]: the question 'sales_channels' has no answer 'tiktok'",
        ),
        (
            {"not": {"area": "payment", "below": 40}},
            "not.area: the instrument mydigitalsme-v1 has no area 'payment'",
        ),
        (
            {"dimension": "readines", "below": 40},
            "dimension: the instrument mydigitalsme-v1 has no dimension 'readines'",
        ),
        (
            {"answer": "internet_access", "below": 2},
            "'below' compares numbers, but 'internet_access' is a single-choice question",
        ),
        (
            {"answer": "sales_channels", "at_least": 2},
            "'at_least' compares numbers, but 'sales_channels' is a multi-choice question",
        ),
        (
            {"answer": "staff_with_smartphone", "includes": "three"},
            "'includes' tests chosen answers, but 'staff_with_smartphone' is a number question; "
            "use 'below' or 'at_least'",
        ),
        (
            {"answer": "sales_channels", "in": ["phone"]},
            "'in' tests a single-choice answer, but 'sales_channels' is a multi-choice question; "
            "use 'includes_any'",
        ),
    ],
)
def test_codes_and_kinds_are_checked_against_the_instrument(mydigitalsme, rule, problem):
    assert rule_problems(rule) == []
    assert rule_problems(rule, mydigitalsme) == [problem]


def test_readiness_areas_and_the_readiness_dimension_are_known(mydigitalsme):
    rule = {"any": [{"area": "connectivity", "below": 50}, {"dimension": "readiness", "below": 50}]}

    assert rule_problems(rule, mydigitalsme) == []


def test_profile_numbers_accept_whole_or_decimal_values():
    assert rule_problems({"profile": "years_trading", "in": [1, 2.5]}) == []
    assert rule_holds(
        {"profile": "years_trading", "in": [1, 2.5]},
        RuleFacts(profile=FirmProfile(years_trading=Decimal("2.5"))),
    )
