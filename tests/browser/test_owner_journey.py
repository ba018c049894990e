"""A Spanish-speaking owner completes the diagnostic on a 360×740 phone in real Chromium."""

import pytest
from pypdf import PdfReader

from diagnostic.models import Assessment
from diagnostic.selectors import instrument_spec
from diagnostic.services import instrument_get_or_load
from recommendations.services import catalogue_load
from tests.factories import SOCIAL_SELLER, make_assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_completes_the_diagnostic_on_a_phone_in_spanish(live_server, phone):
    load_catalogue()
    page = phone
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_role("button", name="Comenzar el diagnóstico").click()

    # Continuing with nothing filled in: the error summary names the required fields.
    page.get_by_role("button", name="Continuar").click()
    assert page.get_by_role("alert").filter(has_text="Hay un problema").is_visible()
    page.get_by_label("Nombre de su negocio").fill("Herbolaria Coyoacán")
    page.get_by_label("País").select_option("MX")
    page.get_by_label("Estado, provincia o departamento").fill("Ciudad de México")
    page.get_by_role("group", name="¿Dónde está su negocio?").get_by_text("Ciudad grande").click()
    page.get_by_role("group", name="¿A qué se dedica").get_by_text("Tienda o comercio").click()
    page.get_by_label("¿Cuántas personas trabajan en el negocio").fill("4")
    page.get_by_role("button", name="Continuar").click()

    assert page.get_by_text("Paso 2 de 6").is_visible()
    page.check("input[name=internet_access][value=mobile_reliable]")
    page.get_by_role("button", name="Continuar").click()
    page.check("input[name=online_presence][value=social_profile]")
    page.check("input[name=online_presence][value=messaging_business]")
    page.get_by_role("button", name="Continuar").click()

    # An exclusive answer with another one is refused, and the page keeps what was chosen.
    page.check("input[name=sales_channels][value=in_person_only]")
    page.check("input[name=sales_channels][value=messaging_apps]")
    page.get_by_role("button", name="Continuar").click()
    assert page.get_by_text("no se puede combinar con otras respuestas").first.is_visible()
    assert page.is_checked("input[name=sales_channels][value=messaging_apps]")
    page.uncheck("input[name=sales_channels][value=in_person_only]")
    page.check("input[name=sales_channels][value=social_media]")
    page.check("input[name=payments_accepted][value=cash_only]")
    page.get_by_role("button", name="Continuar").click()

    # Leave, and come back through the resume link: the owner lands where they left off.
    resume_link = page.locator("#resume-url").input_value()
    page.goto("about:blank")
    page.goto(resume_link)
    assert page.get_by_text("Paso 5 de 6").is_visible()
    page.get_by_role("button", name="Continuar").click()
    page.get_by_role("button", name="Continuar").click()

    assert page.get_by_role("heading", name="Revise sus respuestas antes de enviarlas").is_visible()
    page.get_by_role("button", name="Enviar y ver mi resultado").click()

    assert page.get_by_text("Vendedor en redes sociales — usted está aquí").is_visible()
    assert page.get_by_text("Para llegar a la etapa C").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assessment = Assessment.objects.get()
    assert (assessment.stage, assessment.language) == ("D", "es")

    # The roadmap, then its PDF, kept on the phone.
    page.get_by_role("link", name="Vea su hoja de ruta").click()
    assert page.get_by_role("heading", name="Su hoja de ruta digital").is_visible()
    assert page.get_by_text("Necesario para la etapa C").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Preparar el PDF").click()
    assert_pdf_downloads(
        page, "Descargar el PDF", ["Herbolaria Coyoacán", "Su hoja de ruta digital"]
    )


def test_an_english_roadmap_and_its_pdf_on_a_desktop(live_server, browser):
    load_catalogue()
    assessment = make_assessment(language="en", answers=SOCIAL_SELLER, submitted=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.goto(f"{live_server.url}/en/a/{assessment.token}/result/")
    page.get_by_role("link", name="See your roadmap").click()
    assert page.get_by_role("heading", name="Your digital roadmap").is_visible()
    assert page.get_by_text("Needed for stage C").first.is_visible()
    page.get_by_role("button", name="Prepare the PDF").click()
    assert_pdf_downloads(page, "Download the PDF", ["Herbolaria Coyoacán", "Your digital roadmap"])
    context.close()


def assert_pdf_downloads(page, link_name: str, expected: list[str]) -> None:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    path = download_info.value.path()
    text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    for phrase in expected:
        assert phrase in text


def load_catalogue() -> None:
    catalogue_load(instrument=instrument_spec(instrument_get_or_load()))
