"""Programmes and providers as CSV: one row per entry, lists separated by `|`.

Texts have one column per language (`name_es`, `name_en`). Reading checks the whole file,
with the parser and then the model's own validators, and reports every problem by row and
column; writing neutralises cells a spreadsheet would run as a formula.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db.models import Model
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import ProblemList
from core.spreadsheets import neutralise, restore

from .catalogue import ProgrammeSpec, ProviderSpec
from .models import Programme, Provider
from .parsing import LANGUAGES, Problems, parse_programme, parse_provider
from .records import model_problems, programme_fields, provider_fields

MAX_ROWS = 5000
# A catalogue file has fewer than 40 columns; a header far wider is another kind of file.
MAX_COLUMNS = 100
# The longest shipped text is under 500 characters; a longer cell is a mistake or an attack.
MAX_CELL_CHARS = 5000
# Tabs and line breaks are text; NUL cannot be stored on PostgreSQL, and the other C0
# controls are leftovers that show as nothing, or garble a PDF's text.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

PROGRAMME_TEXTS = ("name", "benefit", "description")
PROGRAMME_COLUMNS = [
    "code",
    *(f"{text}_{language}" for text in PROGRAMME_TEXTS for language in LANGUAGES),
    "organisation", "kind", "url", "contact", "countries", "regions", "municipalities", "online",
    "opens_on", "closes_on", "status", "checked_on", "sources", "categories",
    "employees_min", "employees_max",
    "turnover_max", "turnover_currency", "years_trading_min", "years_trading_max",
    "sectors_included", "sectors_excluded", "physical_storefront_required",
    "town_population_max", "settlements", "women_owned", "minority_owned",
    "formally_registered_required",
    *(f"other_{language}" for language in LANGUAGES),
]  # fmt: skip
PROVIDER_COLUMNS = [
    "code", "name", *(f"description_{language}" for language in LANGUAGES), "categories",
    "countries", "regions", "municipalities", "online", "languages", "price_tier", "url",
    "contact", "is_example",
]  # fmt: skip
CRITERIA_COLUMNS = (
    "employees_min", "employees_max", "years_trading_min", "years_trading_max",
    "sectors_included", "sectors_excluded", "physical_storefront_required",
    "town_population_max", "settlements", "women_owned", "minority_owned",
    "formally_registered_required",
)  # fmt: skip


class CSVProblems(ValueError):
    """A file refused whole: `problems` names each problem by row and column."""

    def __init__(self, problems: ProblemList | str) -> None:
        if isinstance(problems, str):
            message = problems
            problems = ProblemList()
            problems.add(message)
        self.problems = problems
        super().__init__("\n".join(problems.lines()))


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
        "municipalities": _join(spec.coverage.municipalities),
        "online": _bool(spec.coverage.online),
        "opens_on": spec.opens_on.isoformat() if spec.opens_on else "",
        "closes_on": spec.closes_on.isoformat() if spec.closes_on else "",
        "status": spec.status,
        "checked_on": spec.checked_on.isoformat() if spec.checked_on else "",
        "sources": _join(spec.sources),
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
        "municipalities": _join(spec.coverage.municipalities),
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
            "municipalities": _split(row["municipalities"]),
            "online": row["online"] or "false",
        },
        "opens_on": row["opens_on"] or None,
        "closes_on": row["closes_on"] or None,
        "status": row["status"],
        "checked_on": row["checked_on"] or None,
        "sources": _split(row["sources"]),
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
            "municipalities": _split(row["municipalities"]),
            "online": row["online"] or "false",
        },
        "languages": _split(row["languages"]),
        "price_tier": row["price_tier"],
        "url": row["url"],
        "contact": row["contact"],
        "is_example": row["is_example"] or "false",
    }


KINDS: dict[str, tuple[list[str], Callable, Callable, Callable, type[Model], Callable]] = {
    "programmes": (
        PROGRAMME_COLUMNS, programme_row, programme_data, parse_programme,
        Programme, programme_fields,
    ),
    "providers": (
        PROVIDER_COLUMNS, provider_row, provider_data, parse_provider,
        Provider, provider_fields,
    ),
}  # fmt: skip


def write_csv(kind: str, specs: Iterable[Any]) -> str:
    columns, to_row, *_reading = KINDS[kind]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for spec in specs:
        writer.writerow(to_row(spec))
    return out.getvalue()


def read_csv(kind: str, content: bytes) -> list[Any]:
    """Every entry of a CSV file, or CSVProblems naming each problem by row and column.

    Each entry passes the parser's checks and then the model's own validators, so what is
    read can be stored on any database. The work is bounded by MAX_COLUMNS, MAX_CELL_CHARS
    and MAX_ROWS, and the problems kept to show by ProblemList.
    """
    columns, _to_row, to_data, parse, model, to_fields = KINDS[kind]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CSVProblems(_("The file is not UTF-8 text: save it as “CSV UTF-8”.")) from None
    # newline="": the csv module then takes \r\n, \n and a lone \r (old Mac files) as row ends.
    reader = csv.reader(io.StringIO(text, newline=""))
    problems = ProblemList()
    number = 0  # the last row read; the header is row 1, as a spreadsheet numbers them
    try:
        header = [name.strip() for name in next(reader, [])]
        number = 1
        _check_header(header, columns, problems)
        if problems:
            raise CSVProblems(problems)
        specs, seen = [], set()
        for cells in reader:
            number += 1
            if number > MAX_ROWS + 1:
                raise CSVProblems(_("The file has more than %(count)s rows.") % _count(MAX_ROWS))
            if not any(cell.strip() for cell in cells):
                continue
            where = _("Row %(number)s") % {"number": number}
            found = _cell_problems(cells, header, where)
            spec = None
            if not found:
                data = to_data(
                    {column: restore(cell) for column, cell in zip(header, cells, strict=True)}
                )
                spec, found = parse(data, where)
            if spec is not None:
                found += model_problems(model, {"code": spec.code, **to_fields(spec)}, where)
            for problem in found:
                problems.add(problem)
            if spec is None or found:
                continue
            if spec.code in seen:
                problems.add(
                    _("%(where)s, code: “%(code)s” appears twice.")
                    % {"where": where, "code": spec.code}
                )
            seen.add(spec.code)
            specs.append(spec)
    except csv.Error as error:
        # The reader cannot go on after this: report it with what was found so far.
        problems.add(_csv_error(error, number + 1))
    if problems:
        raise CSVProblems(problems)
    return specs


def _check_header(header: list[str], columns: list[str], problems: ProblemList) -> None:
    if len(header) > MAX_COLUMNS:
        problems.add(
            ngettext(
                "The first row has %(count)s column, far more than the %(expected)s of this list: "
                "is it the right file?",
                "The first row has %(count)s columns, far more than the %(expected)s of this list: "
                "is it the right file?",
                len(header),
            )
            % {**_count(len(header)), "expected": len(columns)}
        )
        return
    for column in columns:
        if column not in header:
            problems.add(_("Column “%(column)s” is missing.") % {"column": column})
    for column in sorted(set(header)):
        if column not in columns:
            problems.add(_("Column “%(column)s” is not known.") % {"column": _short(column)})
        elif header.count(column) > 1:
            problems.add(_("Column “%(column)s” appears twice.") % {"column": column})


def _cell_problems(cells: list[str], header: list[str], where: str) -> Problems:
    """What no column can hold, and rows cut short or too long."""
    problems = Problems(where)
    if len(cells) > len(header):
        problems.append(
            _("%(where)s: it has more cells than the header has columns.") % {"where": where}
        )
    elif len(cells) < len(header):
        problems.append(
            _(
                "%(where)s: it ends after column “%(column)s”, before the other columns. "
                "Is there a line break outside quotes?"
            )
            % {"where": where, "column": header[len(cells) - 1]}
        )
    for column, cell in zip(header, cells, strict=False):
        control = CONTROL_CHARACTER.search(cell)
        if control:
            problems.add(
                column,
                _("it contains the invisible control character %(character)s: remove it.")
                % {"character": f"U+{ord(control.group()):04X}"},
            )
        if len(cell) > MAX_CELL_CHARS:
            problems.add(
                column, _("it is longer than %(count)s characters.") % _count(MAX_CELL_CHARS)
            )
    return problems


def _csv_error(error: csv.Error, number: int) -> str:
    if "field larger than field limit" in str(error):
        return _("Row %(number)s: a cell is longer than %(count)s characters.") % {
            "number": number,
            **_count(MAX_CELL_CHARS),
        }
    return _("Row %(number)s cannot be read as CSV: %(error)s.") % {
        "number": number,
        "error": error,
    }


def _count(count: int) -> dict[str, str]:
    return {"count": number_format(count, force_grouping=True)}


def _short(name: str) -> str:
    """A name quoted in a message, cut so that a huge cell makes no huge page."""
    return name if len(name) <= 60 else name[:60] + "…"
