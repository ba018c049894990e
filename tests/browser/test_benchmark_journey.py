"""An owner whose activity has thirty assessed firms opens her result: each dimension shows
how similar businesses score, the page names the group, and so do the roadmap and its PDF."""

import pytest
from playwright.sync_api import expect

from diagnostic.benchmarks import MIN_FIRMS, benchmarks_refresh
from tests.browser.test_owner_journey import download_pdf, load_catalogue
from tests.diagnostic.test_benchmarks import scored_firms
from tests.factories import SOCIAL_SELLER, make_assessment, make_firm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_owner_sees_how_similar_businesses_score(visit, instrument):
    page, say = visit.page, visit.say
    load_catalogue()
    scored_firms(instrument, MIN_FIRMS, sector="retail_goods", employees=4, marketing=40)
    benchmarks_refresh()
    firm = make_firm(name="Abarrotes La Esquina", sector="retail_goods", employees=3)
    assessment = make_assessment(
        answers=SOCIAL_SELLER, submitted=True, firm=firm, language=visit.language
    )
    group = say(
        "los últimos resultados de 30 negocios de “Tienda o comercio minorista” con entre 1 y 9",
        "the latest results of 30 businesses in “Shop or retail of goods” with 1 to 9",
    )

    visit.goto(f"/a/{assessment.token}/result/")
    header = page.get_by_role("columnheader", name=say("Negocios similares", "Similar businesses"))
    expect(header).to_be_visible()
    marketing = page.get_by_role("row", name=say("Marketing digital", "Digital marketing"))
    expect(marketing.get_by_role("cell").last).to_have_text("40")
    expect(marketing).to_contain_text(say("Intermedio", "Intermediate"))  # the level, kept
    expect(page.get_by_text(group)).to_be_visible()
    assert visit.fits_the_screen()
    visit.screenshot("result-similar")

    page.get_by_role("link", name=say("Vea su hoja de ruta", "See your roadmap")).click()
    expect(page.get_by_text(group)).to_be_visible()
    assert visit.fits_the_screen()
    page.get_by_role("button", name=say("Preparar el PDF", "Prepare the PDF")).click()
    pdf_text = " ".join(download_pdf(page, say("Descargar el PDF", "Download the PDF")).split())
    assert say("Negocios similares", "Similar businesses") in pdf_text
    assert (
        "30" in pdf_text
        and say("Tienda o comercio minorista", "Shop or retail of goods") in pdf_text
    )
