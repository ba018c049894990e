"""A programme sets itself up without a shell: organisation and first manager in the admin,
then cohorts, join codes, follow-up intervals, teams and reassignments from the desk."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, Enrolment, Membership, Role
from cohorts.selectors import assessment_editable_by, enrolment_status, enrolments_for_user
from cohorts.services import cohort_assessment_start
from diagnostic.models import Assessment
from tests.cohorts.conftest import assess
from tests.factories import SOCIAL_SELLER

pytestmark = pytest.mark.django_db


def test_a_site_administrator_creates_an_organisation_and_its_first_manager(
    client, django_user_model
):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "x-clave-9")
    lucia = django_user_model.objects.create_user("lucia", "lucia@example.org", "x-clave-9")
    client.force_login(admin)

    response = client.post(
        reverse("admin:cohorts_organisation_add"),
        {
            "name": "Universidad de Sonora",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": lucia.pk,
            "memberships-0-role": "manager",
            "cohorts-TOTAL_FORMS": "0",
            "cohorts-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user=lucia)
    assert (membership.organisation.name, membership.role) == ("Universidad de Sonora", "manager")
    client.force_login(lucia)
    assert client.get(reverse("cohorts:cohorts")).status_code == 200


def test_a_manager_creates_a_cohort_that_owners_can_join(client, world):
    client.force_login(world.maria)

    response = client.post(
        reverse("cohorts:cohort_new"),
        {"name": "Mujeres Digitales 2027", "follow_up_days": "90", "starts_on": "2027-02-01"},
    )

    cohort = Cohort.objects.get(name="Mujeres Digitales 2027")
    assert response.status_code == 302
    assert (cohort.organisation, cohort.follow_up_days) == (world.cohort.organisation, 90)
    assert client.get(reverse("cohorts:join", kwargs={"code": cohort.join_code})).status_code == 200


def test_a_cohort_cannot_end_before_it_starts(client, world):
    client.force_login(world.maria)

    response = client.post(
        reverse("cohorts:cohort_new"),
        {"name": "Al revés", "follow_up_days": "90", "starts_on": "2027-02-01",
         "ends_on": "2027-01-01"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "no puede terminar antes de empezar" in response.text
    assert not Cohort.objects.filter(name="Al revés").exists()


def edit(client, cohort, **changes):
    data = {"name": cohort.name, "follow_up_days": cohort.follow_up_days, **changes}
    return client.post(reverse("cohorts:cohort_edit", kwargs={"cohort_pk": cohort.pk}), data)


def test_a_closed_cohort_takes_no_new_firms_and_can_open_again(client, world):
    client.force_login(world.maria)
    code = world.cohort.join_code

    edit(client, world.cohort, closed="on")
    world.cohort.refresh_from_db()
    closed = client.get(reverse("cohorts:join", kwargs={"code": code}))
    enrolling = client.get(reverse("cohorts:firm_new"), follow=True)

    assert world.cohort.closed_on == timezone.localdate()
    assert closed.status_code == 410
    assert "ya no recibe más negocios" in closed.text
    assert "Ninguna de sus cohortes recibe negocios nuevos" in enrolling.text  # none open
    # Its firms stay where they were.
    assert Enrolment.objects.filter(cohort=world.cohort).count() == 2
    edit(client, world.cohort)
    assert client.get(reverse("cohorts:join", kwargs={"code": code})).status_code == 200


def test_a_new_join_code_retires_the_old_one(client, world):
    client.force_login(world.maria)
    old = world.cohort.join_code

    edit(client, world.cohort, new_join_code="on")
    world.cohort.refresh_from_db()

    assert world.cohort.join_code != old
    assert client.get(reverse("cohorts:join", kwargs={"code": old})).status_code == 404
    joined = client.get(reverse("cohorts:join", kwargs={"code": world.cohort.join_code}))
    assert joined.status_code == 200


def test_the_follow_up_interval_is_the_cohorts_own(world, instrument):
    assessed = assess(world.ana_firm, world.ana, SOCIAL_SELLER)
    Assessment.objects.filter(pk=assessed.pk).update(
        submitted_at=timezone.now() - timedelta(days=45)
    )

    def status() -> str:
        return enrolment_status(enrolments_for_user(world.maria).get(pk=world.ana_firm.pk))

    assert status() == "submitted"  # 150 days by default
    Cohort.objects.filter(pk=world.cohort.pk).update(follow_up_days=30)
    assert status() == "follow_up_due"


def test_another_organisations_manager_cannot_touch_the_cohort(client, world):
    client.force_login(world.otto)
    assert (
        client.get(
            reverse("cohorts:cohort_edit", kwargs={"cohort_pk": world.cohort.pk})
        ).status_code
        == 404
    )
    assert edit(client, world.cohort, closed="on").status_code == 404
    world.cohort.refresh_from_db()
    assert world.cohort.closed_on is None


@pytest.mark.parametrize("who", ["carlos", "ana"])
def test_only_managers_set_up_cohorts_and_teams(client, world, who):
    client.force_login(getattr(world, who))
    for name in ("cohorts:cohorts", "cohorts:cohort_new", "cohorts:teams"):
        assert client.get(reverse(name)).status_code == 404


def test_a_manager_puts_a_consultant_in_a_coordinators_team(client, world):
    beto = Membership.objects.get(user=world.beto)
    carlos = Membership.objects.get(user=world.carlos)
    ana = Membership.objects.get(user=world.ana)
    client.force_login(world.maria)

    client.post(
        reverse("cohorts:teams"),
        {f"coordinator_{beto.pk}": carlos.pk, f"coordinator_{ana.pk}": ""},
    )

    beto.refresh_from_db()
    ana.refresh_from_db()
    assert (beto.coordinator, ana.coordinator) == (carlos, None)
    visible = set(enrolments_for_user(world.carlos).values_list("firm__name", flat=True))
    assert visible == {"Tortillería Doña Luz"}


def test_a_manager_hands_a_firm_to_another_consultant(client, world):
    beto = Membership.objects.get(user=world.beto)
    client.force_login(world.maria)

    client.post(
        reverse("cohorts:reassign", kwargs={"pk": world.ana_firm.pk}), {"consultant": beto.pk}
    )

    world.ana_firm.refresh_from_db()
    assert world.ana_firm.consultant == beto
    assert not enrolments_for_user(world.ana).filter(pk=world.ana_firm.pk).exists()


def test_a_coordinator_hands_firms_only_within_their_team_and_a_consultant_not_at_all(
    client, world
):
    beto = Membership.objects.get(user=world.beto)
    url = reverse("cohorts:reassign", kwargs={"pk": world.ana_firm.pk})

    client.force_login(world.carlos)
    refused = client.post(url, {"consultant": beto.pk}, follow=True)
    assert "Elija uno de los consultores de la lista" in refused.text
    client.force_login(world.ana)
    assert client.post(url, {"consultant": beto.pk}).status_code == 404
    world.ana_firm.refresh_from_db()
    assert world.ana_firm.consultant.role == Role.CONSULTANT
    assert world.ana_firm.consultant.user == world.ana


def test_a_firm_has_a_team_whose_members_see_it_and_fill_in_its_assessments(client, world):
    """Seed 002's students work in teams of four: one leads, the others see the firm and fill
    in its assessments too. Leaving the team takes both away."""
    ana, beto = (Membership.objects.get(user=user) for user in (world.ana, world.beto))
    url = reverse("cohorts:reassign", kwargs={"pk": world.beto_firm.pk})
    client.force_login(world.maria)

    page = client.post(url, {"consultant": beto.pk, "members": [ana.pk, beto.pk]}, follow=True)

    world.beto_firm.refresh_from_db()
    assert world.beto_firm.consultant == beto
    assert list(world.beto_firm.members.all()) == [ana]  # the lead is not listed twice
    assert "El equipo de la empresa quedó guardado" in page.text
    started = cohort_assessment_start(enrolment=world.beto_firm, user=world.beto, language="es")
    assert enrolments_for_user(world.ana).filter(pk=world.beto_firm.pk).exists()
    assert enrolments_for_user(world.carlos).filter(pk=world.beto_firm.pk).exists()  # Ana's lead
    assert assessment_editable_by(world.ana, started.assessment)
    assert not assessment_editable_by(world.otto, started.assessment)

    client.post(url, {"consultant": beto.pk})

    assert not enrolments_for_user(world.ana).filter(pk=world.beto_firm.pk).exists()
    assert not assessment_editable_by(world.ana, started.assessment)


def test_only_consultants_the_person_may_assign_join_a_team(client, world):
    beto = Membership.objects.get(user=world.beto)
    puebla = Membership.objects.get(user=world.otto)  # another organisation's member
    client.force_login(world.maria)

    refused = client.post(
        reverse("cohorts:reassign", kwargs={"pk": world.beto_firm.pk}),
        {"consultant": beto.pk, "members": [puebla.pk]},
        follow=True,
    )

    assert "Elija uno de los consultores de la lista" in refused.text
    assert not world.beto_firm.members.exists()
