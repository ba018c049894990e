"""Bulk imports (DESIGN 2.5): many firms' diagnostics in one JSON or CSV file, checked whole
before anything is stored; each record as `interchange.check_diagnostic` checks one."""

import csv
import difflib
import io
import json
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import ProblemList
from core.spreadsheets import restore

from .forms import ProfileForm
from .instrument import Answer, Instrument, Item
from .interchange import InterchangeError, ParsedDiagnostic, check_diagnostic
from .models import Firm

IMPORT_MAX_RECORDS = 10_000
# Twice the columns of the template (about 60) leaves room for notes, and keeps the work of
# checking a header, however odd, small.
IMPORT_MAX_COLUMNS = 200
# Longer than any profile field or answer (a multi-choice cell with every code is ~130).
IMPORT_MAX_TEXT = 1_000
EXTERNAL_ID_MAX_LENGTH = 100  # Enrolment.external_id's max_length


@dataclass(frozen=True)
class ImportRecord:
    """One firm of an import file; `row` is its spreadsheet row (header: 1) or JSON position."""

    external_id: str
    diagnostic: ParsedDiagnostic
    row: int


def parse_import_json(content: bytes, instrument: Instrument) -> list[ImportRecord]:
    """Every record of a JSON import file (a list of `diagnose` inputs with an `external_id`).

    InterchangeError names the problems of the file record by record, the first
    PROBLEMS_SHOWN of them.
    """
    return _json_import(content, instrument, in_full=None)[0]


def parse_import_csv(content: bytes, instrument: Instrument) -> list[ImportRecord]:
    """Every record of a CSV import file (DESIGN 2.5), one firm per row after the header.

    InterchangeError names the problems of the file by row and column, the first
    PROBLEMS_SHOWN of them.
    """
    return _csv_import(content, instrument, in_full=None)[0]


def import_file_firms(
    content: bytes, file_format: str, instrument: Instrument, *, in_full: int
) -> int:
    """How many firms an import file has, checking all but its profiles and answers, and
    those of the first `in_full` firms: a quick check of a big file, done again in full
    before it is imported. InterchangeError names the problems found.
    """
    read = _json_import if file_format == "json" else _csv_import
    return read(content, instrument, in_full=in_full)[1]


def _json_import(
    content: bytes, instrument: Instrument, *, in_full: int | None
) -> tuple[list[ImportRecord], int]:
    """The records of a JSON file and how many firms it has; see `import_file_firms`."""
    text = _decode(content)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        message = _("The file is not valid JSON: %(error)s (line %(line)d, column %(column)d).")
        values = {"error": error.msg, "line": error.lineno, "column": error.colno}
        raise InterchangeError([message % values]) from None
    except (ValueError, RecursionError) as error:  # too many digits, too deeply nested
        raise InterchangeError(
            [_("The file can’t be read as JSON: %(error)s.") % {"error": error}]
        ) from None
    if not isinstance(data, list):
        message = _("The file must hold a JSON list of records, each with an “external_id”.")
        raise InterchangeError([message])
    if len(data) > IMPORT_MAX_RECORDS:
        raise InterchangeError([_too_many(IMPORT_MAX_RECORDS)])
    records: list[ImportRecord] = []
    problems = ProblemList()
    first_record: dict[str, int] = {}
    for number, record in enumerate(data, start=1):
        if problems.full:
            raise _file_error(problems, unchecked=len(data) - number + 1)
        if not isinstance(record, dict):
            message = _(
                "Record %(number)d: it must be a JSON object with “external_id”, “language”, "
                "“profile” and “answers”."
            )
            problems.add(message % {"number": number})
            continue
        raw_id = record.get("external_id")
        unstorable = list(_unstorable_texts(record))
        if unstorable:
            # Named only when the external_id itself is fine to show.
            named = (
                raw_id.strip()
                if isinstance(raw_id, str)
                and _text_problem(raw_id) is None
                and _external_id_problem(raw_id) is None
                else None
            )
            for place, text_problem in unstorable:
                line = f"{place}: {text_problem}" if place else text_problem
                problems.add(_in_record(number, named, line, placed=bool(place)))
            continue
        id_problem = (
            _("The “external_id” is missing: each firm needs its own.")
            if raw_id is None
            else _external_id_problem(raw_id)
        )
        external_id: str | None = None
        if id_problem:
            problems.add(_in_record(number, None, id_problem))
        else:
            external_id = str(raw_id).strip()
            if external_id in first_record:
                message = _("Record %(first)d has the same external_id.")
                first = {"first": first_record[external_id]}
                problems.add(_in_record(number, external_id, message % first))
            else:
                first_record[external_id] = number
        if in_full is not None and number > in_full:
            continue
        parsed, found = check_diagnostic(record, instrument, complete_profile=True)
        for problem in found:
            problems.add(_in_record(number, external_id, problem.line, placed=bool(problem.place)))
        if external_id is not None:
            records.append(ImportRecord(external_id, parsed, number))
    if problems:
        raise _file_error(problems, unchecked=0)
    return records, len(data)


