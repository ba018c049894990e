"""The dashboard of a cohort with one firm assessed: exact figures for its organisation, nothing
small published, outcomes from the firm's own figures. (The twelve-firm cohort's tests are in
test_dashboard.py.)"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.dashboards import Filters, dashboard
from cohorts.models import Cohort
from tests.cohorts.conftest import E, assess
from tests.factories import SOCIAL_SELLER
from tests.recommendations.conftest import real_instrument

pytestmark = pytest.mark.django_db


def figures(cohort, **filters):
    return dashboard(Cohort.objects.filter(pk=cohort.pk), Filters(**filters), real_instrument())


def test_the_organisations_manager_sees_exact_counts_and_can_see_the_published_view(
    client, world, instrument
):
    assess(world.ana_firm, world.ana, E)
    client.force_login(world.maria)

    exact = client.get(reverse("cohorts:dashboard")).context["figures"]
    published = client.get(reverse("cohorts:dashboard"), {"view": "published"})

    assert (exact["enrolled"], exact["assessed"], dict(exact["stages"])["E"]) == (2, 1, 1)
    assert published.context["figures"]["enrolled"] is None  # 2 firms: "<5"
    assert "Ver las cifras exactas" in published.text


def test_the_cohort_report_always_hides_small_groups(world, instrument):
    assess(world.ana_firm, world.ana, E)

    report = figures(world.cohort)  # what the report PDF is made from

    assert report["enrolled"] is None and dict(report["stages"])["E"] is None


def test_outcomes_show_change_in_jobs_sales_and_online_share_not_only_scores(world, instrument):
    firm = world.ana_firm.firm
    firm.employees, firm.annual_turnover, firm.currency = 3, 100_000, "MXN"
    firm.save()
    assess(world.ana_firm, world.ana, E | {"online_sales_share": "none"}, days_ago=150)
    firm.employees, firm.annual_turnover = 5, 150_000  # the owner's figures at the follow-up
    firm.save()
    assess(world.ana_firm, world.ana, SOCIAL_SELLER | {"online_sales_share": "10_to_25"})

    cohorts = Cohort.objects.filter(pk=world.cohort.pk)
    exact = dashboard(cohorts, Filters(), real_instrument(), small_cell=0)["outcomes"]
    published = figures(world.cohort)["outcomes"]
    # Within a window of dates the first and latest results are looked up, not read from
    # the enrolment: the same figures when the window holds both.
    window = Filters(submitted_from=timezone.localdate() - timedelta(days=200))
    windowed = dashboard(cohorts, window, real_instrument(), small_cell=0)["outcomes"]

    assert (exact["jobs_total_change"], exact["jobs_mean_change"]) == (2, 2.0)
    assert exact["sales_median_change"] == 50.0
    assert exact["online_share"] == {"up": 1, "same": 0, "down": 0}
    assert windowed == exact
    assert published["jobs_total_change"] is None  # one firm: never published
