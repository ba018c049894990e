"""What the field app takes offline, as plain JSON-ready data: pure functions on plain values.

Catalogue entries keep the shape of the catalogue's own files (recommendations/catalogue/
*.yaml), the one `recommendations.parsing` reads, so the phone's rules read what the
server's read. Decimals are written as text, dates as ISO 8601.
"""

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from recommendations.catalogue import (
    ActionSpec,
    Coverage,
    Criteria,
    FirmProfile,
    ProgrammeSpec,
    ProviderSpec,
)
from recommendations.eligibility import coverage_results, serves

# The bundle's layout; a change the app must know about makes a new one.
FORMAT = 1


def content_version(content: dict[str, Any]) -> str:
    """A hash of the bundle's content: the same data, the same version, so the app can tell
    whether what it holds is stale."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def offered_programmes(
    programmes: Iterable[ProgrammeSpec], places: Sequence[FirmProfile], *, today: date
) -> list[ProgrammeSpec]:
    """The programmes some of these firms may be offered: not closed, and covering where one
    of them is (or where the profile can't tell, which the programme is asked)."""
    return [
        programme
        for programme in programmes
        if programme.status != "closed"
        and (programme.closes_on is None or programme.closes_on >= today)
        and any(coverage_results(programme.coverage, place) is not None for place in places)
    ]


def serving_providers(
    providers: Iterable[ProviderSpec], places: Sequence[FirmProfile]
) -> list[ProviderSpec]:
    """The providers a roadmap may show one of these firms: surely serving where it is, and
    never an invented example."""
    return [
        provider
        for provider in providers
        if not provider.is_example and any(serves(provider.coverage, place) for place in places)
    ]


def action_entry(spec: ActionSpec) -> dict[str, Any]:
    return {
        "code": spec.code,
        "dimension": spec.dimension,
        "area": spec.area,
        "categories": list(spec.categories),
        "cost": spec.cost,
        "effort": spec.effort,
        "horizon": spec.horizon,
        "addresses": list(spec.addresses),
        "when": spec.when,
        "providers": list(spec.providers),
        "title": dict(spec.title),
        "why": dict(spec.why),
        "steps": {language: list(steps) for language, steps in spec.steps.items()},
    }


def programme_entry(spec: ProgrammeSpec) -> dict[str, Any]:
    return {
        "code": spec.code,
        "name": dict(spec.name),
        "organisation": spec.organisation,
        "kind": spec.kind,
        "benefit": dict(spec.benefit),
        "description": dict(spec.description),
        "url": spec.url,
        "contact": spec.contact,
        "coverage": _coverage(spec.coverage),
        "opens_on": _plain(spec.opens_on),
        "closes_on": _plain(spec.closes_on),
        "status": spec.status,
        "checked_on": _plain(spec.checked_on),
        "sources": list(spec.sources),
        "categories": list(spec.categories),
        "criteria": _criteria(spec.criteria),
    }


def provider_entry(spec: ProviderSpec) -> dict[str, Any]:
    return {
        "code": spec.code,
        "name": spec.name,
        "categories": list(spec.categories),
        "description": dict(spec.description),
        "coverage": _coverage(spec.coverage),
        "languages": list(spec.languages),
        "price_tier": spec.price_tier,
        "url": spec.url,
        "contact": spec.contact,
        "is_example": spec.is_example,
    }


def _coverage(coverage: Coverage) -> dict[str, Any]:
    return {
        "countries": list(coverage.countries),
        "regions": list(coverage.regions),
        "municipalities": list(coverage.municipalities),
        "online": coverage.online,
    }


def _criteria(criteria: Criteria) -> dict[str, Any]:
    """Only the rules the programme sets, as its file writes them."""
    rules: dict[str, Any] = {
        "employees_min": criteria.employees_min,
        "employees_max": criteria.employees_max,
        "turnover_max": {
            "amount": _plain(criteria.turnover_max.amount),
            "currency": criteria.turnover_max.currency,
        }
        if criteria.turnover_max
        else None,
        "years_trading_min": _plain(criteria.years_trading_min),
        "years_trading_max": _plain(criteria.years_trading_max),
        "sectors_included": list(criteria.sectors_included),
        "sectors_excluded": list(criteria.sectors_excluded),
        "physical_storefront_required": criteria.physical_storefront_required,
        "town_population_max": criteria.town_population_max,
        "settlements": list(criteria.settlements),
        "women_owned": criteria.women_owned,
        "minority_owned": criteria.minority_owned,
        "formally_registered_required": criteria.formally_registered_required,
        "other": [dict(text) for text in criteria.other],
    }
    # `is`, not ==: a limit of 0 is a rule (0 == False), and must travel.
    return {
        name: value
        for name, value in rules.items()
        if value is not None and value is not False and value != []
    }


def _plain(value: date | Decimal | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)