def _in_record(number: int, external_id: str | None, problem: str, *, placed: bool = False) -> str:
    """A problem of a JSON record, named by its position and its external_id."""
    values = {"number": number, "external_id": external_id, "problem": problem}
    if external_id is None:
        message = (
            _("Record %(number)d, %(problem)s") if placed else _("Record %(number)d: %(problem)s")
        )
    elif placed:
        message = _("Record %(number)d (external_id “%(external_id)s”), %(problem)s")
    else:
        message = _("Record %(number)d (external_id “%(external_id)s”): %(problem)s")
    return message % values


def _csv_import(
    content: bytes, instrument: Instrument, *, in_full: int | None
) -> tuple[list[ImportRecord], int]:
    """The records of a CSV file and how many firms it has; see `import_file_firms`."""
    rows = _read_csv(content)
    header = rows[0][1]
    known = _csv_columns(instrument)
    problems = ProblemList()
    columns = _check_header(header, known, rows[1:], problems)
    missing = [
        name
        for name, field in ProfileForm.base_fields.items()
        if field.required and name not in columns
    ]
    if "external_id" not in columns:
        missing.insert(0, "external_id")
    for name in missing:
        message = _("The column “%(column)s” is missing: every firm needs it.")
        problems.add(_in_row(1, None, message % {"column": name}))
    records: list[ImportRecord] = []
    first_row: dict[str, int] = {}
    for position, (number, cells) in enumerate(rows[1:]):
        if problems.full:
            raise _file_error(problems, unchecked=len(rows) - 1 - position)
        found_before = problems.count
        unstorable = [
            _in_row(number, name or _letter(index), text_problem)
            for index, (name, cell) in enumerate(zip(header, cells, strict=False))
            if (text_problem := _text_problem(cell))
        ]
        if unstorable:
            for line in unstorable:
                problems.add(line)
            continue
        if any(cells[len(header) :]):
            message = _("This row has more cells than the first row has column names.")
            problems.add(_in_row(number, None, message))
        values = {
            name: cells[index] if index < len(cells) else "" for name, index in columns.items()
        }
        external_id = values.pop("external_id", "")
        if "external_id" in columns:
            id_problem = _external_id_problem(external_id)
            if id_problem:
                problems.add(_in_row(number, "external_id", id_problem))
            elif external_id in first_row:
                message = _("“%(external_id)s” is also the external_id of row %(first)d.")
                duplicate = {"external_id": external_id, "first": first_row[external_id]}
                problems.add(_in_row(number, "external_id", message % duplicate))
            else:
                first_row[external_id] = number
        if in_full is not None and position >= in_full:
            continue
        parsed, found = check_diagnostic(
            _csv_record(values, instrument), instrument, complete_profile=True
        )
        for problem in found:
            column = problem.place.partition(".")[2] or problem.place
            if column in missing:
                continue  # said once for the whole file, in row 1
            problems.add(_in_row(number, column if column in columns else None, problem.message))
        if problems.count == found_before:
            records.append(ImportRecord(external_id, parsed, number))
    if problems:
        raise _file_error(problems, unchecked=0)
    return records, len(rows) - 1


