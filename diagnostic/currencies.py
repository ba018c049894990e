"""The currencies a firm may report its sales in, and each country's own.

Every ISO 4217 currency that is legal tender somewhere today, named in the page's language,
from the Unicode CLDR data that Babel maintains: no hand-written list to fall behind, so a
Kenyan firm can answer in shillings and an Indian one in rupees.
"""

from functools import cache

from babel import Locale
from babel.numbers import get_currency_name, get_territory_currencies
from django.utils.translation import get_language

from .places import place_key


@cache
def currencies_in_use() -> frozenset[str]:
    """The codes of every currency some country uses as legal tender."""
    countries = [str(code) for code in Locale("en").territories]
    return frozenset(
        currency
        for country in countries
        if len(country) == 2 and country.isalpha()
        for currency in get_territory_currencies(country)
    )


@cache
def _choices(language: str) -> tuple[tuple[str, str], ...]:
    named = []
    for code in currencies_in_use():
        name = get_currency_name(code, locale=language)
        named.append((code, f"{name[:1].upper()}{name[1:]} ({code})"))
    return tuple(sorted(named, key=lambda choice: place_key(choice[1])))


def currency_choices() -> list[tuple[str, str]]:
    """(code, "Name (CODE)") for every currency in use, in the active language, by name."""
    language = (get_language() or "en").split("-")[0]
    return list(_choices(language))


def currency_for_country(country: str) -> str | None:
    """The country's currency today (its first legal tender), or None for an unknown country."""
    currencies = get_territory_currencies(country.upper()) if country else []
    return currencies[0] if currencies else None
