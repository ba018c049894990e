"""A consultant assesses a firm with notes; the coordinator returns it, then marks it reviewed."""

import pytest

from cohorts.models import CohortAssessment, Enrolment, Membership, Organisation, Role
from tests.factories import make_firm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "una-clave-larga-9"


def person(django_user_model, username: str):
    return django_user_model.objects.create_user(username=username, password=PASSWORD)


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/es/accounts/login/")
    page.get_by_label("Nombre de usuario").fill(username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()


def test_a_consultant_assesses_and_a_coordinator_returns_then_reviews(
    live_server, browser, django_user_model
):
    organisation = Organisation.objects.create(name="Secretaría de Economía de Sonora")
    coordinator = Membership.objects.create(
        user=person(django_user_model, "carlos"), organisation=organisation, role=Role.COORDINATOR
    )
    ana = Membership.objects.create(
        user=person(django_user_model, "ana"),
        organisation=organisation,
        role=Role.CONSULTANT,
        coordinator=coordinator,
    )
    cohort = organisation.cohorts.create(name="Pueblos Digitales 2026")
    Enrolment.objects.create(
        cohort=cohort, firm=make_firm(name="Bacanora La Sierra"), consultant=ana
    )

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="es-MX")
    page = context.new_page()
    log_in(page, live_server.url, "ana")
    page.get_by_role("link", name="Bacanora La Sierra").click()
    page.get_by_role("button", name="Comenzar el diagnóstico inicial").click()
    page.get_by_role("button", name="Continuar").click()  # the profile is already there
    page.check("input[name=internet_access][value=mobile_unreliable]")
    page.get_by_label("Nota del consultor o consultora (opcional)").first.fill(
        "Señal solo en la plaza"
    )
    page.get_by_role("button", name="Continuar").click()
    page.check("input[name=online_presence][value=social_profile]")
    for _step in range(4):
        page.get_by_role("button", name="Continuar").click()
    assert page.get_by_text("Señal solo en la plaza").is_visible()
    page.get_by_role("button", name="Enviar y ver mi resultado").click()
    assert page.get_by_text("usted está aquí").is_visible()
    context.clear_cookies()

    log_in(page, live_server.url, "carlos")
    page.get_by_role("link", name="Bacanora La Sierra").click()
    page.get_by_label("¿Qué debe revisar o cambiar el consultor o la consultora?").fill(
        "Pregunte por las ventas en redes"
    )
    page.get_by_role("button", name="Devolver al consultor o consultora").click()
    assert page.get_by_text("Pregunte por las ventas en redes").is_visible()
    context.clear_cookies()

    log_in(page, live_server.url, "ana")
    page.get_by_role("link", name="Bacanora La Sierra").click()
    assert page.get_by_text("Pregunte por las ventas en redes").is_visible()
    page.get_by_role("link", name="Continuar la evaluación").click()
    page.get_by_role("button", name="Enviar y ver mi resultado").click()
    context.clear_cookies()

    log_in(page, live_server.url, "carlos")
    page.get_by_role("link", name="Bacanora La Sierra").click()
    page.get_by_role("button", name="Marcar como revisada").click()
    assert CohortAssessment.objects.get().review == "reviewed"
    context.close()
