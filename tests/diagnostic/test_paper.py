"""The paper questionnaire: the whole instrument, with its codes, printed in either language."""

import io
from functools import cache

import pytest
from django.test import RequestFactory
from django.utils import translation
from pypdf import PdfReader

from diagnostic import paper
from diagnostic.forms import ProfileForm
from diagnostic.instrument import Instrument, localized
from diagnostic.instrument_file import load_instrument_file, parse_instrument
from diagnostic.paper import paper_questionnaire, paper_questionnaire_pdf
from diagnostic.services import INSTRUMENTS_DIR

URL = "/{language}/paper/questionnaire.pdf"


@cache
def real_instrument() -> Instrument:
    return parse_instrument(load_instrument_file(INSTRUMENTS_DIR / "mydigitalsme-v1.yaml"))


def pdf_text(content: bytes) -> str:
    """The text of every page, with line breaks and repeated spaces made single spaces."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def pdf_language(content: bytes) -> str:
    return str(PdfReader(io.BytesIO(content)).root_object["/Lang"])


def pdf_title(content: bytes) -> str:
    metadata = PdfReader(io.BytesIO(content)).metadata
    return (metadata.title if metadata else None) or ""


@pytest.fixture(scope="module")
def spanish_pdf() -> bytes:
    return paper_questionnaire_pdf(real_instrument(), language="es")


@pytest.fixture(scope="module")
def english_pdf() -> bytes:
    return paper_questionnaire_pdf(real_instrument(), language="en")


def get_paper(language: str, method: str = "get"):
    request = getattr(RequestFactory(), method)(URL.format(language=language))
    with translation.override(language):
        return paper_questionnaire(request)


def test_the_spanish_paper_asks_the_spanish_prompts(spanish_pdf):
    prompt = localized(real_instrument().items["sales_channels"].prompt, "es")
    assert prompt in pdf_text(spanish_pdf)


def test_the_english_paper_asks_the_english_prompts(english_pdf):
    prompt = localized(real_instrument().items["sales_channels"].prompt, "en")
    assert prompt in pdf_text(english_pdf)


def test_the_paper_prints_the_item_and_option_codes(spanish_pdf):
    text = pdf_text(spanish_pdf)
    assert "[sales_channels]" in text
    assert "(national_marketplace)" in text


def test_the_paper_prints_every_item_of_the_instrument(spanish_pdf):
    text = pdf_text(spanish_pdf)
    missing = [code for code in real_instrument().items if f"[{code}]" not in text]
    assert missing == []


def test_the_paper_prints_the_profile_with_its_codes(spanish_pdf):
    with translation.override("es"):
        label = str(ProfileForm().fields["settlement"].label)
    text = pdf_text(spanish_pdf)
    assert f"{label} * [settlement]" in text
    assert "(metro)" in text
    assert "[women_led]" in text
    assert "(true)" in text and "(false)" in text


def test_the_paper_says_which_answers_go_on_their_own(english_pdf):
    text = pdf_text(english_pdf)
    assert "can’t be combined with any other answer" in text
    assert "None (none) only on its own" in text


def test_the_paper_has_its_language_and_title(spanish_pdf, english_pdf):
    for content, language in ((spanish_pdf, "es"), (english_pdf, "en")):
        assert pdf_language(content) == language
        assert localized(real_instrument().name, language) in pdf_title(content)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "en"])
def test_paper_questionnaire_is_a_pdf_attachment_in_the_page_language(language):
    response = get_paper(language)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.pdf"')
    assert pdf_language(response.content) == language


@pytest.mark.django_db
def test_paper_questionnaire_renders_each_language_once(monkeypatch):
    rendered = []

    def fake_pdf(instrument, *, language):
        rendered.append(language)
        return b"%PDF-" + language.encode()

    monkeypatch.setattr(paper, "_pdfs", {})
    monkeypatch.setattr(paper, "paper_questionnaire_pdf", fake_pdf)
    for language in ("es", "es", "en", "es"):
        assert get_paper(language).content == b"%PDF-" + language.encode()
    assert rendered == ["es", "en"]


@pytest.mark.django_db
def test_paper_questionnaire_refuses_a_post():
    assert get_paper("es", method="post").status_code == 405


@pytest.mark.django_db
def test_the_paper_questionnaire_downloads_in_the_url_language(client):
    response = client.get("/en/paper/questionnaire.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
