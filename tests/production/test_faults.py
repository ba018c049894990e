"""Faults: Redis down, a database error mid-submit, two people saving one page at once."""

import re
import threading
from datetime import timedelta

import pytest
from django.db import DatabaseError, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from cohorts import reports
from cohorts.models import CohortReport
from cohorts.services import cohort_assessment_start
from diagnostic.models import Answer, AnswerNote, Assessment, OutboundEmail, Score
from recommendations import tasks as recommendation_tasks
from recommendations.models import RoadmapPDF
from recommendations.services import roadmap_pdf_request
from tests.factories import PROFILE, SOCIAL_SELLER, make_assessment


def url(name: str, language: str = "es", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def seen_on(page: str) -> str:
    return re.search(r'name="seen" value="([^"]*)"', page).group(1)


# Redis down


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_the_owner_still_answers_submits_and_sees_the_result(
    client, instrument, catalogue, redis_down
):
    client.post(url("diagnostic:start"))
    assessment = Assessment.objects.get()
    token = assessment.token
    response = client.post(url("diagnostic:profile", token=token), PROFILE)
    assert response.status_code == 302
    response = client.post(
        url("diagnostic:step", token=token, code="readiness"),
        {"internet_access": "mobile_reliable"},
    )
    assert response.status_code == 302
    response = client.post(
        url("diagnostic:step", token=token, code="ecommerce"),
        {"sales_channels": ["messaging_apps", "social_media"], "payments_accepted": ["cash_only"]},
    )
    assert response.status_code == 302
    assert client.post(url("diagnostic:review", token=token)).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert Answer.objects.filter(assessment=assessment).count() == 3
    page = client.get(url("diagnostic:result", token=token))
    assert page.status_code == 200 and "Vendedor en redes sociales" in page.text


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_a_pdf_request_says_try_again_and_is_not_lost(
    client, instrument, catalogue, redis_down
):
    from config.celery import app

    assessment = make_assessment(answers=SOCIAL_SELLER, submitted=True)
    pdf_url = url("recommendations:pdf", token=assessment.token)
    refused = client.post(pdf_url)
    assert refused.status_code == 503
    assert "intente de nuevo en un momento" in refused.text
    assert 'data-state="unavailable"' in refused.text  # the page does not poll in vain
    pdf = RoadmapPDF.objects.get()
    assert pdf.state == RoadmapPDF.State.PENDING

    # Redis is back (tasks run in-process here): asking again makes the PDF.
    app.conf.task_always_eager = True
    assert client.post(pdf_url).status_code == 302
    pdf.refresh_from_db()
    assert pdf.state == RoadmapPDF.State.DONE
    assert RoadmapPDF.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_pdf_asked_for_while_redis_was_down_is_queued_again_by_housekeeping(
    client, instrument, catalogue, redis_down
):
    from config.celery import app

    assessment = make_assessment(answers=SOCIAL_SELLER, submitted=True)
    client.post(url("recommendations:pdf", token=assessment.token))
    # The owner walked away. Redis comes back; the periodic housekeeping finds the row.
    app.conf.task_always_eager = True
    RoadmapPDF.objects.update(updated_at=timezone.now() - timedelta(minutes=6))
    outcome = recommendation_tasks.housekeeping.delay().get()
    assert outcome["pdfs_requeued"] == 1
    assert RoadmapPDF.objects.get().state == RoadmapPDF.State.DONE


@pytest.mark.django_db(transaction=True)
def test_an_email_asked_for_while_redis_was_down_is_sent_once_it_is_back(
    client, instrument, redis_down, mailoutbox
):
    from config.celery import app
    from diagnostic import tasks as diagnostic_tasks

    assessment = make_assessment()
    response = client.post(url("diagnostic:email_link", token=assessment.token))
    assert response.status_code == 302
    assert OutboundEmail.objects.get().state == OutboundEmail.State.PENDING
    app.conf.task_always_eager = True
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(minutes=6))
    assert diagnostic_tasks.housekeeping.delay().get()["emails_requeued"] == 1
    assert [message.to for message in mailoutbox] == [["duena@example.com"]]


# A database error in the middle of a submit


