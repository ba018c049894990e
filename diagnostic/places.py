"""States, provinces and their parents: ISO 3166-2 subdivisions, from pycountry.

A firm is placed in the most specific subdivision of its country (a Spanish province, a
Mexican state, an Irish county), stored as its ISO 3166-2 code (``ES-M``, ``MX-PUE``); the
ones that contain it (``ES-MD``, the Community of Madrid) follow from pycountry's hierarchy.
Programmes and providers cover codes at any level, so a programme of the Community of Madrid
reaches a firm of the province of Madrid, and one of Buenos Aires City (``AR-C``) never
reaches La Plata, in the province of Buenos Aires (``AR-B``).
"""

import gettext
import unicodedata
from functools import cache

import pycountry

# Names people write that ISO 3166-2 doesn't list, by country: the ones our users use.
ALIASES = {
    "AR": {"caba": "AR-C", "capital federal": "AR-C", "ciudad de buenos aires": "AR-C"},
    "MX": {"cdmx": "MX-CMX", "df": "MX-CMX", "distrito federal": "MX-CMX", "mexico df": "MX-CMX",
           "mexico city": "MX-CMX", "estado de mexico": "MX-MEX", "edomex": "MX-MEX"},
    "CO": {"bogota": "CO-DC", "bogota dc": "CO-DC"},
    "KE": {"nairobi": "KE-30"},
}  # fmt: skip


def place_key(name: str | None) -> str:
    """A name compared as people mean it: no case, accents, dots or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", (name or "").casefold())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(letters.replace(".", " ").replace(",", " ").split())


@cache
def _translation(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-2", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def _display(name: str, language: str) -> str:
    """ISO's "Madrid, Comunidad de" read the natural way: "Comunidad de Madrid"."""
    name = _translation(language).gettext(name)
    head, comma, tail = name.partition(", ")
    if comma and tail.endswith((" de", " del", " de la", " of")):
        return f"{tail} {head}"
    return name


@cache
def _subdivisions(country: str) -> tuple:
    return tuple(pycountry.subdivisions.get(country_code=country.upper()) or ())


@cache
def subdivision_name(code: str, language: str = "en") -> str:
    """The subdivision's name in the language where known, else its code as given."""
    subdivision = pycountry.subdivisions.get(code=code.upper()) if code else None
    return _display(subdivision.name, language) if subdivision else code


@cache
def _places(country: str, language: str) -> tuple[tuple[str, str], ...]:
    subdivisions = _subdivisions(country)
    parents = {subdivision.parent_code for subdivision in subdivisions}
    places = [
        (subdivision.code, _display(subdivision.name, language))
        for subdivision in subdivisions
        if subdivision.code not in parents
    ]
    return tuple(sorted(places, key=lambda place: place_key(place[1])))


def places_of(country: str | None, language: str = "en") -> list[tuple[str, str]]:
    """(code, name) of the country's most specific subdivisions, by name; [] when it has none."""
    return list(_places(country.upper(), language.split("-")[0])) if country else []


def lineage(code: str | None) -> tuple[str, ...]:
    """The code and the codes of every subdivision containing it, innermost first."""
    found = []
    subdivision = pycountry.subdivisions.get(code=code.upper()) if code else None
    while subdivision is not None:
        found.append(subdivision.code)
        parent = getattr(subdivision, "parent_code", None)
        subdivision = pycountry.subdivisions.get(code=parent) if parent else None
    return tuple(found)


def is_subdivision(code: str) -> bool:
    return pycountry.subdivisions.get(code=code.upper()) is not None


def find_place(country: str | None, text: str | None) -> str | None:
    """The code of the country's most specific subdivision that `text` names (a code such as
    "MX-PUE" or "PUE", a name in any case and accents, or a common alias), else None.

    A name of a subdivision with exactly one part (the Community of Madrid, one province)
    gives that part.
    """
    if not country or not text:
        return None
    country = country.upper()
    key = place_key(text)
    codes = {place_key(code): code for code, _name in _places(country, "en")}
    for candidate in (key, place_key(f"{country}-{text}")):
        if candidate in codes:
            return codes[candidate]
    if key in ALIASES.get(country, {}):
        return ALIASES[country][key]
    for subdivision in _subdivisions(country):
        names = {place_key(subdivision.name), place_key(_display(subdivision.name, "en"))}
        names |= {place_key(_display(subdivision.name, "es"))}
        if key in names:
            parts = [
                part for part in _subdivisions(country) if part.parent_code == subdivision.code
            ]
            if not parts:
                return subdivision.code
            if len(parts) == 1:
                return parts[0].code
    return None


@cache
def _index() -> dict[str, tuple[str, ...]]:
    """Every subdivision by the keys of its code and names, across countries."""
    index: dict[str, list[str]] = {}
    for subdivision in pycountry.subdivisions:
        keys = {place_key(subdivision.code), place_key(subdivision.name)}
        keys |= {place_key(_display(subdivision.name, language)) for language in ("en", "es")}
        for key in keys:
            index.setdefault(key, []).append(subdivision.code)
    for aliases in ALIASES.values():
        for alias, code in aliases.items():
            index.setdefault(alias, []).append(code)
    return {key: tuple(codes) for key, codes in index.items()}


def codes_named(text: str) -> tuple[str, ...]:
    """The codes of every subdivision, in any country, that `text` names or codes."""
    return _index().get(place_key(text), ())
