"""A manager downloads a cohort's submitted assessments: CSV or XLSX, a codebook, pseudonymised."""

import csv
import io
import re
from collections import defaultdict
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cohorts.exports import export_columns, pseudonymous_firm_id
from cohorts.models import Cohort, CohortAssessment, DataExport, Enrolment
from cohorts.services import assessment_correct, assessment_mark_reviewed, cohort_assessment_start
from diagnostic.instrument_file import load_instrument_file, parse_instrument
from diagnostic.services import INSTRUMENTS_DIR
from tests.cohorts.conftest import prepared_workbook
from tests.factories import SOCIAL_SELLER, make_firm, submit_answers

DOWNLOADS = ("cohorts:export_csv", "cohorts:export_codebook")
IDENTIFYING = {
    "firm_name",
    "contact_email",
    "owner_name",
    "phone",
    "municipality",
    "consultant",
    "external_id",
}


@pytest.fixture(scope="module")
def spec():
    return parse_instrument(load_instrument_file(INSTRUMENTS_DIR / "mydigitalsme-v1.yaml"))


def assessed(enrolment: Enrolment, user, answers=SOCIAL_SELLER) -> CohortAssessment:
    """A submitted assessment of the firm: its baseline first, follow-ups after."""
    linked = cohort_assessment_start(enrolment=enrolment, user=user, language="es")
    submit_answers(linked.assessment, answers)
    linked.refresh_from_db()
    linked.assessment.refresh_from_db()
    return linked


def download(client, name: str, cohort, query: str = "") -> bytes:
    response = client.get(reverse(name, kwargs={"cohort_pk": cohort.pk}) + query)
    assert response.status_code == 200
    return read(response)


