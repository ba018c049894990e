"""A cohort's assessments as a table: one row per submitted assessment, with its codebook.

The rows come from one query read in chunks, so memory and the number of queries stay flat
however large the cohort. Every cell is neutralised against formula injection. The
pseudonymised variant leaves out names and contacts and replaces the firm's number with a
keyed hash, so a firm's baseline and follow-up still match without revealing which firm it is;
it gives figures in bands and dates as months, and withholds the rarest of the firm's
quasi-identifiers so that each combination is shared by at least K firms (see anonymity.py).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from operator import itemgetter, methodcaller
from typing import IO, Any

from django.conf import settings
from django.db.models import (
    CharField,
    Exists,
    F,
    Func,
    OuterRef,
    QuerySet,
    StringAgg,
    Subquery,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.spreadsheets import FORMULA_STARTS, neutralise
from diagnostic.instrument import Instrument, Texts, localized
from diagnostic.models import Assessment, Firm, Score, Sector, Settlement
from diagnostic.places import subdivision_name
from diagnostic.scoring import LEVELS, level_for
from diagnostic.stages import STAGES

from .anonymity import (
    EMPLOYEE_BANDS,
    TURNOVER_BANDS,
    WITHHELD,
    YEARS_BANDS,
    K,
    banded,
    shown_counts,
)
from .models import Cohort, CohortAssessment

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 500
# Rows fetched from the database at a time: fewer round trips, memory still flat.
READ_CHUNK_SIZE = 2000
FIRM_ID_LENGTH = 16
_FIRM_ID_SALT = "cohorts.exports.firm_id"
_TIMESTAMP = _("ISO 8601 date and time with the offset from UTC, like 2026-03-01T10:30:00-06:00.")
_SCORE = _("A whole number from 0 to 100; empty when nothing could be scored.")
_FREE_TEXT = _("Free text.")
_MONTH = _("ISO 8601 year and month, like 2026-03.")
_COMPLETENESS = _("A whole number; empty for results scored before completeness was recorded.")
# The columns of the pseudonymised variant that, together, could single a firm out: each
# combination of them is shared by at least K firms; the last ones are withheld first, so the
# order says what a programme's analysis needs most (where, led by a woman, sector, size).
QUASI_IDENTIFIERS = (
    "country",
    "region",
    "region_name",
    "settlement",
    "women_led",
    "sector",
    "employees_band",
    "formally_registered",
    "has_physical_storefront",
    "exports",
    "currency",
    "annual_turnover_band",
    "years_trading_band",
)


Row = dict[str, Any]
# What a row of the export reads, by name, from the cohort assessment it describes.
ROW_FIELDS: dict[str, str] = {
    "pk": "pk",
    "firm_id": "enrolment__firm_id",
    "external_id": "enrolment__external_id",
    "cohort": "enrolment__cohort__name",
    "consultant_first_name": "enrolment__consultant__user__first_name",
    "consultant_last_name": "enrolment__consultant__user__last_name",
    "consultant_username": "enrolment__consultant__user__username",
    "kind": "kind",
    "language": "assessment__language",
    "started_at": "assessment__created_at",
    "submitted_at": "assessment__submitted_at",
    "stage": "assessment__stage",
    "overall_score": "assessment__overall_score",
    "items_scored": "assessment__items_scored",
    "items_applicable": "assessment__items_applicable",
    # The figures that change over time as they were when the assessment was submitted.
    **{name: f"assessment__{name}" for name in Firm.SNAPSHOT_FIELDS},
    **{
        name: f"enrolment__firm__{name}"
        for name in Firm.PROFILE_FIELDS
        if name not in Firm.SNAPSHOT_FIELDS
    },
}
# The row's times, given in the site's time zone.
_TIMES = ("started_at", "submitted_at")


@dataclass(frozen=True, kw_only=True)
class Column:
    """One column: its stable name, what it means and which values it takes, in each language."""

    name: str
    description: Texts
    allowed: Texts
    numeric: bool = False
    # Names and contacts: left out of the pseudonymised variant.
    identifying: bool = False
    # Exact figures and times: in the pseudonymised variant a banded column replaces them.
    exact: bool = False
    banded: bool = False
    # `read` gives the cell's text already (digits or a code, "" when empty): no conversion.
    text_ready: bool = False
    # Read from one row of `export_rows`' query: a dict of ROW_FIELDS and the scores.
    read: Callable[[Row], Any] = field(repr=False, compare=False)


def pseudonymous_firm_id(firm_id: int) -> str:
    """The firm's code in pseudonymised exports: HMAC-SHA256 keyed by SECRET_KEY, 16 hex digits.

    Stable while SECRET_KEY stays the same; without the key it cannot be traced to the firm.
    """
    return salted_hmac(_FIRM_ID_SALT, str(firm_id), algorithm="sha256").hexdigest()[:FIRM_ID_LENGTH]


def export_columns(instrument: Instrument, *, pseudonymised: bool) -> list[Column]:
    """The columns of the export, in order; the pseudonymised variant has no names or contacts."""
    columns = [
        _firm_id_column(pseudonymised),
        _column(
            "external_id",
            _("The firm’s id in the programme’s own records, if one was given at enrolment."),
            read=itemgetter("external_id"),
            identifying=True,
        ),
        _column("firm_name", _("Name of the business."), read=_firm("name"), identifying=True),
        _column(
            "contact_email",
            _("The firm’s contact e-mail."),
            read=_firm("contact_email"),
            identifying=True,
        ),
        _column("owner_name", _("The owner’s name."), read=_firm("owner_name"), identifying=True),
        _column(
            "phone",
            _("The firm’s WhatsApp or mobile number."),
            read=_firm("phone"),
            allowed=_said(
                _(
                    "E.164, like +525512345678, written '+525512345678 so that no spreadsheet "
                    "reads it as a formula."
                )
            ),
            identifying=True,
        ),
        _column(
            "country",
            _("Country of the firm."),
            read=_firm("country"),
            allowed=_said(_("An ISO 3166-1 alpha-2 code, like MX.")),
        ),
        _column(
            "region",
            _("State or province."),
            read=_firm("region"),
            allowed=_said(_("An ISO 3166-2 code, like MX-PUE; older entries may hold a name.")),
        ),
        _column(
            "region_name",
            _("Name of the state or province, in the language the file was made in."),
            read=_region_name,
        ),
        _column("municipality", _("Municipality."), read=_firm("municipality"), identifying=True),
        _column(
            "settlement",
            _("Type of place where the firm works."),
            read=_firm("settlement"),
            allowed=_coded(Settlement.choices),
        ),
        _column(
            "town_population",
            _("Population of the firm’s town."),
            read=_firm("town_population"),
            allowed=_said(_("A whole number; empty when unknown.")),
            numeric=True,
            exact=True,
        ),
        _column(
            "sector",
            _("Main activity of the firm."),
            read=_firm("sector"),
            allowed=_coded(Sector.choices),
        ),
        _column(
            "employees",
            _("People working in the business when the assessment was submitted."),
            read=_firm("employees"),
            allowed=_said(_("A whole number.")),
            numeric=True,
            exact=True,
        ),
        _column(
            "employees_band",
            _("People working in the business, in bands."),
            read=_firm_band("employees", EMPLOYEE_BANDS),
            allowed=_bands(EMPLOYEE_BANDS),
            banded=True,
        ),
        _column(
            "annual_turnover",
            _(
                "Yearly sales when the assessment was submitted, in the currency given in the "
                "column “currency”."
            ),
            read=_firm("annual_turnover"),
            allowed=_said(_("A number with “.” as decimal mark; empty when unknown.")),
            numeric=True,
            exact=True,
        ),
        _column(
            "annual_turnover_band",
            _("Yearly sales in bands, in the currency given in the column “currency”."),
            read=_firm_band("annual_turnover", TURNOVER_BANDS),
            allowed=_bands(TURNOVER_BANDS),
            banded=True,
        ),
        _column(
            "currency",
            _("Currency of the yearly sales."),
            read=_firm("currency"),
            allowed=_said(_("An ISO 4217 code, like MXN.")),
        ),
        _column(
            "years_trading",
            _("Years in business."),
            read=_firm("years_trading"),
            allowed=_said(_("A whole number; empty when unknown.")),
            numeric=True,
            exact=True,
        ),
        _column(
            "years_trading_band",
            _("Years in business, in bands."),
            read=_firm_band("years_trading", YEARS_BANDS),
            allowed=_bands(YEARS_BANDS),
            banded=True,
        ),
        _yes_no("women_led", _("Whether the business is led by a woman.")),
        _yes_no(
            "has_physical_storefront",
            _("Whether the business has a shop or premises open to customers."),
        ),
        _yes_no("formally_registered", _("Whether the business is formally registered.")),
        _yes_no("exports", _("Whether the business sells abroad.")),
        _column("cohort", _("Name of the cohort."), read=itemgetter("cohort")),
        _column(
            "consultant",
            _("The consultant assigned to the firm; empty for firms that joined on their own."),
            read=_consultant,
            identifying=True,
        ),
        _column(
            "kind",
            _("Whether this is the firm’s first assessment in the cohort or a later one."),
            read=itemgetter("kind"),
            allowed=_coded(CohortAssessment.Kind.choices),
        ),
        _column(
            "language",
            _("Language the questionnaire was answered in."),
            read=_assessment("language"),
            allowed=_coded(settings.LANGUAGES),
        ),
        _column(
            "started_at",
            _("When the assessment was started."),
            read=_assessment("started_at"),
            allowed=_said(_TIMESTAMP),
            exact=True,
        ),
        _column(
            "started_month",
            _("The month the assessment was started."),
            read=_month("started_at"),
            allowed=_said(_MONTH),
            banded=True,
        ),
        _column(
            "submitted_at",
            _("When the assessment was submitted."),
            read=_assessment("submitted_at"),
            allowed=_said(_TIMESTAMP),
            exact=True,
        ),
        _column(
            "submitted_month",
            _("The month the assessment was submitted."),
            read=_month("submitted_at"),
            allowed=_said(_MONTH),
            banded=True,
        ),
        _column(
            "stage",
            _(
                "Stage on the A–E digital journey, placed by what the firm does; empty when "
                "neither its sales channels nor its online presence were answered."
            ),
            read=_assessment("stage"),
            allowed=_coded(STAGES.items()),
        ),
        _column(
            "overall_score",
            _("Overall score: the weighted mean of the scored dimensions."),
            read=_assessment("overall_score"),
            allowed=_said(_SCORE),
            numeric=True,
        ),
        _column(
            "overall_level",
            _("Level of the overall score."),
            read=_level("overall_score"),
            text_ready=True,
            allowed=_levels(),
        ),
        _column(
            "items_scored",
            _(
                "How many questions the overall score rests on: those answered with a score, "
                "in the scored dimensions. A dimension with fewer than half of its applicable "
                "questions scored has no score, and the overall then has none either."
            ),
            read=itemgetter("items_scored"),
            allowed=_said(_COMPLETENESS),
            numeric=True,
        ),
        _column(
            "items_applicable",
            _(
                "How many questions of the scored dimensions apply to the firm: all of them "
                "but those answered “not applicable”."
            ),
            read=itemgetter("items_applicable"),
            allowed=_said(_COMPLETENESS),
            numeric=True,
        ),
    ]
    for dimension in instrument.dimensions:
        description = (
            _("Score of the dimension “%(name)s”.")
            if dimension.scored
            else _("Score of “%(name)s”: asked, but not part of the overall score.")
        )
        columns += [
            _column(
                f"score_{dimension.code}",
                description,
                names=dimension.name,
                read=_score(Score.Kind.DIMENSION, dimension.code),
                text_ready=True,
                allowed=_said(_SCORE),
                numeric=True,
            ),
            _column(
                f"level_{dimension.code}",
                _("Level of the score of “%(name)s”."),
                names=dimension.name,
                read=_level(_score_key(Score.Kind.DIMENSION, dimension.code)),
                text_ready=True,
                allowed=_levels(),
            ),
        ]
    for dimension in instrument.dimensions:
        columns += [
            _column(
                f"score_{area.code}",
                _("Score of the area “%(name)s”."),
                names=area.name,
                read=_score(Score.Kind.AREA, area.code),
                text_ready=True,
                allowed=_said(_SCORE),
                numeric=True,
            )
            for area in dimension.areas
        ]
    if not pseudonymised:
        return [column for column in columns if not column.banded]
    return [
        _may_be_withheld(column) if column.name in QUASI_IDENTIFIERS else column
        for column in columns
        if not (column.identifying or column.exact)
    ]


def submitted_assessments(cohort: Cohort) -> QuerySet[CohortAssessment]:
    """The cohort's submitted assessments, by firm then date.

    A submitted correction replaces the assessment it corrects, so nothing is counted twice;
    an assessment set aside for another of the same time (a settled conflict) is left out.
    """
    superseded = CohortAssessment.objects.filter(
        corrects=OuterRef("pk"), assessment__status=Assessment.Status.SUBMITTED
    )
    return (
        CohortAssessment.objects.filter(
            enrolment__cohort=cohort,
            assessment__status=Assessment.Status.SUBMITTED,
            set_aside=False,
        )
        .exclude(Exists(superseded))
        .order_by("enrolment__firm_id", "assessment__submitted_at", "pk")
    )


class _Joined(Func):
    """Text joined with ||, as Concat does without the COALESCE it wraps around each part:
    none is ever null here, and for 3 million scores the COALESCEs cost a third of a second."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = CharField()


