"""A firm's action plan and referrals: agreed at a visit from the roadmap, followed up later,
and reachable only by the people who work with the firm."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import PlannedAction, Referral
from cohorts.selectors import plan_choices
from recommendations.services import catalogue_load
from tests.cohorts.conftest import assess
from tests.factories import SOCIAL_SELLER

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed(world, instrument):
    """Ana's firm has a result; its roadmap proposes actions and programmes."""
    catalogue_load()
    assess(world.ana_firm, world.ana, SOCIAL_SELLER)
    world.ana_firm.refresh_from_db()
    return world


def firm_url(enrolment, name="firm", **kwargs):
    return reverse(f"cohorts:{name}", kwargs={"pk": enrolment.pk, **kwargs})


def test_the_owner_agrees_roadmap_actions_with_their_dates(client, assessed):
    enrolment = assessed.ana_firm
    actions, _programmes = plan_choices(enrolment)
    first, second = actions[:2]
    client.force_login(assessed.ana)
    page = client.get(firm_url(enrolment)).text
    assert "Acordar acciones de la hoja de ruta" in page
    soon = timezone.localdate() + timedelta(days=20)

    response = client.post(
        firm_url(enrolment, "plan_new"),
        {f"pick_{first.code}": "on", f"target_{first.code}": soon.isoformat(),
         f"pick_{second.code}": "on", f"target_{second.code}": "2099-01-01",
         f"target_{actions[2].code}": "2020-01-01"},  # not ticked: its date is ignored
    )  # fmt: skip

    assert response.status_code == 200  # the far date is sent back, nothing saved
    assert "en los próximos tres años" in response.text
    assert not PlannedAction.objects.exists()
    client.post(
        firm_url(enrolment, "plan_new"),
        {f"pick_{first.code}": "on", f"target_{first.code}": soon.isoformat()},
    )
    planned = PlannedAction.objects.get()
    assert (planned.action, planned.target, planned.status) == (first, soon, "planned")
    assert planned.created_by == assessed.ana
    # Once planned, an action is no longer offered again.
    assert first not in plan_choices(enrolment)[0]


def test_a_past_date_or_none_at_all_is_refused_in_spanish(client, assessed):
    enrolment = assessed.ana_firm
    action = plan_choices(enrolment)[0][0]
    client.force_login(assessed.ana)
    url = firm_url(enrolment, "plan_new")

    past = client.post(url, {f"pick_{action.code}": "on", f"target_{action.code}": "2020-01-01"})
    nothing = client.post(url, {})
    garbled = client.post(url, {f"pick_{action.code}": "on", f"target_{action.code}": "mañana"})

    assert "no puede estar en el pasado" in past.text
    assert "Marque al menos una acción" in nothing.text
    assert "Introduzca una fecha válida" in garbled.text
    assert not PlannedAction.objects.exists()


def test_at_follow_up_a_dropped_action_says_why(client, assessed):
    enrolment = assessed.ana_firm
    action = plan_choices(enrolment)[0][0]
    client.force_login(assessed.ana)
    client.post(
        firm_url(enrolment, "plan_new"),
        {f"pick_{action.code}": "on", f"target_{action.code}": timezone.localdate().isoformat()},
    )
    planned = PlannedAction.objects.get()
    url = firm_url(enrolment, "planned_action", item_pk=planned.pk)
    prefix = f"planned-{planned.pk}"

    silent = client.post(url, {f"{prefix}-status": "dropped", f"{prefix}-reason": " "})
    client.post(url, {f"{prefix}-status": "dropped", f"{prefix}-reason": "No hay señal"})

    assert "Diga por qué se abandonó" in silent.text
    planned.refresh_from_db()
    assert (planned.status, planned.reason) == ("dropped", "No hay señal")
    # Dropped, it is offered again; agreed again, it starts over with its new date.
    assert action in plan_choices(enrolment)[0]
    later = timezone.localdate() + timedelta(days=60)
    client.post(
        firm_url(enrolment, "plan_new"),
        {f"pick_{action.code}": "on", f"target_{action.code}": later.isoformat()},
    )
    planned.refresh_from_db()
    assert (planned.status, planned.reason, planned.target) == ("planned", "", later)
    client.post(url, {f"{prefix}-status": "done", f"{prefix}-reason": "ignored"})
    planned.refresh_from_db()
    assert (planned.status, planned.reason) == ("done", "")
    assert action not in plan_choices(enrolment)[0]


def test_a_referral_goes_from_referred_to_granted(client, assessed):
    enrolment = assessed.ana_firm
    programme = plan_choices(enrolment)[1][0]
    client.force_login(assessed.ana)
    client.post(
        firm_url(enrolment, "referral_new"), {"programme": programme.pk, "status": "referred"}
    )
    referral = Referral.objects.get()
    assert (referral.programme, referral.status) == (programme, "referred")
    assert programme not in plan_choices(enrolment)[1]

    url = firm_url(enrolment, "referral", item_pk=referral.pk)
    client.post(url, {f"referral-{referral.pk}-status": "granted"})
    bogus = client.post(url, {f"referral-{referral.pk}-status": "paid"})

    referral.refresh_from_db()
    assert referral.status == "granted"
    assert bogus.status_code == 200 and "Escoja una opción válida" in bogus.text
    assert "Concedida" in client.get(firm_url(enrolment)).text


def test_nobody_outside_the_firms_people_reaches_its_plan(client, assessed):
    enrolment = assessed.ana_firm
    actions, programmes = plan_choices(enrolment)
    client.force_login(assessed.ana)
    day = timezone.localdate().isoformat()
    client.post(
        firm_url(enrolment, "plan_new"),
        {f"pick_{actions[0].code}": "on", f"target_{actions[0].code}": day},
    )
    client.post(
        firm_url(enrolment, "referral_new"), {"programme": programmes[0].pk, "status": "referred"}
    )
    planned, referral = PlannedAction.objects.get(), Referral.objects.get()

    for outsider in (assessed.otto, assessed.beto):  # another organisation; another consultant
        client.force_login(outsider)
        attempts = [
            client.post(firm_url(enrolment, "plan_new"), {f"pick_{actions[1].code}": "on"}),
            client.post(
                firm_url(enrolment, "planned_action", item_pk=planned.pk),
                {f"planned-{planned.pk}-status": "done"},
            ),
            client.post(
                firm_url(enrolment, "referral", item_pk=referral.pk),
                {f"referral-{referral.pk}-status": "granted"},
            ),
        ]
        assert [response.status_code for response in attempts] == [404, 404, 404]
    # Beto's own firm cannot reach Ana's firm's items by their numbers either.
    attempt = client.post(
        firm_url(assessed.beto_firm, "planned_action", item_pk=planned.pk),
        {f"planned-{planned.pk}-status": "done"},
    )
    assert attempt.status_code == 404
    planned.refresh_from_db(), referral.refresh_from_db()
    assert (planned.status, referral.status) == ("planned", "referred")
    assert PlannedAction.objects.count() == 1
