"""María sets up a programme without a shell: she creates a cohort with its follow-up
interval, then gives a firm a team of two students, Beto leading and Ana with him; Ana then
finds the firm on her desk."""

import pytest
from playwright.sync_api import expect

from cohorts.models import Cohort, Enrolment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_creates_a_cohort_and_gives_a_firm_a_team(visit, world):
    page, say = visit.page, visit.say
    firm = "Tortillería Doña Luz"

    visit.log_in("maria")
    page.get_by_role("link", name=say("Cohortes", "Cohorts"), exact=True).click()
    page.get_by_role("link", name=say("Nueva cohorte", "New cohort")).click()
    # A required field's label ends in "*", hidden from screen readers: not in the field's name.
    page.get_by_role("textbox", name=say("Nombre", "Name"), exact=True).fill("Ruta Norte 2027")
    page.get_by_label(
        say("Seguimiento pendiente después de (días)", "Follow-up due after (days)")
    ).fill("90")
    assert visit.fits_the_screen()
    visit.screenshot("cohort-new")
    page.get_by_role("button", name=say("Crear la cohorte", "Create the cohort")).click()
    expect(page.get_by_role("link", name="Ruta Norte 2027")).to_be_visible()
    expect(
        page.get_by_text(say("seguimiento a los 90 días", "follow-up after 90 days"))
    ).to_be_visible()
    assert Cohort.objects.get(name="Ruta Norte 2027").follow_up_days == 90

    page.get_by_role("link", name=say("Sus negocios", "Your firms"), exact=True).click()
    page.get_by_role("link", name=firm).click()
    page.get_by_label(say("Consultor (dirige el equipo)", "Consultant (team lead)")).select_option(
        label="Beto"
    )
    members = page.get_by_role(
        "group", name=say("Otros miembros del equipo", "Other members of the team")
    )
    members.get_by_label("Ana", exact=True).check()
    assert visit.fits_the_screen()
    visit.screenshot("firm-team")
    page.get_by_role(
        "button", name=say("Guardar el equipo de la empresa", "Save the firm’s team")
    ).click()
    expect(
        page.get_by_text(
            say("El equipo de la empresa quedó guardado.", "The firm’s team is saved.")
        )
    ).to_be_visible()
    expect(page.get_by_text(say("con Ana", "with Ana"))).to_be_visible()

    visit.log_out()
    visit.log_in("ana")
    expect(page.get_by_role("link", name=firm)).to_be_visible()
    enrolment = Enrolment.objects.get(firm__name=firm)
    assert [member.user.username for member in enrolment.members.all()] == ["ana"]
