"""Each firm's first and latest result in a cohort, kept by the writes that change them.

The dashboard, its breakdowns and the cohort report read these columns instead of ranking
every assessment of every firm, so each write that submits, reopens, links or unlinks a
result must leave them right, inside its own transaction.
"""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.models import Cohort, Enrolment
from cohorts.services import assessment_return, cohort_assessment_start
from scripts.bench_cohort import build
from tests.cohorts.conftest import E, assess
from tests.factories import PROFILE, SOCIAL_SELLER, make_firm, submit_answers

pytestmark = pytest.mark.django_db


def kept(enrolment: Enrolment) -> tuple:
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
