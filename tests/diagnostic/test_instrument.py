import copy
from pathlib import Path

import pytest
from django.utils import translation

from diagnostic.answers import clean_answers, exclusive_conflict
from diagnostic.instrument import (
    CANONICAL_ADDITIONS,
    CANONICAL_ITEMS,
    EXCLUSIVE_CODES,
    SCORED_DIMENSIONS,
    localized,
)
from diagnostic.instrument_file import InstrumentError, load_instrument_file, parse_instrument

pytestmark = pytest.mark.usefixtures("english")


INSTRUMENT_FILES = sorted(
    (Path(__file__).resolve().parents[2] / "diagnostic/instruments").glob("*.yaml")
)


def text(words: str) -> dict[str, str]:
    return {"en": words, "es": f"{words} (es)"}


def choice_item(code: str, kind: str, option_codes: tuple[str, ...]) -> dict:
    return {
        "code": code,
        "kind": kind,
        "weight": 1,
        "prompt": text(f"Question {code}"),
        "options": [
            {
                "code": option,
                "score": index % 5,
                "label": text(option.replace("_", " ").capitalize()),
                **({"exclusive": True} if kind == "multi" and option in EXCLUSIVE_CODES else {}),
            }
            for index, option in enumerate(option_codes)
        ],
    }


def number_item() -> dict:
    return {
        "code": "employees_online",
        "kind": "number",
        "weight": 1,
        "prompt": text("How many people work online?"),
        "min": 0,
        "max": 500,
        "unit": text("people"),
        "bands": [[0, 0], [1, 2], [6, 4]],
    }


def valid_definition() -> dict:
    """The smallest definition that parses: the canonical items and the four dimensions."""
    canonical = [choice_item(code, kind, opts) for code, (kind, opts) in CANONICAL_ITEMS.items()]
    dimensions = [
        {
            "code": "readiness",
            "scored": False,
            "weight": 1,
            "name": text("Readiness"),
            "intro": text("The basics first."),
            "areas": [
                {
                    "code": "connectivity",
                    "weight": 1,
                    "name": text("Connectivity"),
                    "items": [*canonical, number_item()],
                },
            ],
        }
    ]
    for dimension, areas in SCORED_DIMENSIONS.items():
        dimensions.append(
            {
                "code": dimension,
                "weight": 1,
                "name": text(dimension),
                "areas": [
                    {
                        "code": area,
                        "weight": 1,
                        "name": text(area),
                        "items": [choice_item(f"{area}_use", "single", ("no", "some", "yes"))],
                    }
                    for area in areas
                ],
            }
        )
    return {"code": "test-v1", "name": text("Test instrument"), "dimensions": dimensions}


@pytest.fixture(scope="module")
def instrument():
    return parse_instrument(valid_definition())


def problems_of(definition: dict) -> list[str]:
    with pytest.raises(InstrumentError) as caught:
        parse_instrument(definition)
    return caught.value.problems


def find(definition: dict, item_code: str) -> dict:
    for dimension in definition["dimensions"]:
        for area in dimension["areas"]:
            for item in area["items"]:
                if item["code"] == item_code:
                    return item
    raise KeyError(item_code)


# --- Parsing ----------------------------------------------------------------------------------


def test_valid_definition_parses_into_items_in_questionnaire_order(instrument):
    assert list(instrument.items)[:2] == ["internet_access", "online_presence"]
    assert instrument.items["sales_channels"].area == "connectivity"
    assert instrument.items["sales_channels"].dimension == "readiness"
    assert instrument.dimension("readiness").scored is False
    assert instrument.dimension("culture").scored is True
    assert instrument.area("payments").items[0].code == "payments_use"
    assert instrument.items["employees_online"].bands == ((0, 0), (1, 2), (6, 4))


def test_item_options_are_looked_up_by_code(instrument):
    item = instrument.items["payments_accepted"]

    assert item.option_codes == CANONICAL_ITEMS["payments_accepted"][1]
    assert item.option("cash_only").exclusive is True
    with pytest.raises(KeyError):
        item.option("gold_bars")


