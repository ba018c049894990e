"""A programme manager reads the dashboard in both languages, filters it, and takes the report."""

import pytest
from pypdf import PdfReader

from cohorts.models import Enrolment
from tests.cohorts.conftest import E, assess
from tests.factories import SOCIAL_SELLER, make_firm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_filters_the_dashboard_and_downloads_the_report_and_data(
    live_server, browser, world
):
    for number in range(12):
        enrolment = Enrolment.objects.create(
            cohort=world.cohort,
            firm=make_firm(name=f"Firma {number}", settlement="rural" if number < 6 else "city"),
        )
        assess(enrolment, world.ana, SOCIAL_SELLER if number % 2 else E)
    world.maria.set_password("una-clave-larga-9")
    world.maria.save()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-MX")
    page = context.new_page()
    page.goto(f"{live_server.url}/es/accounts/login/")
    page.get_by_label("Nombre de usuario").fill("maria")
    page.get_by_label("Contraseña").fill("una-clave-larga-9")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.get_by_role("link", name="Tablero del programa").click()
    assert page.get_by_role("heading", name="Cifras clave").is_visible()

    page.get_by_text("Filtros", exact=True).click()
    page.get_by_label("Cohorte").select_option(label="Pueblos Digitales 2026")
    page.get_by_label("Tipo de localidad").select_option("rural")
    page.get_by_role("button", name="Mostrar").click()
    assert "settlement=rural" in page.url

    page.get_by_role("button", name="Preparar el informe en PDF de estas cifras").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Descargar el PDF").click()
    text = "\n".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert "Informe de la cohorte" in text and "Pueblos Digitales 2026" in text

    page.goto(f"{live_server.url}/en/desk/dashboard/?cohort={world.cohort.pk}")
    assert page.get_by_role("heading", name="Key figures").is_visible()
    page.get_by_role("link", name="Download this cohort’s data (CSV, XLSX)").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    with open(download.value.path(), encoding="utf-8-sig") as csv_file:
        content = csv_file.read()
    assert content.startswith("firm_id,")
    assert content.count("\n") >= 12
    context.close()
