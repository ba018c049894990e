"""Ana visits a firm where there is no signal: the field app, installed while online, starts
with the network off, takes the whole assessment, shows the firm its stage and scores, keeps
it through a restart, sends it once the phone is back online, and the site's result is the
phone's; María's dashboard counts the firm. Logging out erases it all from the phone."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cohorts.models import Enrolment
from diagnostic.instrument import localized
from diagnostic.models import Assessment
from diagnostic.selectors import instrument_spec
from diagnostic.services import instrument_get_or_load
from field.models import Conflict
from recommendations.selectors import roadmap_for_assessment
from recommendations.services import catalogue_load
from tests.cohorts.conftest import assess
from tests.factories import SOCIAL_SELLER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A mid-range Android phone: Lighthouse's mobile profile slows the CPU four times.
PHONE_CPU_SLOWDOWN = 4
FIRM = "Bacanora La Sierra"
# The social seller, plus a number counted per person (10 hours for 4 people).
ANSWERS = {
    **{code: list(v) if isinstance(v, tuple) else v for code, v in SOCIAL_SELLER.items()},
    "digital_training_hours": 10,
}


def answer_page(page, dimension, language: str) -> None:
    """Answers this page's questions of ANSWERS, each found by its question and label."""
    for area in dimension.areas:
        for item in area.items:
            if item.code not in ANSWERS:
                continue
            prompt = localized(item.prompt, language)
            value = ANSWERS[item.code]
            if item.kind == "number":
                page.get_by_label(prompt).fill(str(value))
                continue
            group = page.get_by_role("group", name=prompt)
            for code in value if isinstance(value, list) else [value]:
                (option,) = [option for option in item.options if option.code == code]
                group.get_by_label(localized(option.label, language), exact=True).check()


def ana_opens_the_app_then_goes_offline(visit, downloaded: str) -> None:
    """Ana opens the field app online (it downloads her firms, the status says `downloaded`,
    and the service worker takes the page), then the network goes and the app starts again
    from the phone's copy."""
    page = visit.page
    visit.log_in("ana")
    visit.goto("/desk/field/app/")
    expect(page.locator("#status")).to_contain_text(downloaded)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.reload()


