"""`make bench`, programme part: a synthetic cohort of 10,000 firms with baselines and follow-ups.

Prints the dashboard's server time, the cohort report PDF's time, the CSV export's time
and peak memory, and whether the exports page streams the CSV (figures, never assertions).
Run by scripts/bench.py after its own part.
"""

import os
import random
import statistics
import time
import tracemalloc
from datetime import timedelta

FIRMS = int(os.environ.get("BENCH_FIRMS", "10000"))
BATCH = 1000


def build(firms: int):
    """A cohort of `firms` firms with scored, stored results, made in bulk.

    Each result has a roadmap summary as a submit leaves it (eight actions and a few programme
    verdicts), drawn from the catalogue rather than computed: computing 150,000 roadmaps
    would take most of an hour.
    """
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from cohorts.models import Cohort, CohortAssessment, Enrolment, Membership, Organisation, Role
    from cohorts.services import enrolment_results_refresh
    from diagnostic.answers import clean_answers
    from diagnostic.models import Assessment, Firm, Score, Sector
    from diagnostic.scoring import SCORING_VERSION, score_answers
    from diagnostic.selectors import instrument_spec
    from diagnostic.services import instrument_get_or_load
    from diagnostic.stages import place_stage, stage_rules_for
    from recommendations.models import Action, Programme, RoadmapSummary

    instrument = instrument_get_or_load()
    spec = instrument_spec(instrument)
    rng = random.Random(10_000)
    organisation = Organisation.objects.create(name="Benchmark office")
    cohort = Cohort.objects.create(organisation=organisation, name="Benchmark cohort")
    manager = get_user_model().objects.create_user(username="bench-manager")
    Membership.objects.create(user=manager, organisation=organisation, role=Role.MANAGER)
    sectors = [code for code, _label in Sector.choices]
    actions = list(Action.objects.values_list("code", flat=True)) or [f"a{n}" for n in range(40)]
    programmes = list(Programme.objects.values_list("code", flat=True)) or ["p1", "p2", "p3"]
    now = timezone.now()

    def answers() -> dict:
        raw = {}
        for item in spec.items.values():
            if rng.random() < 0.3:
                continue
            if item.kind == "number":
                raw[item.code] = rng.randint(int(item.minimum), int(min(item.maximum, 20)))
            else:
                option = rng.choice([o.code for o in item.options if not o.exclusive])
                raw[item.code] = option if item.kind == "single" else [option]
        return clean_answers(spec, raw, "es")[0]

    def result_of(cleaned: dict) -> dict:
        scores, placement = (
            score_answers(spec, cleaned),
            place_stage(cleaned, stage_rules_for(spec.code)),
        )
        return (
            {
                "scoring_version": SCORING_VERSION,
                "instrument": spec.code,
                "scores": scores.to_dict(),
                "stage": placement.to_dict(),
            },
            scores.overall.value,
            placement.stage or "",
        )

    for start in range(0, firms, BATCH):
        size = min(BATCH, firms - start)
        firm_rows = Firm.objects.bulk_create(
            Firm(
                name=f"Firma {start + n:05d}",
                country="MX",
                region=rng.choice(["MX-SON", "MX-SIN", "MX-CHH"]),
                settlement=rng.choice(["metro", "city", "rural"]),
                sector=rng.choice(sectors),
                employees=rng.choice([1, 2, 3, 5, 8, 15, 40, 120]),
                women_led=rng.random() < 0.45,
            )
            for n in range(size)
        )
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(cohort=cohort, firm=firm) for firm in firm_rows
        )
        assessments, links = [], []
        for enrolment in enrolments:
            for kind, days_ago in (("baseline", 180), ("follow_up", 20)):
                if kind == "follow_up" and rng.random() < 0.5:
                    continue
                result, overall, stage = result_of(answers())
                when = now - timedelta(days=days_ago)
                assessments.append(
                    Assessment(
                        token=f"{enrolment.pk}-{kind}-{rng.random()}",
                        instrument=instrument,
                        firm_id=enrolment.firm_id,
                        language="es",
                        status=Assessment.Status.SUBMITTED,
                        submitted_at=when,
                        overall_score=overall,
                        stage=stage,
                        result=result,
                    )
                )
                links.append((enrolment, kind))
        created = Assessment.objects.bulk_create(assessments)
        Score.objects.bulk_create(
            Score(assessment=assessment, kind=kind, code=code, value=entry["value"])
            for assessment in created
            for kind, group in (
                (Score.Kind.DIMENSION, assessment.result["scores"]["dimensions"]),
                (Score.Kind.AREA, assessment.result["scores"]["areas"]),
            )
            for code, entry in group.items()
            if entry["value"] is not None
        )
        RoadmapSummary.objects.bulk_create(
            [
                RoadmapSummary(assessment=assessment, kind=RoadmapSummary.Kind.ACTION, code=code)
                for assessment in created
                for code in rng.sample(actions, min(8, len(actions)))
            ]
            + [
                RoadmapSummary(
                    assessment=assessment,
                    kind=RoadmapSummary.Kind.PROGRAMME,
                    code=code,
                    eligible=rng.choice(["yes", "check", "no"]),
                )
                for assessment in created
                for code in rng.sample(programmes, min(3, len(programmes)))
            ]
        )
        CohortAssessment.objects.bulk_create(
            CohortAssessment(assessment=assessment, enrolment=enrolment, kind=kind)
            for assessment, (enrolment, kind) in zip(created, links, strict=True)
        )
        batch = Enrolment.objects.filter(pk__in=[enrolment.pk for enrolment in enrolments])
        enrolment_results_refresh(enrolments=batch)
    # What autovacuum does to a production database shortly after a large import: fresh
    # statistics for the query planner (without them PostgreSQL plans for empty tables) and,
    # on PostgreSQL, the new rows marked visible to all, so that index-only scans can skip
    # the table and no later read has to set each row's hint bits first.
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block  # a test's
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    return cohort, manager


