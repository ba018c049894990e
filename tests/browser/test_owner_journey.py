"""A Spanish-speaking owner completes the diagnostic on a 360×740 phone in real Chromium."""

import pytest

from diagnostic.models import Assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_completes_the_diagnostic_on_a_phone_in_spanish(live_server, phone):
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