def test_parse_reports_every_problem_at_once():
    definition = valid_definition()
    del definition["name"]
    internet = find(definition, "internet_access")
    internet["options"][0]["score"] = 5
    internet["options"][1]["exclusive"] = True
    internet["weight"] = 0
    online_share = find(definition, "online_sales_share")
    online_share["options"].pop()
    online_share["kind"] = "multi"
    find(definition, "employees_online").update(min=10, max=5, bands=[[0, 1], [0, 2]])
    find(definition, "branding_use")["prompt"] = {"en": "Only English"}
    find(definition, "analytics_use")["code"] = "branding_use"
    find(definition, "cloud_use")["kind"] = "slider"
    find(definition, "e_learning_use")["colour"] = "blue"
    definition["dimensions"][-1]["areas"].pop()
    definition["dimensions"][1]["scored"] = False

    problems = "\n".join(problems_of(definition))

    for expected in [
        "'name' is missing",
        "score must be an integer from 0 to 4",
        "only options of a multi-choice item can be exclusive",
        "weight must be a number above 0",
        "item 'online_sales_share': must be single, not multi",
        "item 'online_sales_share': options missing: over_50",
        "min (10) must be less than max (5)",
        "thresholds must be in strictly ascending order",
        "the 'es' text is missing",
        "item code 'branding_use' is used more than once",
        "kind must be one of single, multi, number, not 'slider'",
        "unknown key 'colour'",
        "dimension 'culture': areas missing: cultural_transformation",
        "dimension 'marketing': must be scored",
    ]:
        assert expected in problems


def test_missing_canonical_items_and_dimensions_are_reported():
    definition = valid_definition()
    definition["dimensions"] = definition["dimensions"][1:]

    problems = problems_of(definition)

    for code in CANONICAL_ITEMS:
        assert f"canonical item {code!r} is missing" in problems


def test_canonical_exclusive_options_must_be_marked_exclusive():
    definition = valid_definition()
    del find(definition, "sales_channels")["options"][0]["exclusive"]

    assert any("option 'in_person_only' must be exclusive" in p for p in problems_of(definition))


def test_number_item_bands_must_start_at_min():
    definition = valid_definition()
    find(definition, "employees_online")["bands"] = [[1, 0], [6, 4]]

    assert any("the first band must start at min (0)" in p for p in problems_of(definition))


def test_breadth_rule_only_on_multi_choice_items_and_starting_at_zero():
    definition = valid_definition()
    find(definition, "business_software")["breadth"] = [[1, 1], [3, 4]]
    find(definition, "internet_access")["breadth"] = [[0, 0]]

    problems = "\n".join(problems_of(definition))

    assert "the breadth rule must start at a count of 0" in problems
    assert "internet_access: unknown key 'breadth'" in problems


def test_yaml_booleans_as_codes_get_a_hint_to_quote_them():
    definition = valid_definition()
    find(definition, "cross_border_sales")["options"][0]["code"] = False

    assert any("quote it" in p for p in problems_of(definition))


def test_empty_texts_are_refused():
    definition = valid_definition()
    find(definition, "online_presence")["options"][1]["label"] = {"en": "", "es": " "}

    assert any("text must be non-empty" in p for p in problems_of(definition))


def test_load_instrument_file_refuses_a_file_without_a_mapping(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")

    with pytest.raises(InstrumentError):
        load_instrument_file(path)


def test_every_shipped_instrument_is_there():
    assert [path.stem for path in INSTRUMENT_FILES] == [
        "mydigitalsme-v1",
        "mydigitalsme-v2",
        "mydigitalsme-v3",
    ]


@pytest.mark.parametrize("path", INSTRUMENT_FILES, ids=lambda path: path.stem)
def test_real_instrument_parses_with_the_canonical_items(path):
    instrument = parse_instrument(load_instrument_file(path))

    assert instrument.code == path.stem
    for code, (kind, option_codes) in CANONICAL_ITEMS.items():
        assert instrument.items[code].kind == kind
        added = set(CANONICAL_ADDITIONS.get(code, ()))
        assert set(option_codes) <= set(instrument.items[code].option_codes)
        assert set(instrument.items[code].option_codes) <= set(option_codes) | added
    for code, areas in SCORED_DIMENSIONS.items():
        assert {area.code for area in instrument.dimension(code).areas} == set(areas)
    # Every option of the real instrument is a valid answer on its own.
    for item in instrument.items.values():
        for option in item.options:
            answer = option.code if item.kind == "single" else [option.code]
            assert clean_answers(instrument, {item.code: answer}, "es")[1] == []


# --- Texts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "language", "expected"),
    [
        ({"en": "Yes", "es": "Sí"}, "es", "Sí"),
        ({"en": "Yes", "es": "Sí"}, "es-mx", "Sí"),
        ({"en": "Yes", "es": "Sí"}, "es_MX", "Sí"),
        ({"en": "Yes", "es": "Sí"}, "pt", "Yes"),
        ({"es": "Sí"}, "pt", "Sí"),
        ({"en": "Yes", "es-mx": "Simón"}, "es-mx", "Simón"),
        (None, "es", ""),
        ({}, "es", ""),
    ],
)
def test_localized_falls_back_to_base_language_then_english_then_any(texts, language, expected):
    assert localized(texts, language) == expected