def export_table_rows(cohort: Cohort) -> Iterator[Row]:
    """One plain row per submitted assessment: ROW_FIELDS and every dimension and area score
    (under `_score_key`). One query, read in chunks from a server-side cursor,
    so memory and queries stay flat however large the cohort."""
    scores = (
        Score.objects.filter(assessment=OuterRef("assessment"))
        .values("assessment")
        .annotate(
            scores=StringAgg(
                _Joined("kind", Value("_"), "code", Value(","), Cast("value", CharField())),
                delimiter=Value(","),
            )
        )
        .values("scores")
    )
    rows = (
        submitted_assessments(cohort)
        .values(
            *(path for name, path in ROW_FIELDS.items() if name == path),
            **{name: F(path) for name, path in ROW_FIELDS.items() if name != path},
            scores=Subquery(scores),
        )
        .iterator(chunk_size=READ_CHUNK_SIZE)
    )
    here = timezone.get_current_timezone()  # once: looking it up is slow for every row
    for row in rows:
        scores = row.pop("scores")
        if scores:  # "dimension_marketing,40,area_social_networks,55,…": kept as text
            parts = scores.split(",")
            row.update(zip(parts[::2], parts[1::2], strict=True))
        for name in _TIMES:
            if row[name] is not None:
                row[name] = row[name].astimezone(here)
        yield row


