"""The diagnostic instrument: a versioned, bilingual question bank, held in frozen dataclasses.

It is read from YAML (``diagnostic/instruments/``) and checked in full by
``instrument_file.parse_instrument``; ``answers.clean_answers`` checks the answers to it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

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


def is_finite_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