@pytest.mark.parametrize("way", [("es", "phone"), ("en", "phone")])
def test_a_consultant_assesses_a_firm_offline_syncs_and_the_dashboard_counts_it(visit, world):
    page, say, language = visit.page, visit.say, visit.language
    spec = instrument_spec(instrument_get_or_load())
    catalogue_load()
    context = page.context
    context.new_cdp_session(page).send(
        "Emulation.setCPUThrottlingRate", {"rate": PHONE_CPU_SLOWDOWN}
    )
    status = page.locator("#status")
    firms_heading = page.get_by_role("heading", name=say("Sus negocios", "Your firms"))

    # Online, once: the app downloads Ana's firms and its service worker keeps the app.
    visit.log_in("ana")
    page.get_by_role(
        "link", name=say("Aplicación de campo (funciona sin conexión)", "Field app (works offline)")
    ).click()
    expect(firms_heading).to_be_visible()
    expect(status).to_contain_text(say("Negocios en este teléfono: 1", "Firms on this phone: 1"))
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assert visit.fits_the_screen()
    assert visit.accessibility_problems() == []
    visit.screenshot("field-firms")

    # No network at all from here: the app starts from the phone's copy.
    context.set_offline(True)
    page.reload()
    expect(firms_heading).to_be_visible()
    expect(status).to_contain_text(say("Sin conexión", "Offline"))
    card = page.get_by_role("listitem").filter(has_text=FIRM)
    card.get_by_role(
        "button", name=say("Comenzar la primera evaluación", "Start the first assessment")
    ).click()
    # First the business today, as the site's business profile asks it: one more person now,
    # and it is registered.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        say("El negocio hoy", "The business today")
    )
    people = page.get_by_label(
        say(
            "¿Cuántas personas trabajan en el negocio, incluyéndose usted?",
            "How many people work in the business, including you?",
        )
    )
    expect(people).to_have_value("4")
    people.fill("4,5")
    people.blur()
    expect(
        page.get_by_text(
            say(
                "Escriba un número entero entre 1 y 100000.",
                "Enter a whole number between 1 and 100000.",
            )
        )
    ).to_be_visible()
    people.fill("5")
    people.blur()
    # Sales typed with a thousands separator are not taken for 250.
    sales = page.get_by_label(
        say(
            "Aproximadamente, ¿cuánto vende en un año? (opcional)",
            "Roughly, how much do you sell in a year? (optional)",
        )
    )
    sales.fill("250.000")
    sales.blur()
    expect(
        page.get_by_text(say("sin separadores de miles", "without thousands separators"))
    ).to_be_visible()
    sales.fill("250000")
    sales.blur()
    page.get_by_role(
        "group",
        name=say(
            "¿El negocio está registrado formalmente?", "Is the business formally registered?"
        ),
    ).get_by_label(say("Sí", "Yes"), exact=True).check()
    assert visit.fits_the_screen()
    assert visit.accessibility_problems() == []
    page.get_by_role("button", name=say("Continuar", "Continue")).click()
    for number, dimension in enumerate(spec.dimensions, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(
            localized(dimension.name, language)
        )
        answer_page(page, dimension, language)
        if number == 1:
            assert visit.accessibility_problems() == []
            # An answer is kept on the phone as soon as it is given: a restart loses nothing.
            page.reload()
            answer_page(page, dimension, language)
        if number < len(spec.dimensions):
            page.get_by_role("button", name=say("Continuar", "Continue")).click()
    page.get_by_role("button", name=say("Ver el resultado", "See the result")).click()

    expect(
        page.get_by_role("heading", name=say("Resultado de", "Result of") + f" {FIRM}")
    ).to_be_visible()
    lead = page.locator("p.lead")
    expect(lead).to_contain_text(
        say("Etapa D: Vendedor en redes sociales", "Stage D: Social seller")
    )
    phone_overall = (
        page.locator("p").filter(has_text=say("Puntaje general", "Overall")).inner_text()
    )
    phone_dimensions = page.locator("table.score-table tbody tr").all_inner_texts()
    roadmap = page.get_by_role("region", name=say("Qué hacer a continuación", "What to do next"))
    phone_actions = roadmap.locator("article.action h4").all_inner_texts()
    phone_programmes = roadmap.locator("article.programme h4").all_inner_texts()
    assert len(phone_actions) >= 3
    expect(page.get_by_text(say("Por enviar", "Waiting to be sent")).first).to_be_visible()
    assert visit.fits_the_screen()
    assert visit.accessibility_problems() == []
    visit.screenshot("field-result")
    assert not Assessment.objects.filter(firm=world.ana_firm.firm).exists()

    # Back online, the app sends it by itself (it tries again a few seconds after the site
    # did not answer): once, and the site's result replaces the phone's.
    context.set_offline(False)
    expect(status).to_contain_text(say("Todo está enviado", "Everything is sent"), timeout=20_000)
    expect(page.get_by_text(say("Enviada", "Sent"), exact=True)).to_be_visible()
    stored = Assessment.objects.get(firm=world.ana_firm.firm)
    assert stored.submitted_at is not None
    # What was found on the visit: the assessment keeps the people, the firm now has both,
    # and both sides scored the hours of training per person with them.
    assert stored.employees == 5
    world.ana_firm.firm.refresh_from_db()
    assert world.ana_firm.firm.employees == 5
    assert world.ana_firm.firm.formally_registered is True
    assert world.ana_firm.firm.annual_turnover == 250000
    assert stored.language == language
    assert stored.offline.result_matches is True
    assert stored.result["stage"]["stage"] == "D"
    scores, out_of = stored.result["scores"], say("de 100", "out of 100")
    overall = scores["overall"]["value"]
    assert phone_overall == f"{say('Puntaje general', 'Overall score')}: {overall} {out_of}"
    assert phone_dimensions == [
        f"{localized(dimension.name, language)}\t{scores['dimensions'][dimension.code]['value']} "
        + out_of
        for dimension in spec.dimensions
        if dimension.scored
    ]
    assert stored.cohort_link.enrolment_id == world.ana_firm.pk
    # The roadmap the phone showed offline is the site's: its actions and programmes.
    site_roadmap = roadmap_for_assessment(stored, today=timezone.localdate())
    assert phone_actions == [
        localized(chosen.action.title, language)
        for _horizon, actions in site_roadmap.by_horizon()
        for chosen in actions
    ]
    assert phone_programmes == [
        localized(match.programme.name, language) for match in site_roadmap.programmes
    ]

    # Logging out erases the firms, the assessment and the app's files from the phone.
    page.get_by_role("button", name=say("Cerrar sesión", "Log out")).click()
    page.wait_for_url("**/")
    left = page.evaluate(
        """async () => ({
            databases: (await indexedDB.databases()).map((db) => db.name),
            caches: await caches.keys(),
            workers: (await navigator.serviceWorker.getRegistrations()).length,
        })"""
    )
    assert left == {"databases": [], "caches": [], "workers": 0}

    # The programme's dashboard counts the firm, with its stage.
    visit.log_in("maria")
    page.get_by_role("link", name=say("Tablero del programa", "Programme dashboard")).click()
    assessed = page.get_by_role("row", name=say("Negocios evaluados", "Firms assessed"))
    expect(assessed.get_by_role("cell")).to_have_text("1")


@pytest.mark.parametrize("way", [("es", "phone")])
def test_logging_out_from_the_desk_asks_first_when_the_phone_holds_unsent_work(visit, world):
    page = visit.page
    spec = instrument_spec(instrument_get_or_load())
    visit.log_in("ana")
    visit.goto("/desk/field/app/")
    page.get_by_role("listitem").filter(has_text=FIRM).get_by_role(
        "button", name="Comenzar la primera evaluación"
    ).click()
    page.get_by_role("button", name="Continuar").click()
    answer_page(page, spec.dimensions[0], "es")  # a draft, saved on the phone
    visit.goto("/desk/")
    log_out = page.get_by_role("button", name="Cerrar sesión")
    # Clicked in the page: Playwright's click would wait for the form's navigation while the
    # question is on screen, and the question waits for this test.
    with page.expect_event("dialog") as asked:
        log_out.evaluate("button => button.click()")
    assert asked.value.message == (
        "Evaluaciones aún sin enviar: 1. Al cerrar sesión se borran de este teléfono. "
        "¿Cerrar sesión de todos modos?"
    )
    asked.value.dismiss()
    expect(page.get_by_role("heading", name="Sus negocios")).to_be_visible()
    assert page.evaluate("async () => (await indexedDB.databases()).length") == 1
    page.once("dialog", lambda dialog: dialog.accept())
    log_out.click()
    page.wait_for_url("**/es/")
    assert page.evaluate("async () => (await indexedDB.databases()).length") == 0


@pytest.mark.parametrize("way", [("en", "phone")])
def test_a_follow_up_offline_starts_from_the_last_answers_and_says_what_it_follows(visit, world):
    page = visit.page
    spec = instrument_spec(instrument_get_or_load())
    items = spec.items
    baseline = assess(world.ana_firm, world.ana, SOCIAL_SELLER, days_ago=150)
    ana_opens_the_app_then_goes_offline(visit, "Firms on this phone: 1")
    card = page.get_by_role("listitem").filter(has_text=FIRM)
    expect(card).to_contain_text("Last result: stage D")
    card.get_by_role("button", name="Start a follow-up").click()
    page.get_by_role("button", name="Continue").click()  # the business today, as it was
    expect(page.get_by_role("note")).to_contain_text("These answers come from the last assessment")
    connection = page.get_by_role("group", name=localized(items["internet_access"].prompt, "en"))
    expect(connection.get_by_label("Mobile data that works well most of the time")).to_be_checked()
    for dimension in spec.dimensions:
        if "sales_channels" in {item.code for item in dimension.iter_items()}:
            channels = localized(items["sales_channels"].prompt, "en")
            page.get_by_role("group", name=channels).get_by_label(
                "In our own online store", exact=True
            ).check()
        if dimension is not spec.dimensions[-1]:
            page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="See the result").click()
    phone_stage = page.locator(".stage-badge").inner_text()

    page.context.set_offline(False)
    expect(page.get_by_text("Sent", exact=True)).to_be_visible(timeout=20_000)
    follow_up = Assessment.objects.exclude(pk=baseline.pk).get(firm=world.ana_firm.firm)
    assert follow_up.cohort_link.kind == "follow_up"
    assert follow_up.offline.based_on_id == baseline.pk
    assert not Conflict.objects.exists()  # it follows the result it knew: no one else's
    answers = dict(follow_up.answers.values_list("item_code", "value"))
    assert answers["internet_access"] == "mobile_reliable"  # kept from the baseline
    assert set(answers["sales_channels"]) == {"messaging_apps", "social_media", "own_online_store"}
    assert follow_up.result["stage"]["stage"] == phone_stage


