"""Operations: error pages in both languages, logs with a request id, periodic housekeeping."""

import io
import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from cohorts.models import DataExport
from cohorts.services import cohort_assessment_start
from config.observability import JsonFormatter, RequestIdFilter, task_publish_add_request_id
from core import errors
from diagnostic.models import Assessment, Firm
from diagnostic.services import drafts_purge
from recommendations.models import RoadmapPDF
from recommendations.services import roadmap_pdf_request, roadmap_pdfs_purge
from tests.cohorts.conftest import prepared_workbook
from tests.factories import SOCIAL_SELLER, age, make_assessment

pytestmark = pytest.mark.django_db


# Error pages


@pytest.mark.parametrize(
    ("language", "heading"),
    [("es", "Este formulario ha vencido"), ("en", "This form has expired")],
)
def test_a_form_sent_without_its_csrf_token_gets_a_page_that_explains(
    instrument, language, heading
):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/{language}/start/")
    assert response.status_code == 403
    assert heading in response.text
    assert f'<html lang="{language}">' in response.text
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("language", "heading"),
    [("es", "No pudimos leer la solicitud"), ("en", "The request could not be read")],
)
def test_a_request_for_an_unknown_host_gets_the_400_page(language, heading):
    response = Client().get(f"/{language}/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert heading in response.text


@pytest.mark.parametrize(
    ("language", "heading"),
    [("es", "No puede abrir esta página"), ("en", "You cannot open this page")],
)
def test_the_403_page_speaks_the_visitors_language(rf, language, heading):
    request = rf.get(f"/{language}/desk/")
    request.user = None
    with translation.override(language):
        response = errors.permission_denied(request)
    assert response.status_code == 403
    assert heading in response.content.decode()


@pytest.mark.parametrize(
    ("language", "text"), [("es", "Página no encontrada"), ("en", "Page not found")]
)
def test_an_unknown_address_gets_the_404_page_in_its_language(client, language, text):
    response = client.get(f"/{language}/no-such-page/")
    assert response.status_code == 404
    assert text in response.text


# Logs


def capture(logger_name: str) -> io.StringIO:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logging.getLogger(logger_name).addHandler(handler)
    return stream


def test_each_response_carries_a_request_id_that_its_log_lines_carry_too(client):
    stream = capture("django.request")
    response = client.get("/es/no-such-page/", HTTP_X_REQUEST_ID="proxy-4f9c2a17")
    assert response["X-Request-ID"] == "proxy-4f9c2a17"
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["request_id"] == "proxy-4f9c2a17"
    assert line["level"] == "WARNING" and line["logger"] == "django.request"
    assert "/es/no-such-page/" in line["message"]


@pytest.fixture
def console_log():
    """What the configured console handler (production's formatter and filters) writes."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


def test_logs_name_the_route_of_an_unknown_or_expired_link_never_its_token(
    client, instrument, settings, console_log
):
    expired = make_assessment()
    age(expired, settings.DRAFT_RESUME_DAYS + 1)
    token = "kq3XcV9-Zt0bWm1aPQe7rLs2YdFh8JgUn4oTi6vRwEk"
    assert client.get(f"/es/a/{token}/result/").status_code == 404
    assert client.get(f"/es/a/{expired.token}/step/marketing/").status_code == 410
    assert client.get(f"/es/a/{token}/no-such-page/?next=%2Fes%2Fa%2F{token}%2F").status_code == 404
    log = console_log.getvalue()
    assert "Not Found: /es/a/<token>/result/" in log
    assert "Gone: /es/a/<token>/step/marketing/" in log
    assert token not in log and expired.token not in log


def test_the_access_log_names_the_route_never_the_token():
    import runpy
    from datetime import timedelta as duration
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import SafeAtoms

    conf = runpy.run_path("config/gunicorn.conf.py")
    config = Config()
    config.set("logger_class", conf["logger_class"])
    config.set("access_log_format", conf["access_log_format"])
    logger = config.logger_class(config)
    token = "kq3XcV9-Zt0bWm1aPQe7rLs2YdFh8JgUn4oTi6vRwEk"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/es/a/{token}/result/?next=%2Fes%2Fa%2F{token}%2F",
        "PATH_INFO": f"/es/a/{token}/result/",
        "QUERY_STRING": f"next=%2Fes%2Fa%2F{token}%2F",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://ruta.example/es/a/{token}/review/",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    atoms = logger.atoms(response, SimpleNamespace(headers=[]), environ, duration(seconds=1))
    line = conf["access_log_format"] % SafeAtoms(atoms)
    assert "/es/a/<token>/result/" in line
    assert all(token not in str(value) for value in atoms.values())


def test_a_request_id_a_client_made_up_badly_is_replaced(client):
    response = client.get("/es/", HTTP_X_REQUEST_ID="<script>\nalert(1)")
    assert len(response["X-Request-ID"]) == 32
    assert "<" not in response["X-Request-ID"]


def test_a_task_queued_by_a_request_carries_its_id():
    from config.observability import request_id

    token = request_id.set("req-00000001")
    try:
        headers: dict = {}
        task_publish_add_request_id(headers=headers)
    finally:
        request_id.reset(token)
    assert headers == {"request_id": "req-00000001"}


# Housekeeping


def test_abandoned_self_diagnostic_drafts_are_deleted_with_their_firm(settings, world):
    abandoned = make_assessment(answers=SOCIAL_SELLER)
    recent = make_assessment()
    submitted = make_assessment(answers=SOCIAL_SELLER, submitted=True)
    assisted = cohort_assessment_start(enrolment=world.ana_firm, user=world.ana, language="es")
    for assessment in (abandoned, submitted, assisted.assessment):
        age(assessment, settings.DRAFT_RESUME_DAYS + 1)
    abandoned_firm = abandoned.firm_id

    assert drafts_purge() == 1
    assert not Assessment.objects.filter(pk=abandoned.pk).exists()
    assert not Firm.objects.filter(pk=abandoned_firm).exists()
    kept = {recent.pk, submitted.pk, assisted.assessment_id}
    assert kept <= set(Assessment.objects.values_list("pk", flat=True))


def test_old_roadmap_pdfs_are_deleted_and_made_again_when_asked(
    settings, tmp_path, instrument, django_capture_on_commit_callbacks
):
    from recommendations.services import catalogue_load

    settings.MEDIA_ROOT = tmp_path
    catalogue_load()
    assessment = make_assessment(answers=SOCIAL_SELLER, submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        pdf = roadmap_pdf_request(assessment=assessment)
    pdf.refresh_from_db()
    path = Path(pdf.file.path)
    assert path.exists()
    RoadmapPDF.objects.update(
        updated_at=timezone.now() - timedelta(days=settings.GENERATED_FILES_DAYS + 1)
    )
    assert roadmap_pdfs_purge() == 1
    assert not path.exists() and not RoadmapPDF.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        again = roadmap_pdf_request(assessment=assessment)
    again.refresh_from_db()
    assert again.state == RoadmapPDF.State.DONE


@pytest.fixture
def rf():
    return RequestFactory()


# Caching: nobody keeps a copy of a private page


def private(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def test_token_pages_the_desk_and_every_download_are_private_and_not_stored(
    client, world, instrument
):
    from django.urls import reverse

    from cohorts.models import CohortAssessment
    from recommendations.services import catalogue_load

    catalogue_load()
    assessment = make_assessment(answers=SOCIAL_SELLER, submitted=True)
    token = assessment.token
    owner_pages = [
        reverse("diagnostic:result", kwargs={"token": token}),
        reverse("recommendations:roadmap", kwargs={"token": token}),
        reverse("diagnostic:delete", kwargs={"token": token}),
        reverse("diagnostic:result", kwargs={"token": "no-such-link"}),
    ]
    for page in owner_pages:
        assert private(client.get(page)), page

    linked = cohort_assessment_start(enrolment=world.ana_firm, user=world.ana, language="es")
    linked = CohortAssessment.objects.get(pk=linked.pk)
    client.force_login(world.maria)
    cohort = {"cohort_pk": world.cohort.pk}
    firm = {"pk": world.ana_firm.pk}
    desk_pages = [
        reverse("cohorts:desk"),
        reverse("cohorts:firm", kwargs=firm),
        reverse("cohorts:assessment", kwargs={**firm, "linked_pk": linked.pk}),
        reverse("cohorts:firm_export", kwargs=firm),
        reverse("cohorts:dashboard"),
        reverse("cohorts:exports", kwargs=cohort),
        reverse("cohorts:export_csv", kwargs=cohort),
        reverse("cohorts:export_codebook", kwargs=cohort),
        reverse("cohorts:import_template"),
    ]
    prepared_workbook(client, world.cohort)
    workbook = {"pk": DataExport.objects.get().pk}
    desk_pages += [
        reverse("cohorts:workbook", kwargs=workbook),
        reverse("cohorts:workbook_download", kwargs=workbook),
    ]
    for page in desk_pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert private(response), page
        if response.streaming:
            b"".join(response.streaming_content)  # read to the end: the client closes it


def test_public_pages_may_still_be_cached(client):
    assert not private(client.get("/es/"))