def export_rows(
    cohort: Cohort, instrument: Instrument, *, pseudonymised: bool
) -> Iterator[list[str]]:
    """One row of neutralised text per submitted assessment.

    Pseudonymised, the rows are read twice: first to learn how many of each firm's
    quasi-identifiers can be shown, then to write them.
    """
    columns = export_columns(instrument, pseudonymised=pseudonymised)
    converters = [(column.read, column.text_ready) for column in columns]
    shown = _quasi_identifiers_shown(cohort, columns) if pseudonymised else {}
    ranks = {
        index: QUASI_IDENTIFIERS.index(column.name)
        for index, column in enumerate(columns)
        if pseudonymised and column.name in QUASI_IDENTIFIERS
    }
    for row in export_table_rows(cohort):
        cells = [read(row) if ready else _text(read(row)) for read, ready in converters]
        limit = shown.get(row["firm_id"], len(QUASI_IDENTIFIERS))
        for index, rank in ranks.items():
            if rank >= limit:
                cells[index] = WITHHELD
        yield cells


def _quasi_identifiers_shown(cohort: Cohort, columns: list[Column]) -> dict[int, int]:
    """Firm → how many of QUASI_IDENTIFIERS its rows show, so that k-anonymity holds."""
    reads = {column.name: column.read for column in columns}
    combinations = {
        row["firm_id"]: tuple(_text(reads[name](row)) for name in QUASI_IDENTIFIERS)
        for row in export_table_rows(cohort)
    }
    return shown_counts(combinations, K)


