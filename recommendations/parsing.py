"""Catalogue entries from plain data (YAML files, CSV rows), checked in full.

Each `parse_*` function returns the spec and every problem found, each naming where it is,
so a file with errors can be refused whole with all its problems listed at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from diagnostic.instrument import Instrument
from diagnostic.models import Sector, Settlement
from diagnostic.places import is_subdivision
from diagnostic.stages import CONDITION_CODES

from .catalogue import (
    CATEGORIES,
    COSTS,
    EFFORTS,
    HORIZONS,
    OWNERSHIP_RULES,
    PRICE_TIERS,
    PROGRAMME_KINDS,
    PROGRAMME_STATUSES,
    ActionSpec,
    Coverage,
    Criteria,
    Money,
    ProgrammeSpec,
    ProviderSpec,
    Texts,
)
from .rules import rule_problems

# The codes a catalogue entry may name, as the firm's profile records them.
SECTORS = tuple(Sector.values)
SETTLEMENTS = tuple(Settlement.values)
LANGUAGES = ("es", "en")


class Problems(list[str]):
    """Problems found while reading one entry, each prefixed with where it is."""

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def add(self, field: str, message: str) -> None:
        self.append(f"{self.where}, {field}: {message}")


def parse_action(
    data: Mapping[str, Any], where: str, instrument: Instrument | None = None
) -> tuple[ActionSpec | None, list[str]]:
    problems = Problems(where)
    _unknown_keys(
        data,
        {
            "code",
            "dimension",
            "area",
            "categories",
            "cost",
            "effort",
            "horizon",
            "addresses",
            "when",
            "providers",
            "title",
            "why",
            "steps",
        },
        problems,
    )
    code = _code(data.get("code"), "code", problems)
    dimension = str(data.get("dimension") or "")
    area = str(data.get("area") or "")
    if instrument is not None:
        try:
            if instrument.area(area).code not in {
                a.code for a in instrument.dimension(dimension).areas
            }:
                problems.add(
                    "area",
                    _("“%(area)s” is not an area of “%(dimension)s”")
                    % {"area": area, "dimension": dimension},
                )
        except KeyError:
            problems.add(
                "dimension/area",
                _("“%(dimension)s”/“%(area)s” is not in the instrument")
                % {"dimension": dimension, "area": area},
            )
    categories = _codes(data.get("categories"), "categories", CATEGORIES, problems, required=True)
    cost = _choice(data.get("cost"), "cost", COSTS, problems)
    effort = _choice(data.get("effort"), "effort", EFFORTS, problems)
    horizon = _choice(data.get("horizon"), "horizon", HORIZONS, problems)
    addresses = _codes(data.get("addresses"), "addresses", CONDITION_CODES, problems)
    providers = _codes(data.get("providers"), "providers", None, problems)
    when = data.get("when")
    if when is not None:
        problems.extend(f"{where}, when: {p}" for p in rule_problems(when, instrument))
    title = _texts(data.get("title"), "title", problems)
    why = _texts(data.get("why"), "why", problems)
    steps = _steps(data.get("steps"), problems)
    if problems:
        return None, problems
    return (
        ActionSpec(
            code=code,
            dimension=dimension,
            area=area,
            categories=categories,
            cost=cost,
            effort=effort,
            horizon=horizon,
            title=title,
            why=why,
            steps=steps,
            addresses=addresses,
            when=when,
            providers=providers,
        ),
        problems,
    )


def parse_programme(data: Mapping[str, Any], where: str) -> tuple[ProgrammeSpec | None, list[str]]:
    problems = Problems(where)
    _unknown_keys(
        data,
        {
            "code",
            "name",
            "organisation",
            "kind",
            "benefit",
            "description",
            "url",
            "contact",
            "coverage",
            "opens_on",
            "closes_on",
            "status",
            "checked_on",
            "sources",
            "categories",
            "criteria",
        },
        problems,
    )
    code = _code(data.get("code"), "code", problems)
    organisation = str(data.get("organisation") or "").strip()
    if not organisation:
        problems.add("organisation", _("it is required"))
    coverage = _coverage(data.get("coverage") or {}, problems)
    opens_on = _date(data.get("opens_on"), "opens_on", problems)
    closes_on = _date(data.get("closes_on"), "closes_on", problems)
    if opens_on and closes_on and closes_on < opens_on:
        problems.add("closes_on", _("it is before opens_on"))
    criteria = _criteria(data.get("criteria") or {}, problems)
    spec = ProgrammeSpec(
        code=code,
        name=_texts(data.get("name"), "name", problems),
        organisation=organisation,
        kind=_choice(data.get("kind"), "kind", PROGRAMME_KINDS, problems),
        benefit=_texts(data.get("benefit"), "benefit", problems),
        description=_texts(data.get("description"), "description", problems),
        url=_url(data.get("url"), problems),
        contact=str(data.get("contact") or "").strip(),
        coverage=coverage,
        opens_on=opens_on,
        closes_on=closes_on,
        status=_choice(data.get("status") or "unknown", "status", PROGRAMME_STATUSES, problems),
        checked_on=_date(data.get("checked_on"), "checked_on", problems),
        sources=_sources(data.get("sources"), problems),
        categories=_codes(
            data.get("categories"), "categories", CATEGORIES, problems, required=True
        ),
        criteria=criteria,
    )
    return (None if problems else spec), problems


def unknown_providers(actions: list[ActionSpec], providers: list[ProviderSpec]) -> list[str]:
    """Each action's provider that is not in the catalogue, or an invented example."""
    known = {provider.code: provider for provider in providers}
    return [
        _("action %(action)s: “%(provider)s” is not a provider of the catalogue")
        % {"action": action.code, "provider": code}
        for action in actions
        for code in action.providers
        if code not in known or known[code].is_example
    ]


