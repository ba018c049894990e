"""Two assessments of one firm made without knowing of each other: both kept, a conflict
recorded, shown to the firm's coordinator and managers, and settled by them."""

import pytest
from django.test import Client
from django.urls import reverse

from cohorts.exports import submitted_assessments
from cohorts.models import CohortAssessment, Enrolment, Membership, ReviewEvent, Role
from cohorts.presenters import progress
from cohorts.selectors import enrolments_reviewed_by, reviewer_membership
from diagnostic.models import Assessment
from diagnostic.selectors import instrument_spec
from field.models import Conflict
from tests.cohorts.conftest import E, assess, person
from tests.factories import SOCIAL_SELLER
from tests.field.conftest import send, upload_body

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rosa_of_two(world, django_user_model):
    """Manages Puebla's chamber and coordinates in Sonora's office (a team of nobody)."""
    rosa = person(django_user_model, "rosa")
    Membership.objects.create(
        user=rosa, organisation=world.otto_firm.cohort.organisation, role=Role.MANAGER
    )
    Membership.objects.create(
        user=rosa, organisation=world.cohort.organisation, role=Role.COORDINATOR
    )
    return rosa


@pytest.fixture
def baseline(world, current):
    """Ana's firm has a baseline, and Beto is in the firm's team: he may assess it too."""
    world.ana_firm.members.add(world.beto_firm.consultant)
    return assess(world.ana_firm, world.ana, E, days_ago=150)


def follow_up(world, current, baseline, **changes):
    """Ana's follow-up made offline, starting from the baseline her phone knew of."""
    return upload_body(world.ana_firm, current, kind="follow_up", based_on=baseline.pk, **changes)


def test_a_follow_up_of_the_latest_result_is_no_conflict(world, current, baseline):
    response = send(signed_in(world.ana), follow_up(world, current, baseline))
    assert response.status_code == 201
    assert response.json()["conflicts"] == []
    assert not Conflict.objects.exists()


def test_a_result_submitted_by_someone_else_since_is_a_conflict_and_both_stay(
    world, current, baseline
):
    online = assess(world.ana_firm, world.beto, SOCIAL_SELLER)
    response = send(signed_in(world.ana), follow_up(world, current, baseline))
    assert response.status_code == 201
    offline = Assessment.objects.get(pk=response.json()["assessment_id"])
    (conflict,) = Conflict.objects.all()
    assert conflict.enrolment_id == world.ana_firm.pk
    assert (conflict.uploaded.assessment, conflict.other.assessment) == (offline, online)
    assert conflict.is_open
    assert response.json()["conflicts"] == [{"id": conflict.pk, "other_assessment_id": online.pk}]
    assert CohortAssessment.objects.filter(enrolment=world.ana_firm, set_aside=False).count() == 3


def test_two_offline_assessments_of_the_same_time_are_a_conflict_whoever_made_them(
    world, current, baseline
):
    client = signed_in(world.ana)
    first = send(client, follow_up(world, current, baseline)).json()
    second = send(client, follow_up(world, current, baseline)).json()
    assert first["conflicts"] == []
    (conflict,) = second["conflicts"]
    assert conflict["other_assessment_id"] == first["assessment_id"]


def test_a_retry_records_no_second_conflict(world, current, baseline):
    assess(world.ana_firm, world.beto, SOCIAL_SELLER)
    client = signed_in(world.ana)
    body = follow_up(world, current, baseline)
    assert send(client, body).json() == send(client, body).json()
    assert Conflict.objects.count() == 1


@pytest.fixture
def conflict(world, current, baseline):
    assess(world.ana_firm, world.beto, SOCIAL_SELLER)
    send(
        signed_in(world.ana),
        follow_up(world, current, baseline, answers={"internet_access": "none"}),
    )
    return Conflict.objects.get()