@pytest.mark.parametrize("way", [("es", "phone")])
def test_work_for_a_firm_taken_off_the_consultants_list_stays_on_the_phone_with_the_reason(
    visit, world
):
    page = visit.page
    spec = instrument_spec(instrument_get_or_load())
    ana_opens_the_app_then_goes_offline(visit, "Negocios en este teléfono: 1")
    page.get_by_role("listitem").filter(has_text=FIRM).get_by_role(
        "button", name="Comenzar la primera evaluación"
    ).click()
    page.get_by_role("button", name="Continuar").click()
    for number, dimension in enumerate(spec.dimensions, start=1):
        answer_page(page, dimension, "es")
        if number < len(spec.dimensions):
            page.get_by_role("button", name="Continuar").click()
    page.get_by_role("button", name="Ver el resultado").click()
    expect(page.get_by_text("Por enviar").first).to_be_visible()
    # Meanwhile, the coordinator gives the firm to someone else.
    Enrolment.objects.filter(pk=world.ana_firm.pk).update(consultant=None)
    world.ana_firm.members.clear()

    page.context.set_offline(False)
    expect(page.get_by_text("No aceptada", exact=True)).to_be_visible(timeout=20_000)
    expect(page.locator(".result-status")).to_contain_text(
        "El sitio no aceptó esta evaluación: "
        "Ninguno de los negocios que usted evalúa tiene este id."
    )
    assert not Assessment.objects.filter(firm=world.ana_firm.firm).exists()
    page.get_by_role("link", name="Volver a sus negocios").click()
    expect(page.get_by_text("No tiene negocios para evaluar.")).to_be_visible()
    gone = page.get_by_role("region", name="Ya no están en su lista")
    expect(gone.get_by_role("listitem")).to_contain_text(f"No aceptada {FIRM}, Primera evaluación")
    assert visit.accessibility_problems() == []
    gone.get_by_role("link", name=FIRM).click()
    expect(page.get_by_role("heading", name=f"Resultado de {FIRM}")).to_be_visible()


