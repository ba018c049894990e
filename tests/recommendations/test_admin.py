"""Content editors: the catalogue in the admin, languages side by side, CSV in and out."""

import csv
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core.errors import PROBLEMS_SHOWN
from recommendations.csv_io import PROVIDER_COLUMNS
from recommendations.models import Action, Programme, Provider
from recommendations.services import catalogue_export_csv, catalogue_load
from tests.factories import SOCIAL_SELLER, make_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("editora", "editora@example.org", "x")
    client.force_login(user)
    return client


@pytest.fixture
def catalogue(instrument):
    catalogue_load()


def test_an_action_is_edited_with_each_language_side_by_side(editor, catalogue):
    action = Action.objects.get(code="whatsapp_business_catalog")
    page = editor.get(f"/es/admin/recommendations/action/{action.pk}/change/")
    assert page.status_code == 200
    assert 'name="title_0"' in page.text and 'name="title_1"' in page.text
    assert "translated-field" in page.text
    assert action.title["es"] in page.text and action.title["en"] in page.text


def test_a_rule_with_a_mistake_is_refused_with_the_reason(editor, catalogue):
    action = Action.objects.get(code="whatsapp_business_catalog")
    page = editor.get(f"/en/admin/recommendations/action/{action.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {key: value for key, value in data.items() if value is not None}
    for name in ("title", "why", "steps"):  # one input per site language: es, then en
        data.pop(name, None)
        data[f"{name}_0"], data[f"{name}_1"] = (
            getattr(action, name)["es"],
            getattr(action, name)["en"],
        )
    data["categories"] = ", ".join(action.categories)
    data["addresses"] = ", ".join(action.addresses)
    data["when"] = '{"answer": "sales_channels", "includes": "carrier_pigeon"}'
    response = editor.post(f"/en/admin/recommendations/action/{action.pk}/change/", data)
    assert response.status_code == 200
    assert "carrier_pigeon" in response.text
    action.refresh_from_db()
    assert action.when != {"answer": "sales_channels", "includes": "carrier_pigeon"}


def test_csv_import_with_errors_lists_them_and_imports_nothing(editor):
    bad = b"code,name\nx,y\n"
    response = editor.post(
        "/en/admin/recommendations/provider/import-csv/",
        {"file": SimpleUploadedFile("providers.csv", bad, content_type="text/csv")},
    )
    assert response.status_code == 200
    assert "nothing was imported" in response.text
    assert "Column “price_tier” is missing." in response.text
    assert not Provider.objects.exists()


def test_csv_export_then_import_through_the_admin(editor, catalogue):
    exported = editor.get("/en/admin/recommendations/programme/export-csv/")
    assert exported["Content-Type"].startswith("text/csv")
    content = exported.content
    assert content.decode().startswith("code,name_es,name_en,")
    Programme.objects.all().delete()
    response = editor.post(
        "/en/admin/recommendations/programme/import-csv/",
        {"file": SimpleUploadedFile("programmes.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 302
    assert Programme.objects.count() >= 20
    assert catalogue_export_csv(kind="programmes").encode() == content


def test_people_who_are_not_staff_cannot_reach_the_import(client):
    response = client.get("/en/admin/recommendations/programme/import-csv/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- Hostile files: the import refuses them whole and the site stays up ------------------------

CR = "<bare CR>"  # written into the file as a lone carriage return, outside any quotes

# (column, value, how the problem starts): each value was stored on SQLite and then made the
# roadmaps, the admin list and the export fail, or was a 500 (DataError) on PostgreSQL.
HOSTILE_VALUES = [
    ("years_trading_min", "1000000", "Row 3, years_trading_min:"),
    ("turnover_max", "1e30", "Row 3, turnover_max:"),
    # 16 digits: SQLite reads it back as 1e14, 17 digits, and every roadmap failed.
    ("turnover_max", "99999999999999.99", "Row 3, turnover_max:"),
    ("employees_max", "100000000000000000000", "Row 3, employees_max:"),
    ("code", "c" * 65, "Row 3, code:"),
    ("url", "https://example.org/" + "a" * 200, "Row 3, url:"),
    ("name_en", "n" * 201, "Row 3, name: The text in en is longer than 200 characters."),
    ("organisation", "Secretaría\x00de Economía", "Row 3, organisation:"),
    ("name_es", "Programa\x00nulo", "Row 3, name_es:"),
    ("benefit_en", "Red text\x1b[31m", "Row 3, benefit_en:"),
    ("description_en", "x" * 131_000, "Row 3, description_en:"),
    # Beyond the csv module's own limit the reader stops before it knows the column.
    ("description_en", "x" * 131_073, "Row 3: a cell is longer than 5,000 characters"),
    ("contact", f"Calle 1{CR}Piso 2", "Row 3: it ends after column “contact”"),
]


def programmes_file(column: str, value: str) -> bytes:
    """A good new programme, then one like it with `value` in `column`."""
    exported = catalogue_export_csv(kind="programmes")
    first = next(csv.DictReader(io.StringIO(exported)))
    first |= {"turnover_max": "500000", "turnover_currency": "MXN"}
    good = {**first, "code": "good_new_programme"}
    hostile = {**first, "code": "hostile_programme", column: value}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(first), lineterminator="\n")
    writer.writeheader()
    writer.writerows([good, hostile])
    return out.getvalue().replace(CR, "\r").encode()


def import_csv(client, content: bytes, language: str = "en", kind: str = "programme"):
    return client.post(
        f"/{language}/admin/recommendations/{kind}/import-csv/",
        {"file": SimpleUploadedFile(f"{kind}s.csv", content, content_type="text/csv")},
    )


@pytest.fixture
def owner_roadmap(catalogue):
    assessment = make_assessment(language="es", answers=SOCIAL_SELLER, submitted=True)
    with translation.override("es"):
        return reverse("recommendations:roadmap", kwargs={"token": assessment.token})


@pytest.mark.parametrize(("column", "value", "problem"), HOSTILE_VALUES, ids=lambda v: repr(v)[:30])
def test_a_value_beyond_the_models_limits_is_refused_and_the_site_stays_up(
    editor, client, owner_roadmap, column, value, problem
):
    before = sorted(Programme.objects.values_list("code", flat=True))
    response = import_csv(editor, programmes_file(column, value))
    assert response.status_code == 200
    assert "nothing was imported" in response.text
    assert any(shown.startswith(problem) for shown in response.context["problems"].shown)
    assert sorted(Programme.objects.values_list("code", flat=True)) == before
    assert editor.get("/en/admin/recommendations/programme/").status_code == 200
    assert editor.get("/en/admin/recommendations/programme/export-csv/").status_code == 200
    assert client.get(owner_roadmap).status_code == 200


# --- Big files: the work and the page stay bounded ----------------------------------------------


def test_a_file_with_thousands_of_bad_rows_shows_the_first_problems_and_counts_the_rest(editor):
    header = ",".join(PROVIDER_COLUMNS)
    rows = [f"p{n}" + "," * (len(PROVIDER_COLUMNS) - 1) for n in range(4_999)]  # a code only
    content = "\n".join([header, *rows]).encode()
    response = import_csv(editor, content, kind="provider")
    assert response.status_code == 200
    # Five problems a row: name, categories, both descriptions and price_tier are missing.
    assert "The file has 24995 problems; nothing was imported." in response.text
    assert response.text.count("<li>Row ") == PROBLEMS_SHOWN == 100
    assert "…and 24,895 more problems." in response.text
    assert len(response.content) < 100_000
    assert not Provider.objects.exists()


def test_a_file_with_a_huge_number_of_columns_is_refused_at_once_with_one_clear_message(editor):
    near_misses = ",".join(f"cod{n}" for n in range(233_000))
    started = time.monotonic()
    response = import_csv(editor, f"{near_misses}\n".encode(), kind="provider")
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    assert "The file has 1 problem; nothing was imported." in response.text
    assert (
        "<li>The first row has 233,000 columns, far more than the 14 of this list: "
        "is it the right file?</li>"
    ) in response.text
    assert len(response.content) < 20_000


def test_the_problems_and_the_count_of_hidden_ones_are_told_in_the_editors_language(editor):
    header = ",".join(PROVIDER_COLUMNS)
    rows = [f"UPPER{n}" + "," * (len(PROVIDER_COLUMNS) - 1) for n in range(1_200)]
    response = import_csv(editor, "\n".join([header, *rows]).encode(), "es", "provider")
    # Six problems a row (the code is not lower-case, too); Spanish groups digits with a space.
    assert "El archivo tiene 7200 problemas; no se importó nada." in response.text
    assert "…y 7\N{NO-BREAK SPACE}100 problemas más." in response.text
    assert "<li>Fila 2, code: “UPPER0” no es un código (letras minúsculas" in response.text
