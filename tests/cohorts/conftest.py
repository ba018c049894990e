"""Named people, so the forbidden case costs one line: each sees only what is theirs.

Sonora's economy office runs one cohort. María manages it, Carlos coordinates Ana's team,
Ana and Beto are consultants (Beto in no team). Otto manages Puebla's chamber, elsewhere.
"""

from dataclasses import dataclass

import pytest

from cohorts.models import Cohort, Enrolment, Membership, Organisation, Role
from tests.factories import make_firm


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
