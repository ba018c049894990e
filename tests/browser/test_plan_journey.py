"""Ana agrees an action plan with a firm's owner at a visit, from the roadmap of its result:
two actions with their dates, and a programme the firm is sent to. At the follow-up one action
is done and the other dropped, with why; the firm has applied. María's dashboard then shows
the plan's adoption and the referral funnel."""

import re

import pytest
from playwright.sync_api import expect

from cohorts.models import PlannedAction, Referral
from cohorts.selectors import plan_choices
from diagnostic.instrument import localized
from tests.browser.test_owner_journey import load_catalogue
from tests.cohorts.conftest import assess
from tests.factories import SOCIAL_SELLER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_consultant_agrees_a_plan_and_follows_it_up(visit, world, instrument):
    page, say = visit.page, visit.say
    load_catalogue()
    assess(world.ana_firm, world.ana, SOCIAL_SELLER)
    world.ana_firm.refresh_from_db()
    actions, programmes = plan_choices(world.ana_firm)
    first, second = (localized(action.title, visit.language) for action in actions[:2])
    programme = localized(programmes[0].name, visit.language)

    visit.log_in("ana")
    page.get_by_role("link", name=world.ana_firm.firm.name).click()
    plan = page.get_by_role("heading", name=say("Plan de acción", "Action plan"))
    expect(plan).to_be_visible()
    page.get_by_label(first, exact=True).check()
    page.get_by_label(second, exact=True).check()
    assert visit.fits_the_screen()
    visit.screenshot("firm-plan")
    page.get_by_role(
        "button", name=say("Guardar el plan de acción", "Save the action plan")
    ).click()
    expect(
        page.get_by_text(say("El plan de acción está guardado.", "The action plan is saved."))
    ).to_be_visible()

    page.get_by_role("combobox", name=say("Programa", "Programme"), exact=True).select_option(
        label=programme
    )
    page.get_by_role("button", name=say("Guardar la derivación", "Save the referral")).click()
    expect(
        page.get_by_text(say("La derivación está guardada.", "The referral is saved."))
    ).to_be_visible()

    # The follow-up: how each action went, and how far the application got.
    done = page.get_by_role("listitem").filter(has_text=first)
    done.get_by_text(say("¿Cómo va?", "How is it going?")).click()
    done.get_by_label(say("Hecha", "Done"), exact=True).check()
    done.get_by_role("button", name=say("Guardar el avance", "Save the progress")).click()
    dropped = page.get_by_role("listitem").filter(has_text=second)
    dropped.get_by_text(say("¿Cómo va?", "How is it going?")).click()
    dropped.get_by_label(say("Abandonada", "Dropped"), exact=True).check()
    dropped.get_by_role("button", name=say("Guardar el avance", "Save the progress")).click()
    # Sent back: the error summary leads to the field.
    page.get_by_role("link", name=re.compile(say("Diga por qué", "Say why"))).click()
    dropped = page.get_by_role("listitem").filter(has_text=second)
    dropped.get_by_role(
        "textbox", name=re.compile(say("^Por qué se abandonó", "^Why it was dropped"))
    ).fill(say("No hay señal en el pueblo", "No signal in the village"))
    dropped.get_by_role("button", name=say("Guardar el avance", "Save the progress")).click()
    referral = page.get_by_role("listitem").filter(has_text=programme)
    referral.get_by_label(say("Solicitud presentada", "Applied"), exact=True).check()
    referral.get_by_role("button", name=say("Guardar", "Save"), exact=True).click()
    expect(
        page.get_by_text(say("“No hay señal en el pueblo”", "“No signal in the village”"))
    ).to_be_visible()
    assert visit.fits_the_screen()
    visit.screenshot("firm-plan-follow-up")
    assert sorted(PlannedAction.objects.values_list("status", flat=True)) == ["done", "dropped"]
    assert Referral.objects.get().status == "applied"

    visit.log_out()
    visit.log_in("maria")
    page.get_by_role("link", name=say("Tablero del programa", "Programme dashboard")).click()
    figures = page.get_by_role(
        "table", name=say("Planes de acción y derivaciones", "Action plans and referrals")
    )
    expect(
        figures.get_by_role("row", name=say("Acciones acordadas 2", "Actions agreed 2"))
    ).to_be_visible()
    expect(
        figures.get_by_role("row", name=re.compile(say("^Adopción.* 50$", "^Adoption.* 50$")))
    ).to_be_visible()
    expect(
        figures.get_by_role("row", name=say("… con solicitud presentada 1", "… and applied 1"))
    ).to_be_visible()