def read(response) -> bytes:
    """The whole body. Reading a streamed body to its end makes the test client close the
    response (and its file) as a WSGI server would; closing it again would close the database
    connection of the test."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_table(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # so Excel reads the accents right
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


# --- Columns ----------------------------------------------------------------------------------


def test_export_columns_have_unique_stable_names_and_descriptions_in_each_language(spec):
    columns = export_columns(spec, pseudonymised=False)
    names = [column.name for column in columns]
    assert len(names) == len(set(names))
    assert names[:3] == ["firm_id", "external_id", "firm_name"]
    assert {"stage", "kind", "score_marketing", "level_marketing", "score_payments"} <= set(names)
    for column in columns:
        assert column.description["en"] and column.description["es"]
        assert column.allowed["en"]


def test_pseudonymised_columns_leave_out_names_and_contacts(spec):
    names = {column.name for column in export_columns(spec, pseudonymised=True)}
    assert not names & IDENTIFYING
    assert "firm_id" in names and "region" in names


def test_coded_columns_list_their_codes(spec):
    columns = {column.name: column for column in export_columns(spec, pseudonymised=False)}
    assert all(code in columns["settlement"].allowed["en"] for code in ("metro", "city", "rural"))
    assert all(f"{stage}:" in columns["stage"].allowed["en"] for stage in "ABCDE")
    assert "baseline:" in columns["kind"].allowed["en"]
    assert "follow_up:" in columns["kind"].allowed["en"]
    assert "initial: Initial (0–19)" in columns["level_marketing"].allowed["en"]


# --- CSV --------------------------------------------------------------------------------------


def test_the_csv_has_a_row_per_submitted_assessment(client, world):
    baseline = assessed(world.ana_firm, world.ana)
    follow_up = assessed(world.ana_firm, world.ana)
    cohort_assessment_start(enrolment=world.beto_firm, user=world.beto, language="es")  # a draft
    client.force_login(world.maria)

    rows = csv_table(download(client, "cohorts:export_csv", world.cohort))

    assert [(row["kind"], row["firm_name"]) for row in rows] == [
        ("baseline", "Bacanora La Sierra"),
        ("follow_up", "Bacanora La Sierra"),
    ]
    scores = baseline.assessment.result["scores"]
    first = rows[0]
    assert first["firm_id"] == str(world.ana_firm.firm_id)
    assert first["consultant"] == "Ana"
    assert first["cohort"] == "Pueblos Digitales 2026"
    assert first["stage"] == "D"
    assert first["overall_score"] == str(baseline.assessment.overall_score)
    assert first["score_marketing"] == str(scores["dimensions"]["marketing"]["value"])
    assert first["level_marketing"] == scores["dimensions"]["marketing"]["level"]
    assert first["score_social_networks"] == str(scores["areas"]["social_networks"]["value"])
    assert first["contact_email"] == "duena@example.com"
    assert first["settlement"] == "metro"
    assert first["women_led"] == ""  # unknown
    assert first["language"] == "es"
    assert first["submitted_at"].startswith(str(baseline.assessment.submitted_at.year))
    assert rows[1]["submitted_at"] >= first["submitted_at"]
    assert follow_up.kind == CohortAssessment.Kind.FOLLOW_UP


def test_the_csv_header_is_the_stable_column_names(client, world, spec):
    client.force_login(world.maria)
    content = download(client, "cohorts:export_csv", world.cohort)
    header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert header == [column.name for column in export_columns(spec, pseudonymised=False)]


def test_booleans_are_true_or_false(client, world):
    firm = make_firm(name="Abarrotes Lupita", women_led=True, exports=False)
    enrolment = Enrolment.objects.create(cohort=world.cohort, firm=firm)
    assessed(enrolment, world.maria)
    client.force_login(world.maria)
    [row] = csv_table(download(client, "cohorts:export_csv", world.cohort))
    assert (row["women_led"], row["exports"], row["consultant"]) == ("true", "false", "")


def test_a_corrected_assessment_is_replaced_by_its_submitted_correction(client, world):
    baseline = assessed(world.ana_firm, world.ana)
    assessment_mark_reviewed(linked=baseline, actor=world.carlos)
    baseline.refresh_from_db()
    revision = assessment_correct(linked=baseline, actor=world.ana, language="es")
    client.force_login(world.maria)
    [row] = csv_table(download(client, "cohorts:export_csv", world.cohort))
    assert row["submitted_at"] == download_time(baseline)

    submit_answers(revision.assessment, SOCIAL_SELLER)
    revision.assessment.refresh_from_db()
    [row] = csv_table(download(client, "cohorts:export_csv", world.cohort))
    assert (row["kind"], row["submitted_at"]) == ("baseline", download_time(revision))


def download_time(linked: CohortAssessment) -> str:
    return timezone.localtime(linked.assessment.submitted_at).isoformat(timespec="seconds")


# --- Pseudonymised ----------------------------------------------------------------------------


def test_the_pseudonymised_csv_has_no_names_and_a_stable_hashed_firm_id(client, world):
    assessed(world.ana_firm, world.ana)
    assessed(world.ana_firm, world.ana)
    assessed(world.beto_firm, world.beto)
    client.force_login(world.maria)

    rows = csv_table(download(client, "cohorts:export_csv", world.cohort, "?pseudonymised=1"))

    assert not set(rows[0]) & IDENTIFYING
    ana_rows = [row["firm_id"] for row in rows if row["firm_id"] == rows[0]["firm_id"]]
    assert len(ana_rows) == 2
    ids = {row["firm_id"] for row in rows}
    assert ids == {
        pseudonymous_firm_id(world.ana_firm.firm_id),
        pseudonymous_firm_id(world.beto_firm.firm_id),
    }
    assert str(world.ana_firm.firm_id) not in ids
    assert all(len(firm_id) == 16 for firm_id in ids)
    again = csv_table(download(client, "cohorts:export_csv", world.cohort, "?pseudonymised=1"))
    assert [row["firm_id"] for row in again] == [row["firm_id"] for row in rows]
    assert "Bacanora" not in str(rows)


# What an outsider may know of a firm: every profile column the pseudonymised export keeps.
# (The cohort is the export's own; kind, language, months and scores are not counted.)
QUASI_IDENTIFIERS = (
    "country", "region", "settlement", "women_led", "sector", "employees_band",
    "formally_registered", "has_physical_storefront", "exports", "currency",
    "annual_turnover_band", "years_trading_band",
)  # fmt: skip
EXACT = {"town_population", "employees", "annual_turnover", "years_trading"}


def test_the_pseudonymised_demo_cohort_is_5_anonymous_on_its_quasi_identifiers(client, db):
    call_command("load_demo_cohort", stdout=io.StringIO())
    cohort = Cohort.objects.get(name="Pueblos Digitales 2026")
    client.force_login(get_user_model().objects.get(username="demo-gerente"))

    rows = csv_table(download(client, "cohorts:export_csv", cohort, "?pseudonymised=1"))

    assert len(rows) == CohortAssessment.objects.filter(assessment__status="submitted").count()
    firms: dict[tuple, set[str]] = defaultdict(set)
    for row in rows:
        firms[tuple(row[name] for name in QUASI_IDENTIFIERS)].add(row["firm_id"])
    assert min(len(shared) for shared in firms.values()) >= 5
    assert any(row["sector"] != "*" for row in rows)  # not everything withheld
    assert not set(rows[0]) & (EXACT | {"started_at", "submitted_at"})
    assert all(re.fullmatch(r"\d{4}-\d{2}", row["submitted_month"]) for row in rows)


def test_pseudonymised_figures_come_in_bands_and_the_full_export_keeps_them_exact(client, world):
    for number in range(5):
        firm = make_firm(
            name=f"Panadería {number}",
            employees=35 + number,
            annual_turnover=Decimal("1250000.50"),
            years_trading=7,
            town_population=12_345,
        )
        assessed(Enrolment.objects.create(cohort=world.cohort, firm=firm), world.maria)
    client.force_login(world.maria)

    banded = csv_table(download(client, "cohorts:export_csv", world.cohort, "?pseudonymised=1"))
    full = csv_table(download(client, "cohorts:export_csv", world.cohort))

    assert not set(banded[0]) & EXACT
    assert {row["employees_band"] for row in banded} == {"10 to 49"}
    assert {row["annual_turnover_band"] for row in banded} == {"1000000 to 9999999"}
    assert {row["years_trading_band"] for row in banded} == {"6 to 10"}
    assert sorted(row["employees"] for row in full) == ["35", "36", "37", "38", "39"]
    assert {row["annual_turnover"] for row in full} == {"1250000.50"}
    assert {(row["years_trading"], row["town_population"]) for row in full} == {("7", "12345")}
    assert len(full[0]["submitted_at"]) == len("2026-03-01T10:30:00-06:00")


def test_a_firm_too_rare_to_show_has_its_quasi_identifiers_withheld(client, world):
    for number in range(5):
        firm = make_firm(name=f"Tienda {number}", sector="retail_goods", employees=3)
        assessed(Enrolment.objects.create(cohort=world.cohort, firm=firm), world.maria)
    rare = make_firm(name="Minera Única", sector="manufacturing", employees=400)
    assessed(Enrolment.objects.create(cohort=world.cohort, firm=rare), world.maria)
    client.force_login(world.maria)

    rows = csv_table(download(client, "cohorts:export_csv", world.cohort, "?pseudonymised=1"))

    [mine] = [row for row in rows if row["firm_id"] == pseudonymous_firm_id(rare.pk)]
    assert (mine["sector"], mine["employees_band"]) == ("*", "*")
    assert "manufacturing" not in str(rows) and "250 or more" not in str(rows)


def test_the_pseudonymised_codebook_explains_bands_and_withheld_values(client, world):
    client.force_login(world.maria)
    for language, withheld in (("en", "withheld"), ("es", "se omite")):
        with translation.override(language):
            content = download(client, "cohorts:export_codebook", world.cohort, "?pseudonymised=1")
        text = content.decode("utf-8-sig")
        assert "employees_band" in text and "10 to 49" in text
        assert withheld in text


def test_the_hashed_firm_id_depends_on_the_secret_key(settings):
    before = pseudonymous_firm_id(7)
    settings.SECRET_KEY = "another secret key, long enough for the test " * 2
    assert pseudonymous_firm_id(7) != before


def test_an_unknown_pseudonymised_value_is_refused_rather_than_exporting_names(client, world):
    client.force_login(world.maria)
    url = reverse("cohorts:export_csv", kwargs={"cohort_pk": world.cohort.pk})
    assert client.get(url + "?pseudonymised=yes").status_code == 400


# --- Formula injection ------------------------------------------------------------------------


@pytest.fixture
def evil(world):
    firm = make_firm(name='=HYPERLINK("http://evil")', region="+52 Sonora")
    enrolment = Enrolment.objects.create(cohort=world.cohort, firm=firm)
    return assessed(enrolment, world.maria)


def test_formulas_are_neutralised_in_the_csv(client, world, evil):
    client.force_login(world.maria)
    [row] = csv_table(download(client, "cohorts:export_csv", world.cohort))
    assert row["firm_name"] == '\'=HYPERLINK("http://evil")'
    assert row["region"] == "'+52 Sonora"


def test_formulas_are_text_in_the_xlsx(client, world, evil):
    client.force_login(world.maria)
    book = workbook(prepared_workbook(client, world.cohort))
    header, row = book["data"].iter_rows(max_row=2)
    cells = {name.value: cell for name, cell in zip(header, row, strict=True)}
    assert cells["firm_name"].value == '\'=HYPERLINK("http://evil")'
    assert cells["firm_name"].data_type == "s"
    assert cells["region"].value == "'+52 Sonora"
    assert cells["region"].data_type == "s"
    book.close()


@pytest.mark.parametrize("query", ["", "?pseudonymised=1"])
def test_the_csv_of_a_cohort_too_large_to_stream_is_prepared_in_the_background(
    client, world, settings, query
):
    """Above CSV_STREAM_ROWS a download request would run for many seconds: the page offers
    the CSV as a file made by a worker instead, with the same content."""
    assessed(world.ana_firm, world.ana)
    assessed(world.beto_firm, world.beto)
    client.force_login(world.maria)
    streamed = download(client, "cohorts:export_csv", world.cohort, query)
    settings.CSV_STREAM_ROWS = 1
    exports_url = reverse("cohorts:exports", kwargs={"cohort_pk": world.cohort.pk})

    page = client.get(exports_url).text
    direct_url = reverse("cohorts:export_csv", kwargs={"cohort_pk": world.cohort.pk})
    assert f'href="{direct_url}{query}"' not in page
    assert '<input type="hidden" name="format" value="csv">' in page
    direct = client.get(direct_url + query, follow=True)
    assert direct.redirect_chain == [(exports_url, 302)]
    assert "demasiadas evaluaciones para descargarlas de una vez" in direct.text

    with TestCase.captureOnCommitCallbacks(execute=True):
        asked = client.post(
            reverse("cohorts:workbook_new", kwargs={"cohort_pk": world.cohort.pk}) + query,
            {"format": "csv"},
        )
    export = DataExport.objects.get()
    assert (export.file_format, export.pseudonymised) == ("csv", query != "")
    page = client.get(asked["Location"])
    assert "Archivo CSV de las evaluaciones" in page.text
    assert "Descargar el archivo CSV" in page.text
    response = client.get(reverse("cohorts:workbook_download", kwargs={"pk": export.pk}))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('.csv"')
    assert read(response) == streamed
    assert len(csv_table(streamed)) == 2


def test_an_unknown_file_format_is_refused(client, world):
    client.force_login(world.maria)
    url = reverse("cohorts:workbook_new", kwargs={"cohort_pk": world.cohort.pk})
    assert client.post(url, {"format": "pdf"}).status_code == 400
    assert not DataExport.objects.exists()


# --- XLSX -------------------------------------------------------------------------------------


def test_the_xlsx_has_the_data_then_the_codebook(client, world, spec):
    linked = assessed(world.ana_firm, world.ana)
    client.force_login(world.maria)
    with TestCase.captureOnCommitCallbacks(execute=True):
        asked = client.post(reverse("cohorts:workbook_new", kwargs={"cohort_pk": world.cohort.pk}))
    export = DataExport.objects.get()
    assert asked["Location"] == reverse("cohorts:workbook", kwargs={"pk": export.pk})
    page = client.get(asked["Location"])
    download_url = reverse("cohorts:workbook_download", kwargs={"pk": export.pk})
    assert f'href="{download_url}"' in page.text
    assert client.get(asked["Location"] + "?format=json").json() == {
        "state": "done",
        "progress": 100,
    }
    response = client.get(download_url)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "pueblos-digitales-2026" in response["Content-Disposition"]
    content = read(response)

    book = workbook(content)
    assert book.sheetnames == ["data", "codebook"]
    header, row = ([cell.value for cell in cells] for cells in book["data"].iter_rows())
    names = [column.name for column in export_columns(spec, pseudonymised=False)]
    assert header == names
    values = dict(zip(header, row, strict=True))
    assert values["firm_name"] == "Bacanora La Sierra"
    assert values["overall_score"] == linked.assessment.overall_score  # a number, not text
    assert values["women_led"] is None
    codebook = [cells[0].value for cells in book["codebook"].iter_rows(min_row=2)]
    assert codebook == names
    book.close()


def test_the_pseudonymised_xlsx_has_no_names(client, world):
    assessed(world.ana_firm, world.ana)
    client.force_login(world.maria)
    book = workbook(prepared_workbook(client, world.cohort, "?pseudonymised=1"))
    header = [cell.value for cell in next(book["data"].iter_rows(max_row=1))]
    assert not set(header) & IDENTIFYING
    assert "Bacanora La Sierra" not in str([c.value for r in book["data"].iter_rows() for c in r])
    book.close()


# --- Codebook ---------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "?pseudonymised=1"])
def test_the_codebook_lists_every_column(client, world, spec, query):
    client.force_login(world.maria)
    rows = list(
        csv.reader(
            io.StringIO(
                download(client, "cohorts:export_codebook", world.cohort, query).decode("utf-8-sig")
            )
        )
    )
    columns = export_columns(spec, pseudonymised=bool(query))
    assert [row[0] for row in rows[1:]] == [column.name for column in columns]
    assert all(description and allowed for _name, description, allowed in rows[1:])


def test_the_codebook_is_in_the_readers_language(client, world):
    client.force_login(world.maria)
    url = reverse("cohorts:export_codebook", kwargs={"cohort_pk": world.cohort.pk})
    with translation.override("en"):
        english_url = reverse("cohorts:export_codebook", kwargs={"cohort_pk": world.cohort.pk})

    def description(url: str) -> str:
        response = client.get(url)
        rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
        return next(row[1] for row in rows if row[0] == "score_social_networks")

    assert "Redes sociales" in description(url)
    assert "Social networks" in description(english_url)


# --- Who may download -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["ana", "carlos", "otto"])
@pytest.mark.parametrize("name", [*DOWNLOADS, "cohorts:exports"])
def test_only_the_cohorts_managers_download(client, world, who, name):
    assessed(world.ana_firm, world.ana)
    client.force_login(getattr(world, who))
    url = reverse(name, kwargs={"cohort_pk": world.cohort.pk})
    assert client.get(url).status_code == 404
    assert client.get(url + "?pseudonymised=1").status_code == 404


@pytest.mark.parametrize("name", [*DOWNLOADS, "cohorts:exports"])
def test_people_not_signed_in_are_sent_to_log_in(client, world, name):
    response = client.get(reverse(name, kwargs={"cohort_pk": world.cohort.pk}))
    assert response.status_code == 302
    assert reverse("cohorts:login") in response["Location"]


def test_the_exports_page_links_every_download(client, world):
    client.force_login(world.maria)
    page = client.get(reverse("cohorts:exports", kwargs={"cohort_pk": world.cohort.pk})).text
    for name in DOWNLOADS:
        url = reverse(name, kwargs={"cohort_pk": world.cohort.pk})
        assert f'href="{url}"' in page
        assert f'href="{url}?pseudonymised=1"' in page
    workbooks = reverse("cohorts:workbook_new", kwargs={"cohort_pk": world.cohort.pk})
    assert f'action="{workbooks}"' in page
    assert f'action="{workbooks}?pseudonymised=1"' in page


@pytest.mark.parametrize("who", ["carlos", "ana", "otto"])
def test_only_the_cohorts_managers_get_its_workbook(client, world, who):
    assessed(world.ana_firm, world.ana)
    client.force_login(world.maria)
    prepared_workbook(client, world.cohort)
    export = DataExport.objects.get()
    client.force_login(getattr(world, who))
    asked = client.post(reverse("cohorts:workbook_new", kwargs={"cohort_pk": world.cohort.pk}))
    assert asked.status_code == 404
    for name in ("cohorts:workbook", "cohorts:workbook_download"):
        assert client.get(reverse(name, kwargs={"pk": export.pk})).status_code == 404
    assert (
        client.post(reverse("cohorts:workbook_again", kwargs={"pk": export.pk})).status_code == 404
    )
    assert DataExport.objects.count() == 1


def test_a_failed_workbook_says_so_and_is_made_again_on_request(client, world, monkeypatch):
    from cohorts import workbooks

    assessed(world.ana_firm, world.ana)
    client.force_login(world.maria)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(workbooks, "write_xlsx", broken)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("cohorts:workbook_new", kwargs={"cohort_pk": world.cohort.pk}))
    export = DataExport.objects.get()
    page = client.get(reverse("cohorts:workbook", kwargs={"pk": export.pk}))
    assert export.state == "failed"
    assert "Try again" in page.text or "Intentar de nuevo" in page.text
    monkeypatch.undo()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("cohorts:workbook_again", kwargs={"pk": export.pk}))
    export.refresh_from_db()
    assert (export.state, export.progress) == ("done", 100)


def test_old_workbooks_are_deleted_with_their_files(client, world, settings, tmp_path):
    from datetime import timedelta

    from cohorts.workbooks import workbooks_purge

    settings.MEDIA_ROOT = tmp_path
    assessed(world.ana_firm, world.ana)
    client.force_login(world.maria)
    prepared_workbook(client, world.cohort)
    export = DataExport.objects.get()
    stored = tmp_path / export.file.name
    assert stored.exists()
    DataExport.objects.update(created_at=timezone.now() - timedelta(days=31))
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert workbooks_purge() == 1
    assert not DataExport.objects.exists()
    assert not stored.exists()


# --- Scale ------------------------------------------------------------------------------------


def test_the_csv_export_queries_do_not_grow_with_the_cohort(
    client, world, django_assert_max_num_queries
):
    for _ in range(2):
        assessed(world.ana_firm, world.ana)
    client.force_login(world.maria)
    url = reverse("cohorts:export_csv", kwargs={"cohort_pk": world.cohort.pk})

    def export() -> int:
        response = client.get(url)
        return read(response).count(b"\r\n") - 1

    with CaptureQueriesContext(connection) as few:
        assert export() == 2
    for enrolment in (world.ana_firm, world.beto_firm):
        for _ in range(5):
            assessed(enrolment, world.ana)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert export() == 12


def test_each_row_says_what_its_scores_rest_on_and_a_thin_result_has_none(client, world):
    firm = world.ana_firm.firm
    firm.phone, firm.owner_name = "+526621234567", "Luz Romero"
    firm.save()
    assessed(world.ana_firm, world.ana)  # answered enough for every dimension
    assessed(world.beto_firm, world.beto, {"sales_channels": ("messaging_apps",)})
    client.force_login(world.maria)

    rows = {
        row["firm_name"]: row
        for row in csv_table(download(client, "cohorts:export_csv", world.cohort))
    }

    full, thin = rows["Bacanora La Sierra"], rows["Tortillería Doña Luz"]
    assert (full["items_scored"], full["items_applicable"]) == ("18", "35")
    assert full["overall_score"] and full["level_marketing"]
    assert (thin["items_scored"], thin["items_applicable"]) == ("1", "35")
    assert thin["overall_score"] == thin["score_ecommerce"] == thin["level_ecommerce"] == ""
    assert (full["region"], full["region_name"]) == ("MX-CMX", "Ciudad de México")
    assert full["owner_name"] == "Luz Romero"
    assert full["phone"] == "'+526621234567"  # no spreadsheet reads it as a formula