def parse_provider(data: Mapping[str, Any], where: str) -> tuple[ProviderSpec | None, list[str]]:
    problems = Problems(where)
    _unknown_keys(
        data,
        {
            "code",
            "name",
            "categories",
            "description",
            "coverage",
            "languages",
            "price_tier",
            "url",
            "contact",
            "is_example",
        },
        problems,
    )
    name = str(data.get("name") or "").strip()
    if not name:
        problems.add("name", _("it is required"))
    spec = ProviderSpec(
        code=_code(data.get("code"), "code", problems),
        name=name,
        categories=_codes(
            data.get("categories"), "categories", CATEGORIES, problems, required=True
        ),
        description=_texts(data.get("description"), "description", problems),
        coverage=_coverage(data.get("coverage") or {}, problems),
        languages=_codes(data.get("languages"), "languages", None, problems),
        price_tier=_choice(data.get("price_tier"), "price_tier", PRICE_TIERS, problems),
        url=_url(data.get("url"), problems),
        contact=str(data.get("contact") or "").strip(),
        is_example=_bool(data.get("is_example", False), "is_example", problems),
    )
    return (None if problems else spec), problems


def parse_all(
    entries: Any,
    parse: Callable[[Mapping[str, Any], str], tuple[Any, list[str]]],
    *,
    label: Callable[[int], str],
) -> tuple[list[Any], list[str]]:
    """Parse a list of entries, the n-th (from 1) named `label(n)`; duplicate codes too."""
    if not isinstance(entries, list):
        return [], [_("%(where)s: expected a list of entries") % {"where": label(1)}]
    specs, problems, seen = [], [], set()
    for index, entry in enumerate(entries, start=1):
        where = label(index)
        if not isinstance(entry, Mapping):
            problems.append(_("%(where)s: expected a mapping") % {"where": where})
            continue
        spec, entry_problems = parse(entry, where)
        problems += entry_problems
        if spec is not None:
            if spec.code in seen:
                problems.append(
                    _("%(where)s, code: “%(code)s” appears twice.")
                    % {"where": where, "code": spec.code}
                )
            seen.add(spec.code)
            specs.append(spec)
    return specs, problems


# --- Pieces ------------------------------------------------------------------------------------


def _unknown_keys(data: Mapping[str, Any], known: set[str], problems: Problems) -> None:
    for key in data:
        if key not in known:
            problems.add(str(key), _("unknown field"))


