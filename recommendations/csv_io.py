"""Programmes and providers as CSV: one row per entry, lists separated by `|`.

Texts have one column per language (`name_es`, `name_en`). Reading checks the whole file and
reports every problem by row and column; writing neutralises cells a spreadsheet would run
as a formula.
"""

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .catalogue import ProgrammeSpec, ProviderSpec
from .parsing import LANGUAGES, parse_all, parse_programme, parse_provider

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
MAX_ROWS = 5000

PROGRAMME_TEXTS = ("name", "benefit", "description")
PROGRAMME_COLUMNS = [
    "code",
    *(f"{text}_{language}" for text in PROGRAMME_TEXTS for language in LANGUAGES),
    "organisation", "kind", "url", "contact", "countries", "regions", "online",
    "opens_on", "closes_on", "categories", "employees_min", "employees_max",
    "turnover_max", "turnover_currency", "years_trading_min", "years_trading_max",
    "sectors_included", "sectors_excluded", "physical_storefront_required",
    "town_population_max", "settlements", "women_owned", "minority_owned",
    "formally_registered_required",
    *(f"other_{language}" for language in LANGUAGES),
]  # fmt: skip
PROVIDER_COLUMNS = [
    "code", "name", *(f"description_{language}" for language in LANGUAGES), "categories",
    "countries", "regions", "online", "languages", "price_tier", "url", "contact", "is_example",
]  # fmt: skip
CRITERIA_COLUMNS = (
    "employees_min", "employees_max", "years_trading_min", "years_trading_max",
    "sectors_included", "sectors_excluded", "physical_storefront_required",
    "town_population_max", "settlements", "women_owned", "minority_owned",
    "formally_registered_required",
)  # fmt: skip


