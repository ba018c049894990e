"""María, a programme manager, filters the dashboard, watches the cohort report's progress bar,
and takes the report PDF and the cohort's data as CSV."""

import csv

import pytest
from playwright.sync_api import expect

from cohorts import reports, tasks
from cohorts.models import Enrolment
from tests.browser.test_owner_journey import download_pdf
from tests.cohorts.conftest import E, assess
from tests.factories import SOCIAL_SELLER, make_firm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_filters_the_dashboard_and_downloads_the_report_and_data(
    visit, world, instrument, monkeypatch
):
    for number in range(12):
        enrolment = Enrolment.objects.create(
            cohort=world.cohort,
            firm=make_firm(name=f"Firma {number}", settlement="rural" if number < 6 else "city"),
        )
        assess(enrolment, world.ana, SOCIAL_SELLER if number % 2 else E)
    # The report waits in the queue until this test, as the worker, renders it.
    queued: list[int] = []
    monkeypatch.setattr(tasks.render_cohort_report, "delay", queued.append)
    page, say = visit.page, visit.say

    visit.log_in("maria")
    page.get_by_role("link", name=say("Tablero del programa", "Programme dashboard")).click()
    expect(page.get_by_role("heading", name=say("Cifras clave", "Key figures"))).to_be_visible()
    assert visit.fits_the_screen()
    visit.screenshot("dashboard")

    page.get_by_text(say("Filtros", "Filters"), exact=True).click()
    page.get_by_label(say("Cohorte", "Cohort")).select_option(label="Pueblos Digitales 2026")
    page.get_by_label(say("Tipo de localidad", "Type of place")).select_option("rural")
    page.get_by_role("button", name=say("Mostrar", "Show")).click()
    assert "settlement=rural" in page.url
    expect(
        page.get_by_role(
            "heading",
            name=say("Tablero del programa", "Programme dashboard") + ": Pueblos Digitales",
        )
    ).to_be_visible()

    page.get_by_role(
        "button",
        name=say("Preparar el informe en PDF de estas cifras", "Prepare the report PDF of these"),
    ).click()
    expect(
        page.get_by_role("heading", name=say("Informe de la cohorte", "Cohort report"))
    ).to_be_visible()
    progress_bar = page.get_by_role(
        "progressbar", name=say("Preparando su informe", "Preparing your report")
    )
    expect(progress_bar).to_be_visible()
    expect(page.get_by_text(say("esperando su turno", "waiting for its turn"))).to_be_visible()
    assert visit.fits_the_screen()
    visit.screenshot("report")
    reports.report_run(report_id=queued.pop())
    # The page asks every two seconds and reloads by itself once the PDF is ready.
    pdf_text = download_pdf(page, say("Descargar el PDF", "Download the PDF"))
    assert say("Informe de la cohorte", "Cohort report") in pdf_text
    assert "Pueblos Digitales 2026" in pdf_text

    page.get_by_role("link", name=say("Tablero del programa", "Programme dashboard")).click()
    page.get_by_text(say("Filtros", "Filters"), exact=True).click()
    page.get_by_label(say("Cohorte", "Cohort")).select_option(label="Pueblos Digitales 2026")
    page.get_by_role("button", name=say("Mostrar", "Show")).click()
    page.get_by_role(
        "link",
        name=say("Descargar los datos de esta cohorte", "Download this cohort’s data"),
    ).click()
    with page.expect_download() as download:
        page.get_by_role(
            "link", name=say("Evaluaciones (CSV)", "Assessments (CSV)"), exact=True
        ).click()
    with open(download.value.path(), encoding="utf-8-sig", newline="") as csv_file:
        rows = list(csv.DictReader(csv_file))
    assert {row["firm_name"] for row in rows} == {f"Firma {number}" for number in range(12)}
