"""The diagnostic instrument: a versioned, bilingual question bank, and the rules for answers.

An instrument is read from YAML (``diagnostic/instruments/``), checked in full by
:func:`parse_instrument` and held in frozen dataclasses. :func:`clean_answers` is the one
place where raw answers (web forms, the ``diagnose`` command, imports) are checked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from django.utils.translation import get_language, gettext

ItemKind = Literal["single", "multi", "number"]
KINDS: tuple[ItemKind, ...] = ("single", "multi", "number")

# Every text of an instrument must exist in each of these languages.
LANGUAGES: tuple[str, ...] = ("en", "es")
MIN_SCORE = 0
MAX_SCORE = 4

# DESIGN 2.4: fixed across instrument versions; stage rules, imports and exports rely on them.
CANONICAL_ITEMS: dict[str, tuple[ItemKind, tuple[str, ...]]] = {
    "internet_access": (
        "single",
        ("none", "mobile_unreliable", "mobile_reliable", "fixed_broadband"),
    ),
    "online_presence": (
        "multi",
        ("none", "social_profile", "messaging_business", "website", "maps_listing"),
    ),
    "sales_channels": (
        "multi",
        (
            "in_person_only",
            "phone",
            "messaging_apps",
            "social_media",
            "own_online_store",
            "local_marketplace_or_app",
            "national_marketplace",
            "global_marketplace",
        ),
    ),
    "payments_accepted": (
        "multi",
        (
            "cash_only",
            "bank_transfer",
            "card_terminal",
            "mobile_wallet",
            "online_gateway",
            "cross_border",
        ),
    ),
    "business_software": (
        "multi",
        ("none", "accounting", "inventory", "erp", "crm", "e_invoicing", "cloud_storage"),
    ),
    "online_sales_share": ("single", ("none", "under_10", "10_to_25", "25_to_50", "over_50")),
    "cross_border_sales": ("single", ("no", "occasional", "regular")),
}
# Codes a later version may add to a canonical item (DESIGN 2.4, version 2).
CANONICAL_ADDITIONS: dict[str, tuple[str, ...]] = {
    "sales_channels": ("b2b_online", "public_procurement"),
    "cross_border_sales": ("not_applicable",),
}

# In a multi-choice item these options exclude every other one (DESIGN 2.4).
EXCLUSIVE_CODES: frozenset[str] = frozenset({"none", "in_person_only", "cash_only"})

# DESIGN 2.1: the four scored dimensions (My Digital SME) and their areas.
SCORED_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "marketing": ("social_networks", "branding", "analytics", "digital_strategy"),
    "ecommerce": ("online_store", "marketplace", "omnichannel", "payments"),
    "operations": ("e_invoicing", "cloud", "inventory", "logistics"),
    "culture": ("e_learning", "cultural_transformation"),
}

# Codes travel in URLs, CSV headers and `|`-separated CSV cells.
_CODE = re.compile(r"[a-z0-9][a-z0-9_]*")
_INSTRUMENT_CODE = re.compile(r"[a-z0-9][a-z0-9_-]*")
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")

Texts = dict[str, str]
Answer = str | tuple[str, ...] | int | float
Answers = dict[str, Answer]


@dataclass(frozen=True, kw_only=True)
class Option:
    """One answer of a choice item; a score of None means "not applicable" or "don't know"."""

    code: str
    label: Texts
    score: int | None
    exclusive: bool = False


@dataclass(frozen=True, kw_only=True)
class Item:
    """One question, belonging to one area of one dimension."""

    code: str
    kind: ItemKind
    weight: float
    prompt: Texts
    area: str
    dimension: str
    help: Texts = field(default_factory=dict)
    options: tuple[Option, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    unit: Texts | None = None
    bands: tuple[tuple[float, int], ...] = ()
    breadth: tuple[tuple[int, int], ...] = ()
    # An unscored item (what holds the owner back) informs the consultant and the programme
    # and never counts in a score: none of its options has one.
    scored: bool = True
    # A number item that counts people or hours: the answer is divided by the people working
    # in the business, and its bands are per person (a one-person firm can score 4).
    per_person: bool = False

    @property
    def option_codes(self) -> tuple[str, ...]:
        return tuple(option.code for option in self.options)

    def option(self, code: str) -> Option:
        """The option with this code; KeyError if the item has none."""
        for option in self.options:
            if option.code == code:
                return option
        raise KeyError(f"item {self.code!r} has no option {code!r}")


@dataclass(frozen=True, kw_only=True)
class Area:
    code: str
    name: Texts
    weight: float
    items: tuple[Item, ...]


@dataclass(frozen=True, kw_only=True)
class Dimension:
    """A group of areas; an unscored dimension (readiness) never counts in the overall score."""

    code: str
    name: Texts
    weight: float
    areas: tuple[Area, ...]
    intro: Texts = field(default_factory=dict)
    scored: bool = True

    def iter_items(self) -> Iterator[Item]:
        for area in self.areas:
            yield from area.items


@dataclass(frozen=True, kw_only=True)
class Instrument:
    code: str
    name: Texts
    dimensions: tuple[Dimension, ...]

    @cached_property
    def items(self) -> dict[str, Item]:
        """Every item by code, in questionnaire order."""
        return {item.code: item for dimension in self.dimensions for item in dimension.iter_items()}

    def dimension(self, code: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.code == code:
                return dimension
        raise KeyError(f"instrument {self.code!r} has no dimension {code!r}")

    def area(self, code: str) -> Area:
        for dimension in self.dimensions:
            for area in dimension.areas:
                if area.code == code:
                    return area
        raise KeyError(f"instrument {self.code!r} has no area {code!r}")


def localized(texts: Mapping[str, str] | None, language: str) -> str:
    """The text in `language`, else its base language ("es-mx" → "es"), else English, else any."""
    if not texts:
        return ""
    language = language.lower().replace("_", "-")
    for candidate in (language, language.split("-")[0], "en"):
        if texts.get(candidate):
            return texts[candidate]
    return next(iter(texts.values()))


class InstrumentError(ValueError):
    """An instrument definition with problems; `problems` lists every one of them."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid instrument:\n" + "\n".join(f"- {p}" for p in problems))