def run() -> None:
    started = time.perf_counter()
    cohort, manager = build(FIRMS)
    print(f"Programme benchmark: {FIRMS:,} firms built in {time.perf_counter() - started:.0f} s")
    measure(cohort, manager)


def measure(cohort, manager) -> None:
    """The dashboard, report and export figures of a cohort built by `build`."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from cohorts import reports
    from cohorts.dashboards import Filters
    from diagnostic.models import Assessment

    client = Client()
    client.force_login(manager)
    client.get("/es/desk/dashboard/")  # warm: templates, instrument
    times = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get("/es/desk/dashboard/")
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    print(
        f"  dashboard ({FIRMS:,} firms): median {statistics.median(times):.0f} ms, "
        f"{len(queries)} queries"
    )

    # Without REDIS_URL the task runs in-process as soon as it is queued.
    started = time.perf_counter()
    report = reports.report_request(
        user=manager,
        organisation=cohort.organisation,
        cohort=cohort,
        filters=Filters(),
        language="es",
    )
    if report.state != report.State.DONE:
        reports.report_run(report_id=report.pk)
    report.refresh_from_db()
    print(f"  cohort report PDF ({report.state}): {time.perf_counter() - started:.1f} s")

    # The CSV as streamed (above settings.CSV_STREAM_ROWS the page offers it as a file made in
    # the background instead: the same rows, written by a worker). Like the dashboard: the
    # median of three downloads after a first one, whose time is printed too (the database's
    # cache and Python's are cold then). Timed apart from memory: tracing it slows Python
    # down several times over.
    url = f"/es/desk/cohorts/{cohort.pk}/exports/assessments.csv"
    with override_settings(CSV_STREAM_ROWS=10**9):
        times = []
        for _ in range(4):
            started = time.perf_counter()
            response = client.get(url)
            size = sum(len(chunk) for chunk in response.streaming_content)
            times.append(time.perf_counter() - started)
        first, elapsed = times[0], statistics.median(times[1:])
        tracemalloc.start()
        sum(len(chunk) for chunk in client.get(url).streaming_content)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rows = Assessment.objects.filter(cohort_link__enrolment__cohort=cohort).count()
    print(
        f"  CSV export: {size / 1e6:.1f} MB, {rows:,} rows in {elapsed:.1f} s "
        f"({rows / elapsed:,.0f} rows/s; the first download {first:.1f} s, "
        f"{rows / first:,.0f} rows/s), peak Python memory {peak / 1e6:.1f} MB"
    )
    started = time.perf_counter()
    page = client.get(f"/es/desk/cohorts/{cohort.pk}/exports/")
    where = "in the background" if page.context["csv_in_background"] else "streamed"
    print(
        f"  exports page: {(time.perf_counter() - started) * 1000:.0f} ms, the CSV {where} "
        f"(CSV_STREAM_ROWS={settings.CSV_STREAM_ROWS:,})\n"
    )
