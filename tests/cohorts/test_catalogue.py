"""An organisation's own catalogue: its managers add programmes and providers for the firms in
its cohorts with the site catalogue's editor; nobody else sees or changes them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Programme
from recommendations.selectors import roadmap_for_assessment
from recommendations.services import catalogue_export_csv, catalogue_load
from tests.cohorts.conftest import assess
from tests.factories import SOCIAL_SELLER, make_assessment

pytestmark = pytest.mark.django_db

LIST = "catalogue:recommendations_programme_changelist"
IMPORT = "catalogue:recommendations_programme_import"


def offered(assessment) -> set[str]:
    assessment.refresh_from_db()
    roadmap = roadmap_for_assessment(assessment, today=timezone.localdate())
    return {match.programme.code for match in roadmap.programmes}


@pytest.fixture
def sonoras_own(world, instrument):
    """A programme of Sonora's own, the same as a site programme Ana's firm fits."""
    catalogue_load()
    baseline = assess(world.ana_firm, world.ana, SOCIAL_SELLER)
    programme = Programme.objects.get(code=sorted(offered(baseline))[0])
    programme.pk, programme.code = None, "sonora_impulso_digital"
    programme.catalogue_of = world.cohort.organisation
    programme.save()
    return programme


def test_only_firms_in_the_organisations_cohorts_are_offered_its_programme(world, sonoras_own):
    in_sonora = assess(world.ana_firm, world.ana, SOCIAL_SELLER)
    in_puebla = assess(world.otto_firm, world.otto, SOCIAL_SELLER)
    on_their_own = make_assessment(answers=SOCIAL_SELLER, submitted=True)

    assert "sonora_impulso_digital" in offered(in_sonora)
    assert "sonora_impulso_digital" not in offered(in_puebla)
    assert "sonora_impulso_digital" not in offered(on_their_own)
    # The site's own list and file never carry it.
    assert "sonora_impulso_digital" not in catalogue_export_csv(kind="programmes")


def test_a_manager_sees_and_imports_only_the_organisations_own_entries(client, world, sonoras_own):
    client.force_login(world.maria)
    page = client.get(reverse(LIST))
    assert page.status_code == 200
    assert "sonora_impulso_digital" in page.text
    assert "AIUDA" not in page.text  # a site programme: not hers to change

    exported = client.get(reverse("catalogue:recommendations_programme_export")).content
    lines = exported.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].startswith("sonora_impulso_digital,")
    renamed = lines[1].replace("sonora_impulso_digital", "sonora_mentoria", 1)
    upload = SimpleUploadedFile("p.csv", f"{lines[0]}\n{renamed}\n".encode())
    response = client.post(
        reverse(IMPORT), {"file": upload, "catalogue_of": world.cohort.organisation.pk}
    )

    assert response.status_code == 302
    assert Programme.objects.get(code="sonora_mentoria").catalogue_of == world.cohort.organisation


def test_a_site_programmes_code_cannot_be_taken_over_by_an_import(client, world, sonoras_own):
    site = catalogue_export_csv(kind="programmes").splitlines()
    client.force_login(world.maria)
    upload = SimpleUploadedFile("p.csv", f"{site[0]}\n{site[1]}\n".encode())
    code = site[1].split(",")[0]

    response = client.post(
        reverse(IMPORT), {"file": upload, "catalogue_of": world.cohort.organisation.pk}
    )

    assert response.status_code == 200
    assert f"El código «{code}» pertenece a otro catálogo" in response.text
    assert Programme.objects.get(code=code).catalogue_of is None


def test_nobody_else_reaches_the_organisations_catalogue(client, world, sonoras_own):
    change = reverse("catalogue:recommendations_programme_change", args=[sonoras_own.pk])
    delete = reverse("catalogue:recommendations_programme_delete", args=[sonoras_own.pk])
    client.force_login(world.ana)  # a consultant of the same organisation
    assert client.get(reverse(LIST)).status_code == 302  # to the log-in page
    client.force_login(world.otto)  # another organisation's manager
    assert "sonora_impulso_digital" not in client.get(reverse(LIST)).text
    assert client.get(change).status_code == 302  # "not found", back to the list
    client.post(delete, {"post": "yes"})
    assert Programme.objects.filter(pk=sonoras_own.pk).exists()
