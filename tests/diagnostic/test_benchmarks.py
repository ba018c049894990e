"""How a firm compares with similar firms: the most specific group with at least 30 firms
behind the figure, from each firm's latest submitted result, worked out in SQL."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from diagnostic.benchmarks import MIN_FIRMS, benchmarks_refresh, comparison_for
from diagnostic.models import Assessment, Firm, Score
from tests.factories import SOCIAL_SELLER, make_assessment, make_firm

pytestmark = pytest.mark.django_db


def scored_firms(instrument, count: int, *, sector: str, employees: int, marketing: int,
                 days_ago: int = 1, firms: list[Firm] | None = None) -> list[Firm]:  # fmt: skip
    """Firms with a submitted result scoring `marketing` in that dimension."""
    firms = firms or Firm.objects.bulk_create(
        Firm(
            name=f"Firma {n}", country="MX", settlement="metro", sector=sector, employees=employees
        )  # fmt: skip
        for n in range(count)
    )
    when = timezone.now() - timedelta(days=days_ago)
    assessments = Assessment.objects.bulk_create(
        Assessment(
            token=f"{firm.pk}-{days_ago}",
            instrument=instrument,
            firm=firm,
            language="es",
            status=Assessment.Status.SUBMITTED,
            submitted_at=when,
        )  # fmt: skip
        for firm in firms
    )
    Score.objects.bulk_create(
        Score(assessment=assessment, kind=Score.Kind.DIMENSION, code="marketing", value=marketing)
        for assessment in assessments
    )
    return firms


@pytest.fixture
def market(instrument):
    """30 retail micro-firms at 40 in marketing, 5 small retailers at 80."""
    scored_firms(instrument, MIN_FIRMS, sector="retail_goods", employees=4, marketing=40)
    scored_firms(instrument, 5, sector="retail_goods", employees=20, marketing=80)
    benchmarks_refresh()


def test_a_firm_is_compared_with_firms_of_its_activity_and_size(market):
    comparison = comparison_for(make_firm(sector="retail_goods", employees=3))

    assert comparison.group == "sector_size"
    assert comparison.figures["marketing"] == (40, 30)
    assert comparison.label == "negocios de “Tienda o comercio minorista” con entre 1 y 9 personas"


def test_too_few_of_its_size_compares_it_with_its_activity(market):
    comparison = comparison_for(make_firm(sector="retail_goods", employees=25))

    assert comparison.group == "sector"
    assert comparison.figures["marketing"] == (46, 35)  # (30·40 + 5·80) / 35 = 45.7


def test_too_few_of_its_activity_compares_it_with_all(market):
    comparison = comparison_for(make_firm(sector="tourism_hospitality", employees=3))

    assert comparison.group == "all"
    assert comparison.figures["marketing"] == (46, 35)


def test_no_figure_rests_on_fewer_than_30_firms(instrument):
    scored_firms(instrument, MIN_FIRMS - 1, sector="retail_goods", employees=4, marketing=40)
    benchmarks_refresh()

    assert comparison_for(make_firm(sector="retail_goods", employees=4)) is None


def test_only_each_firms_latest_result_counts(instrument):
    firms = scored_firms(
        instrument, MIN_FIRMS, sector="retail_goods", employees=4, marketing=100, days_ago=90
    )
    scored_firms(instrument, 0, sector="", employees=0, marketing=20, days_ago=5, firms=firms)
    benchmarks_refresh()

    assert comparison_for(firms[0]).figures["marketing"] == (20, 30)


def test_the_result_page_shows_similar_businesses_and_says_which(client, market):
    assessment = make_assessment(
        answers=SOCIAL_SELLER, submitted=True, firm=make_firm(sector="retail_goods", employees=4)
    )

    page = client.get(reverse("diagnostic:result", kwargs={"token": assessment.token})).text

    assert "Negocios similares" in page
    assert "los últimos resultados de 30 negocios de “Tienda o comercio minorista” con" in page


def test_without_enough_firms_the_result_page_compares_with_nobody(client, instrument):
    assessment = make_assessment(answers=SOCIAL_SELLER, submitted=True)

    page = client.get(reverse("diagnostic:result", kwargs={"token": assessment.token})).text

    assert "Negocios similares" not in page


def test_the_command_refreshes_the_figures(market, capsys):
    call_command("refresh_benchmarks")

    assert "benchmarks: " in capsys.readouterr().out
