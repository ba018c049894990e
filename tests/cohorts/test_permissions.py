"""Each person reaches only the firms that are theirs: in the queries, proven by trying."""

import pytest
from django.urls import reverse

from cohorts.selectors import enrolments_for_user

pytestmark = pytest.mark.django_db


def names(user) -> set[str]:
    return {enrolment.firm.name for enrolment in enrolments_for_user(user)}


def test_a_consultant_sees_only_the_firms_assigned_to_them(world):
    assert names(world.ana) == {"Bacanora La Sierra"}
    assert names(world.beto) == {"Tortillería Doña Luz"}


def test_a_coordinator_sees_their_team_firms(world):
    assert names(world.carlos) == {"Bacanora La Sierra"}


def test_a_manager_sees_their_whole_organisation_and_nothing_else(world):
    assert names(world.maria) == {"Bacanora La Sierra", "Tortillería Doña Luz"}
    assert names(world.otto) == {"Talavera Poblana"}


@pytest.mark.parametrize("who", ["beto", "carlos_other", "otto"])
@pytest.mark.parametrize(
    ("method", "name"),
    [("get", "cohorts:firm"), ("post", "cohorts:assessment_new"), ("post", "cohorts:visit_new")],
)
def test_another_persons_firm_is_not_found(client, world, who, method, name):
    target = world.ana_firm if who != "carlos_other" else world.beto_firm
    user = {"beto": world.beto, "carlos_other": world.carlos, "otto": world.otto}[who]
    client.force_login(user)
    response = getattr(client, method)(reverse(name, kwargs={"pk": target.pk}))
    assert response.status_code == 404
    assert not target.assessments.exists()
    assert not target.visits.exists()


def test_a_guessed_firm_number_is_not_found(client, world):
    client.force_login(world.ana)
    assert client.get(reverse("cohorts:firm", kwargs={"pk": 99999})).status_code == 404


def test_people_not_signed_in_are_sent_to_log_in(client, world):
    response = client.get(reverse("cohorts:firm", kwargs={"pk": world.ana_firm.pk}))
    assert response.status_code == 302
    assert reverse("cohorts:login") in response["Location"]


@pytest.mark.parametrize("who", ["ana", "carlos"])
def test_only_managers_invite(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("cohorts:invite")).status_code == 404


def test_the_desk_lists_only_your_firms(client, world):
    client.force_login(world.ana)
    page = client.get(reverse("cohorts:desk")).text
    assert "Bacanora La Sierra" in page
    assert "Tortillería Doña Luz" not in page and "Talavera Poblana" not in page
