"""The demo content that `make run` loads."""

from io import StringIO

import pytest
from django.core.management import call_command

from diagnostic.models import Assessment

pytestmark = pytest.mark.django_db


def test_demo_firms_are_loaded_once_across_the_journey():
    out = StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=StringIO())
    stages = dict(Assessment.objects.values_list("firm__name", "stage"))
    assert stages == {
        "Herbolaria Coyoacán": "D",
        "Bacanora La Sierra": "B",  # on Mercado Libre, which collects the payment for it
        "Textiles Andinos Export": "A",
        "Tejidos Doña Petrona": "E",
    }
    assert out.getvalue().count("/result/") == 4


def test_a_demo_result_page_opens(client):
    call_command("load_demo", stdout=StringIO())
    assessment = Assessment.objects.get(stage="A")
    response = client.get(f"/{assessment.language}/a/{assessment.token}/result/")
    assert response.status_code == 200
    assert "Global digital firm" in response.text
    assert "You are at the top of the journey" in response.text