@pytest.mark.parametrize("who", ["carlos", "maria"])
def test_the_firms_coordinator_and_managers_see_the_conflict(world, conflict, who):
    page = signed_in(getattr(world, who)).get(reverse("field:conflicts"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bacanora La Sierra" in html
    assert "Ana" in html and "Beto" in html
    for linked in (conflict.uploaded, conflict.other):
        assert (
            reverse("cohorts:assessment", kwargs={"pk": world.ana_firm.pk, "linked_pk": linked.pk})
            in html
        )
    assert 'scope="row"' in html and "<legend" in html


def test_the_desk_leads_coordinators_to_the_conflicts(world):
    html = signed_in(world.carlos).get(reverse("cohorts:desk")).content.decode()
    assert reverse("field:conflicts") in html


def test_otto_of_another_organisation_sees_nothing_of_it(world, conflict):
    page = signed_in(world.otto).get(reverse("field:conflicts"))
    assert page.status_code == 200
    assert "Bacanora" not in page.content.decode()
    settle = signed_in(world.otto).post(
        reverse("field:conflict_settle", kwargs={"pk": conflict.pk}),
        {f"conflict-{conflict.pk}-decision": "uploaded"},
    )
    assert settle.status_code == 404


@pytest.mark.parametrize("who", ["ana", "beto"])
def test_consultants_neither_see_nor_settle_conflicts(world, conflict, who):
    client = signed_in(getattr(world, who))
    assert client.get(reverse("field:conflicts")).status_code == 404
    settle = client.post(
        reverse("field:conflict_settle", kwargs={"pk": conflict.pk}),
        {f"conflict-{conflict.pk}-decision": "uploaded"},
    )
    assert settle.status_code == 404
    assert Conflict.objects.get().is_open


def test_someone_signed_out_is_sent_to_log_in(world):
    page = Client().get(reverse("field:conflicts"))
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]


def test_settling_for_the_upload_sets_the_other_aside_and_deletes_nothing(world, conflict):
    response = signed_in(world.carlos).post(
        reverse("field:conflict_settle", kwargs={"pk": conflict.pk}),
        {f"conflict-{conflict.pk}-decision": "uploaded"},
    )
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert not conflict.is_open
    assert (conflict.decision, conflict.settled_by) == ("uploaded", world.carlos)
    conflict.other.refresh_from_db()
    conflict.uploaded.refresh_from_db()
    assert conflict.other.set_aside and not conflict.uploaded.set_aside
    assert Assessment.objects.filter(pk=conflict.other.assessment_id).exists()
    enrolment = Enrolment.objects.get(pk=world.ana_firm.pk)
    assert enrolment.latest_result_id == conflict.uploaded.assessment_id
    assert ReviewEvent.objects.filter(
        cohort_assessment=conflict.other, action="set_aside", actor=world.carlos
    ).exists()
    firm_page = signed_in(world.carlos).get(f"/en/desk/firms/{enrolment.pk}/")
    assert "Set aside: it does not count for the firm" in firm_page.content.decode()
    listing = signed_in(world.carlos).get(reverse("field:conflicts")).content.decode()
    assert f"conflict-{conflict.pk}-decision" not in listing


def test_settling_for_the_other_makes_it_the_firms_result_though_older(world, conflict):
    signed_in(world.maria).post(
        reverse("field:conflict_settle", kwargs={"pk": conflict.pk}),
        {f"conflict-{conflict.pk}-decision": "other"},
    )
    enrolment = Enrolment.objects.get(pk=world.ana_firm.pk)
    assert enrolment.latest_result_id == conflict.other.assessment_id
    assert CohortAssessment.objects.get(pk=conflict.uploaded_id).set_aside


def test_both_may_count(world, conflict):
    signed_in(world.carlos).post(
        reverse("field:conflict_settle", kwargs={"pk": conflict.pk}),
        {f"conflict-{conflict.pk}-decision": "both"},
    )
    conflict.refresh_from_db()
    assert conflict.decision == "both"
    assert not CohortAssessment.objects.filter(set_aside=True).exists()


def test_a_conflict_is_settled_once(world, conflict):
    client = signed_in(world.carlos)
    url = reverse("field:conflict_settle", kwargs={"pk": conflict.pk})
    client.post(url, {f"conflict-{conflict.pk}-decision": "uploaded"})
    client.post(url, {f"conflict-{conflict.pk}-decision": "other"})
    conflict.refresh_from_db()
    assert conflict.decision == "uploaded"
    assert not CohortAssessment.objects.get(pk=conflict.uploaded_id).set_aside


def test_settling_without_a_choice_shows_the_error_beside_the_question(world, conflict):
    response = signed_in(world.carlos).post(
        reverse("field:conflict_settle", kwargs={"pk": conflict.pk}), {}
    )
    assert response.status_code == 200
    assert 'class="alert alert-danger error-summary"' in response.content.decode()
    assert Conflict.objects.get().is_open


def test_a_result_set_aside_leaves_the_cohorts_export_and_the_firms_progress(world, conflict):
    signed_in(world.carlos).post(
        reverse("field:conflict_settle", kwargs={"pk": conflict.pk}),
        {f"conflict-{conflict.pk}-decision": "uploaded"},
    )
    exported = set(submitted_assessments(world.cohort).values_list("pk", flat=True))
    assert conflict.uploaded_id in exported and conflict.other_id not in exported
    linked_all = list(CohortAssessment.objects.filter(enrolment=world.ana_firm).order_by("pk"))
    shown = progress(linked_all, instrument_spec(conflict.uploaded.assessment.instrument), "en")
    assert shown is not None
    assert shown["latest"].pk == conflict.uploaded.assessment_id


def test_who_sees_conflicts_is_who_reviews_the_firm(world, rosa_of_two):
    people = [world.maria, world.carlos, world.ana, world.beto, world.otto, rosa_of_two]
    for user in people:
        reviewed = set(enrolments_reviewed_by(user).values_list("pk", flat=True))
        for enrolment in Enrolment.objects.select_related("cohort", "consultant"):
            expected = reviewer_membership(user, enrolment) is not None
            assert (enrolment.pk in reviewed) == expected, (user, enrolment)
