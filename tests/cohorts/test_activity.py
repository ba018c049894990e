"""Visits carry their hours, and coordinators and managers see what each consultant has done."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cohorts.models import Visit
from cohorts.services import assessment_mark_reviewed, assessment_return, visit_log
from tests.cohorts.conftest import assess
from tests.factories import SOCIAL_SELLER

pytestmark = pytest.mark.django_db


def activity_of(client, user) -> dict[str, dict]:
    client.force_login(user)
    response = client.get(reverse("cohorts:activity"))
    assert response.status_code == 200
    return {row["membership"].user.username: row for row in response.context["rows"]}


@pytest.fixture
def worked(world, instrument):
    """Ana visited her firm twice (3.5 hours) and assessed it twice; Carlos reviewed one
    assessment and returned the other."""
    for day, hours in ((date(2026, 3, 2), "2"), (date(2026, 4, 6), "1.5")):
        visit_log(
            enrolment=world.ana_firm, user=world.ana, day=day, mode="in_person",
            hours=Decimal(hours), notes="",
        )  # fmt: skip
    first = assess(world.ana_firm, world.ana, SOCIAL_SELLER, days_ago=60)
    assessment_mark_reviewed(linked=first.cohort_link, actor=world.carlos)
    second = assess(world.ana_firm, world.ana, SOCIAL_SELLER)
    assessment_return(linked=second.cohort_link, actor=world.carlos, comment="Revise los canales")
    return world


def test_a_visit_needs_its_hours_and_keeps_them(client, world):
    client.force_login(world.ana)
    url = reverse("cohorts:visit_new", kwargs={"pk": world.ana_firm.pk})

    missing = client.post(url, {"day": "2026-03-02", "mode": "phone", "notes": ""})
    too_many = client.post(url, {"day": "2026-03-02", "mode": "phone", "hours": "30"})
    client.post(url, {"day": "2026-03-02", "mode": "phone", "hours": "1.5", "notes": ""})

    assert "Este campo es obligatorio" in missing.text
    assert too_many.status_code == 200 and not Visit.objects.filter(hours=30).exists()
    assert Visit.objects.get().hours == Decimal("1.5")
    page = client.get(reverse("cohorts:firm", kwargs={"pk": world.ana_firm.pk})).text
    assert "1,5 h" in page


def test_a_coordinator_sees_the_work_of_their_own_team_only(client, worked):
    rows = activity_of(client, worked.carlos)

    assert set(rows) == {"ana"}  # Beto is in no one's team
    ana = rows["ana"]
    assert (ana["firms"], ana["visits"], ana["hours"]) == (1, 2, Decimal("3.5"))
    # The returned one is back in progress: submitted counts what stands submitted today.
    assert (ana["submitted"], ana["returned"], ana["reviewed"]) == (1, 1, 1)


def test_a_manager_sees_every_consultant_of_the_organisation(client, worked):
    rows = activity_of(client, worked.maria)

    assert set(rows) == {"ana", "beto"}
    assert (rows["beto"]["firms"], rows["beto"]["visits"], rows["beto"]["hours"]) == (1, 0, 0)


def test_a_team_member_is_credited_with_the_firm_and_the_assessments_they_made(client, world):
    world.ana_firm.members.add(world.beto_firm.consultant)  # Beto joins Ana's firm's team
    assess(world.ana_firm, world.beto, SOCIAL_SELLER)

    rows = activity_of(client, world.maria)

    assert (rows["beto"]["firms"], rows["beto"]["submitted"]) == (2, 1)
    assert (rows["ana"]["firms"], rows["ana"]["submitted"]) == (1, 0)


def test_another_organisations_manager_sees_none_of_them(client, worked):
    assert not {"ana", "beto"} & set(activity_of(client, worked.otto))


def test_a_consultant_has_no_activity_page(client, world):
    client.force_login(world.ana)
    assert client.get(reverse("cohorts:activity")).status_code == 404
    assert "Actividad del equipo consultor" not in client.get(reverse("cohorts:desk")).text
