"""Numbers and money written as a reader of the page's language in the firm's country expects.

Babel's CLDR data knows that Spanish in Mexico writes 2,000,000.50 and Spanish in Spain or
Argentina 2.000.000,50, and how each language names a currency ("pesos mexicanos",
"Kenyan shillings"). A language with no variant for the country falls back to the language.
"""

from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, format_decimal, get_currency_name


def reader_locale(language: str, country: str | None = None) -> Locale:
    """The Babel locale of `language` as written in `country` (es + MX → es_MX), else `language`."""
    language = (language or "en").split("-")[0]
    if country:
        try:
            return Locale.parse(f"{language}_{country.upper()}")
        except (UnknownLocaleError, ValueError):
            pass
    return Locale.parse(language)


def number(value: int | Decimal, *, language: str, country: str | None = None) -> str:
    """A number with the grouping and decimal mark of the reader; decimals only when any."""
    return format_decimal(value, locale=reader_locale(language, country))


def money(amount: Decimal, currency: str, *, language: str, country: str | None = None) -> str:
    """An amount with its currency named in words ("2,000,000 pesos mexicanos"); cents only
    when there are any."""
    locale = reader_locale(language, country)
    whole = amount == amount.to_integral_value()
    return format_currency(
        amount,
        currency,
        locale=locale,
        format_type="name",
        format=locale.decimal_formats[None].pattern if whole else None,
        currency_digits=not whole,
    )


def currency_name(currency: str, *, language: str, count: int = 1) -> str:
    """The currency's name in the language ("peso mexicano", with count 2 "pesos
    mexicanos"), or its code when Babel doesn't know it."""
    return get_currency_name(currency, count=count, locale=reader_locale(language))
