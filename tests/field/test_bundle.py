"""The bundle a consultant's phone takes offline: their firms and nobody else's."""

import pytest
from django.test import Client
from django.urls import reverse

from cohorts.models import Enrolment
from diagnostic.client_rules import instrument_for_client
from diagnostic.models import Instrument
from diagnostic.selectors import instrument_spec
from field.bundle import programme_entry
from recommendations.catalogue import Criteria, ProgrammeSpec
from recommendations.services import catalogue_load
from tests.cohorts.conftest import assess
from tests.factories import SOCIAL_SELLER, make_firm

pytestmark = pytest.mark.django_db


def bundle_of(user, language: str = "es"):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(f"/{language}/desk/field/bundle.json")


def firm_names(response) -> set[str]:
    return {firm["name"] for firm in response.json()["firms"]}


def test_a_consultant_gets_their_firms_with_the_latest_answers(world, current):
    assessment = assess(world.ana_firm, world.ana, SOCIAL_SELLER)
    assessment.refresh_from_db()
    response = bundle_of(world.ana)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    (firm,) = data["firms"]
    assert firm["id"] == world.ana_firm.firm_id
    assert firm["enrolment_id"] == world.ana_firm.pk
    assert firm["name"] == "Bacanora La Sierra"
    assert firm["region_name"] == "Ciudad de México"
    assert firm["size"] == "micro"
    assert firm["profile"]["region"] == "MX-CMX" and firm["profile"]["employees"] == 4
    latest = firm["latest_assessment"]
    assert latest["id"] == assessment.pk
    assert latest["kind"] == "baseline"
    assert latest["submitted_at"] == assessment.submitted_at.isoformat()
    assert latest["stage"] == "D"
    assert latest["answers"]["sales_channels"] == ["messaging_apps", "social_media"]
    assert latest["answers"]["internet_access"] == "mobile_reliable"
    (cohort,) = data["cohorts"]
    assert firm["cohort_id"] == cohort["id"] == world.cohort.pk
    assert cohort["organisation"] == "Secretaría de Economía de Sonora"


def test_a_firm_never_assessed_has_no_latest_assessment(world, current):
    (firm,) = bundle_of(world.ana).json()["firms"]
    assert firm["latest_assessment"] is None


def test_the_bundle_carries_the_instrument_new_assessments_use(world, current):
    data = bundle_of(world.ana).json()
    instrument = data["instrument"]
    assert instrument["code"] == current.code == "mydigitalsme-v3"
    assert instrument["checksum"] == current.checksum
    assert instrument["definition"] == Instrument.objects.get(code=current.code).definition
    assert instrument["stage_rules"] == "v2"
    assert instrument["rules"] == instrument_for_client(instrument_spec(current))
    assert data["upload_url"] == "/es/desk/field/assessments/"
    assert data["format"] == 1 and data["language"] == "es"


def test_the_catalogue_is_cut_to_the_firms_places(world, current):
    catalogue_load()
    catalogue = bundle_of(world.ana).json()["catalogue"]
    programmes = {entry["code"] for entry in catalogue["programmes"]}
    providers = {entry["code"] for entry in catalogue["providers"]}
    # Ana's firm is in Mexico City.
    assert "cdmx_aiuda_org" in programmes
    assert "buenos_aires_digitalizate" not in programmes
    assert {"clip", "mercado_pago", "whatsapp_business"} <= providers
    assert len(catalogue["actions"]) > 20
    action = catalogue["actions"][0]
    assert {"code", "when", "addresses", "title", "steps", "providers"} <= set(action)


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_catalogue_carries_the_roadmap_rules_in_the_bundles_language(world, current, language):
    catalogue_load()
    rules = bundle_of(world.ana, language).json()["catalogue"]["rules"]
    assert rules["format"] == 1 and rules["language"] == language
    assert rules["tables"]["per_condition"] == 2
    # Reasons as templates in the bundle's language, the singular and the plural.
    employees = rules["messages"]["employees_max"]
    assert all("%(limit)s" in template for template in employees)
    assert ("personas" in employees[1]) == (language == "es")
    # Ana's firm is in Mexico City: its region, the country's names and number format.
    assert rules["subdivisions"]["MX-CMX"] == ""
    assert rules["countries"]["MX"] == ("México" if language == "es" else "Mexico")
    assert rules["numbers"]["MX"]["group"] == ","


def test_the_version_follows_the_content_not_the_security_token(world, current):
    first, again = bundle_of(world.ana).json(), bundle_of(world.ana).json()
    assert first["version"] == again["version"]
    assert first["csrf_token"] and again["csrf_token"]
    assess(world.ana_firm, world.ana, SOCIAL_SELLER)
    assert bundle_of(world.ana).json()["version"] != first["version"]


def test_a_team_member_takes_the_firm_too(world, current):
    world.ana_firm.members.add(world.beto_firm.consultant)
    assert firm_names(bundle_of(world.beto)) == {"Bacanora La Sierra", "Tortillería Doña Luz"}


@pytest.mark.parametrize("who", ["beto", "vera"])
def test_another_consultant_gets_nothing_of_the_firm(world, vera, current, who):
    assess(world.ana_firm, world.ana, SOCIAL_SELLER)
    user = vera if who == "vera" else world.beto
    response = bundle_of(user)
    assert response.status_code == 200
    assert "Bacanora" not in response.content.decode()
    assert firm_names(response) == ({"Tortillería Doña Luz"} if who == "beto" else set())


@pytest.mark.parametrize("who", ["maria", "carlos", "otto"])
def test_managers_and_coordinators_are_refused_in_json(world, who):
    response = bundle_of(getattr(world, who))
    assert response.status_code == 403
    assert response.json()["error"] == "not_a_consultant"
    assert "Bacanora" not in response.content.decode()


def test_someone_signed_out_gets_a_403_in_json_not_the_login_page(world):
    response = bundle_of(None, "en")
    assert response.status_code == 403
    assert response.json() == {
        "error": "not_signed_in",
        "message": "Log in again on the site, then send your assessments.",
    }


def test_the_bundle_is_never_kept_by_a_cache(world, current):
    assert "no-store" in bundle_of(world.ana)["Cache-Control"]


def test_the_bundle_costs_the_same_queries_for_more_firms(
    world, current, django_assert_max_num_queries
):
    catalogue_load()
    assess(world.ana_firm, world.ana, SOCIAL_SELLER)
    client = Client()
    client.force_login(world.ana)
    client.get("/es/desk/field/bundle.json")
    with django_assert_max_num_queries(30) as few:
        client.get("/es/desk/field/bundle.json")
    for number in range(5):
        enrolment = Enrolment.objects.create(
            cohort=world.cohort,
            firm=make_firm(name=f"Más {number}", region="MX-SON"),
            consultant=world.ana_firm.consultant,
        )
        assess(enrolment, world.ana, SOCIAL_SELLER)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("field:bundle"))
    assert len(response.json()["firms"]) == 6


def test_a_limit_of_zero_travels_with_the_programme():
    # 0 == False in Python: a filter on "no rule" values must not take a limit of 0 for one.
    criteria = Criteria(employees_min=0, town_population_max=0, physical_storefront_required=False)
    programme = ProgrammeSpec(
        code="p",
        name={"en": "P"},
        organisation="O",
        kind="grant",
        benefit={},
        description={},
        url="",
        criteria=criteria,
    )
    entry = programme_entry(programme)
    assert entry["criteria"] == {"employees_min": 0, "town_population_max": 0}
