"""The rules document of the offline field app; tests/field/test_rules_conformance.py checks
that the client rules reading it give the server's results."""

import json

from diagnostic.client_rules import instrument_for_client
from tests.diagnostic.cases import instrument_named


def keys_anywhere(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for child in value.values() for key in keys_anywhere(child)}
    if isinstance(value, list):
        return {key for child in value for key in keys_anywhere(child)}
    return set()


def test_the_document_is_plain_json_with_every_item_in_order_and_no_texts():
    instrument = instrument_named("mydigitalsme-v3")
    document = instrument_for_client(instrument)

    assert json.loads(json.dumps(document)) == document
    items = [
        item["code"]
        for dimension in document["dimensions"]
        for area in dimension["areas"]
        for item in area["items"]
    ]
    assert items == list(instrument.items)
    assert not keys_anywhere(document) & {"name", "prompt", "help", "label", "unit", "intro"}


def test_weights_and_thresholds_are_the_exact_rationals_the_scoring_uses():
    document = instrument_for_client(instrument_named("decimals"))

    [marketing, operations] = document["dimensions"]
    assert (marketing["weight"], operations["weight"]) == ("3/10", "7/10")
    [reach, listening] = marketing["areas"]
    assert reach["weight"] == "1/10"
    hours = listening["items"][1]
    assert hours["bands"] == [["0", 0], ["3/10", 1], ["7/10", 2], ["5/2", 3], ["71/10", 4]]
    assert (hours["min"], hours["max"], hours["per_person"]) == (0, 10, False)
    tools = operations["areas"][0]["items"][0]
    assert tools["breadth"] == [["0", 0], ["1", 2], ["3", 4]]
    assert tools["options"][0] == {"code": "none", "score": 0, "exclusive": True}


def test_each_version_carries_the_stage_rules_that_place_it():
    assert instrument_for_client(instrument_named("mydigitalsme-v1"))["stages"]["rules"] == "v1"
    assert instrument_for_client(instrument_named("mydigitalsme-v2"))["stages"]["rules"] == "v2"
    assert instrument_for_client(instrument_named("mydigitalsme-v3"))["stages"]["rules"] == "v2"
