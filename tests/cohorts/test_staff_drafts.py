"""A consultant's draft is the programme's record: it never expires like an owner's link."""

import pytest
from django.urls import reverse

from cohorts.models import CohortAssessment
from cohorts.services import cohort_assessment_start
from diagnostic.services import drafts_purge
from tests.factories import age, make_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_draft(world, instrument, settings) -> CohortAssessment:
    linked = cohort_assessment_start(enrolment=world.ana_firm, user=world.ana, language="es")
    age(linked.assessment, settings.DRAFT_RESUME_DAYS + 30)
    return linked


def test_a_consultants_draft_past_the_resume_limit_still_opens_for_them(client, world, old_draft):
    client.force_login(world.ana)
    response = client.get(
        reverse("diagnostic:resume", kwargs={"token": old_draft.assessment.token}), follow=True
    )
    assert response.status_code == 200
    assert "Este enlace ha vencido" not in response.text
    step = reverse(
        "diagnostic:step", kwargs={"token": old_draft.assessment.token, "code": "readiness"}
    )
    assert client.get(step).status_code == 200


def test_an_old_staff_draft_is_kept_by_housekeeping_while_an_owners_goes(
    world, old_draft, settings
):
    owners = make_assessment()
    age(owners, settings.DRAFT_RESUME_DAYS + 30)
    assert drafts_purge() == 1
    assert world.ana_firm.assessments.filter(pk=old_draft.pk).exists()


def test_an_owners_own_draft_past_the_limit_still_expires(client, instrument, settings):
    owners = make_assessment()
    age(owners, settings.DRAFT_RESUME_DAYS + 1)
    response = client.get(reverse("diagnostic:resume", kwargs={"token": owners.token}))
    assert response.status_code == 410
