"""Several people pressing the same button at once: one draft, one correction, never two.

Each thread has its own database connection, as gunicorn's workers do; a barrier makes
them call the service at the same moment. On PostgreSQL the row lock and the constraints
decide; on SQLite the IMMEDIATE transactions queue the writers one after the other.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import IntegrityError, connections, transaction
from django.urls import reverse

from cohorts.models import CohortAssessment
from cohorts.services import (
    AssessmentInProgress,
    assessment_correct,
    assessment_mark_reviewed,
    cohort_assessment_start,
)
from diagnostic.models import Assessment
from tests.factories import SOCIAL_SELLER, make_assessment, submit_answers

pytestmark = pytest.mark.django_db(transaction=True)
PEOPLE = 4


def all_at_once(call: Callable[[], object], people: int = PEOPLE) -> list[object]:
    """Run `call` in `people` threads released together; what each returned or raised."""
    barrier = threading.Barrier(people)
    outcomes: list[object] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            outcome: object = call()
        except Exception as error:
            outcome = error
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def drafts_of(enrolment) -> int:
    return enrolment.assessments.filter(assessment__status=Assessment.Status.DRAFT).count()


def test_people_starting_one_firm_at_once_make_exactly_one_draft(world, instrument):
    outcomes = all_at_once(
        lambda: cohort_assessment_start(enrolment=world.ana_firm, user=world.ana, language="es")
    )
    assert drafts_of(world.ana_firm) == 1
    started = [outcome for outcome in outcomes if isinstance(outcome, CohortAssessment)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, AssessmentInProgress)]
    assert (len(started), len(refused)) == (1, PEOPLE - 1)


def test_people_starting_a_follow_up_at_once_make_exactly_one_draft(world, instrument):
    baseline = cohort_assessment_start(enrolment=world.ana_firm, user=world.ana, language="es")
    submit_answers(baseline.assessment, SOCIAL_SELLER)
    all_at_once(
        lambda: cohort_assessment_start(enrolment=world.ana_firm, user=world.ana, language="es")
    )
    assert drafts_of(world.ana_firm) == 1
    assert world.ana_firm.assessments.filter(kind="follow_up").count() == 1


def test_people_correcting_one_reviewed_assessment_at_once_make_exactly_one_correction(
    world, instrument
):
    linked = cohort_assessment_start(enrolment=world.ana_firm, user=world.ana, language="es")
    submit_answers(linked.assessment, SOCIAL_SELLER)
    assessment_mark_reviewed(linked=linked, actor=world.carlos)
    linked.refresh_from_db()
    outcomes = all_at_once(
        lambda: assessment_correct(linked=linked, actor=world.ana, language="es")
    )
    assert CohortAssessment.objects.filter(corrects=linked).count() == 1
    refused = [outcome for outcome in outcomes if isinstance(outcome, AssessmentInProgress)]
    assert len(refused) == PEOPLE - 1


def test_a_second_start_says_an_assessment_is_in_progress(client, world, instrument):
    cohort_assessment_start(enrolment=world.ana_firm, user=world.ana, language="es")
    client.force_login(world.carlos)
    url = reverse("cohorts:assessment_new", kwargs={"pk": world.ana_firm.pk})
    response = client.post(url, follow=True)
    assert "ya tiene una evaluación en curso" in response.text
    assert drafts_of(world.ana_firm) == 1


def test_a_second_correction_says_one_is_in_progress(client, world, instrument):
    linked = cohort_assessment_start(enrolment=world.ana_firm, user=world.ana, language="es")
    submit_answers(linked.assessment, SOCIAL_SELLER)
    assessment_mark_reviewed(linked=linked, actor=world.carlos)
    assessment_correct(linked=linked, actor=world.ana, language="es")
    client.force_login(world.carlos)
    url = reverse("cohorts:correct", kwargs={"pk": world.ana_firm.pk, "linked_pk": linked.pk})
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "ya tiene una evaluación en curso" in response.text
    assert CohortAssessment.objects.filter(corrects=linked).count() == 1


def test_the_database_refuses_a_second_correction(world, instrument):
    linked = cohort_assessment_start(enrolment=world.ana_firm, user=world.ana, language="es")
    submit_answers(linked.assessment, SOCIAL_SELLER)
    assessment_mark_reviewed(linked=linked, actor=world.carlos)
    linked.refresh_from_db()
    assessment_correct(linked=linked, actor=world.ana, language="es")
    with pytest.raises(IntegrityError), transaction.atomic():
        CohortAssessment.objects.create(
            assessment=make_assessment(firm=world.ana_firm.firm),
            enrolment=world.ana_firm,
            kind="baseline",
            corrects=linked,
        )