def combined(instruments: Sequence[Instrument]) -> Instrument:
    """Every dimension, area and item of these versions, oldest first, a later version's
    definition winning: the codes that something written for all of them (the recommendation
    catalogue) may name. A code only an older version has stays, as it may still be answered."""
    dimensions: dict[str, dict[str, Any]] = {}
    for instrument in instruments:
        for dimension in instrument.dimensions:
            merged = dimensions.setdefault(dimension.code, {"dimension": dimension, "areas": {}})
            merged["dimension"] = dimension
            for area in dimension.areas:
                held = merged["areas"].setdefault(area.code, {"area": area, "items": {}})
                held["area"] = area
                held["items"].update((item.code, item) for item in area.items)
    return Instrument(
        code="+".join(instrument.code for instrument in instruments),
        name={},
        dimensions=tuple(
            replace(
                merged["dimension"],
                areas=tuple(
                    replace(held["area"], items=tuple(held["items"].values()))
                    for held in merged["areas"].values()
                ),
            )
            for merged in dimensions.values()
        ),
    )


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
            if not _is_number(value):
                self.problem(where, f"{key} must be a number, not {value!r}")
        bands = self.bands(data.get("bands"), f"{where}.bands", integer=False)
        if _is_number(minimum) and _is_number(maximum):
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
                else _is_number(threshold)
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
        if _is_number(weight) and weight > 0:
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


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_score(value: Any) -> bool:
    return (
        isinstance(value, int) and not isinstance(value, bool) and MIN_SCORE <= value <= MAX_SCORE
    )


# --- Answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerProblem:
    """Why one answer was refused; `code` is stable, `message` is translated."""

    item_code: str
    code: str
    message: str


def exclusive_conflict(item: Item, codes: Iterable[str]) -> Option | None:
    """The exclusive option chosen together with other options, if any."""
    chosen = set(codes)
    if len(chosen) < 2:
        return None
    for option in item.options:
        if option.exclusive and option.code in chosen:
            return option
    return None


def clean_answers(
    instrument: Instrument, raw: Mapping[str, Any], language: str | None = None
) -> tuple[Answers, list[AnswerProblem]]:
    """Check raw answers; return the valid ones, in instrument order, and every problem.

    Single: an option code; multi: a list of option codes; number: a number, or a string
    with "." as decimal mark. Unanswered (None, "", []) is left out. Option labels in
    messages are in `language` (default: the active language), like the messages themselves.
    """
    language = language or get_language() or "en"
    cleaned: Answers = {}
    problems: list[AnswerProblem] = []
    for item in instrument.items.values():
        value = raw.get(item.code)
        if _is_unanswered(value):
            continue
        answer, problem = _clean_answer(item, value, language)
        if problem:
            problems.append(AnswerProblem(item.code, *problem))
        else:
            cleaned[item.code] = answer
    for code in raw:
        if code not in instrument.items:
            message = gettext("There is no question with the code “%(item)s”.") % {"item": code}
            problems.append(AnswerProblem(str(code), "unknown_item", message))
    return cleaned, problems


def _is_unanswered(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple) and not value


def _clean_answer(item: Item, value: Any, language: str) -> tuple[Answer, tuple[str, str] | None]:
    if item.kind == "number":
        return _clean_number(item, value)
    if item.kind == "single":
        if isinstance(value, list | tuple):
            message = gettext("Choose only one answer to the question “%(item)s”.")
            return "", ("several_for_single", message % {"item": item.code})
        return _clean_codes(item, [value], language)
    if not isinstance(value, list | tuple):
        message = gettext(
            "The question “%(item)s” takes a list of answers, even when only one is chosen."
        )
        return (), ("not_a_list", message % {"item": item.code})
    return _clean_codes(item, value, language)


def _clean_codes(
    item: Item, values: Iterable[Any], language: str
) -> tuple[Answer, tuple[str, str] | None]:
    chosen: set[str] = set()
    for value in values:
        code = value.strip() if isinstance(value, str) else value
        if code not in item.option_codes:
            message = gettext("“%(option)s” is not an answer to the question “%(item)s”.")
            return "", ("unknown_option", message % {"option": code, "item": item.code})
        chosen.add(code)
    conflict = exclusive_conflict(item, chosen)
    if conflict:
        message = gettext("“%(option)s” can’t be combined with other answers.")
        return "", ("exclusive_conflict", message % {"option": localized(conflict.label, language)})
    ordered = tuple(code for code in item.option_codes if code in chosen)
    return (ordered[0] if item.kind == "single" else ordered), None


def _clean_number(item: Item, value: Any) -> tuple[Answer, tuple[str, str] | None]:
    number: int | float | None = None
    if isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        number = float(value)
    elif _is_number(value):
        number = value
    if number is None:
        return 0, ("not_a_number", gettext("Enter a number, like 12 or 2.5."))
    assert item.minimum is not None and item.maximum is not None
    if not item.minimum <= number <= item.maximum:
        message = gettext("Enter a number from %(min)s to %(max)s.") % {
            "min": _plain_number(item.minimum),
            "max": _plain_number(item.maximum),
        }
        return 0, ("out_of_range", message)
    # Whole numbers are stored as int, so 3, 3.0 and "3" give the same stored answer.
    return (int(number) if float(number).is_integer() else number), None


def _plain_number(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)
