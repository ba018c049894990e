from io import StringIO

import pytest
from django.core.management import call_command
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from cohorts.models import CohortAssessment, Enrolment, Membership

pytestmark = pytest.mark.django_db


def test_the_demo_cohort_has_every_role_and_firms_at_several_stages():
    call_command("load_demo_cohort", "--synthetic-firms=12", stdout=StringIO())
    call_command("load_demo_cohort", "--synthetic-firms=12", stdout=StringIO())
    assert sorted(Membership.objects.values_list("role", flat=True)) == [
        "consultant", "consultant", "coordinator", "manager",
    ]  # fmt: skip
    assert Enrolment.objects.count() == 6 + 12
    assert set(CohortAssessment.objects.values_list("assessment__stage", flat=True)) >= {
        "B",
        "C",
        "D",
        "E",
    }
    assert CohortAssessment.objects.filter(kind="follow_up").count() >= 3


def test_the_demo_log_ins_work_and_each_sees_their_own():
    call_command("load_demo_cohort", "--synthetic-firms=4", stdout=StringIO())
    seen = {}
    for username in ("demo-gerente", "demo-coordinador", "demo-consultora", "demo-consultant"):
        client = Client()
        assert client.login(request=HttpRequest(), username=username, password="ruta-demo-2026")
        page = client.get(reverse("cohorts:desk")).text
        seen[username] = {name for name in ("Bacanora", "Ferretería") if name in page}
    assert seen == {
        "demo-gerente": {"Bacanora", "Ferretería"},
        "demo-coordinador": {"Bacanora", "Ferretería"},
        "demo-consultora": {"Bacanora"},
        "demo-consultant": {"Ferretería"},
    }