def _code(value: Any, field: str, problems: Problems) -> str:
    code = str(value or "").strip()
    if not code or not code.replace("_", "").replace("-", "").isalnum() or code != code.lower():
        problems.add(
            field,
            _("“%(value)s” is not a code (lower-case letters, digits, _ and -)") % {"value": value},
        )
    return code


def _choice(value: Any, field: str, choices: tuple[str, ...], problems: Problems) -> str:
    text = str(value or "").strip()
    if text not in choices:
        problems.add(field, _not_one_of(value, choices))
    return text


def _not_one_of(value: Any, choices: tuple[str, ...]) -> str:
    return _("“%(value)s” is not one of %(choices)s") % {
        "value": value,
        "choices": ", ".join(choices),
    }


def _codes(
    value: Any,
    field: str,
    allowed: tuple[str, ...] | None,
    problems: Problems,
    *,
    required: bool = False,
) -> tuple[str, ...]:
    if value in (None, ""):
        value = []
    if isinstance(value, str):
        value = [part.strip() for part in value.split("|") if part.strip()]
    if not isinstance(value, list | tuple):
        problems.add(field, _("expected a list"))
        return ()
    codes = tuple(str(code).strip() for code in value)
    if required and not codes:
        problems.add(field, _("at least one is needed"))
    if allowed is not None:
        for code in codes:
            if code not in allowed:
                problems.add(field, _not_one_of(code, allowed))
    return codes


def _texts(value: Any, field: str, problems: Problems) -> Texts:
    if not isinstance(value, Mapping):
        problems.add(
            field,
            _("expected a text in each language (%(languages)s)")
            % {"languages": ", ".join(LANGUAGES)},
        )
        return {}
    texts = {str(language): str(text).strip() for language, text in value.items() if text}
    for language in LANGUAGES:
        if not texts.get(language):
            problems.add(field, _("the %(language)s text is missing") % {"language": language})
    return texts


def _steps(value: Any, problems: Problems) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        problems.add("steps", _("expected a list of steps in each language"))
        return {}
    steps: dict[str, tuple[str, ...]] = {}
    for language, items in value.items():
        if isinstance(items, str):
            items = [line for line in items.splitlines() if line.strip()]
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            problems.add(
                "steps",
                _("the %(language)s steps must be a list of texts") % {"language": language},
            )
            continue
        steps[str(language)] = tuple(item.strip() for item in items)
    counts = {language: len(items) for language, items in steps.items()}
    for language in LANGUAGES:
        if not 3 <= counts.get(language, 0) <= 5:
            problems.add(
                "steps",
                _("%(language)s: 3 to 5 steps are needed, not %(count)s")
                % {"language": language, "count": counts.get(language, 0)},
            )
    if len(set(counts.values())) > 1:
        problems.add("steps", _("every language needs the same number of steps"))
    return steps


def _coverage(value: Any, problems: Problems) -> Coverage:
    if not isinstance(value, Mapping):
        problems.add("coverage", _("expected countries, regions, municipalities and online"))
        return Coverage()
    countries = _codes(value.get("countries"), "coverage.countries", None, problems)
    for country in countries:
        if len(country) != 2 or not country.isalpha() or not country.isupper():
            problems.add(
                "coverage.countries",
                _("“%(value)s” is not an ISO 3166-1 alpha-2 code") % {"value": country},
            )
    regions = _codes(value.get("regions"), "coverage.regions", None, problems)
    for region in regions:
        if not is_subdivision(region) or (countries and region[:2] not in countries):
            problems.add(
                "coverage.regions",
                _("“%(value)s” is not an ISO 3166-2 code of its countries (such as MX-PUE)")
                % {"value": region},
            )
    municipalities = tuple(
        str(name).strip() for name in value.get("municipalities") or [] if str(name).strip()
    )
    return Coverage(
        countries=countries,
        regions=regions,
        municipalities=municipalities,
        online=_bool(value.get("online", False), "coverage.online", problems),
    )