@pytest.mark.django_db(transaction=True)
def test_a_database_error_mid_submit_leaves_the_draft_whole(instrument, monkeypatch):
    assessment = make_assessment(answers=SOCIAL_SELLER)

    def failing_store(**kwargs):  # the connection drops after the status row was written
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr("diagnostic.services.scores_store", failing_store)
    client = Client(raise_request_exception=False)
    response = client.post(url("diagnostic:review", token=assessment.token))
    assert response.status_code == 500
    assert "Las respuestas que ya guardó están a salvo" in response.text
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.result is None and assessment.submitted_at is None
    assert not Score.objects.exists()
    assert Answer.objects.filter(assessment=assessment).count() == len(SOCIAL_SELLER)

    monkeypatch.undo()  # the database is back: the same button submits it
    client.post(url("diagnostic:review", token=assessment.token))
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert Score.objects.filter(assessment=assessment).exists()


# A failure whose own message the database refuses


# A NUL byte and a lone surrogate: PostgreSQL text refuses the first, UTF-8 the second.
UNSTORABLE = "bad value \x00 \ud800 " + "x" * 5000


@pytest.mark.django_db(transaction=True)
def test_a_pdf_failing_with_a_message_the_database_refuses_still_ends_failed(
    instrument, catalogue, monkeypatch
):
    def failing_render(**kwargs):
        raise RuntimeError(UNSTORABLE)

    monkeypatch.setattr("recommendations.services.roadmap_pdf_content", failing_render)
    # Outside a transaction the task runs at once (eagerly, in tests).
    pdf = roadmap_pdf_request(assessment=make_assessment(answers=SOCIAL_SELLER, submitted=True))

    pdf.refresh_from_db()
    assert pdf.state == RoadmapPDF.State.FAILED
    assert pdf.error.startswith("RuntimeError: bad value")
    assert "\x00" not in pdf.error and "\ud800" not in pdf.error and len(pdf.error) <= 2000


@pytest.mark.django_db(transaction=True)
def test_a_cohort_report_failing_with_a_message_the_database_refuses_still_ends_failed(
    world, instrument, monkeypatch
):
    def failing_render(report):
        raise RuntimeError(UNSTORABLE)

    monkeypatch.setattr(reports, "_render", failing_render)
    # Outside a transaction the task runs at once (eagerly, in tests).
    report = reports.report_request(
        user=world.maria,
        organisation=world.cohort.organisation,
        cohort=None,
        filters=reports.dashboards.Filters(),
        language="en",
    )

    report.refresh_from_db()
    assert report.state == CohortReport.State.FAILED
    assert report.error.startswith("RuntimeError: bad value")
    assert "\x00" not in report.error and "\ud800" not in report.error
    assert len(report.error) <= 2000


@pytest.mark.django_db(transaction=True)
def test_a_failure_whose_details_cannot_be_written_still_ends_failed(
    world, instrument, monkeypatch
):
    def failing_render(report):
        raise RuntimeError(UNSTORABLE)

    monkeypatch.setattr(reports, "_render", failing_render)
    # As if the cleaning missed something the database refuses: the state alone is written.
    monkeypatch.setattr("core.jobs._storable", lambda details: details)
    report = reports.report_request(
        user=world.maria,
        organisation=world.cohort.organisation,
        cohort=None,
        filters=reports.dashboards.Filters(),
        language="en",
    )

    report.refresh_from_db()
    assert (report.state, report.error) == (CohortReport.State.FAILED, "")


# Two consultants on one assessment


@pytest.fixture
def shared(world, instrument):
    """Beto started the firm's assessment; Ana is the firm's consultant: both may change it."""
    linked = cohort_assessment_start(enrolment=world.ana_firm, user=world.beto, language="es")
    ana, beto = Client(), Client()
    ana.force_login(world.ana)
    beto.force_login(world.beto)
    page = url("diagnostic:step", token=linked.assessment.token, code="readiness")
    return linked.assessment, ana, beto, page


