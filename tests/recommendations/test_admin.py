"""Content editors: the catalogue in the admin, languages side by side, CSV in and out."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from recommendations.models import Action, Programme, Provider
from recommendations.services import catalogue_export_csv, catalogue_load
from tests.recommendations.conftest import real_instrument

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser("editora", "editora@example.org", "x")
    client.force_login(user)
    return client


@pytest.fixture
def catalogue(instrument):
    catalogue_load(instrument=real_instrument())


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
