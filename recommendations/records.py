"""Catalogue specs to model fields and back: the one place the two shapes meet."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from diagnostic.models import Firm

from .catalogue import (
    ActionSpec,
    Coverage,
    Criteria,
    FirmProfile,
    Money,
    ProgrammeSpec,
    ProviderSpec,
)
from .models import Action, Programme, Provider


def model_problems(model: type[Model], fields: dict[str, Any], where: str) -> list[str]:
    """What the model's own validators say of these values: lengths, digits, ranges, formats.

    Checked without the database: a code that exists already is an update, not a problem.
    """
    try:
        model(**fields).full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return [
            f"{where}, {field}: {message}"
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return []


def action_fields(spec: ActionSpec) -> dict[str, Any]:
    return {
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
        "steps": {language: "\n".join(steps) for language, steps in spec.steps.items()},
    }


def action_spec(row: Action) -> ActionSpec:
    return ActionSpec(
        code=row.code,
        dimension=row.dimension,
        area=row.area,
        categories=tuple(row.categories),
        cost=row.cost,
        effort=row.effort,
        horizon=row.horizon,
        addresses=tuple(row.addresses),
        when=row.when,
        providers=tuple(row.providers),
        title=dict(row.title),
        why=dict(row.why),
        steps={
            language: tuple(line.strip() for line in text.splitlines() if line.strip())
            for language, text in row.steps.items()
        },
    )


def programme_fields(spec: ProgrammeSpec) -> dict[str, Any]:
    criteria = spec.criteria
    return {
        "name": dict(spec.name),
        "organisation": spec.organisation,
        "kind": spec.kind,
        "benefit": dict(spec.benefit),
        "description": dict(spec.description),
        "url": spec.url,
        "contact": spec.contact,
        "countries": list(spec.coverage.countries),
        "regions": list(spec.coverage.regions),
        "municipalities": list(spec.coverage.municipalities),
        "online": spec.coverage.online,
        "opens_on": spec.opens_on,
        "closes_on": spec.closes_on,
        "status": spec.status,
        "checked_on": spec.checked_on,
        "sources": "\n".join(spec.sources),
        "categories": list(spec.categories),
        "employees_min": criteria.employees_min,
        "employees_max": criteria.employees_max,
        "turnover_max": criteria.turnover_max.amount if criteria.turnover_max else None,
        "turnover_currency": criteria.turnover_max.currency if criteria.turnover_max else "",
        "years_trading_min": criteria.years_trading_min,
        "years_trading_max": criteria.years_trading_max,
        "sectors_included": list(criteria.sectors_included),
        "sectors_excluded": list(criteria.sectors_excluded),
        "physical_storefront_required": criteria.physical_storefront_required,
        "town_population_max": criteria.town_population_max,
        "settlements": list(criteria.settlements),
        "women_owned": criteria.women_owned or "",
        "minority_owned": criteria.minority_owned or "",
        "formally_registered_required": criteria.formally_registered_required,
        "other_conditions": [dict(text) for text in criteria.other],
    }


def programme_spec(row: Programme) -> ProgrammeSpec:
    turnover = None
    if row.turnover_max is not None:
        turnover = Money(amount=row.turnover_max, currency=row.turnover_currency)
    return ProgrammeSpec(
        code=row.code,
        name=dict(row.name),
        organisation=row.organisation,
        kind=row.kind,
        benefit=dict(row.benefit),
        description=dict(row.description),
        url=row.url,
        contact=row.contact,
        coverage=_coverage(row),
        opens_on=row.opens_on,
        closes_on=row.closes_on,
        status=row.status,
        checked_on=row.checked_on,
        sources=tuple(line.strip() for line in row.sources.splitlines() if line.strip()),
        categories=tuple(row.categories),
        criteria=Criteria(
            employees_min=row.employees_min,
            employees_max=row.employees_max,
            turnover_max=turnover,
            years_trading_min=row.years_trading_min,
            years_trading_max=row.years_trading_max,
            sectors_included=tuple(row.sectors_included),
            sectors_excluded=tuple(row.sectors_excluded),
            physical_storefront_required=row.physical_storefront_required,
            town_population_max=row.town_population_max,
            settlements=tuple(row.settlements),
            women_owned=row.women_owned or None,
            minority_owned=row.minority_owned or None,
            formally_registered_required=row.formally_registered_required,
            other=tuple(dict(text) for text in row.other_conditions),
        ),
        catalogue_of=row.catalogue_of_id,
    )


def provider_fields(spec: ProviderSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "categories": list(spec.categories),
        "description": dict(spec.description),
        "countries": list(spec.coverage.countries),
        "regions": list(spec.coverage.regions),
        "municipalities": list(spec.coverage.municipalities),
        "online": spec.coverage.online,
        "languages": list(spec.languages),
        "price_tier": spec.price_tier,
        "url": spec.url,
        "contact": spec.contact,
        "is_example": spec.is_example,
    }


def provider_spec(row: Provider) -> ProviderSpec:
    return ProviderSpec(
        code=row.code,
        name=row.name,
        categories=tuple(row.categories),
        description=dict(row.description),
        coverage=_coverage(row),
        languages=tuple(row.languages),
        price_tier=row.price_tier,
        url=row.url,
        contact=row.contact,
        is_example=row.is_example,
        catalogue_of=row.catalogue_of_id,
    )


def _coverage(row: Programme | Provider) -> Coverage:
    return Coverage(
        countries=tuple(row.countries),
        regions=tuple(row.regions),
        municipalities=tuple(row.municipalities),
        online=row.online,
    )


def firm_profile(firm: Firm | None) -> FirmProfile:
    """What eligibility reads of a firm; an assessment without a firm knows nothing."""
    if firm is None:
        return FirmProfile()
    return FirmProfile(
        country=str(firm.country) or None,
        region=firm.region or None,
        municipality=firm.municipality or None,
        settlement=firm.settlement or None,
        town_population=firm.town_population,
        sector=firm.sector or None,
        employees=firm.employees,
        annual_turnover=firm.annual_turnover,
        currency=firm.currency or None,
        years_trading=None if firm.years_trading is None else Decimal(firm.years_trading),
        women_led=firm.women_led,
        has_physical_storefront=firm.has_physical_storefront,
        formally_registered=firm.formally_registered,
        exports=firm.exports,
    )


def profile_from_dict(profile: dict[str, Any]) -> FirmProfile:
    """The profile of a `diagnose` input, already checked by the profile form."""
    return firm_profile(Firm(**profile))
