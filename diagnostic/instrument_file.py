"""Instrument files: the YAML definition read and checked in full before anything uses it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from .instrument import (
    CANONICAL_ADDITIONS,
    CANONICAL_ITEMS,
    EXCLUSIVE_CODES,
    KINDS,
    LANGUAGES,
    MAX_SCORE,
    MIN_SCORE,
    SCORED_DIMENSIONS,
    Area,
    Dimension,
    Instrument,
    Item,
    Option,
    Texts,
    is_finite_number,
)

# Codes travel in URLs, CSV headers and `|`-separated CSV cells.
_CODE = re.compile(r"[a-z0-9][a-z0-9_]*")
_INSTRUMENT_CODE = re.compile(r"[a-z0-9][a-z0-9_-]*")


class InstrumentError(ValueError):
    """An instrument definition with problems; `problems` lists every one of them."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid instrument:\n" + "\n".join(f"- {p}" for p in problems))


def load_instrument_file(path: str | Path) -> dict[str, Any]:
    """The raw instrument definition stored as YAML at `path`."""
    with open(path, encoding="utf-8") as stream:
        data = yaml.safe_load(stream)
    if not isinstance(data, dict):
        raise InstrumentError([f"{path}: the file must hold a mapping at the top level"])
    return data


def parse_instrument(
    data: Mapping[str, Any], *, languages: Iterable[str] = LANGUAGES
) -> Instrument:
    """Check a raw definition in full and build it; InstrumentError lists every problem."""
    parser = _Parser(tuple(languages))
    instrument = parser.instrument(data)
    if parser.problems:
        raise InstrumentError(parser.problems)
    return instrument


