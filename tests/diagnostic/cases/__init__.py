"""The scoring and stage cases as data: one table read by the Python tests of the rules
(tests/diagnostic/test_scoring.py, test_stages.py, test_stages_v2.py) and by the field app's
conformance suite (tests/field/test_rules_conformance.py), which runs each through the
client rules too.

``scoring.yaml`` holds small instruments and cases of ``score_answers``, ``item_score``,
``Score.of`` and ``level_for``; ``stages.yaml`` cases of ``place_stage``. An ``expect`` is
compared with the result's ``to_dict()`` by :func:`assert_matches`: a mapping names only
the keys it checks, a list or a value must be equal.
"""

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from diagnostic.instrument import Area, Dimension, Instrument, Item, Option
from diagnostic.instrument_file import load_instrument_file, parse_instrument
from diagnostic.services import INSTRUMENTS_DIR
from diagnostic.stages import StagePlacement, explain_stage

CASES_DIR = Path(__file__).resolve().parent
TEXT = {"en": "text", "es": "texto"}


@cache
def load_cases(name: str) -> dict[str, Any]:
    """The cases of `name` (scoring, stages). Callers must not change what they get."""
    with open(CASES_DIR / f"{name}.yaml", encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def case_id(case: dict[str, Any]) -> str:
    return case["name"]


@cache
def instrument_named(name: str) -> Instrument:
    """A small instrument of scoring.yaml, or a shipped version by its code."""
    if name.startswith("mydigitalsme-"):
        return parse_instrument(load_instrument_file(INSTRUMENTS_DIR / f"{name}.yaml"))
    return build_instrument(name, load_cases("scoring")["instruments"][name])


def build_instrument(code: str, definition: dict[str, Any]) -> Instrument:
    """An Instrument from a compact definition: dimensions of areas of items whose options
    are [code, score] pairs, `exclusive` naming the exclusive ones; texts are placeholders."""
    return Instrument(
        code=code,
        name=TEXT,
        dimensions=tuple(
            Dimension(
                code=dimension["code"],
                name=TEXT,
                weight=dimension["weight"],
                scored=dimension.get("scored", True),
                areas=tuple(
                    Area(
                        code=area["code"],
                        name=TEXT,
                        weight=area["weight"],
                        items=tuple(
                            _item(item, area=area["code"], dimension=dimension["code"])
                            for item in area["items"]
                        ),
                    )
                    for area in dimension["areas"]
                ),
            )
            for dimension in definition["dimensions"]
        ),
    )


def _item(data: dict[str, Any], *, area: str, dimension: str) -> Item:
    exclusive = set(data.get("exclusive", ()))
    return Item(
        code=data["code"],
        kind=data["kind"],
        weight=data.get("weight", 1),
        prompt=TEXT,
        area=area,
        dimension=dimension,
        options=tuple(
            Option(code=code, label=TEXT, score=score, exclusive=code in exclusive)
            for code, score in data.get("options", ())
        ),
        minimum=data.get("min"),
        maximum=data.get("max"),
        bands=tuple(tuple(pair) for pair in data.get("bands", ())),
        breadth=tuple(tuple(pair) for pair in data.get("breadth", ())),
        per_person=data.get("per_person", False),
    )


def cleaned(answers: dict[str, Any] | None) -> dict[str, Any]:
    """Answers as the server holds them: a list of codes is a tuple."""
    return {
        code: tuple(value) if isinstance(value, list) else value
        for code, value in (answers or {}).items()
    }


def assert_matches(actual: Any, expected: Any, where: str = "result") -> None:
    """`actual` has every key of the `expected` mappings, and equal lists and values."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected a mapping, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{where}: no {key!r} in {actual!r}"
            assert_matches(actual[key], value, f"{where}.{key}")
    else:
        assert type(actual) is type(expected) and actual == expected, (
            f"{where}: expected {expected!r}, got {actual!r}"
        )


def assert_explained(placement: StagePlacement, expected: dict) -> None:
    """The parts of explain_stage(placement) that a case's `explanation` names."""
    explanation = explain_stage(placement)
    for part in ("summary", "gaps", "next_steps", "missing_answers"):
        if part in expected:
            wanted = expected[part]
            got = getattr(explanation, part)
            assert (list(got) if isinstance(wanted, list) else got) == wanted, part
    for part in ("summary", "missing_answers"):
        for phrase in expected.get(f"{part}_contains", ()):
            assert phrase in getattr(explanation, part)
