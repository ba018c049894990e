"""The roadmap page and its PDF, through the Django test client."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from recommendations import services
from recommendations.models import Programme, Provider, RoadmapPDF
from recommendations.services import catalogue_load
from tests.factories import SOCIAL_SELLER, make_assessment, wait_until

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(instrument):
    catalogue_load()


@pytest.fixture
def submitted(catalogue):
    return make_assessment(language="es", answers=SOCIAL_SELLER, submitted=True)


def url(name: str, assessment, language: str | None = None) -> str:
    with translation.override(language or assessment.language):
        return reverse(f"recommendations:{name}", kwargs={"token": assessment.token})


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_result_links_to_the_roadmap(client, submitted):
    page = client.get(reverse("diagnostic:result", kwargs={"token": submitted.token}))
    assert url("roadmap", submitted) in page.text


def test_the_roadmap_page_puts_the_next_stage_first(client, submitted):
    page = client.get(url("roadmap", submitted))
    assert page.status_code == 200
    assert "Su hoja de ruta digital" in page.text
    assert "Necesario para la etapa C" in page.text
    assert "Preparar el PDF" in page.text


def test_the_roadmap_is_shown_in_the_assessment_language(client, submitted):
    response = client.get(url("roadmap", submitted, language="en"))
    assert response.status_code == 302
    assert response["Location"] == url("roadmap", submitted)


def test_a_draft_has_no_roadmap_yet(client, catalogue):
    draft = make_assessment(answers=SOCIAL_SELLER)
    response = client.get(url("roadmap", draft))
    assert response["Location"] == reverse("diagnostic:review", kwargs={"token": draft.token})


def test_an_unknown_link_has_no_roadmap(client, catalogue):
    response = client.get("/es/a/not-a-token/roadmap/pdf/download/")
    assert response.status_code == 404


def test_two_quick_clicks_render_one_pdf_in_the_assessment_language(
    client, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url("pdf", submitted))
        client.post(url("pdf", submitted))
    assert first["Location"] == url("pdf", submitted)
    pdf = RoadmapPDF.objects.get()
    assert (pdf.state, pdf.attempts, pdf.language) == ("done", 1, "es")
    status = client.get(url("pdf", submitted))
    assert url("pdf_download", submitted) in status.text
    assert client.get(url("pdf", submitted) + "?format=json").json() == {"state": "done"}

    download = client.get(url("pdf_download", submitted))
    assert download["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(download.streaming_content))
    download.close()  # a WSGI server closes the file; the test client leaves it to us
    assert "Herbolaria Coyoacán" in text
    assert "Vendedor en redes sociales" in text
    assert "Su hoja de ruta digital" in text


def test_a_failed_pdf_offers_a_retry_that_works(
    client, submitted, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("the renderer fell over")

    monkeypatch.setattr(services, "roadmap_pdf_content", broken)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("pdf", submitted))
    assert RoadmapPDF.objects.get().state == "failed"
    page = client.get(url("pdf", submitted))
    assert page.status_code == 200
    assert "Intentar de nuevo" in page.text

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("pdf_again", submitted))
    assert RoadmapPDF.objects.get().state == "done"


def test_the_download_is_only_there_once_the_pdf_is_ready(client, submitted):
    response = client.get(url("pdf_download", submitted))
    assert response["Location"] == url("roadmap", submitted)


@pytest.mark.worker
def test_a_real_worker_renders_the_pdf_through_redis(celery_worker, catalogue):
    assessment = make_assessment(language="en", answers=SOCIAL_SELLER, submitted=True)
    pdf = services.roadmap_pdf_request(assessment=assessment)
    wait_until(lambda: RoadmapPDF.objects.get(pk=pdf.pk).state == RoadmapPDF.State.DONE)
    pdf.refresh_from_db()
    assert pdf.attempts == 1
    with pdf.file.open("rb") as stored:
        assert "Your digital roadmap" in pdf_text(stored.read())


def test_catalogue_texts_with_odd_line_breaks_still_give_a_roadmap_and_its_pdf(client, submitted):
    odd = "Línea uno\rLínea dos\r\nTres\u202efin\ufeff"
    Programme.objects.update(name={"es": odd, "en": odd}, benefit={"es": odd, "en": odd})
    Provider.objects.update(name=odd, description={"es": odd, "en": odd}, contact=odd)
    page = client.get(url("roadmap", submitted))
    assert page.status_code == 200
    assert "Línea uno" in page.text
    assert "Línea uno" in pdf_text(services.roadmap_pdf_bytes(assessment=submitted, language="es"))