class _Parser:
    """Builds the dataclasses leniently while collecting every problem found on the way."""

    def __init__(self, languages: tuple[str, ...]) -> None:
        self.languages = languages
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}" if where else message)

    def instrument(self, data: Mapping[str, Any]) -> Instrument:
        if not isinstance(data, Mapping):
            self.problem("", "the instrument must be a mapping")
            return Instrument(code="", name={}, dimensions=())
        self.keys(data, "", required={"code", "name", "dimensions"}, optional=set())
        code = data.get("code")
        if not (isinstance(code, str) and _INSTRUMENT_CODE.fullmatch(code)):
            self.problem("code", f"must be lowercase letters, digits, '-' or '_', not {code!r}")
            code = ""
        dimensions = tuple(
            self.dimension(raw, f"dimensions[{i}]")
            for i, raw in enumerate(self.sequence(data.get("dimensions"), "dimensions"))
        )
        instrument = Instrument(
            code=code, name=self.texts(data.get("name"), "name"), dimensions=dimensions
        )
        self.check_unique(instrument)
        self.check_dimensions(instrument)
        self.check_canonical_items(instrument)
        return instrument

    def dimension(self, data: Any, where: str) -> Dimension:
        if not self.mapping(data, where):
            return Dimension(code="", name={}, weight=1, areas=())
        self.keys(
            data, where, required={"code", "name", "weight", "areas"}, optional={"intro", "scored"}
        )
        code = self.code(data.get("code"), where)
        where = f"{where}={code}"
        scored = data.get("scored", True)
        if not isinstance(scored, bool):
            self.problem(where, f"scored must be true or false, not {scored!r}")
        areas = tuple(
            self.area(raw, f"{where}.areas[{i}]", dimension=code)
            for i, raw in enumerate(self.sequence(data.get("areas"), f"{where}.areas"))
        )
        if "areas" in data and not areas:
            self.problem(where, "needs at least one area")
        return Dimension(
            code=code,
            name=self.texts(data.get("name"), f"{where}.name"),
            intro=self.optional_texts(data.get("intro"), f"{where}.intro") or {},
            weight=self.weight(data.get("weight"), where),
            scored=scored is not False,
            areas=areas,
        )

    def area(self, data: Any, where: str, *, dimension: str) -> Area:
        if not self.mapping(data, where):
            return Area(code="", name={}, weight=1, items=())
        self.keys(data, where, required={"code", "name", "weight", "items"}, optional=set())
        code = self.code(data.get("code"), where)
        where = f"{where}={code}"
        items = tuple(
            self.item(raw, f"{where}.items[{i}]", area=code, dimension=dimension)
            for i, raw in enumerate(self.sequence(data.get("items"), f"{where}.items"))
        )
        if "items" in data and not items:
            self.problem(where, "needs at least one item")
        return Area(
            code=code,
            name=self.texts(data.get("name"), f"{where}.name"),
            weight=self.weight(data.get("weight"), where),
            items=items,
        )

    def item(self, data: Any, where: str, *, area: str, dimension: str) -> Item:
        if not self.mapping(data, where):
            return Item(code="", kind="single", weight=1, prompt={}, area=area, dimension=dimension)
        code = self.code(data.get("code"), where)
        where = f"{where}={code}"
        kind = data.get("kind")
        if kind not in KINDS:
            self.problem(where, f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
            kind = "single"
        if kind == "number":
            self.keys(
                data,
                where,
                required={"code", "kind", "weight", "prompt", "min", "max", "bands"},
                optional={"help", "unit", "per_person"},
            )
        else:
            optional = {"help", "scored", "breadth"} if kind == "multi" else {"help", "scored"}
            self.keys(
                data,
                where,
                required={"code", "kind", "weight", "prompt", "options"},
                optional=optional,
            )
        options = tuple(
            self.option(raw, f"{where}.options[{i}]", kind=kind)
            for i, raw in enumerate(
                self.sequence(data.get("options"), f"{where}.options") if kind != "number" else ()
            )
        )
        item = Item(
            code=code,
            kind=kind,
            weight=self.weight(data.get("weight"), where),
            prompt=self.texts(data.get("prompt"), f"{where}.prompt"),
            help=self.optional_texts(data.get("help"), f"{where}.help") or {},
            options=options,
            area=area,
            dimension=dimension,
            scored=self.flag(data.get("scored", True), f"{where}.scored"),
        )
        if kind == "number":
            return self.number_item(item, data, where)
        self.check_options(item, where)
        if kind == "multi" and "breadth" in data:
            breadth = self.bands(data["breadth"], f"{where}.breadth", integer=True)
            item = replace(item, breadth=tuple((int(t), s) for t, s in breadth))
            self.check_breadth(item, where)
        return item

    def number_item(self, item: Item, data: Mapping[str, Any], where: str) -> Item:
        minimum: Any = data.get("min")
        maximum: Any = data.get("max")
        for key, value in (("min", minimum), ("max", maximum)):
            if not is_finite_number(value):
                self.problem(where, f"{key} must be a number, not {value!r}")
        bands = self.bands(data.get("bands"), f"{where}.bands", integer=False)
        if is_finite_number(minimum) and is_finite_number(maximum):
            if minimum >= maximum:
                self.problem(where, f"min ({minimum}) must be less than max ({maximum})")
            if bands and bands[0][0] != minimum:
                self.problem(where, f"the first band must start at min ({minimum})")
            if bands and bands[-1][0] > maximum and not data.get("per_person"):
                self.problem(where, f"the last band starts above max ({maximum})")
        else:
            minimum, maximum = 0, 1
        return replace(
            item,
            minimum=minimum,
            maximum=maximum,
            unit=self.optional_texts(data.get("unit"), f"{where}.unit"),
            bands=bands,
            per_person=self.flag(data.get("per_person", False), f"{where}.per_person"),
        )

    def option(self, data: Any, where: str, *, kind: str) -> Option:
        if not self.mapping(data, where):
            return Option(code="", label={}, score=None)
        self.keys(data, where, required={"code", "label", "score"}, optional={"exclusive"})
        code = self.code(data.get("code"), where)
        where = f"{where}={code}"
        score = data.get("score")
        if score is not None and not _is_score(score):
            self.problem(where, f"score must be an integer from 0 to 4, or null; not {score!r}")
            score = None
        exclusive = data.get("exclusive", False)
        if not isinstance(exclusive, bool):
            self.problem(where, f"exclusive must be true or false, not {exclusive!r}")
            exclusive = False
        if exclusive and kind != "multi":
            self.problem(where, "only options of a multi-choice item can be exclusive")
        if kind == "multi" and code in EXCLUSIVE_CODES and not exclusive:
            self.problem(where, f"option {code!r} must be exclusive: true")
        return Option(
            code=code,
            label=self.texts(data.get("label"), f"{where}.label"),
            score=score,
            exclusive=exclusive,
        )

    def flag(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            self.problem(where, f"must be true or false, not {value!r}")
        return value is not False

    def check_options(self, item: Item, where: str) -> None:
        if len(item.options) < 2:
            self.problem(where, "a choice item needs at least two options")
        scores = [option.score for option in item.options if option.score is not None]
        if item.scored and item.options and not scores:
            self.problem(where, "at least one option must have a score")
        if not item.scored and scores:
            self.problem(where, "an unscored item's options take score: null")
        self.duplicates(item.option_codes, f"{where}: option")

    def check_breadth(self, item: Item, where: str) -> None:
        if item.breadth and item.breadth[0][0] != 0:
            self.problem(where, "the breadth rule must start at a count of 0")
        countable = sum(1 for o in item.options if o.score is not None and not o.exclusive)
        if item.breadth and item.breadth[-1][0] > countable:
            self.problem(
                where,
                f"the breadth rule's last count ({item.breadth[-1][0]}) is more than the "
                f"{countable} options that can be counted",
            )

    def bands(self, data: Any, where: str, *, integer: bool) -> tuple[tuple[float, int], ...]:
        pairs = []
        for i, pair in enumerate(self.sequence(data, where)):
            if not (isinstance(pair, list | tuple) and len(pair) == 2):
                self.problem(f"{where}[{i}]", f"must be a pair [threshold, score], not {pair!r}")
                continue
            threshold, score = pair
            valid_threshold = (
                isinstance(threshold, int) and not isinstance(threshold, bool) and threshold >= 0
                if integer
                else is_finite_number(threshold)
            )
            if not valid_threshold:
                expected = "a whole number of 0 or more" if integer else "a number"
                self.problem(f"{where}[{i}]", f"threshold must be {expected}, not {threshold!r}")
            if not _is_score(score):
                self.problem(
                    f"{where}[{i}]", f"score must be an integer from 0 to 4, not {score!r}"
                )
            if valid_threshold and _is_score(score):
                pairs.append((threshold, score))
        if not pairs and data is not None:
            self.problem(where, "needs at least one [threshold, score] pair")
        thresholds = [threshold for threshold, _ in pairs]
        if any(a >= b for a, b in zip(thresholds, thresholds[1:], strict=False)):
            self.problem(where, "thresholds must be in strictly ascending order")
        return tuple(pairs)

    def check_unique(self, instrument: Instrument) -> None:
        self.duplicates([d.code for d in instrument.dimensions], "dimension")
        self.duplicates([a.code for d in instrument.dimensions for a in d.areas], "area")
        self.duplicates([i.code for d in instrument.dimensions for i in d.iter_items()], "item")

    def check_dimensions(self, instrument: Instrument) -> None:
        dimensions = {d.code: d for d in instrument.dimensions}
        for code, area_codes in SCORED_DIMENSIONS.items():
            dimension = dimensions.get(code)
            if dimension is None:
                self.problem("", f"dimension {code!r} is missing")
                continue
            if not dimension.scored:
                self.problem(f"dimension {code!r}", "must be scored")
            self.same_codes(
                f"dimension {code!r}", "area", area_codes, [a.code for a in dimension.areas]
            )

    def check_canonical_items(self, instrument: Instrument) -> None:
        for code, (kind, option_codes) in CANONICAL_ITEMS.items():
            item = instrument.items.get(code)
            if item is None:
                self.problem("", f"canonical item {code!r} is missing")
                continue
            if item.kind != kind:
                self.problem(f"item {code!r}", f"must be {kind}, not {item.kind}")
            added = [c for c in CANONICAL_ADDITIONS.get(code, ()) if c in item.option_codes]
            self.same_codes(f"item {code!r}", "option", [*option_codes, *added], item.option_codes)

    def same_codes(
        self, where: str, what: str, expected: Iterable[str], actual: Iterable[str]
    ) -> None:
        actual = list(actual)
        missing = [code for code in expected if code not in actual]
        unexpected = [code for code in actual if code not in expected]
        if missing:
            self.problem(where, f"{what}s missing: {', '.join(missing)}")
        if unexpected:
            self.problem(where, f"unexpected {what}s: {', '.join(unexpected)}")

    def duplicates(self, codes: Iterable[str], what: str) -> None:
        seen: set[str] = set()
        for code in codes:
            if code and code in seen:
                self.problem("", f"{what} code {code!r} is used more than once")
            seen.add(code)

    def keys(
        self, data: Mapping[str, Any], where: str, *, required: set[str], optional: set[str]
    ) -> None:
        for key in sorted(required - data.keys()):
            self.problem(where, f"{key!r} is missing")
        for key in sorted(data.keys() - required - optional, key=str):
            self.problem(where, f"unknown key {key!r}")

    def mapping(self, data: Any, where: str) -> bool:
        if isinstance(data, Mapping):
            return True
        self.problem(where, f"must be a mapping, not {data!r}")
        return False

    def sequence(self, data: Any, where: str) -> list[Any]:
        if data is None:
            return []
        if isinstance(data, list):
            return data
        self.problem(where, f"must be a list, not {data!r}")
        return []

    def code(self, code: Any, where: str) -> str:
        if isinstance(code, str) and _CODE.fullmatch(code):
            return code
        hint = (
            " (quote it: YAML reads yes/no/on/off as true/false)" if isinstance(code, bool) else ""
        )
        self.problem(where, f"code must be lowercase letters, digits and '_', not {code!r}{hint}")
        return code if isinstance(code, str) else ""

    def weight(self, weight: Any, where: str) -> float:
        if is_finite_number(weight) and weight > 0:
            return weight
        self.problem(where, f"weight must be a number above 0, not {weight!r}")
        return 1

    def texts(self, data: Any, where: str) -> Texts:
        if not isinstance(data, Mapping) or not data:
            self.problem(where, f"must be a non-empty mapping of language to text, not {data!r}")
            return {}
        for language, text in data.items():
            if not (isinstance(text, str) and text.strip()):
                self.problem(where, f"the {language!r} text must be non-empty text, not {text!r}")
        for language in self.languages:
            if language not in data:
                self.problem(where, f"the {language!r} text is missing")
        return {str(language): text for language, text in data.items() if isinstance(text, str)}

    def optional_texts(self, data: Any, where: str) -> Texts | None:
        return None if data is None else self.texts(data, where)


def _is_score(value: Any) -> bool:
    return (
        isinstance(value, int) and not isinstance(value, bool) and MIN_SCORE <= value <= MAX_SCORE
    )