def import_csv_template(instrument: Instrument) -> str:
    """The header row of a CSV import file, for people who fill one in by hand."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(_csv_columns(instrument))
    return out.getvalue()


def _csv_columns(instrument: Instrument) -> list[str]:
    return ["external_id", "language", *ProfileForm.Meta.fields, *instrument.items]


def _read_csv(content: bytes) -> list[tuple[int, list[str]]]:
    """The header and the rows that are not blank, each with its spreadsheet row number.

    A row keeps only the cells under the header's columns, then one cell standing for all the
    others if any of them holds something, so that a wide row costs no more to keep.
    """
    reader = csv.reader(_csv_lines(_decode(content)))
    rows: list[tuple[int, list[str]]] = []
    number = width = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if number == 1:
                width = len(cells)
                if width > IMPORT_MAX_COLUMNS:
                    message = ngettext(
                        "The file has %(count)d column; it can have at most %(max)d.",
                        "The file has %(count)d columns; it can have at most %(max)d.",
                        width,
                    )
                    raise InterchangeError([message % {"count": width, "max": IMPORT_MAX_COLUMNS}])
            elif len(cells) > width:
                more = any(cell.strip() for cell in cells[width:])
                cells = [*cells[:width], "…" if more else ""]
            restored = [restore(cell) for cell in cells]
            if number == 1 or any(restored):
                rows.append((number, restored))
            if len(rows) > IMPORT_MAX_RECORDS + 1:
                raise InterchangeError([_too_many(IMPORT_MAX_RECORDS)])
    except csv.Error as error:
        message = _("Row %(row)d: the file can’t be read as CSV (%(error)s).")
        raise InterchangeError([message % {"row": number + 1, "error": error}]) from None
    if not rows or not any(rows[0][1]):
        raise InterchangeError(
            [_("The first row must name the columns, starting with “external_id”.")]
        )
    if len(rows[0][1]) == 1 and ";" in rows[0][1][0]:
        # What a spreadsheet in Spanish saves as plain "CSV".
        message = _("The columns must be separated by commas, not semicolons: save as “CSV UTF-8”.")
        raise InterchangeError([message])
    return rows


def _csv_lines(text: str) -> Iterator[str]:
    """The lines of a CSV file, refusing one longer than a row of the file can be.

    Stopped here, a line of a million cells never becomes a list of a million cells.
    """
    longest = IMPORT_MAX_COLUMNS * IMPORT_MAX_TEXT
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > longest:
            message = _(
                "Line %(line)d of the file has more than %(max)s characters: no row is that long."
            )
            raise InterchangeError(
                [message % {"line": number, "max": number_format(longest, force_grouping=True)}]
            )
        yield line


def _check_header(
    header: list[str], known: list[str], rows: list[tuple[int, list[str]]], problems: ProblemList
) -> dict[str, int]:
    """Each known column with its position; adds every problem of the header row.

    A column without a name is only a problem when some row has a value in it.
    """
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(header):
        unstorable = _text_problem(name)
        if unstorable:
            problems.add(_in_row(1, _letter(index), unstorable))
        else:
            positions.setdefault(name, []).append(index)
    columns: dict[str, int] = {}
    for name, indexes in positions.items():
        if not name:
            for index in indexes:
                if any(index < len(cells) and cells[index] for _number, cells in rows):
                    message = _("Column %(column)s has no name.") % {"column": _letter(index)}
                    problems.add(_in_row(1, None, message))
        elif name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            message = (
                _("There is no profile field or question with this name; is it “%(suggestion)s”?")
                % {"suggestion": close[0]}
                if close
                else _("There is no profile field or question with this name.")
            )
            problems.add(_in_row(1, name, message))
        else:
            columns[name] = indexes[0]
            if len(indexes) > 1:
                message = _("The column appears more than once: in columns %(columns)s.")
                letters = ", ".join(_letter(index) for index in indexes)
                problems.add(_in_row(1, name, message % {"columns": letters}))
    return columns


def _csv_record(values: dict[str, str], instrument: Instrument) -> dict[str, Any]:
    """A CSV row in the JSON shape `parse_diagnostic` reads; empty cells are left out."""
    profile: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    record: dict[str, Any] = {"profile": profile, "answers": answers}
    for name, cell in values.items():
        if not cell:
            continue
        if name == "language":
            record["language"] = cell
        elif name in instrument.items:
            answers[name] = _csv_answer(instrument.items[name], cell)
        elif isinstance(Firm._meta.get_field(name), models.BooleanField):
            # Spreadsheets turn a typed "true" into TRUE.
            profile[name] = cell.lower()
        else:
            profile[name] = cell
    return record


def _csv_answer(item: Item, cell: str) -> Answer | list[str]:
    """Multi: codes separated by `|`; a number stays text, which `clean_answers` reads."""
    if item.kind == "multi" or (item.kind == "single" and "|" in cell):
        return [code.strip() for code in cell.split("|") if code.strip()]
    return cell


def _in_row(row: int, column: str | None, problem: str) -> str:
    if column is None:
        return _("Row %(row)d: %(problem)s") % {"row": row, "problem": problem}
    return _("Row %(row)d, column “%(column)s”: %(problem)s") % {
        "row": row,
        "column": column,
        "problem": problem,
    }


def _letter(index: int) -> str:
    """A column's spreadsheet name from its position from 0: A … Z, AA, AB …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _external_id_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return _("The external_id must be text, like “A-17”.")
    if not value.strip():
        return _("The external_id is empty: each firm needs its own.")
    if len(value.strip()) > EXTERNAL_ID_MAX_LENGTH:
        return _("The external_id is longer than %(max)d characters.") % {
            "max": EXTERNAL_ID_MAX_LENGTH
        }
    return None


