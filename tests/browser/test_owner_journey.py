"""An owner completes the diagnostic in real Chromium, in Spanish and English, phone and desktop.

Every control is found by its role and its visible name in the page's language, so a broken
label, legend or button text breaks the journey.
"""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from diagnostic.models import Assessment
from recommendations.services import catalogue_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.every_language_and_screen
def test_an_owner_completes_the_diagnostic_and_keeps_the_roadmap_pdf(visit):
    load_catalogue()
    page, say = visit.page, visit.say
    page.goto(f"{visit.base}/")  # the browser's language chooses /es/ or /en/
    assert page.locator("html").get_attribute("lang") == visit.language
    assert visit.fits_the_screen()
    visit.screenshot("landing")
    page.get_by_role("button", name=say("Comenzar el diagnóstico", "Start the diagnostic")).click()

    # Continuing with nothing filled in: the error summary names the required fields.
    continue_button = page.get_by_role("button", name=say("Continuar", "Continue"))
    continue_button.click()
    error_summary = page.get_by_role("alert").filter(
        has_text=say("Hay un problema", "There is a problem")
    )
    expect(error_summary).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    visit.screenshot("profile-errors")
    page.get_by_label(say("Nombre de su negocio", "Name of your business")).fill(
        "Herbolaria Coyoacán"
    )
    page.get_by_role("combobox", name=say("País", "Country")).select_option("MX")
    # The states of the country chosen arrive without a round trip.
    page.get_by_label(say("Estado, provincia o departamento", "State or province")).select_option(
        "MX-CMX"
    )
    page.get_by_role(
        "group", name=say("¿Dónde está su negocio?", "Where is your business?")
    ).get_by_label(say("Ciudad grande", "Large city")).check()
    page.get_by_role(
        "group", name=say("¿A qué se dedica", "What does your business mainly do?")
    ).get_by_label(say("Tienda o comercio", "Shop or retail")).check()
    page.get_by_label(
        say("¿Cuántas personas trabajan en el negocio", "How many people work in the business")
    ).fill("4")
    assert visit.fits_the_screen()
    continue_button.click()

    expect(page.get_by_text(say("Paso 2 de 6", "Step 2 of 6"))).to_be_visible()
    answer(
        page,
        say("¿Cómo se conecta su negocio a internet?", "How does your business connect"),
        say("Datos móviles que funcionan bien", "Mobile data that works well"),
    )
    assert visit.fits_the_screen()
    visit.screenshot("questionnaire")
    continue_button.click()

    expect(page.get_by_text(say("Paso 3 de 6", "Step 3 of 6"))).to_be_visible()
    online = say("¿Dónde pueden encontrar su negocio en internet?", "Where can customers find")
    answer(
        page, online, say("Una página o perfil en redes sociales", "A page or profile on social")
    )
    answer(page, online, say("Un perfil de WhatsApp Business", "A WhatsApp Business profile"))
    continue_button.click()

    # An exclusive answer with another one is refused, and the page keeps what was chosen.
    channels = say("¿Por qué canales le compran sus clientes?", "Through which channels do")
    in_person_only = say("Solo en persona", "Only in person")
    whatsapp = say("Por WhatsApp u otras aplicaciones", "By WhatsApp or other messaging")
    answer(page, channels, in_person_only)
    answer(page, channels, whatsapp)
    continue_button.click()
    expect(error_summary).to_be_visible()
    expect(
        page.get_by_text(say("no se puede combinar", "can’t be combined"), exact=False).first
    ).to_be_visible()
    assert option(page, channels, whatsapp).is_checked()
    option(page, channels, in_person_only).uncheck()
    answer(page, channels, say("En redes sociales", "On social networks"))
    answer(
        page,
        say("¿Cómo pueden pagarle sus clientes?", "How can customers pay you?"),
        say("Solo en efectivo", "Cash only"),
    )
    continue_button.click()

    # Leave, and come back through the resume link: the owner lands where they left off.
    resume_link = page.get_by_label(say("Su enlace para continuar", "Your link to continue"))
    address = resume_link.input_value()
    page.goto("about:blank")
    page.goto(address)
    expect(page.get_by_text(say("Paso 5 de 6", "Step 5 of 6"))).to_be_visible()
    continue_button.click()
    expect(page.get_by_text(say("Paso 6 de 6", "Step 6 of 6"))).to_be_visible()
    continue_button.click()

    expect(
        page.get_by_role(
            "heading",
            name=say(
                "Revise sus respuestas antes de enviarlas", "Check your answers before you submit"
            ),
        )
    ).to_be_visible()
    expect(page.get_by_text("Herbolaria Coyoacán")).to_be_visible()
    assert visit.fits_the_screen()
    visit.screenshot("review")
    page.get_by_role(
        "button", name=say("Enviar y ver mi resultado", "Submit and see my result")
    ).click()

    expect(
        page.get_by_text(
            say("Vendedor en redes sociales — usted está aquí", "Social seller — you are here")
        )
    ).to_be_visible()
    expect(page.get_by_text(say("Para llegar a la etapa C", "To reach stage C"))).to_be_visible()
    assert visit.fits_the_screen()
    visit.screenshot("result")
    assessment = Assessment.objects.get()
    assert (assessment.stage, assessment.language) == ("D", visit.language)

    # The roadmap, then its PDF, kept on the device.
    page.get_by_role("link", name=say("Vea su hoja de ruta", "See your roadmap")).click()
    expect(
        page.get_by_role("heading", name=say("Su hoja de ruta digital", "Your digital roadmap"))
    ).to_be_visible()
    expect(
        page.get_by_text(say("Necesario para la etapa C", "Needed for stage C")).first
    ).to_be_visible()
    assert visit.fits_the_screen()
    visit.screenshot("roadmap")
    page.get_by_role("button", name=say("Preparar el PDF", "Prepare the PDF")).click()
    pdf_text = download_pdf(page, say("Descargar el PDF", "Download the PDF"))
    assert "Herbolaria Coyoacán" in pdf_text
    assert say("Su hoja de ruta digital", "Your digital roadmap") in pdf_text


def option(page, question: str, label: str):
    """One answer of a question, found by the question's legend and the answer's label."""
    return page.get_by_role("group", name=question).get_by_label(label)


def answer(page, question: str, label: str) -> None:
    option(page, question, label).check()


def download_pdf(page, link_name: str) -> str:
    """Click the download link and return the text of the PDF the browser kept."""
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    reader = PdfReader(download_info.value.path())
    assert len(reader.pages) > 0
    return "\n".join(pdf_page.extract_text() for pdf_page in reader.pages)


def load_catalogue() -> None:
    catalogue_load()
