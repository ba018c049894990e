"""An owner joins a cohort with the programme's code, agreeing to share their results."""

import pytest
from django.urls import reverse

from cohorts.models import JoinConsent
from cohorts.selectors import enrolments_for_user
from diagnostic.models import Assessment
from tests.factories import PROFILE, SOCIAL_SELLER, submit_answers

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


# Deleting: the owner's consent covers the programme's copy, so it goes with the diagnostic.


def joined(client, world) -> Assessment:
    client.post(join_url(world), {**PROFILE, "name": "Dulces Doña Rosa", "consent": "on"})
    return Assessment.objects.get(firm__name="Dulces Doña Rosa")


def delete(client, assessment):
    return client.post(reverse("diagnostic:delete", kwargs={"token": assessment.token}))


def test_deleting_a_joined_diagnostic_deletes_the_programmes_copy_too(client, world, instrument):
    from cohorts.models import CohortAssessment, Enrolment
    from diagnostic.models import Firm

    assessment = joined(client, world)
    delete(client, assessment)
    assert not Enrolment.objects.filter(firm__name="Dulces Doña Rosa").exists()
    assert not JoinConsent.objects.exists()
    assert not CohortAssessment.objects.filter(enrolment__cohort=world.cohort).exists()
    assert not Firm.objects.filter(name="Dulces Doña Rosa").exists()
    assert "Dulces Doña Rosa" not in {e.firm.name for e in enrolments_for_user(world.maria)}


def test_what_the_programme_assessed_itself_stays_when_the_owner_deletes_theirs(
    client, world, instrument
):
    from cohorts.models import CohortAssessment, Enrolment
    from cohorts.services import cohort_assessment_start

    assessment = joined(client, world)
    submit_answers(assessment, SOCIAL_SELLER)
    enrolment = Enrolment.objects.get(firm__name="Dulces Doña Rosa")
    visit = cohort_assessment_start(enrolment=enrolment, user=world.maria, language="es")
    delete(client, assessment)
    assert not Assessment.objects.filter(pk=assessment.pk).exists()
    assert not JoinConsent.objects.exists()
    assert list(CohortAssessment.objects.filter(enrolment=enrolment)) == [visit]
    assert Enrolment.objects.filter(pk=enrolment.pk, firm__name="Dulces Doña Rosa").exists()


@pytest.mark.parametrize(
    ("language", "consent", "warning"),
    [
        (
            "es",
            "Si lo elimino, el programa también deja de tenerlo",
            "también se eliminará la copia que tiene Secretaría de Economía de Sonora",
        ),
        (
            "en",
            "If I delete it, the programme no longer has it either",
            "the copy Secretaría de Economía de Sonora holds is deleted too",
        ),
    ],
)
def test_the_owner_is_told_that_deleting_removes_the_programmes_copy(
    client, world, instrument, language, consent, warning
):
    from django.utils import translation

    with translation.override(language):
        page = client.get(reverse("cohorts:join", kwargs={"code": world.cohort.join_code}))
        assert consent in page.text
        client.post(
            reverse("cohorts:join", kwargs={"code": world.cohort.join_code}),
            {**PROFILE, "name": "Dulces Doña Rosa", "consent": "on"},
        )
        assessment = Assessment.objects.get(firm__name="Dulces Doña Rosa")
        page = client.get(reverse("diagnostic:delete", kwargs={"token": assessment.token}))
    assert warning in page.text