@pytest.mark.django_db
def test_two_consultants_changing_different_questions_keep_both_answers(shared):
    assessment, ana, beto, page = shared
    ana_seen, beto_seen = seen_on(ana.get(page).text), seen_on(beto.get(page).text)
    ana.post(page, {"seen": ana_seen, "internet_access": "mobile_reliable"})
    response = beto.post(
        page,
        {"seen": beto_seen, "staff_with_smartphone": "2", "staff_with_smartphone__note": "Dos"},
    )
    assert response.status_code == 302
    stored = dict(Answer.objects.filter(assessment=assessment).values_list("item_code", "value"))
    assert stored == {"internet_access": "mobile_reliable", "staff_with_smartphone": 2}
    assert AnswerNote.objects.get(assessment=assessment).text == "Dos"


@pytest.mark.django_db
def test_two_consultants_answering_one_question_differently_see_a_conflict_not_a_loss(shared):
    assessment, ana, beto, page = shared
    ana_seen, beto_seen = seen_on(ana.get(page).text), seen_on(beto.get(page).text)
    ana.post(page, {"seen": ana_seen, "internet_access": "mobile_reliable"})
    conflict = beto.post(page, {"seen": beto_seen, "internet_access": "none"})
    assert conflict.status_code == 409
    assert "Otra persona guardó esta página" in conflict.text
    assert "Datos móviles que funcionan bien casi siempre" in conflict.text
    assert re.search(r'value="none"[^>]*checked', conflict.text)  # Beto's choice kept on screen
    assert Answer.objects.get(assessment=assessment).value == "mobile_reliable"
    # Having seen Ana's answer, Beto sends his again: now it is saved.
    again = beto.post(page, {"seen": seen_on(conflict.text), "internet_access": "none"})
    assert again.status_code == 302
    assert Answer.objects.get(assessment=assessment).value == "none"


@pytest.mark.django_db
def test_a_question_only_the_other_consultant_changed_is_not_undone(shared):
    assessment, ana, beto, page = shared
    ana_seen, beto_seen = seen_on(ana.get(page).text), seen_on(beto.get(page).text)
    ana.post(page, {"seen": ana_seen, "internet_access": "mobile_reliable"})
    # Beto's page still shows the question empty, and he sends it untouched.
    response = beto.post(page, {"seen": beto_seen, "staff_with_smartphone": "1"})
    assert response.status_code == 302
    assert Answer.objects.get(assessment=assessment, item_code="internet_access").value == (
        "mobile_reliable"
    )


@pytest.mark.django_db(transaction=True)
def test_saves_at_the_same_moment_lose_no_answer(world, instrument):
    linked = cohort_assessment_start(enrolment=world.ana_firm, user=world.beto, language="es")
    page = url("diagnostic:step", token=linked.assessment.token, code="readiness")
    clients = {"ana": Client(), "beto": Client()}
    clients["ana"].force_login(world.ana)
    clients["beto"].force_login(world.beto)
    seen = {name: seen_on(client.get(page).text) for name, client in clients.items()}
    sent = {"ana": {"internet_access": "fixed_broadband"}, "beto": {"staff_with_smartphone": "4"}}
    start = threading.Barrier(2)
    statuses = {}

    def save(name):
        try:
            start.wait()
            response = clients[name].post(page, {"seen": seen[name], **sent[name]})
            statuses[name] = response.status_code
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=save, args=(name,)) for name in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == {"ana": 302, "beto": 302}
    stored = dict(
        Answer.objects.filter(assessment=linked.assessment).values_list("item_code", "value")
    )
    assert stored == {"internet_access": "fixed_broadband", "staff_with_smartphone": 4}


@pytest.mark.django_db(transaction=True)
def test_a_password_reset_while_redis_is_down_asks_to_try_again_whatever_the_address(
    client, django_user_model, redis_down, caplog
):
    django_user_model.objects.create_user("ana", "ana@example.org", "una-clave-larga-9")
    reset = url("cohorts:password_reset", "en")
    known = client.post(reset, {"email": "ana@example.org"})
    unknown = client.post(reset, {"email": "nadie@example.org"})
    assert known.status_code == unknown.status_code == 503
    assert "can’t be sent right now" in known.text
    assert "can’t be sent right now" in unknown.text
    assert "Queue unavailable" in caplog.text and "ana@example.org" not in caplog.text
    assert not OutboundEmail.objects.exists()
