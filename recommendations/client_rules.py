"""The roadmap's rules' data as one JSON-ready document, for the offline field app.

The field app's JavaScript (``static/field/rules/roadmap.js``, ``eligibility.js``,
``conditions.js``) plans a firm's roadmap the way ``roadmap.plan_roadmap`` does, from the
catalogue entries the bundle carries (``field.bundle``) and this document: the constant
tables of recommendations.catalogue, .roadmap and .eligibility, every reason's template in
the reader's language (``eligibility.MESSAGES``), and what the server looks up elsewhere —
dates, country, region and currency names, the subdivisions containing each region, and how
the reader writes numbers in each country. A change here or in those modules reaches both;
only the logic is written twice, and ``tests/field/test_roadmap_conformance.py`` holds the
two equal.

Build it with the reader's language active (``translation.override``): reasons, names and
dates are written in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pycountry
from babel.numbers import get_currency_name, get_currency_precision, get_currency_unit_pattern
from django.utils.formats import date_format
from django.utils.translation import get_language
from django_countries import countries as country_names

from diagnostic.formats import reader_locale
from diagnostic.places import subdivision_name
from recommendations import catalogue, eligibility, roadmap, rules

# Bump when the document's shape changes, so an installed app can tell it cannot read it.
ROADMAP_RULES_FORMAT = 1


def roadmap_rules(
    *,
    programmes: Iterable[catalogue.ProgrammeSpec],
    providers: Iterable[catalogue.ProviderSpec],
    countries: Iterable[str] = (),
    currencies: Iterable[str] = (),
) -> dict[str, Any]:
    """What the client needs, besides the catalogue's entries, to plan roadmaps from them.

    Places and number formats cover the countries the programmes and providers name and
    `countries` (the firms'): give every firm's country, or the client takes a region of a
    country left out for one it doesn't know. Currency names cover the programmes' limits
    and `currencies` (the firms'); an unknown one is named by its code.
    """
    programmes = list(programmes)
    providers = list(providers)
    language = get_language() or "en"
    coverages = [entry.coverage for entry in programmes] + [entry.coverage for entry in providers]
    named = {code.strip().upper() for coverage in coverages for code in coverage.countries}
    regions = {code for coverage in coverages for code in coverage.regions}
    places = named | {code.split("-")[0] for code in regions} | _upper(countries)
    limits = {
        programme.criteria.turnover_max.currency.strip().upper()
        for programme in programmes
        if programme.criteria.turnover_max is not None
    }
    dates = {
        day
        for programme in programmes
        for day in (programme.opens_on, programme.checked_on)
        if day is not None
    }
    return {
        "format": ROADMAP_RULES_FORMAT,
        "language": language,
        "tables": {
            "costs": list(catalogue.COSTS),
            "efforts": list(catalogue.EFFORTS),
            "horizons": list(catalogue.HORIZONS),
            "programme_kinds": list(catalogue.PROGRAMME_KINDS),
            "verdicts": [verdict.value for verdict in catalogue.Verdict],
            "offered": [verdict.value for verdict in catalogue.OFFERED],
            "per_condition": roadmap.PER_CONDITION,
            "connectivity": roadmap.CONNECTIVITY,
            "min_actions": roadmap.MIN_ACTIONS,
            "links_per_action": roadmap.LINKS_PER_ACTION,
            "metro_population": eligibility.METRO_POPULATION,
            "undetermined_stage": rules.UNDETERMINED_STAGE,
            # Profile fields held as Decimal, which the client compares exactly, as text.
            "decimal_fields": [
                name for name, kind in rules.PROFILE_TYPES.items() if kind is Decimal
            ],
        },
        # Each template as [singular, plural]: both languages' catalogues take the singular
        # for a count of exactly 1 (Plural-Forms: n != 1) and the plural otherwise.
        "messages": {
            key: [template(1), template(2)] for key, template in eligibility.MESSAGES.items()
        },
        "dates": {day.isoformat(): date_format(day) for day in sorted(dates)},
        "countries": {code: country_names.name(code) or code for code in sorted(named)},
        "region_names": {code: subdivision_name(code, language) for code in sorted(regions)},
        # Every subdivision of those countries with the one containing it ("" for none), to
        # find the regions containing the firm's (diagnostic.places.lineage).
        "subdivisions": {
            subdivision.code: getattr(subdivision, "parent_code", None) or ""
            for country in sorted(places)
            for subdivision in pycountry.subdivisions.get(country_code=country) or ()
        },
        # By the firm's country ("" when unknown or not among them), as diagnostic.formats
        # writes numbers and amounts for the reader there. Amounts are only ever written in
        # a limit's currency: sales in another are not compared, just named.
        "numbers": {
            country: _number_format(language, country or None, sorted(limits))
            for country in ["", *sorted(places)]
        },
        # A currency other than the limit's is named apart, in the reader's language.
        "currency_names": {
            code: get_currency_name(code, count=2, locale=reader_locale(language))
            for code in sorted(limits | _upper(currencies))
        },
        # The plural form of a currency name follows the amount: English says "1 euro" for
        # exactly 1 with no decimals shown, Spanish for any amount equal to 1.
        "one_with_decimals": reader_locale(language).plural_form(Decimal("1.00")) == "one",
    }


def _upper(codes: Iterable[str]) -> set[str]:
    return {code.strip().upper() for code in codes if code and code.strip()}


def _number_format(language: str, country: str | None, currencies: list[str]) -> dict[str, Any]:
    """How diagnostic.formats writes numbers and amounts for this reader: Babel's symbols,
    grouping, and names of currencies with the pattern joining them to the amount."""
    locale = reader_locale(language, country)
    symbols = locale.number_symbols["latn"]
    return {
        "group": symbols["group"],
        "decimal": symbols["decimal"],
        "grouping": list(locale.decimal_formats[None].grouping),
        "currencies": {
            code: {
                "one": get_currency_name(code, count=1, locale=locale),
                "other": get_currency_name(code, count=2, locale=locale),
                "pattern_one": get_currency_unit_pattern(code, count=1, locale=locale),
                "pattern_other": get_currency_unit_pattern(code, count=2, locale=locale),
                "digits": get_currency_precision(code),
            }
            for code in currencies
        },
    }