def _text_problem(text: str) -> str | None:
    """Why a text can't be stored as it is, or None.

    PostgreSQL refuses a NUL character in text, and a lone surrogate (JSON can hold one as
    "\\ud800") is no UTF-8 at all: caught here, they can't fail an import halfway.
    """
    if len(text) > IMPORT_MAX_TEXT:
        return _("The text is longer than %(max)s characters.") % {
            "max": number_format(IMPORT_MAX_TEXT, force_grouping=True)
        }
    if "\0" in text:
        return _("The text has a NUL character, which can’t be stored; remove it.")
    try:
        text.encode()
    except UnicodeEncodeError:
        return _("The text has a character that is not valid Unicode, which can’t be stored.")
    return None


def _unstorable_texts(record: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Each text of a JSON record, key or value, that can't be stored, with its place.

    The place is the dotted path ("profile.name"), or "" for a key of the record itself.
    """
    pending: deque[tuple[str, object]] = deque([("", record)])
    while pending:  # a loop, not recursion: JSON can nest deeper than Python recurses
        place, value = pending.popleft()
        if isinstance(value, str):
            problem = _text_problem(value)
            if problem:
                yield place, problem
        elif isinstance(value, dict):
            for key, item in value.items():
                problem = _text_problem(key)
                if problem:
                    yield place, problem
                else:
                    pending.append((f"{place}.{key}" if place else key, item))
        elif isinstance(value, list):
            pending.extend((place, item) for item in value)


def _file_error(problems: ProblemList, *, unchecked: int) -> InterchangeError:
    """The error of a file with `problems`, whose last `unchecked` firms were not checked."""
    lines = problems.lines()
    if unchecked:
        message = ngettext(
            "…and %(count)s more firm, not checked: the check stops after %(limit)d problems.",
            "…and %(count)s more firms, not checked: the check stops after %(limit)d problems.",
            unchecked,
        )
        values = {"count": number_format(unchecked, force_grouping=True), "limit": problems.limit}
        lines.append(message % values)
    return InterchangeError(lines, count=problems.count, complete=not unchecked)


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = _(
            "The file is not UTF-8 text (see line %(line)d): save it in the UTF-8 encoding."
        )
        line = content[: error.start].count(b"\n") + 1
        raise InterchangeError([message % {"line": line}]) from None


def _too_many(limit: int) -> str:
    return ngettext(
        "The file has more than %(max)d firm; split it into files of at most %(max)d.",
        "The file has more than %(max)d firms; split it into files of at most %(max)d.",
        limit,
    ) % {"max": limit}