class CSVProblems(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def neutralise(value: Any) -> str:
    """A cell as text that no spreadsheet runs as a formula (OWASP: prefix a quote)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _join(values: Iterable[Any]) -> str:
    return "|".join(str(value) for value in values)


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _bool(value: bool) -> str:
    return "true" if value else "false"


def programme_row(spec: ProgrammeSpec) -> dict[str, str]:
    criteria = spec.criteria
    row: dict[str, Any] = {"code": spec.code}
    for text in PROGRAMME_TEXTS:
        for language in LANGUAGES:
            row[f"{text}_{language}"] = getattr(spec, text).get(language, "")
    row |= {
        "organisation": spec.organisation,
        "kind": spec.kind,
        "url": spec.url,
        "contact": spec.contact,
        "countries": _join(spec.coverage.countries),
        "regions": _join(spec.coverage.regions),
        "online": _bool(spec.coverage.online),
        "opens_on": spec.opens_on.isoformat() if spec.opens_on else "",
        "closes_on": spec.closes_on.isoformat() if spec.closes_on else "",
        "categories": _join(spec.categories),
        "turnover_max": criteria.turnover_max.amount if criteria.turnover_max else "",
        "turnover_currency": criteria.turnover_max.currency if criteria.turnover_max else "",
    }
    for column in CRITERIA_COLUMNS:
        value = getattr(criteria, column)
        if isinstance(value, bool):
            value = _bool(value)
        elif isinstance(value, tuple):
            value = _join(value)
        row[column] = "" if value is None else value
    for language in LANGUAGES:
        row[f"other_{language}"] = _join(text.get(language, "") for text in criteria.other)
    return {column: neutralise(row[column]) for column in PROGRAMME_COLUMNS}


def provider_row(spec: ProviderSpec) -> dict[str, str]:
    row: dict[str, Any] = {
        "code": spec.code,
        "name": spec.name,
        "categories": _join(spec.categories),
        "countries": _join(spec.coverage.countries),
        "regions": _join(spec.coverage.regions),
        "online": _bool(spec.coverage.online),
        "languages": _join(spec.languages),
        "price_tier": spec.price_tier,
        "url": spec.url,
        "contact": spec.contact,
        "is_example": _bool(spec.is_example),
    }
    for language in LANGUAGES:
        row[f"description_{language}"] = spec.description.get(language, "")
    return {column: neutralise(row[column]) for column in PROVIDER_COLUMNS}


def programme_data(row: Mapping[str, str]) -> dict[str, Any]:
    """A CSV row in the shape of a catalogue file entry."""
    data: dict[str, Any] = {"code": row["code"]}
    for text in PROGRAMME_TEXTS:
        data[text] = {language: row[f"{text}_{language}"] for language in LANGUAGES}
    data |= {
        "organisation": row["organisation"],
        "kind": row["kind"],
        "url": row["url"],
        "contact": row["contact"],
        "coverage": {
            "countries": _split(row["countries"]),
            "regions": _split(row["regions"]),
            "online": row["online"] or "false",
        },
        "opens_on": row["opens_on"] or None,
        "closes_on": row["closes_on"] or None,
        "categories": _split(row["categories"]),
    }
    criteria: dict[str, Any] = {}
    for column in CRITERIA_COLUMNS:
        if row[column]:
            criteria[column] = row[column]
    if row["turnover_max"] or row["turnover_currency"]:
        criteria["turnover_max"] = {
            "amount": row["turnover_max"],
            "currency": row["turnover_currency"],
        }
    others = [_split(row[f"other_{language}"]) for language in LANGUAGES]
    if any(others):
        criteria["other"] = [
            dict(zip(LANGUAGES, texts, strict=False)) for texts in zip(*others, strict=False)
        ]
        if len({len(texts) for texts in others}) > 1:
            criteria["other"].append({})  # unequal counts: reported as a missing text
    data["criteria"] = criteria
    return data


def provider_data(row: Mapping[str, str]) -> dict[str, Any]:
    return {
        "code": row["code"],
        "name": row["name"],
        "description": {language: row[f"description_{language}"] for language in LANGUAGES},
        "categories": _split(row["categories"]),
        "coverage": {
            "countries": _split(row["countries"]),
            "regions": _split(row["regions"]),
            "online": row["online"] or "false",
        },
        "languages": _split(row["languages"]),
        "price_tier": row["price_tier"],
        "url": row["url"],
        "contact": row["contact"],
        "is_example": row["is_example"] or "false",
    }


KINDS: dict[str, tuple[list[str], Callable, Callable, Callable]] = {
    "programmes": (PROGRAMME_COLUMNS, programme_row, programme_data, parse_programme),
    "providers": (PROVIDER_COLUMNS, provider_row, provider_data, parse_provider),
}


def write_csv(kind: str, specs: Iterable[Any]) -> str:
    columns, to_row, _to_data, _parse = KINDS[kind]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for spec in specs:
        writer.writerow(to_row(spec))
    return out.getvalue()


def read_csv(kind: str, content: bytes) -> list[Any]:
    """Every entry of a CSV file, or CSVProblems naming each problem by row and column."""
    columns, _to_row, to_data, parse = KINDS[kind]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CSVProblems(["The file is not UTF-8 text: save it as “CSV UTF-8”."]) from None
    reader = csv.DictReader(io.StringIO(text), restval="")
    header = reader.fieldnames or []
    problems = [f"Column “{column}” is missing." for column in columns if column not in header]
    problems += [f"Column “{column}” is not known." for column in header if column not in columns]
    if problems:
        raise CSVProblems(problems)
    entries = []
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS + 1:
            raise CSVProblems([f"The file has more than {MAX_ROWS} rows."])
        if None in row:
            problems.append(f"Row {number}: it has more cells than the header has columns.")
            del row[None]  # type: ignore[arg-type]
        entries.append(to_data({column: _restore(value) for column, value in row.items()}))
    # The header is row 1, so the n-th entry is on row n + 1.
    specs, found = parse_all(entries, parse, label=lambda n: f"Row {n + 1}")
    problems += found
    if problems:
        raise CSVProblems(problems)
    return specs


def _restore(cell: str) -> str:
    """A cell as written before `neutralise` protected it."""
    cell = cell.strip()
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell
