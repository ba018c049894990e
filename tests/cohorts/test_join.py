"""An owner joins a cohort with the programme's code, agreeing to share their results."""

import pytest
from django.urls import reverse

from cohorts.models import JoinConsent
from cohorts.selectors import enrolments_for_user
from diagnostic.models import Assessment
from tests.factories import PROFILE

pytestmark = pytest.mark.django_db


def join_url(world) -> str:
    return reverse("cohorts:join", kwargs={"code": world.cohort.join_code})


def test_an_owner_joins_with_consent_and_lands_in_the_cohort(client, world, instrument):
    page = client.get(join_url(world))
    assert "Pueblos Digitales 2026" in page.text
    data = {**PROFILE, "name": "Dulces Doña Rosa", "consent": "on"}
    response = client.post(join_url(world), data)
    assessment = Assessment.objects.get(firm__name="Dulces Doña Rosa")
    assert response["Location"] == reverse(
        "diagnostic:step", kwargs={"token": assessment.token, "code": "readiness"}
    )
    consent = JoinConsent.objects.get()
    assert "Secretaría de Economía de Sonora" in consent.text
    assert (consent.language, consent.assessment) == ("es", assessment)
    assert "Dulces Doña Rosa" in {e.firm.name for e in enrolments_for_user(world.maria)}
    assert "Dulces Doña Rosa" not in {e.firm.name for e in enrolments_for_user(world.otto)}


def test_without_consent_nothing_is_stored(client, world, instrument):
    response = client.post(join_url(world), {**PROFILE, "name": "Dulces Doña Rosa"})
    assert response.status_code == 200
    assert "marque la casilla" in response.text.lower()
    assert not Assessment.objects.exists()


def test_a_code_is_typed_in_any_case(client, world):
    response = client.get(reverse("cohorts:join_code"), {"code": world.cohort.join_code.lower()})
    assert response["Location"] == join_url(world)


def test_an_unknown_code_gets_a_helpful_page(client, world):
    response = client.get(reverse("cohorts:join", kwargs={"code": "NOPE1234"}))
    assert response.status_code == 404
    assert "No conocemos este código" in response.text