# --- Answers ----------------------------------------------------------------------------------


def test_clean_answers_keeps_valid_answers_in_instrument_order(instrument):
    cleaned, problems = clean_answers(
        instrument,
        {
            "sales_channels": ["social_media", "phone", "social_media"],
            "internet_access": " mobile_reliable ",
            "employees_online": "2.5",
            "branding_use": "",
            "analytics_use": None,
            "business_software": [],
        },
        "en",
    )

    assert problems == []
    assert cleaned == {
        "internet_access": "mobile_reliable",
        "sales_channels": ("phone", "social_media"),
        "employees_online": 2.5,
    }
    assert list(cleaned) == ["internet_access", "sales_channels", "employees_online"]


@pytest.mark.parametrize("value", [3, 3.0, "3"])
def test_whole_numbers_are_stored_as_int(instrument, value):
    cleaned, _ = clean_answers(instrument, {"employees_online": value}, "en")

    assert cleaned["employees_online"] == 3
    assert isinstance(cleaned["employees_online"], int)


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ({"favourite_colour": "blue"}, "unknown_item", "There is no question with the code"),
        (
            {"internet_access": "satellite"},
            "unknown_option",
            "“satellite” is not an answer to the question “internet_access”.",
        ),
        (
            {"sales_channels": ["phone", "carrier_pigeon"]},
            "unknown_option",
            "“carrier_pigeon” is not an answer",
        ),
        ({"internet_access": ["none"]}, "several_for_single", "Choose only one answer"),
        ({"sales_channels": "phone"}, "not_a_list", "takes a list of answers"),
        (
            {"payments_accepted": ["cash_only", "card_terminal"]},
            "exclusive_conflict",
            "“Cash only” can’t be combined with other answers.",
        ),
        ({"employees_online": "three"}, "not_a_number", "Enter a number"),
        ({"employees_online": "2,5"}, "not_a_number", "Enter a number"),
        ({"employees_online": True}, "not_a_number", "Enter a number"),
        ({"employees_online": float("nan")}, "not_a_number", "Enter a number"),
        ({"employees_online": 501}, "out_of_range", "Enter a number from 0 to 500."),
        ({"employees_online": -1}, "out_of_range", "Enter a number from 0 to 500."),
    ],
)
def test_clean_answers_reports_each_kind_of_bad_input(instrument, raw, code, message):
    cleaned, problems = clean_answers(instrument, raw, "en")

    assert cleaned == {}
    assert len(problems) == 1
    assert problems[0].item_code == next(iter(raw))
    assert problems[0].code == code
    assert message in problems[0].message


def test_clean_answers_reports_all_problems_and_keeps_the_valid_answers(instrument):
    cleaned, problems = clean_answers(
        instrument,
        {"nope": 1, "internet_access": "none", "sales_channels": "phone", "employees_online": -5},
        "en",
    )

    assert cleaned == {"internet_access": "none"}
    assert [p.item_code for p in problems] == ["sales_channels", "employees_online", "nope"]


def test_exclusive_conflict_names_the_option_in_the_given_language(instrument):
    with translation.override("en"):
        _, problems = clean_answers(
            instrument, {"business_software": ["none", "crm"]}, language="es"
        )

    assert "“None (es)”" in problems[0].message


def test_exclusive_conflict_finds_the_exclusive_option_chosen_with_others(instrument):
    item = instrument.items["sales_channels"]

    assert exclusive_conflict(item, ["in_person_only", "phone"]).code == "in_person_only"
    assert exclusive_conflict(item, ["in_person_only"]) is None
    assert exclusive_conflict(item, ["in_person_only", "in_person_only"]) is None
    assert exclusive_conflict(item, ["phone", "social_media"]) is None


def test_definition_is_not_changed_by_parsing():
    definition = valid_definition()
    before = copy.deepcopy(definition)

    parse_instrument(definition)

    assert definition == before
