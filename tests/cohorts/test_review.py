"""A coordinator returns an assessment with a comment, the consultant resubmits, it is reviewed."""

import pytest
from django.urls import reverse

from cohorts.models import CohortAssessment, ReviewEvent
from cohorts.selectors import enrolment_status, enrolments_for_user
from cohorts.services import cohort_assessment_start
from diagnostic.models import Assessment
from tests.factories import SOCIAL_SELLER, submit_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(world, instrument) -> CohortAssessment:
    linked = cohort_assessment_start(enrolment=world.ana_firm, user=world.ana, language="es")
    submit_answers(linked.assessment, SOCIAL_SELLER)
    return linked


def review_url(world, linked) -> str:
    return reverse("cohorts:review", kwargs={"pk": world.ana_firm.pk, "linked_pk": linked.pk})


def status_for(user, enrolment) -> str:
    return enrolment_status(enrolments_for_user(user).get(pk=enrolment.pk))


def test_return_resubmit_and_review(client, world, submitted):
    client.force_login(world.carlos)
    client.post(
        review_url(world, submitted), {"action": "return", "comment": "Falta el inventario"}
    )
    submitted.refresh_from_db()
    assert submitted.assessment.status == Assessment.Status.DRAFT
    assert status_for(world.ana, world.ana_firm) == "returned"
    event = ReviewEvent.objects.get()
    assert (event.action, event.actor, event.comment) == (
        "returned",
        world.carlos,
        "Falta el inventario",
    )

    client.force_login(world.ana)
    page = client.get(reverse("cohorts:firm", kwargs={"pk": world.ana_firm.pk})).text
    assert "Falta el inventario" in page
    submit_answers(submitted.assessment, {"business_software": ("inventory",)})
    assert status_for(world.carlos, world.ana_firm) == "submitted"

    client.force_login(world.carlos)
    client.post(review_url(world, submitted), {"action": "reviewed"})
    assert status_for(world.maria, world.ana_firm) == "reviewed"


def test_a_reviewed_assessment_is_locked(client, world, submitted):
    client.force_login(world.carlos)
    client.post(review_url(world, submitted), {"action": "reviewed"})
    response = client.post(
        review_url(world, submitted), {"action": "return", "comment": "otra vez"}, follow=True
    )
    assert "Solo una evaluación enviada" in response.text
    submitted.refresh_from_db()
    assert submitted.assessment.status == Assessment.Status.SUBMITTED
    step = reverse(
        "diagnostic:step", kwargs={"token": submitted.assessment.token, "code": "ecommerce"}
    )
    client.post(step, {"sales_channels": ["global_marketplace"]})
    assert submitted.assessment.answers.get(item_code="sales_channels").value == [
        "messaging_apps", "social_media",
    ]  # fmt: skip


def test_a_correction_is_a_new_revision_and_the_history_says_who(client, world, submitted):
    client.force_login(world.carlos)
    client.post(review_url(world, submitted), {"action": "reviewed"})
    client.force_login(world.ana)
    url = reverse("cohorts:correct", kwargs={"pk": world.ana_firm.pk, "linked_pk": submitted.pk})
    response = client.post(url)
    revision = CohortAssessment.objects.get(corrects=submitted)
    assert response["Location"] == reverse(
        "diagnostic:resume", kwargs={"token": revision.assessment.token}
    )
    assert revision.assessment.answers.count() == submitted.assessment.answers.count()
    actions = list(ReviewEvent.objects.values_list("action", "actor__username"))
    assert actions == [("reviewed", "carlos"), ("reopened", "ana")]


def test_returning_needs_a_comment(client, world, submitted):
    client.force_login(world.carlos)
    response = client.post(review_url(world, submitted), {"action": "return", "comment": ""})
    assert response.status_code == 200
    assert "error-summary" in response.text
    submitted.refresh_from_db()
    assert submitted.assessment.status == Assessment.Status.SUBMITTED


@pytest.mark.parametrize("who", ["ana", "beto", "otto"])
def test_only_the_team_coordinator_or_a_manager_reviews(client, world, submitted, who):
    client.force_login(getattr(world, who))
    response = client.post(review_url(world, submitted), {"action": "reviewed"})
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.review == ""


def test_a_manager_reviews_too(client, world, submitted):
    client.force_login(world.maria)
    client.post(review_url(world, submitted), {"action": "reviewed"})
    submitted.refresh_from_db()
    assert submitted.review == "reviewed"


@pytest.mark.parametrize("who", ["beto", "carlos", "otto"])
def test_a_returned_assessment_is_changed_only_by_its_consultant(client, world, submitted, who):
    client.force_login(world.carlos)
    client.post(review_url(world, submitted), {"action": "return", "comment": "Revise"})
    token = submitted.assessment.token
    step = reverse("diagnostic:step", kwargs={"token": token, "code": "ecommerce"})
    client.force_login(getattr(world, who))
    assert client.post(step, {"sales_channels": ["global_marketplace"]}).status_code == 404
    client.logout()
    anonymous = client.post(step, {"sales_channels": ["global_marketplace"]})
    assert reverse("cohorts:login") in anonymous["Location"]
    client.force_login(world.ana)
    assert client.post(step, {"sales_channels": ["phone"]}).status_code == 302
    values = submitted.assessment.answers.get(item_code="sales_channels").value
    assert values == ["phone"]


def test_the_owner_still_reads_the_result_of_an_assisted_assessment(client, world, submitted):
    result = reverse("diagnostic:result", kwargs={"token": submitted.assessment.token})
    assert client.get(result).status_code == 200


def test_an_assessment_is_not_returned_while_a_newer_draft_is_open(client, world, submitted):
    follow_up = cohort_assessment_start(enrolment=world.ana_firm, user=world.ana, language="es")
    client.force_login(world.carlos)
    response = client.post(
        review_url(world, submitted), {"action": "return", "comment": "Falta algo"}, follow=True
    )
    assert "ya tiene una evaluación en curso" in response.text
    submitted.refresh_from_db()
    assert submitted.assessment.status == Assessment.Status.SUBMITTED
    drafts = CohortAssessment.objects.filter(
        enrolment=world.ana_firm, assessment__status=Assessment.Status.DRAFT
    )
    assert list(drafts) == [follow_up]
