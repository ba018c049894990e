"""Ana assesses a firm with notes; Carlos, her coordinator, returns it, then marks it reviewed;
five months later her follow-up shows the firm's progress."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cohorts.models import CohortAssessment, ReviewEvent
from diagnostic.models import Assessment
from tests.browser.test_owner_journey import answer, option

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_consultant_assesses_a_coordinator_returns_then_reviews_and_a_follow_up_shows_progress(
    visit, world, instrument
):
    page, say = visit.page, visit.say
    firm = "Bacanora La Sierra"
    continue_button = page.get_by_role("button", name=say("Continuar", "Continue"))
    submit_button = page.get_by_role(
        "button", name=say("Enviar y ver mi resultado", "Submit and see my result")
    )
    connection = say("¿Cómo se conecta su negocio a internet?", "How does your business connect")
    channels = say("¿Por qué canales le compran sus clientes?", "Through which channels do")

    visit.log_in("ana")
    expect(page.get_by_role("heading", name=say("Sus negocios", "Your firms"))).to_be_visible()
    assert visit.fits_the_screen()
    visit.screenshot("desk")
    page.get_by_role("link", name=firm).click()
    page.get_by_role(
        "button", name=say("Comenzar el diagnóstico inicial", "Start the baseline assessment")
    ).click()
    continue_button.click()  # the profile is already there
    answer(page, connection, say("Solo datos móviles", "Mobile data only"))
    page.get_by_label(
        say("Nota del consultor o consultora (opcional)", "Consultant’s note (optional)")
    ).first.fill("Señal solo en la plaza")
    continue_button.click()
    answer(
        page,
        say("¿Dónde pueden encontrar su negocio en internet?", "Where can customers find"),
        say("Una página o perfil en redes sociales", "A page or profile on social"),
    )
    continue_button.click()
    answer(page, channels, say("En redes sociales", "On social networks"))
    for _step in range(3):
        continue_button.click()
    expect(page.get_by_text("Señal solo en la plaza")).to_be_visible()
    submit_button.click()
    expect(page.get_by_text(say("usted está aquí", "you are here"))).to_be_visible()
    visit.log_out()

    visit.log_in("carlos")
    page.get_by_role("link", name=firm).click()
    page.get_by_label(
        say(
            "¿Qué debe revisar o cambiar el consultor o la consultora?",
            "What should the consultant check or change?",
        )
    ).fill("Pregunte por las ventas en redes")
    page.get_by_role(
        "button", name=say("Devolver al consultor o consultora", "Return to the consultant")
    ).click()
    expect(page.get_by_text("Pregunte por las ventas en redes")).to_be_visible()
    visit.log_out()

    visit.log_in("ana")
    page.get_by_role("link", name=firm).click()
    expect(page.get_by_text("Pregunte por las ventas en redes")).to_be_visible()
    page.get_by_role("link", name=say("Continuar la evaluación", "Continue the assessment")).click()
    submit_button.click()
    visit.log_out()

    visit.log_in("carlos")
    page.get_by_role("link", name=firm).click()
    page.get_by_role("button", name=say("Marcar como revisada", "Mark as reviewed")).click()
    expect(
        page.get_by_text(say("Marcada como revisada", "Marked as reviewed"), exact=True)
    ).to_be_visible()
    assert CohortAssessment.objects.get().review == "reviewed"
    visit.log_out()

    # Five months later, Ana's follow-up starts from the last answers; the firm now sells online.
    five_months_ago = timezone.now() - timedelta(days=152)
    Assessment.objects.update(created_at=five_months_ago, submitted_at=five_months_ago)
    CohortAssessment.objects.update(created_at=five_months_ago)
    ReviewEvent.objects.update(created_at=five_months_ago)
    visit.log_in("ana")
    page.get_by_role("link", name=firm).click()
    page.get_by_role("button", name=say("Iniciar un seguimiento", "Start a follow-up")).click()
    continue_button.click()
    prefilled = say("vienen de la última evaluación", "come from the last assessment")
    expect(page.get_by_role("note").filter(has_text=prefilled)).to_be_visible()
    assert option(page, connection, say("Solo datos móviles", "Mobile data only")).is_checked()
    for _step in range(2):
        continue_button.click()
    answer(page, channels, say("En nuestra propia tienda en línea", "In our own online store"))
    for _step in range(3):
        continue_button.click()
    submit_button.click()
    expect(page.get_by_text(say("usted está aquí", "you are here"))).to_be_visible()

    visit.goto("/desk/")
    page.get_by_role("link", name=firm).click()
    progress = page.get_by_role("region", name=say("Avance", "Progress"))
    expect(progress.get_by_text(say("D → C en 5 meses", "D → C in 5 months"))).to_be_visible()
    expect(
        progress.get_by_role("img", name=say("Puntaje por dimensión", "Score by dimension"))
    ).to_be_visible()
    expect(
        progress.get_by_text(say("En nuestra propia tienda en línea", "In our own online store"))
    ).to_be_visible()
    assert visit.fits_the_screen()
    visit.screenshot("firm")
