"""CSV import and export of programmes and providers."""

import csv
import io

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from recommendations.csv_io import (
    PROGRAMME_COLUMNS,
    PROVIDER_COLUMNS,
    CSVProblems,
    neutralise,
    read_csv,
    write_csv,
)
from recommendations.models import Programme, Provider
from recommendations.parsing import parse_all, parse_programme, parse_provider
from recommendations.services import (
    CATALOGUE_DIR,
    catalogue_export_csv,
    catalogue_import_csv,
)


def shipped(name, parse):
    entries = yaml.safe_load((CATALOGUE_DIR / name).read_text(encoding="utf-8"))
    specs, problems = parse_all(entries, parse, label=str)
    assert not problems
    return specs


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("kind", "name", "parse"),
    [
        ("programmes", "programmes.yaml", parse_programme),
        ("providers", "providers.yaml", parse_provider),
    ],
)
def test_export_then_import_gives_back_the_same_entries(kind, name, parse):
    specs = shipped(name, parse)
    assert read_csv(kind, write_csv(kind, specs).encode()) == specs


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_a_spreadsheet_would_run_are_neutralised(start):
    assert neutralise(f'{start}HYPERLINK("http://evil")').startswith("'")
    assert neutralise("Mercado Libre") == "Mercado Libre"


def test_a_neutralised_cell_reads_back_as_written():
    provider = shipped("providers.yaml", parse_provider)[0]
    from dataclasses import replace

    tricky = replace(provider, contact="=1+1 @evil")
    text = write_csv("providers", [tricky])
    assert rows(text)[0]["contact"] == "'=1+1 @evil"
    assert read_csv("providers", text.encode())[0].contact == "=1+1 @evil"


def programme_csv(**changes) -> bytes:
    spec = shipped("programmes.yaml", parse_programme)[0]
    row = rows(write_csv("programmes", [spec]))[0]
    row.update(changes)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    writer.writerow({**row, "code": "second_one", "kind": "lottery", "employees_max": "ten"})
    return out.getvalue().encode()


def test_every_problem_is_named_by_row_and_column(english):
    with pytest.raises(CSVProblems) as error:
        read_csv("programmes", programme_csv(name_es="", countries="Mexico", opens_on="31/12/2026"))
    problems = "\n".join(error.value.problems.shown)
    assert "Row 2, name: the es text is missing" in problems
    assert "Row 2, coverage.countries: “Mexico” is not an ISO 3166-1 alpha-2 code" in problems
    assert "Row 2, opens_on" in problems
    assert "Row 3, kind: “lottery”" in problems
    assert "Row 3, criteria.employees_max: “ten” is not a whole number" in problems


def test_unknown_and_missing_columns_are_refused(english):
    text = "code,name,colour\nx,y,z\n"
    with pytest.raises(CSVProblems) as error:
        read_csv("providers", text.encode())
    assert "Column “colour” is not known." in error.value.problems.shown
    assert "Column “price_tier” is missing." in error.value.problems.shown


def test_a_file_that_is_not_utf8_is_refused_clearly():
    with pytest.raises(CSVProblems, match="UTF-8"):
        read_csv("providers", "código,nombre\n".encode("latin-1"))


@pytest.mark.django_db
def test_a_file_with_an_error_imports_nothing():
    with pytest.raises(CSVProblems):
        catalogue_import_csv(kind="programmes", content=programme_csv())
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_a_correct_file_imports_and_reimporting_updates_without_duplicates():
    content = catalogue_export_csv(kind="providers")
    assert content.startswith("code,name,")
    providers = write_csv("providers", shipped("providers.yaml", parse_provider)).encode()
    first = catalogue_import_csv(kind="providers", content=providers)
    again = catalogue_import_csv(kind="providers", content=providers)
    assert first["created"] == Provider.objects.count() > 20
    assert (again["created"], again["updated"]) == (0, Provider.objects.count())


CELLS = st.text(st.characters(codec="utf-8"), max_size=30) | st.sampled_from(
    ["", "1e30", "-1", "NaN", "2026-02-30", "true", "mx", "MX", "grant", "'=1", "a|b", " "]
)


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(["programmes", "providers"]),
    rows=st.lists(st.lists(CELLS, max_size=40), max_size=4),
    line_end=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_any_file_is_either_read_or_refused_with_its_problems(kind, rows, line_end):
    columns = PROGRAMME_COLUMNS if kind == "programmes" else PROVIDER_COLUMNS
    out = io.StringIO()
    csv.writer(out, lineterminator=line_end).writerows([columns, *rows])
    try:
        specs = read_csv(kind, out.getvalue().encode())
    except CSVProblems as error:
        assert error.problems
    else:
        assert len(specs) <= len(rows)


@settings(max_examples=300, deadline=None)
@given(content=st.binary(max_size=500))
def test_any_bytes_are_either_read_or_refused_with_their_problems(content):
    try:
        read_csv("providers", content)
    except CSVProblems as error:
        assert error.problems


def test_a_row_the_csv_reader_cannot_read_is_named(english):
    header = ",".join(PROVIDER_COLUMNS)
    with pytest.raises(CSVProblems) as error:
        read_csv("providers", f"{'x' * 200_000}\n".encode())
    assert error.value.problems.lines() == ["Row 1: a cell is longer than 5,000 characters."]
    with pytest.raises(CSVProblems) as error:
        read_csv("providers", f"{header}\n\n{'x' * 200_000}\n".encode())
    assert error.value.problems.lines() == ["Row 3: a cell is longer than 5,000 characters."]
