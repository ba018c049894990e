"""The scoring and stage rules' data as one JSON-ready document, for the offline field app.

The field app's JavaScript (``static/field/rules/``) scores and places answers the way
``scoring.score_answers`` and ``stages.place_stage`` do. Everything those functions read —
the instrument's items, options, weights and bands, and the constant tables of the two
modules — comes from :func:`instrument_for_client`, so a change here reaches both; only the
logic is written twice, and ``tests/field/test_rules_conformance.py`` holds the two equal.

Weights and band thresholds travel as exact rationals, the strings ``"p"`` or ``"p/q"``: the
value the Python rules compute with, so the client never has to turn a float into a fraction.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from diagnostic import scoring, stages
from diagnostic.instrument import Area, Dimension, Instrument, Item, Option

# Bump when the document's shape changes, so an installed app can tell it cannot read it.
CLIENT_RULES_FORMAT = 1


def instrument_for_client(instrument: Instrument) -> dict[str, Any]:
    """What the client rules need to score and place answers to this instrument version.

    No texts: the client's results carry codes, as the stored results do.
    """
    return {
        "format": CLIENT_RULES_FORMAT,
        "instrument": instrument.code,
        "dimensions": [_dimension(dimension) for dimension in instrument.dimensions],
        "scoring": {
            "version": scoring.SCORING_VERSION,
            "scale": scoring.SCALE,
            "level_floors": [[floor, level] for floor, level in scoring.LEVEL_FLOORS],
            "unknown_options": sorted(scoring.UNKNOWN_OPTIONS),
        },
        "stages": {
            "rules": stages.stage_rules_for(instrument.code),
            "placement_items": list(stages.PLACEMENT_ITEMS),
            "a_software": sorted(stages.A_SOFTWARE),
            "a_software_needed": stages.A_SOFTWARE_NEEDED,
            "a_payments": sorted(stages.A_PAYMENTS),
            "b_payments": sorted(stages.B_PAYMENTS),
            "channel_facts": {stage: list(facts) for stage, facts in stages.CHANNEL_FACTS.items()},
            "v2_channels": {stage: list(facts) for stage, facts in stages.V2_CHANNELS.items()},
            "v2_a_software": sorted(stages.V2_A_SOFTWARE),
            "v2_abroad_through": list(stages.ABROAD_THROUGH),
            "v2_presence_facts": dict(stages.PRESENCE_FACTS),
        },
    }


def _dimension(dimension: Dimension) -> dict[str, Any]:
    return {
        "code": dimension.code,
        "weight": _exact(dimension.weight),
        "scored": dimension.scored,
        "areas": [_area(area) for area in dimension.areas],
    }


def _area(area: Area) -> dict[str, Any]:
    return {
        "code": area.code,
        "weight": _exact(area.weight),
        "items": [_item(item) for item in area.items],
    }


def _item(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": item.code,
        "kind": item.kind,
        "weight": _exact(item.weight),
        "scored": item.scored,
    }
    if item.kind == "number":
        data |= {
            "min": item.minimum,
            "max": item.maximum,
            "per_person": item.per_person,
            "bands": _bands(item.bands),
        }
    else:
        data["options"] = [_option(option) for option in item.options]
        if item.breadth:
            data["breadth"] = _bands(item.breadth)
    return data


def _option(option: Option) -> dict[str, Any]:
    return {"code": option.code, "score": option.score, "exclusive": option.exclusive}


def _bands(bands: tuple[tuple[float, int], ...] | tuple[tuple[int, int], ...]) -> list[list[Any]]:
    return [[_exact(threshold), score] for threshold, score in bands]


def _exact(number: float) -> str:
    """The exact value the scoring computes with (through ``str``: 0.1 is one tenth)."""
    value: Fraction = scoring.exactly(number)
    return str(value)
