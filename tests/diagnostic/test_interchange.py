"""Bulk import files (DESIGN 2.5): checked in full, every problem named by record or by cell."""

import json
from decimal import Decimal

import pytest

from diagnostic.forms import ProfileForm
from diagnostic.import_files import (
    IMPORT_MAX_RECORDS,
    import_csv_template,
    parse_import_csv,
    parse_import_json,
)
from diagnostic.instrument_file import load_instrument_file, parse_instrument
from diagnostic.interchange import InterchangeError
from diagnostic.services import INSTRUMENTS_DIR

pytestmark = pytest.mark.usefixtures("english")

HEADER = (
    "external_id,language,name,country,region,settlement,sector,employees,annual_turnover,"
    "women_led,internet_access,sales_channels,payments_accepted,staff_with_smartphone"
)

PROFILE = {
    "name": "Herbolaria Coyoacán",
    "country": "MX",
    "region": "Ciudad de México",
    "settlement": "metro",
    "sector": "retail_goods",
    "employees": 4,
}


@pytest.fixture(scope="module")
def spec():
    return parse_instrument(load_instrument_file(INSTRUMENTS_DIR / "mydigitalsme-v1.yaml"))


def csv_file(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


def problems(parse, content: bytes, spec) -> list[str]:
    with pytest.raises(InterchangeError) as error:
        parse(content, spec)
    return error.value.problems


# --- CSV -------------------------------------------------------------------------------------


def test_csv_names_every_problem_of_the_file_by_row_and_column(spec):
    content = csv_file(
        HEADER + ",notes",
        "A-1,en,Herbolaria Coyoacán,MX,Ciudad de México,metro,retail_goods,4,,true,"
        "mobile_reliable,messaging_apps|social_media,cash_only,3,call on Mondays",
        "A-2,en,Tienda Lupita,MX,Jalisco,city,retail_goods,2,,yes,"
        "none|mobile_reliable,amazon,,600,",
        "A-1,en,Tejidos Sofía,XX,Cusco,rural,crafts_textiles,1,,,"
        "fixed_broadband,phone,cash_only|card_terminal,,",
        ",en,Miel del Monte,MX,Oaxaca,rural,agrifood,3,,false,,,,,",
    )

    assert problems(parse_import_csv, content, spec) == [
        "Row 1, column “notes”: There is no profile field or question with this name.",
        "Row 3, column “women_led”: "
        "Select a valid choice. yes is not one of the available choices.",
        "Row 3, column “internet_access”: "
        "Choose only one answer to the question “internet_access”.",
        "Row 3, column “staff_with_smartphone”: Enter a number from 0 to 500.",
        "Row 3, column “sales_channels”: "
        "“amazon” is not an answer to the question “sales_channels”.",
        "Row 4, column “external_id”: “A-1” is also the external_id of row 2.",
        "Row 4, column “country”: Select a valid choice. XX is not one of the available choices.",
        "Row 4, column “payments_accepted”: “Cash only” can’t be combined with other answers.",
        "Row 5, column “external_id”: The external_id is empty: each firm needs its own.",
    ]


def test_csv_corrected_file_gives_every_firm_with_its_profile_and_answers(spec):
    content = csv_file(
        HEADER,
        "A-1,en,Herbolaria Coyoacán,MX,Ciudad de México,metro,retail_goods,4,1200000,true,"
        "mobile_reliable,social_media|messaging_apps,cash_only,12.5",
        "A-2,es,Tienda Lupita,MX,Jalisco,city,retail_goods,2,,false,"
        "mobile_reliable,own_online_store,,7",
        "A-3,en,Tejidos Sofía,PE,Cusco,rural,crafts_textiles,1,,,"
        "fixed_broadband,phone,mobile_wallet|card_terminal,,",
        "A-4,,Miel del Monte,MX,Oaxaca,rural,agrifood,3,,false,,,,,",
    )

    records = parse_import_csv(content, spec)

    assert [(record.external_id, record.row) for record in records] == [
        ("A-1", 2),
        ("A-2", 3),
        ("A-3", 4),
        ("A-4", 5),
    ]
    first, second, third, fourth = (record.diagnostic for record in records)
    assert first.language == "en"
    assert first.answers == {
        "internet_access": "mobile_reliable",
        "staff_with_smartphone": 12.5,
        "sales_channels": ("messaging_apps", "social_media"),
        "payments_accepted": ("cash_only",),
    }
    assert first.profile["name"] == "Herbolaria Coyoacán"
    assert first.profile["employees"] == 4
    assert first.profile["annual_turnover"] == Decimal("1200000")
    assert first.profile["currency"] == "MXN"
    assert first.profile["women_led"] is True
    assert second.language == "es"
    assert second.answers["staff_with_smartphone"] == 7
    assert isinstance(second.answers["staff_with_smartphone"], int)
    assert second.profile["women_led"] is False
    assert third.profile["country"] == "PE"
    assert third.profile["women_led"] is None
    assert third.answers["payments_accepted"] == ("card_terminal", "mobile_wallet")
    assert "staff_with_smartphone" not in third.answers
    assert fourth.language == "es"  # the site's default
    assert fourth.answers == {}


def test_csv_tolerates_a_byte_order_mark(spec):
    content = b"\xef\xbb\xbf" + csv_file(
        "external_id,name,country,region,settlement,sector,employees",
        "A-1,Herbolaria Coyoacán,MX,Ciudad de México,metro,retail_goods,4",
    )

    [record] = parse_import_csv(content, spec)

    assert record.external_id == "A-1"
    assert record.diagnostic.profile["name"] == "Herbolaria Coyoacán"


def test_csv_reads_a_cell_our_exports_neutralised_as_a_formula(spec):
    content = csv_file(
        "external_id,name,country,region,municipality,settlement,sector,employees",
        "'+52-17,'=Tienda Lupita,MX,Jalisco,'@Zapopan,city,retail_goods,2",
    )

    [record] = parse_import_csv(content, spec)

    assert record.external_id == "+52-17"
    assert record.diagnostic.profile["name"] == "=Tienda Lupita"
    assert record.diagnostic.profile["municipality"] == "@Zapopan"
    assert record.diagnostic.profile["region"] == "MX-JAL"


def test_csv_reads_booleans_a_spreadsheet_wrote_in_capitals(spec):
    content = csv_file(
        "external_id,name,country,region,settlement,sector,employees,women_led,exports",
        "A-1,Herbolaria Coyoacán,MX,Ciudad de México,metro,retail_goods,4,TRUE,FALSE",
    )

    [record] = parse_import_csv(content, spec)

    assert record.diagnostic.profile["women_led"] is True
    assert record.diagnostic.profile["exports"] is False


def test_csv_skips_blank_rows_but_keeps_spreadsheet_row_numbers(spec):
    content = csv_file(
        "external_id,name,country,region,settlement,sector,employees,internet_access",
        ",,,,,,,",
        "A-1,Herbolaria Coyoacán,MX,Ciudad de México,metro,retail_goods,4,satellite",
        "",
    )

    assert problems(parse_import_csv, content, spec) == [
        "Row 3, column “internet_access”: "
        "“satellite” is not an answer to the question “internet_access”.",
    ]


def test_csv_header_without_external_id_and_with_a_duplicate_column(spec):
    content = csv_file(
        "name,country,region,settlement,sector,employees,sales_chanels,sales_channels,sales_channels",
        "Herbolaria Coyoacán,MX,Ciudad de México,metro,retail_goods,4,phone,phone,phone",
    )

    assert problems(parse_import_csv, content, spec) == [
        "Row 1, column “sales_chanels”: "
        "There is no profile field or question with this name; is it “sales_channels”?",
        "Row 1, column “sales_channels”: The column appears more than once: in columns H, I.",
        "Row 1: The column “external_id” is missing: every firm needs it.",
    ]


def test_csv_missing_profile_column_is_named_once_not_on_every_row(spec):
    content = csv_file(
        "external_id,name,country,region,settlement,sector",
        "A-1,Herbolaria Coyoacán,MX,Ciudad de México,metro,retail_goods",
        "A-2,Tienda Lupita,MX,Jalisco,,retail_goods",
    )

    assert problems(parse_import_csv, content, spec) == [
        "Row 1: The column “employees” is missing: every firm needs it.",
        "Row 3, column “settlement”: This field is required.",
    ]


def test_csv_row_with_more_cells_than_the_header(spec):
    content = csv_file(
        "external_id,name,country,region,settlement,sector,employees",
        "A-1,Herbolaria Coyoacán,MX,Ciudad de México,metro,retail_goods,4,extra",
    )

    assert problems(parse_import_csv, content, spec) == [
        "Row 2: This row has more cells than the first row has column names.",
    ]


def test_csv_separated_by_semicolons_is_one_clear_problem(spec):
    content = csv_file("external_id;name;country", "A-1;Herbolaria;MX")

    assert problems(parse_import_csv, content, spec) == [
        "The columns must be separated by commas, not semicolons: save as “CSV UTF-8”.",
    ]


def test_csv_not_in_utf8_is_one_problem(spec):
    content = "external_id,name\nA-1,Herbolaria Coyoacán\n".encode("cp1252")

    assert problems(parse_import_csv, content, spec) == [
        "The file is not UTF-8 text (see line 2): save it in the UTF-8 encoding.",
    ]


def test_csv_empty_file_is_one_problem(spec):
    assert problems(parse_import_csv, b"", spec) == [
        "The first row must name the columns, starting with “external_id”.",
    ]


def test_csv_with_more_rows_than_the_limit_is_one_problem(spec):
    content = csv_file("external_id", *(f"A-{n}" for n in range(IMPORT_MAX_RECORDS + 1)))

    assert problems(parse_import_csv, content, spec) == [
        "The file has more than 10000 firms; split it into files of at most 10000.",
    ]


def test_csv_with_only_a_header_has_no_records(spec):
    assert parse_import_csv(csv_file(HEADER), spec) == []


def test_template_header_has_every_column_in_order(spec):
    template = import_csv_template(spec)

    assert template.count("\n") == 1
    assert template.rstrip("\n").split(",") == [
        "external_id",
        "language",
        *ProfileForm.Meta.fields,
        *spec.items,
    ]
    assert {"sales_channels", "women_led", "country"} <= set(template.rstrip("\n").split(","))


# --- JSON ------------------------------------------------------------------------------------


def json_file(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def test_json_list_gives_every_firm_with_its_profile_and_answers(spec):
    content = json_file(
        [
            {
                "external_id": "A-17",
                "language": "en",
                "profile": {**PROFILE, "women_led": True},
                "answers": {
                    "sales_channels": ["social_media", "messaging_apps"],
                    "staff_with_smartphone": "2.5",
                },
            },
            {"external_id": "A-18", "profile": {**PROFILE, "name": "Tienda Lupita"}},
        ]
    )

    first, second = parse_import_json(content, spec)

    assert (first.external_id, first.row) == ("A-17", 1)
    assert first.diagnostic.language == "en"
    assert first.diagnostic.profile["women_led"] is True
    assert first.diagnostic.answers == {
        "staff_with_smartphone": 2.5,
        "sales_channels": ("messaging_apps", "social_media"),
    }
    assert (second.external_id, second.row) == ("A-18", 2)
    assert second.diagnostic.profile["name"] == "Tienda Lupita"
    assert second.diagnostic.answers == {}


def test_json_names_every_problem_by_record_and_external_id(spec):
    content = json_file(
        [
            {"external_id": "A-16", "profile": PROFILE},
            {"external_id": "A-17", "profile": PROFILE, "answers": {"sales_channels": ["amazon"]}},
            {"external_id": "A-16", "profile": PROFILE, "language": "fr"},
            {"profile": PROFILE},
            {"external_id": "  ", "profile": {**PROFILE, "employees": 0}},
            {"external_id": 18, "profile": PROFILE},
            {"external_id": "A-19", "profile": {"name": "Miel del Monte"}},
            "A-20",
        ]
    )

    assert problems(parse_import_json, content, spec) == [
        "Record 2 (external_id “A-17”), answers.sales_channels: "
        "“amazon” is not an answer to the question “sales_channels”.",
        "Record 3 (external_id “A-16”): Record 1 has the same external_id.",
        "Record 3 (external_id “A-16”), language: “fr” is not one of es, en.",
        "Record 4: The “external_id” is missing: each firm needs its own.",
        "Record 5: The external_id is empty: each firm needs its own.",
        "Record 5, profile.employees: Ensure this value is greater than or equal to 1.",
        "Record 6: The external_id must be text, like “A-17”.",
        "Record 7 (external_id “A-19”), profile.country: This field is required.",
        "Record 7 (external_id “A-19”), profile.settlement: This field is required.",
        "Record 7 (external_id “A-19”), profile.sector: This field is required.",
        "Record 7 (external_id “A-19”), profile.employees: This field is required.",
        "Record 8: it must be a JSON object with “external_id”, “language”, “profile” and "
        "“answers”.",
    ]


def test_json_external_id_longer_than_100_characters(spec):
    content = json_file([{"external_id": "A" * 101, "profile": PROFILE}])

    assert problems(parse_import_json, content, spec) == [
        "Record 1: The external_id is longer than 100 characters.",
    ]


def test_json_malformed_is_one_problem_with_line_and_column(spec):
    content = b'[\n  {"external_id": A-17}\n]'

    assert problems(parse_import_json, content, spec) == [
        "The file is not valid JSON: Expecting value (line 2, column 19).",
    ]


def test_json_not_a_list_is_one_problem(spec):
    content = json_file({"external_id": "A-17", "profile": PROFILE})

    assert problems(parse_import_json, content, spec) == [
        "The file must hold a JSON list of records, each with an “external_id”.",
    ]
