"""The cohorts' named people (tests/cohorts/conftest.py), and an upload as the app sends it."""

import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Membership, Organisation, Role
from diagnostic.services import instrument_get_or_load
from tests.cohorts.conftest import World, build_world, person
from tests.factories import SOCIAL_SELLER


@pytest.fixture
def world(db, django_user_model) -> World:
    """Sonora's office (María manages, Carlos coordinates Ana; Beto is in no team) and
    Puebla's chamber (Otto manages): see tests/cohorts/conftest.py."""
    return build_world(django_user_model)


@pytest.fixture
def current(db):
    """The instrument new assessments use, as the bundle hands it out."""
    return instrument_get_or_load()


@pytest.fixture
def vera(world, django_user_model):
    """A consultant of another organisation: Puebla's chamber."""
    vera = person(django_user_model, "vera")
    Membership.objects.create(
        user=vera,
        organisation=Organisation.objects.get(name__contains="Puebla"),
        role=Role.CONSULTANT,
    )
    return vera


def upload_body(enrolment, current, **changes) -> dict:
    """An upload of `enrolment`'s firm as the field app sends it: a baseline of a social
    seller, made this morning."""
    finished = timezone.now() - timedelta(hours=2)
    body = {
        "client_id": str(uuid.uuid4()),
        "firm_id": enrolment.firm_id,
        "enrolment_id": enrolment.pk,
        "kind": "baseline",
        "instrument": {"code": current.code, "checksum": current.checksum},
        "answers": {
            code: list(v) if isinstance(v, tuple) else v for code, v in SOCIAL_SELLER.items()
        },
        "started_at": (finished - timedelta(minutes=40)).isoformat(),
        "finished_at": finished.isoformat(),
        "based_on": None,
        "client_result": None,
    }
    return {**body, **changes}


def send(client, body, language: str = "es"):
    from django.utils import translation

    with translation.override(language):
        url = reverse("field:upload")
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json")