@pytest.mark.parametrize("way", [("es", "phone")])
def test_a_site_that_asks_the_app_to_wait_keeps_the_work_waiting_and_the_app_online(
    visit, world, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "field_upload": "0/h"}
    page = visit.page
    status = page.locator("#status")
    visit.log_in("ana")
    visit.goto("/desk/field/app/")
    expect(status).to_contain_text("Negocios en este teléfono: 1")
    page.get_by_role("listitem").filter(has_text=FIRM).get_by_role(
        "button", name="Comenzar la primera evaluación"
    ).click()
    spec = instrument_spec(instrument_get_or_load())
    for _page in spec.dimensions:  # the business today, then every dimension but the last
        page.get_by_role("button", name="Continuar").click()
    # Finished online, it is sent at once; the site answers that it takes nothing for now.
    # (The service worker makes the request, so it is the context that sees it.)
    with page.context.expect_event("response", lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Ver el resultado").click()
    assert answer.value.status == 429
    expect(page.get_by_role("button", name="Enviar ahora")).to_be_visible()
    # The site answered: the app is online, not cut off, and sends it again later.
    expect(status).to_contain_text("En línea")
    expect(status).to_contain_text("Por enviar: 1")
    assert not Assessment.objects.filter(firm=world.ana_firm.firm).exists()
