"""Named people, so the forbidden case costs one line: each sees only what is theirs.

Sonora's economy office runs one cohort. María manages it, Carlos coordinates Ana's team,
Ana and Beto are consultants (Beto in no team). Otto manages Puebla's chamber, elsewhere.
Rosa (the `rosa` fixture) manages both organisations, with Pablo coordinating in Puebla.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cohorts.models import Cohort, Enrolment, Membership, Organisation, Role
from cohorts.services import cohort_assessment_start, enrolment_results_refresh
from diagnostic.models import Assessment
from tests.conftest import built_once, fresh
from tests.factories import SOCIAL_SELLER, load_instrument, make_firm, submit_answers

# A firm offline that sells in person only (stage E), with enough answers to be scored.
E = {
    "internet_access": "none",
    "owner_digital_confidence": "not_confident",
    "business_devices": ("personal_phone",),
    "business_bank_account": "none",
    "digital_payment_services": "no_access",
    "online_presence": ("none",),
    "social_posting_frequency": "never",
    "customer_reviews": "none",
    "brand_identity": "none",
    "product_content": "none",
    "sales_channels": ("in_person_only",),
    "payments_accepted": ("cash_only",),
    "online_sales_share": "none",
    "online_store_setup": "none",
    "digital_payments_share": "none",
    "accounting_records": "notebook",
    "file_storage": "paper_only",
    "e_invoicing_method": "no_invoices",
    "inventory_control": "paper",
    "supplier_ordering": "in_person_or_phone",
    "digital_attitude": "when_required",
    "digital_responsibility": "nobody",
    "team_collaboration": "face_to_face",
}


@dataclass
class World:
    maria: object
    carlos: object
    ana: object
    beto: object
    otto: object
    cohort: Cohort
    ana_firm: Enrolment
    beto_firm: Enrolment
    otto_firm: Enrolment


def person(django_user_model, name: str):
    return django_user_model.objects.create_user(
        username=name,
        email=f"{name}@example.org",
        password="una-clave-larga-9",
        first_name=name.title(),
    )


@pytest.fixture
def world(db, django_user_model) -> World:
    return build_world(django_user_model)


def build_world(django_user_model) -> World:
    sonora = Organisation.objects.create(name="Secretaría de Economía de Sonora")
    puebla = Organisation.objects.create(name="Cámara de Comercio de Puebla")
    maria, carlos, ana, beto, otto = (
        person(django_user_model, name) for name in ("maria", "carlos", "ana", "beto", "otto")
    )
    Membership.objects.create(user=maria, organisation=sonora, role=Role.MANAGER)
    carlos_m = Membership.objects.create(user=carlos, organisation=sonora, role=Role.COORDINATOR)
    ana_m = Membership.objects.create(
        user=ana, organisation=sonora, role=Role.CONSULTANT, coordinator=carlos_m
    )
    beto_m = Membership.objects.create(user=beto, organisation=sonora, role=Role.CONSULTANT)
    otto_m = Membership.objects.create(user=otto, organisation=puebla, role=Role.MANAGER)
    cohort = Cohort.objects.create(organisation=sonora, name="Pueblos Digitales 2026")
    puebla_cohort = Cohort.objects.create(organisation=puebla, name="Puebla Digital")
    return World(
        maria=maria,
        carlos=carlos,
        ana=ana,
        beto=beto,
        otto=otto,
        cohort=cohort,
        ana_firm=Enrolment.objects.create(
            cohort=cohort, firm=make_firm(name="Bacanora La Sierra"), consultant=ana_m
        ),
        beto_firm=Enrolment.objects.create(
            cohort=cohort, firm=make_firm(name="Tortillería Doña Luz"), consultant=beto_m
        ),
        otto_firm=Enrolment.objects.create(
            cohort=puebla_cohort, firm=make_firm(name="Talavera Poblana"), consultant=otto_m
        ),
    )


@dataclass
class TwoOrganisations:
    rosa: object
    sonora: Organisation
    puebla: Organisation
    puebla_cohort: Cohort
    pablo: Membership


@pytest.fixture
def rosa(world, django_user_model) -> TwoOrganisations:
    """A manager of two organisations: Sonora's office first, then Puebla's chamber."""
    sonora = world.cohort.organisation
    puebla_cohort = world.otto_firm.cohort
    puebla = puebla_cohort.organisation
    rosa = person(django_user_model, "rosa")
    Membership.objects.create(user=rosa, organisation=sonora, role=Role.MANAGER)
    Membership.objects.create(user=rosa, organisation=puebla, role=Role.MANAGER)
    pablo = Membership.objects.create(
        user=person(django_user_model, "pablo"), organisation=puebla, role=Role.COORDINATOR
    )
    return TwoOrganisations(
        rosa=rosa, sonora=sonora, puebla=puebla, puebla_cohort=puebla_cohort, pablo=pablo
    )


def assess(enrolment, user, answers, *, days_ago=0) -> Assessment:
    linked = cohort_assessment_start(enrolment=enrolment, user=user, language="es")
    submit_answers(linked.assessment, answers)
    when = timezone.now() - timedelta(days=days_ago)
    Assessment.objects.filter(pk=linked.assessment_id).update(submitted_at=when)
    enrolment_results_refresh(enrolments=Enrolment.objects.filter(pk=enrolment.pk))
    return linked.assessment


@pytest.fixture
def cohort_of_twelve(world, instrument):
    return build_cohort_of_twelve(world)


def build_cohort_of_twelve(world: World) -> Cohort:
    """Twelve firms: 7 at D (5 of them rural), 5 at E; 6 of the D firms came up from E."""
    consultant = world.ana_firm.consultant
    firms = []
    for number in range(12):
        settlement = "rural" if number < 5 else "city"
        firm = make_firm(name=f"Firma {number}", settlement=settlement, employees=3)
        firms.append(
            Enrolment.objects.create(cohort=world.cohort, firm=firm, consultant=consultant)
        )
    for number, enrolment in enumerate(firms):
        if number < 6:
            assess(enrolment, world.ana, E, days_ago=150)
            assess(enrolment, world.ana, SOCIAL_SELLER)
        elif number == 6:
            assess(enrolment, world.ana, SOCIAL_SELLER)
        else:
            assess(enrolment, world.ana, E)
    return world.cohort


def _instrument_world_and_twelve():
    instrument, world = load_instrument(), build_world(get_user_model())
    build_cohort_of_twelve(world)
    return instrument, world


def twelve_built_once():
    """`instrument`, `world` and `cohort_of_twelve` for a module whose tests only read the
    twelve firms: built once for the module (see `built_once`), each test with its own copy.
    In the module: `twelve, instrument, world, cohort_of_twelve = twelve_built_once()`."""
    twelve = built_once(_instrument_world_and_twelve)

    @pytest.fixture(name="instrument")
    def instrument_once(twelve, db):
        return fresh(twelve[0])

    @pytest.fixture(name="world")
    def world_once(twelve, db):
        return fresh(twelve[1])

    @pytest.fixture(name="cohort_of_twelve")
    def cohort_of_twelve_once(world):
        return world.cohort

    return twelve, instrument_once, world_once, cohort_of_twelve_once


def prepared_workbook(client, cohort, query: str = "") -> bytes:
    """Ask for the cohort's Excel workbook as a manager does, and download it once it is ready."""
    from django.test import TestCase
    from django.urls import reverse

    with TestCase.captureOnCommitCallbacks(execute=True):
        asked = client.post(
            reverse("cohorts:workbook_new", kwargs={"cohort_pk": cohort.pk}) + query
        )
    assert asked.status_code == 302, asked
    page = client.get(asked["Location"])
    assert page.context["export"].state == "done", page.context["export"].error
    download = client.get(
        reverse("cohorts:workbook_download", kwargs={"pk": page.context["export"].pk})
    )
    assert download.status_code == 200
    return b"".join(download.streaming_content)
