"""The programme dashboard: stored results aggregated, small cells suppressed, per organisation."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.dashboards import Filters, breakdowns, dashboard, suppress
from cohorts.models import Cohort, Enrolment, PlannedAction, Referral
from recommendations.models import Action, Programme
from recommendations.services import catalogue_load
from tests.cohorts.conftest import E, assess, twelve_built_once
from tests.factories import SOCIAL_SELLER, make_firm
from tests.recommendations.conftest import real_instrument

pytestmark = pytest.mark.django_db


# Every test here reads the twelve firms: built once for the module.
twelve, instrument, world, cohort_of_twelve = twelve_built_once()


def figures(cohort, **filters):
    return dashboard(Cohort.objects.filter(pk=cohort.pk), Filters(**filters), real_instrument())


def test_counts_and_stages_from_stored_results(cohort_of_twelve):
    result = figures(cohort_of_twelve)
    # world's own two firms are enrolled but not assessed
    assert (result["enrolled"], result["assessed"], result["completion"]) == (14, 12, 86)
    assert dict(result["stages"]) == {"A": None, "B": None, "C": None, "D": 7, "E": 5}


def test_transitions_count_firms_moving_from_their_first_to_latest_stage(cohort_of_twelve):
    result = figures(cohort_of_twelve)
    stages = "ABCDE"
    matrix = {
        (stages[i], stages[j]): n
        for i, row in enumerate(result["transitions"])
        for j, n in enumerate(row)
    }
    assert matrix[("E", "D")] == 6
    assert result["moved_up"] == 6
    assert result["followed_up"] == 6
    assert result["score_change"] > 0


def test_dimension_spread_is_read_from_the_database(cohort_of_twelve):
    ecommerce = next(
        row for row in figures(cohort_of_twelve)["dimensions"] if row["code"] == "ecommerce"
    )
    assert ecommerce["q1"] <= ecommerce["median"] <= ecommerce["q3"]
    assert ecommerce["scored"] == 12


def test_a_cell_of_fewer_than_five_firms_is_suppressed(cohort_of_twelve):
    assert suppress(4) is None and suppress(5) == 5
    rural = figures(cohort_of_twelve, settlement="rural")
    assert rural["assessed"] == 5
    assert rural["moved_up"] == 5
    tiny = figures(cohort_of_twelve, region="Nowhere")
    assert tiny["enrolled"] is None and tiny["overall_mean"] is None


def test_breakdown_by_settlement_suppresses_small_groups(cohort_of_twelve):
    segments = dict(breakdowns(Cohort.objects.filter(pk=cohort_of_twelve.pk), Filters()))
    rows = {row["value"]: row for row in segments["settlement"]}
    assert rows["rural"]["firms"] == 5
    assert rows["city"]["firms"] == 7
    assert rows["rural"]["stages"][3] == 5  # D
    assert rows["city"]["stages"][3] is None  # 2 firms at D: fewer than five


def test_the_dashboard_queries_do_not_grow_with_the_cohort(
    cohort_of_twelve, client, world, django_assert_max_num_queries
):
    client.force_login(world.maria)
    with django_assert_max_num_queries(60) as captured:
        client.get(reverse("cohorts:dashboard"))
    small = len(captured)
    for number in range(10):
        enrolment = Enrolment.objects.create(
            cohort=cohort_of_twelve, firm=make_firm(name=f"Más {number}")
        )
        assess(enrolment, world.ana, E)
    with django_assert_max_num_queries(small):
        page = client.get(reverse("cohorts:dashboard"))
    assert "Programme dashboard" in page.text or "Tablero del programa" in page.text


@pytest.mark.parametrize("who", ["ana", "carlos"])
def test_only_managers_see_the_dashboard(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("cohorts:dashboard")).status_code == 404


def test_a_manager_sees_only_their_organisations_cohorts(client, world, cohort_of_twelve):
    client.force_login(world.otto)
    page = client.get(reverse("cohorts:dashboard")).text
    assert "Pueblos Digitales 2026" not in page
    response = client.get(reverse("cohorts:dashboard"), {"cohort": cohort_of_twelve.pk})
    assert response.status_code == 200
    assert "error-summary" in response.text or response.context["cohort"] is None


def test_the_most_recommended_actions_and_fitting_programmes_are_counted(
    world, instrument, django_capture_on_commit_callbacks
):
    from recommendations.models import RoadmapSummary
    from recommendations.services import catalogue_load

    catalogue_load()
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(6):
            enrolment = Enrolment.objects.create(
                cohort=world.cohort, firm=make_firm(name=f"Vende por redes {number}")
            )
            assess(enrolment, world.ana, SOCIAL_SELLER)
    assert RoadmapSummary.objects.filter(kind="action").exists()
    result = figures(world.cohort)
    top_code, firms = result["top_actions"][0]
    assert firms == 6
    first = RoadmapSummary.objects.filter(kind="action", code=top_code).first()
    assert first is not None
    programmes = dict((code, (yes, check)) for code, yes, check in result["programme_fit"])
    assert programmes, "firms in Mexico City have programmes that fit"
    assert all(yes is None or yes >= 5 for yes, _check in programmes.values())


def test_a_failing_summary_never_undoes_a_submit(
    client, instrument, monkeypatch, django_capture_on_commit_callbacks
):
    from diagnostic.models import Assessment
    from tests.factories import make_assessment

    def broken(**kwargs):
        raise ConnectionError("the broker is down")

    monkeypatch.setattr("recommendations.services.roadmap_summary_queue", broken)
    assessment = make_assessment(answers=SOCIAL_SELLER)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("diagnostic:review", kwargs={"token": assessment.token}))
    assert response.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"


def test_the_region_filter_lists_the_organisations_regions_by_name(client, world, cohort_of_twelve):
    for number in range(5):
        sonora = make_firm(name=f"Carnes Hermosillo {number}", region="MX-SON")
        Enrolment.objects.create(cohort=cohort_of_twelve, firm=sonora)
    client.force_login(world.maria)

    page = client.get(reverse("cohorts:dashboard"))
    regions = dict(page.context["form"].fields["region"].choices)
    filtered = client.get(reverse("cohorts:dashboard"), {"region": "MX-SON"})

    assert regions == {"": "Cualquiera", "MX-CMX": "Ciudad de México (MX-CMX)",
                       "MX-SON": "Sonora (MX-SON)"}  # fmt: skip
    assert filtered.context["figures"]["enrolled"] == 5
    # Another organisation's manager is not told where these firms are.
    client.force_login(world.otto)
    other = client.get(reverse("cohorts:dashboard"))
    assert "MX-SON" not in dict(other.context["form"].fields["region"].choices)


def test_action_plans_show_adoption_and_referrals_a_funnel(cohort_of_twelve):
    catalogue_load()
    firms = list(cohort_of_twelve.enrolments.filter(firm__settlement="rural").order_by("pk"))
    actions, programmes = list(Action.objects.all()[:2]), list(Programme.objects.all()[:2])
    today = timezone.localdate()
    plan = ["done", "done", "done", "in_progress", "dropped", "planned"]
    for number, status in enumerate(plan):
        PlannedAction.objects.create(
            enrolment=firms[number // 2], action=actions[number % 2], status=status,
            target=today - timedelta(days=1), agreed_on=today - timedelta(days=60),
        )  # fmt: skip
    funnel = ["referred", "referred", "applied", "applied", "granted", "refused"]
    for number, status in enumerate(funnel):
        Referral.objects.create(
            enrolment=firms[number // 2], programme=programmes[number % 2], status=status,
            referred_on=today,
        )  # fmt: skip
    cohorts = Cohort.objects.filter(pk=cohort_of_twelve.pk)

    exact = dashboard(cohorts, Filters(), real_instrument(), small_cell=0)
    published = figures(cohort_of_twelve)
    rural = dashboard(cohorts, Filters(settlement="rural"), real_instrument(), small_cell=0)

    assert exact["plans"] == {
        "firms": 3, "agreed": 6, "done": 3, "in_progress": 1, "dropped": 1, "overdue": 2,
        "referred": 6, "applied": 4, "granted": 1, "refused": 1,
    }  # fmt: skip
    assert exact["adoption"] == 50
    assert (published["plans"]["agreed"], published["plans"]["done"]) == (6, None)
    assert published["adoption"] == 50
    assert rural["plans"]["agreed"] == 6  # the three firms are rural
    city = dashboard(cohorts, Filters(settlement="city"), real_instrument(), small_cell=0)
    assert city["plans"]["agreed"] == city["plans"]["referred"] == 0
