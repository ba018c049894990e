"""Each firm's first and latest result in a cohort, kept by the writes that change them.

The dashboard, its breakdowns and the cohort report read these columns, and the cohort's
score tallies, instead of ranking every assessment of every firm, so each write that submits,
reopens, links or unlinks a result must leave them right, inside its own transaction.
"""

from datetime import date

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.dashboards import Filters, dashboard
from cohorts.models import Cohort, Enrolment, ScoreTally
from cohorts.services import assessment_return, cohort_assessment_start, score_tallies_differing
from diagnostic.selectors import instrument_spec
from scripts.bench_cohort import build
from tests.cohorts.conftest import E, assess
from tests.factories import PROFILE, SOCIAL_SELLER, make_firm, submit_answers

pytestmark = pytest.mark.django_db


def kept(enrolment: Enrolment) -> tuple:
    """The enrolment's first and latest result, once the cohort's tallies are checked against a
    fresh count of every latest result."""
    assert score_tallies_differing(Cohort.objects.all()) == []
    enrolment.refresh_from_db()
    return (
        enrolment.first_result_id,
        enrolment.first_result_stage,
        enrolment.latest_result_id,
        enrolment.latest_result_stage,
    )


def test_a_follow_up_becomes_the_latest_result_and_the_baseline_stays_first(world):
    enrolment = world.ana_firm
    assert kept(enrolment) == (None, "", None, "")
    baseline = assess(enrolment, world.ana, E, days_ago=150)
    assert kept(enrolment) == (baseline.pk, "E", baseline.pk, "E")
    follow_up = assess(enrolment, world.ana, SOCIAL_SELLER)
    assert kept(enrolment) == (baseline.pk, "E", follow_up.pk, "D")
    follow_up.refresh_from_db()
    assert enrolment.latest_result_overall == follow_up.overall_score is not None


def test_a_result_sent_back_to_its_consultant_is_no_longer_the_latest(world):
    enrolment = world.ana_firm
    baseline = assess(enrolment, world.ana, E, days_ago=150)
    follow_up = assess(enrolment, world.ana, SOCIAL_SELLER)
    assessment_return(linked=follow_up.cohort_link, actor=world.carlos, comment="Revise")
    assert kept(enrolment) == (baseline.pk, "E", baseline.pk, "E")
    submit_answers(follow_up, SOCIAL_SELLER)  # the consultant resubmits
    assert kept(enrolment) == (baseline.pk, "E", follow_up.pk, "D")


def test_when_an_owner_deletes_their_shared_diagnostic_the_programmes_own_result_is_latest(
    client, world, instrument
):
    join = reverse("cohorts:join", kwargs={"code": world.cohort.join_code})
    client.post(join, {**PROFILE, "name": "Dulces Doña Rosa", "consent": "on"})
    enrolment = Enrolment.objects.get(firm__name="Dulces Doña Rosa")
    own = enrolment.assessments.get().assessment
    submit_answers(own, SOCIAL_SELLER)
    visit = assess(enrolment, world.ana, E, days_ago=30)  # the consultant's, a month before
    assert kept(enrolment)[2:] == (own.pk, "D")
    client.post(reverse("diagnostic:delete", kwargs={"token": own.token}))
    assert kept(enrolment) == (visit.pk, "E", visit.pk, "E")


def test_when_an_owner_withdraws_their_only_result_it_leaves_the_cohorts_tallies(
    client, world, instrument
):
    join = reverse("cohorts:join", kwargs={"code": world.cohort.join_code})
    client.post(join, {**PROFILE, "name": "Dulces Doña Rosa", "consent": "on"})
    own = Enrolment.objects.get(firm__name="Dulces Doña Rosa").assessments.get().assessment
    submit_answers(own, SOCIAL_SELLER)
    assert ScoreTally.objects.filter(cohort=world.cohort, firms=1).count() == own.scores.count()
    client.post(reverse("diagnostic:delete", kwargs={"token": own.token}))
    assert not Enrolment.objects.filter(firm__name="Dulces Doña Rosa").exists()
    assert score_tallies_differing(Cohort.objects.all()) == []
    assert not ScoreTally.objects.exclude(firms=0).exists()


def test_the_whole_cohorts_histograms_from_its_tallies_equal_a_count_of_every_result(
    cohort_of_twelve, instrument
):
    cohorts = Cohort.objects.filter(pk=cohort_of_twelve.pk)
    instrument = instrument_spec(instrument)
    tallied = dashboard(cohorts, Filters(), instrument, small_cell=0)
    # A window of dates before any result reads every firm's results instead of the tallies.
    counted = dashboard(cohorts, Filters(submitted_from=date(2000, 1, 1)), instrument, small_cell=0)
    assert tallied["dimensions"] == counted["dimensions"]
    assert tallied["weakest_areas"] == counted["weakest_areas"]
    assert [d["scored"] for d in tallied["dimensions"]] == [12] * len(tallied["dimensions"])


def test_tallies_changed_by_hand_are_found_and_counted_again(cohort_of_twelve, capsys, english):
    call_command("cohort_tallies")
    assert "match" in capsys.readouterr().out
    ScoreTally.objects.filter(firms__gt=0).order_by("pk").first().delete()
    with pytest.raises(CommandError):
        call_command("cohort_tallies")
    assert str(cohort_of_twelve) in capsys.readouterr().out
    call_command("cohort_tallies", "--rebuild")
    assert score_tallies_differing(Cohort.objects.all()) == []


def test_a_draft_is_nobodys_result(world):
    enrolment = world.ana_firm
    baseline = assess(enrolment, world.ana, E)
    cohort_assessment_start(enrolment=enrolment, user=world.ana, language="es")
    assert kept(enrolment) == (baseline.pk, "E", baseline.pk, "E")


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="query plans are PostgreSQL's; CI runs the suite on PostgreSQL too",
)
def test_at_ten_thousand_firms_no_dashboard_query_scans_the_assessments(client):
    cohort, manager = build(10_000)
    make_firm(name="Outside the cohort")  # the cohort is not the whole table
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client.force_login(manager)
    pages = [
        reverse("cohorts:dashboard") + f"?cohort={cohort.pk}",
        reverse("cohorts:dashboard") + f"?cohort={cohort.pk}&settlement=rural",
    ]
    with CaptureQueriesContext(connection) as captured:
        for page in pages:
            assert client.get(page).status_code == 200
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if query["sql"].lstrip().upper().startswith("SELECT"):
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    assert Cohort.objects.get(pk=cohort.pk).enrolments.count() == 10_000
    assert any("diagnostic_score" in plan for plan in plans)  # the scores were read
    scanning = [plan for plan in plans if "Seq Scan on diagnostic_assessment" in plan]
    assert not scanning, "\n\n".join(scanning)
