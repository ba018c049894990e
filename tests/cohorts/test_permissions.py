"""Each person reaches only the firms that are theirs: in the queries, proven by trying."""

import pytest
from django.urls import reverse

from cohorts.models import CohortReport, Invitation, Membership, Role
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


# A manager of two organisations chooses which one they work on


def test_a_manager_of_two_organisations_reports_on_the_second(
    client, rosa, django_capture_on_commit_callbacks
):
    client.force_login(rosa.rosa)
    one_cohort = {"organisation": rosa.puebla.pk, "cohort": rosa.puebla_cohort.pk}
    with django_capture_on_commit_callbacks():
        response = client.post(reverse("cohorts:report_new"), one_cohort)
        all_cohorts = client.post(reverse("cohorts:report_new"), {"organisation": rosa.puebla.pk})
    assert response.status_code == all_cohorts.status_code == 302
    assert [
        (report.organisation, report.cohort) for report in CohortReport.objects.order_by("pk")
    ] == [
        (rosa.puebla, rosa.puebla_cohort),
        (rosa.puebla, None),
    ]


def test_a_manager_of_two_organisations_sees_the_dashboard_of_the_one_chosen(client, rosa):
    client.force_login(rosa.rosa)
    # Without a choice, the first by name (Cámara de Comercio de Puebla), and the choice.
    first = client.get(reverse("cohorts:dashboard")).text
    assert "Puebla Digital" in first and "Pueblos Digitales 2026" not in first
    assert rosa.sonora.name in first
    chosen = client.get(reverse("cohorts:dashboard"), {"organisation": rosa.sonora.pk}).text
    assert "Pueblos Digitales 2026" in chosen and "Puebla Digital" not in chosen


def test_a_manager_of_two_organisations_invites_to_the_one_chosen(client, rosa):
    client.force_login(rosa.rosa)
    invite = reverse("cohorts:invite") + f"?organisation={rosa.puebla.pk}"
    page = client.get(invite).text
    assert rosa.puebla.name in page and "Pablo" in page and "Carlos" not in page
    response = client.post(
        invite,
        {
            "organisation": rosa.puebla.pk,
            "email": "nueva@example.org",
            "role": Role.CONSULTANT,
            "coordinator": rosa.pablo.pk,
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.organisation, invitation.coordinator) == (rosa.puebla, rosa.pablo)


def test_a_coordinator_of_the_other_organisation_is_not_offered(client, rosa):
    client.force_login(rosa.rosa)
    carlos = Membership.objects.get(user__username="carlos")
    response = client.post(
        reverse("cohorts:invite"),
        {
            "organisation": rosa.puebla.pk,
            "email": "nueva@example.org",
            "role": Role.CONSULTANT,
            "coordinator": carlos.pk,
        },
    )
    assert response.status_code == 200
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("organisation", ["sonora", "abc", "99999"])
@pytest.mark.parametrize(
    ("method", "name"),
    [("get", "cohorts:dashboard"), ("get", "cohorts:invite"), ("post", "cohorts:report_new")],
)
def test_an_organisation_one_does_not_manage_is_not_found(
    client, world, organisation, method, name
):
    client.force_login(world.otto)
    value = world.cohort.organisation.pk if organisation == "sonora" else organisation
    response = getattr(client, method)(reverse(name), {"organisation": value})
    assert response.status_code == 404
    assert not CohortReport.objects.exists()


def test_a_manager_of_two_organisations_must_name_one_to_act(client, rosa):
    client.force_login(rosa.rosa)
    invitation = {"email": "nueva@example.org", "role": Role.CONSULTANT}
    assert client.post(reverse("cohorts:report_new")).status_code == 404
    assert client.post(reverse("cohorts:invite"), invitation).status_code == 404
    assert not CohortReport.objects.exists() and not Invitation.objects.exists()