def export_table(
    cohort: Cohort, instrument: Instrument, *, pseudonymised: bool
) -> Iterator[list[str]]:
    """The header of stable column names, then the rows."""
    yield [column.name for column in export_columns(instrument, pseudonymised=pseudonymised)]
    yield from export_rows(cohort, instrument, pseudonymised=pseudonymised)


def codebook_rows(
    instrument: Instrument, language: str, *, pseudonymised: bool = False
) -> list[list[str]]:
    """A header, then each column with its description and allowed values, in `language`."""
    with translation.override(language):
        header = [gettext("Column"), gettext("Description"), gettext("Allowed values")]
    rows = [
        [column.name, localized(column.description, language), localized(column.allowed, language)]
        for column in export_columns(instrument, pseudonymised=pseudonymised)
    ]
    return [[neutralise(cell) for cell in row] for row in [header, *rows]]


def csv_lines(rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """CSV text CHUNK_SIZE lines at a time (one write to the network each), after a byte-order
    mark so that Excel reads the accents right."""
    writer = csv.writer(_Echo())
    lines = ["\ufeff"]
    for row in rows:
        lines.append(writer.writerow(row))
        if len(lines) >= CHUNK_SIZE:
            yield "".join(lines)
            lines = []
    yield "".join(lines)


def write_csv(
    file: IO[bytes],
    cohort: Cohort,
    instrument: Instrument,
    *,
    pseudonymised: bool,
    progress: Callable[[int], None] = lambda rows: None,
) -> None:
    """The CSV export written into `file` as UTF-8; `progress` hears how many rows are
    written, every CHUNK_SIZE of them."""
    table = export_table(cohort, instrument, pseudonymised=pseudonymised)
    for number, text in enumerate(csv_lines(table)):
        file.write(text.encode())
        progress(number * CHUNK_SIZE)


def write_xlsx(
    file: IO[bytes],
    cohort: Cohort,
    instrument: Instrument,
    *,
    pseudonymised: bool,
    language: str,
    progress: Callable[[int], None] = lambda rows: None,
) -> None:
    """The workbook, sheet "data" then sheet "codebook", written row by row into `file`.

    `progress` hears how many rows are written, every CHUNK_SIZE of them.
    """
    workbook = Workbook(write_only=True)
    columns = export_columns(instrument, pseudonymised=pseudonymised)
    data = workbook.create_sheet("data")
    data.append([_text_cell(data, column.name) for column in columns])
    rows = export_rows(cohort, instrument, pseudonymised=pseudonymised)
    for number, row in enumerate(rows, start=1):
        if number % CHUNK_SIZE == 0:
            progress(number)
        data.append(
            [
                _number_cell(data, text) if column.numeric else _text_cell(data, text)
                for column, text in zip(columns, row, strict=True)
            ]
        )
    codebook = workbook.create_sheet("codebook")
    for row in codebook_rows(instrument, language, pseudonymised=pseudonymised):
        codebook.append([_text_cell(codebook, text) for text in row])
    workbook.save(file)


# --- Columns ----------------------------------------------------------------------------------


def _column(
    name: str,
    description: Promise,
    *,
    read: Callable[[Row], Any],
    allowed: Texts | None = None,
    names: Texts | None = None,
    numeric: bool = False,
    identifying: bool = False,
    exact: bool = False,
    banded: bool = False,
    text_ready: bool = False,
) -> Column:
    """A column; `names` are the instrument's texts that fill the description's %(name)s."""

    def describe(language: str) -> str:
        text = str(description)
        return text % {"name": localized(names, language)} if names is not None else text

    return Column(
        name=name,
        description=_in_each_language(describe),
        allowed=allowed or _said(_FREE_TEXT),
        numeric=numeric,
        identifying=identifying,
        exact=exact,
        banded=banded,
        text_ready=text_ready,
        read=read,
    )


def _firm_id_column(pseudonymised: bool) -> Column:
    if pseudonymised:
        return _column(
            "firm_id",
            _(
                "A code for the firm, the same on each of its rows and in every pseudonymised "
                "export of this site; it cannot be traced back to the firm without the site’s "
                "secret key."
            ),
            read=lambda row: pseudonymous_firm_id(row["firm_id"]),
            allowed=_said(_("16 hexadecimal digits.")),
        )
    return _column(
        "firm_id",
        _("The firm’s number in Ruta Digital, the same on each of its rows."),
        read=itemgetter("firm_id"),
        allowed=_said(_("A whole number.")),
        numeric=True,
    )


def _may_be_withheld(column: Column) -> Column:
    """The column as the pseudonymised variant describes it: its value may be withheld."""
    note = _(
        "“*” when withheld: each combination of the columns %(columns)s is shared by at least "
        "%(k)s firms of the export, and the values at the end of that list are withheld first."
    )
    names = ", ".join(QUASI_IDENTIFIERS)

    def allowed(language: str) -> str:
        withheld = str(note) % {"columns": names, "k": K}
        return f"{localized(column.allowed, language)} {withheld}"

    return replace(column, allowed=_in_each_language(allowed))


def _yes_no(name: str, description: Promise) -> Column:
    return _column(
        name,
        description,
        read=_firm(name),
        allowed=_said(_("true or false; empty when unknown.")),
    )


def _firm(attribute: str) -> Callable[[Row], Any]:
    return itemgetter(attribute)


def _assessment(attribute: str) -> Callable[[Row], Any]:
    return itemgetter(attribute)


def _firm_band(attribute: str, bands: Sequence[tuple[int, str]]) -> Callable[[Row], str]:
    return lambda row: banded(row[attribute], bands)


def _month(attribute: str) -> Callable[[Row], str]:
    return lambda row: row[attribute].strftime("%Y-%m") if row[attribute] else ""


def _region_name(row: Row) -> str:
    return subdivision_name(row["region"], get_language() or "en") if row["region"] else ""


def _consultant(row: Row) -> str:
    if row["consultant_username"] is None:
        return ""
    full_name = f"{row['consultant_first_name']} {row['consultant_last_name']}".strip()
    return full_name or row["consultant_username"]


def _score_key(kind: str, code: str) -> str:
    return f"{kind}_{code}"


def _score(kind: str, code: str) -> Callable[[Row], str]:
    """A dimension's or area's score, as text; "" where it has none (not enough answers)."""
    return methodcaller("get", _score_key(kind, code), "")


# A score's level, whether the score comes as a number (overall) or as text (pivoted).
_LEVEL_OF: dict[int | str | None, str] = {
    key: level_for(score) or "" for score in range(101) for key in (score, str(score))
}


def _level(key: str) -> Callable[[Row], str]:
    """The level of the score the row holds under `key`; "" where it holds none."""
    return lambda row: _LEVEL_OF.get(row.get(key), "")


def _in_each_language(render: Callable[[str], str]) -> Texts:
    texts: Texts = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            texts[language] = render(language)
    return texts


def _said(message: Promise) -> Texts:
    return _in_each_language(lambda language: str(message))


def _bands(bands: Sequence[tuple[int, str]]) -> Texts:
    labels = "; ".join(label for _lower, label in bands)
    return _in_each_language(
        lambda language: str(_("One of: %(bands)s; empty when unknown.")) % {"bands": labels}
    )


def _coded(choices: Iterable[tuple[str, Any]]) -> Texts:
    """Each code with its meaning: "metro: Large city; city: Smaller city"."""
    choices = list(choices)
    return _in_each_language(lambda language: "; ".join(f"{c}: {label}" for c, label in choices))


def _levels() -> Texts:
    """Each level code with its name and range of scores, as the scoring rules define them."""
    ranges: dict[str, tuple[int, int]] = {}
    for value in range(101):
        level = level_for(value)
        assert level is not None
        low, _high = ranges.get(level, (value, value))
        ranges[level] = (low, value)
    return _in_each_language(
        lambda language: "; ".join(
            f"{code}: {label} ({ranges[code][0]}–{ranges[code][1]})"
            for code, label in LEVELS.items()
        )
    )


# --- Cells ------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A value as export text: booleans true/false, dates ISO 8601, unknown empty; text that
    a spreadsheet would run as a formula is neutralised. The commonest kinds come first: this
    runs for every cell."""
    kind = type(value)
    if kind is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if kind is int:
        return str(value)
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    if isinstance(value, datetime):  # in the site's time zone already (export_table_rows)
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return neutralise(value)


class _Echo:
    """A file that hands back what is written, so csv.writer produces one line at a time."""

    def write(self, value: str) -> str:
        return value


def _text_cell(sheet: Any, text: str) -> WriteOnlyCell:
    if not text:
        return WriteOnlyCell(sheet, value=None)
    # openpyxl would store a string starting with "=" as a formula: force text.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text))
    cell.data_type = "s"
    return cell


def _number_cell(sheet: Any, text: str) -> WriteOnlyCell:
    """A number where the text is one, so spreadsheets can add it up; otherwise text."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return _text_cell(sheet, text)
    if not number.is_finite():
        return _text_cell(sheet, text)
    value: int | Decimal = int(number) if number == number.to_integral_value() else number
    return WriteOnlyCell(sheet, value=value)