def _criteria(value: Any, problems: Problems) -> Criteria:
    if not isinstance(value, Mapping):
        problems.add("criteria", _("expected a mapping"))
        return Criteria()
    _unknown_keys(value, {field.name for field in fields(Criteria)}, problems)
    turnover = value.get("turnover_max")
    money = None
    if turnover is not None:
        if not isinstance(turnover, Mapping):
            problems.add("criteria.turnover_max", _("expected an amount and a currency"))
        else:
            amount = _decimal(turnover.get("amount"), "criteria.turnover_max.amount", problems)
            currency = str(turnover.get("currency") or "").strip()
            if len(currency) != 3 or not currency.isupper():
                problems.add(
                    "criteria.turnover_max.currency",
                    _("“%(value)s” is not an ISO 4217 code") % {"value": currency},
                )
            if amount is not None:
                money = Money(amount=amount, currency=currency)
    other = value.get("other") or []
    if not isinstance(other, list):
        problems.add("criteria.other", _("expected a list of texts"))
        other = []
    employees_min = _int(value.get("employees_min"), "criteria.employees_min", problems)
    employees_max = _int(value.get("employees_max"), "criteria.employees_max", problems)
    if employees_min is not None and employees_max is not None and employees_min > employees_max:
        problems.add("criteria.employees_min", _("it is above employees_max"))
    return Criteria(
        employees_min=employees_min,
        employees_max=employees_max,
        turnover_max=money,
        years_trading_min=_decimal(
            value.get("years_trading_min"), "criteria.years_trading_min", problems
        ),
        years_trading_max=_decimal(
            value.get("years_trading_max"), "criteria.years_trading_max", problems
        ),
        sectors_included=_codes(
            value.get("sectors_included"), "criteria.sectors_included", SECTORS, problems
        ),
        sectors_excluded=_codes(
            value.get("sectors_excluded"), "criteria.sectors_excluded", SECTORS, problems
        ),
        physical_storefront_required=_bool(
            value.get("physical_storefront_required", False),
            "criteria.physical_storefront_required",
            problems,
        ),
        town_population_max=_int(
            value.get("town_population_max"), "criteria.town_population_max", problems
        ),
        settlements=_codes(value.get("settlements"), "criteria.settlements", SETTLEMENTS, problems),
        women_owned=_ownership(value.get("women_owned"), "criteria.women_owned", problems),
        minority_owned=_ownership(value.get("minority_owned"), "criteria.minority_owned", problems),
        formally_registered_required=_bool(
            value.get("formally_registered_required", False),
            "criteria.formally_registered_required",
            problems,
        ),
        other=tuple(
            _texts(text, f"criteria.other[{i}]", problems) for i, text in enumerate(other, 1)
        ),
    )


def _ownership(value: Any, field: str, problems: Problems) -> str | None:
    if value in (None, ""):
        return None
    return _choice(value, field, OWNERSHIP_RULES, problems)


def _int(value: Any, field: str, problems: Problems) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        problems.add(field, _("“%(value)s” is not a whole number") % {"value": value})
        return None
    if number < 0:
        problems.add(field, _("it can’t be negative"))
    return number


def _decimal(value: Any, field: str, problems: Problems) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        problems.add(field, _("“%(value)s” is not a number") % {"value": value})
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        problems.add(
            field, _("“%(value)s” is not a number (use . as decimal mark)") % {"value": value}
        )
        return None
    if not number.is_finite() or number < 0:
        problems.add(field, _("“%(value)s” is not a positive number") % {"value": value})
        return None
    return number


def _bool(value: Any, field: str, problems: Problems) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "false"}:
        return text == "true"
    if text == "":
        return False
    problems.add(field, _("“%(value)s” is not true or false") % {"value": value})
    return False


def _date(value: Any, field: str, problems: Problems) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        problems.add(field, _("“%(value)s” is not a date (YYYY-MM-DD)") % {"value": value})
        return None


def _url(value: Any, problems: Problems) -> str:
    url = str(value or "").strip()
    if url and not url.startswith(("https://", "http://")):
        problems.add("url", _("“%(value)s” is not a web address") % {"value": url})
    return url


def _sources(value: Any, problems: Problems) -> tuple[str, ...]:
    """Where a programme's facts come from: web addresses or documents, one text each."""
    if value in (None, ""):
        return ()
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        problems.add("sources", _("expected a list of texts"))
        return ()
    return tuple(item.strip() for item in value if item.strip())
