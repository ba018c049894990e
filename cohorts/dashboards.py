"""Cohort figures, aggregated in the database from stored results: never re-scored.

Every figure covers each firm's latest submitted assessment (and, for movement, its first);
the number of queries does not depend on the number of firms. In what is published (the
cohort report, and the dashboard's published view) counts of fewer than SMALL_CELL firms are
reported as None, shown as "<5", so nobody is identifiable; the organisation's own managers
see exact figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import (
    Avg,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Round
from django.utils import timezone

from diagnostic.instrument import Instrument
from diagnostic.models import Assessment, Score
from diagnostic.places import codes_named
from diagnostic.sizes import SIZE_BOUNDS, size_band_of, size_in
from recommendations.catalogue import OFFERED, Verdict
from recommendations.models import RoadmapSummary

from .models import Cohort, CohortAssessment, Enrolment, PlannedAction, Referral, ScoreTally
from .services import result_columns

SMALL_CELL = 5
TOP = 8  # actions and programmes listed
STAGES = ("A", "B", "C", "D", "E")
SEGMENTS = ("settlement", "women_led", "sector", "size", "region", "consultant")


@dataclass(frozen=True, kw_only=True)
class Filters:
    settlement: str = ""
    women_led: bool | None = None
    sector: str = ""
    size: str = ""
    region: str = ""
    consultant: int | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None


def suppress(count: int, small_cell: int = SMALL_CELL) -> int | None:
    """A count as it may be shown: None (shown "<5") when fewer than `small_cell` firms.

    Published figures (the cohort report, pseudonymised exports) use SMALL_CELL; the
    organisation's own managers see exact counts (small_cell 0) unless they ask for the
    published view.
    """
    return count if count >= small_cell else None


# What the figures read of each enrolment's first and latest result, as `first_<name>` and
# `latest_<name>`, from the enrolment's `<end>_<column>` (services.result_columns).
READ = {
    "id": "result",
    "stage": "result_stage",
    "overall": "result_overall",
    "employees": "result_employees",
    "turnover": "result_turnover",
    "currency": "result_currency",
    "online_share": "result_online_share",
}


def enrolments_in(cohorts: QuerySet[Cohort], filters: Filters) -> QuerySet[Any]:
    """The cohorts' enrolments matching the filters, with their first and latest results.

    Each enrolment keeps its first and latest result (services.enrolment_results_refresh), so
    the usual view is plain columns. A window of submission dates asks the database for each
    firm's first and latest result within it instead.
    """
    enrolments: QuerySet[Any] = Enrolment.objects.filter(cohort__in=cohorts)
    if filters.settlement:
        enrolments = enrolments.filter(firm__settlement=filters.settlement)
    if filters.women_led is not None:
        enrolments = enrolments.filter(firm__women_led=filters.women_led)
    if filters.sector:
        enrolments = enrolments.filter(firm__sector=filters.sector)
    if filters.region:
        # A code (MX-SON) or a name in any language; rows from before codes match as typed.
        named = [filters.region, *codes_named(filters.region)]
        enrolments = enrolments.filter(firm__region__in=named)
    if filters.consultant:
        enrolments = enrolments.filter(consultant_id=filters.consultant)
    if filters.size in SIZE_BOUNDS:
        enrolments = enrolments.filter(size_in(filters.size, "firm__employees"))
    if not (filters.submitted_from or filters.submitted_to):
        return enrolments.annotate(
            **{
                f"{end}_{name}": F(f"{end}_{column}")
                for end in ("first", "latest")
                for name, column in READ.items()
            }
        )
    submitted = CohortAssessment.objects.filter(
        enrolment=OuterRef("pk"), assessment__status=Assessment.Status.SUBMITTED, set_aside=False
    )
    if filters.submitted_from:
        submitted = submitted.filter(assessment__submitted_at__date__gte=filters.submitted_from)
    if filters.submitted_to:
        submitted = submitted.filter(assessment__submitted_at__date__lte=filters.submitted_to)
    ends = {
        "first": result_columns(submitted.order_by("assessment__submitted_at", "pk")),
        "latest": result_columns(submitted.order_by("-assessment__submitted_at", "-pk")),
    }
    return enrolments.annotate(
        **{
            f"{end}_{name}": columns[column]
            for end, columns in ends.items()
            for name, column in READ.items()
        }
    )


def dashboard(
    cohorts: QuerySet[Cohort],
    filters: Filters,
    instrument: Instrument,
    *,
    small_cell: int = SMALL_CELL,
) -> dict[str, Any]:
    """Every figure of the dashboard and the cohort report, cells of fewer than `small_cell`
    firms suppressed."""

    def cell(count: int) -> int | None:
        return suppress(count, small_cell)

    enrolments = enrolments_in(cohorts, filters)
    results = enrolments.filter(latest_id__isnull=False)
    latest_ids = results.values("latest_id")
    counts = enrolments.aggregate(
        enrolled=Count("pk"),
        assessed=Count("pk", filter=Q(latest_id__isnull=False)),
        overall=Avg("latest_overall"),
    )
    enrolled, assessed, overall = counts["enrolled"], counts["assessed"], counts["overall"]
    stages = dict(
        results.order_by()
        .values_list("latest_stage")
        .annotate(n=Count("pk"))
        .values_list("latest_stage", "n")
    )
    dimensions = [d for d in instrument.dimensions if d.scored]
    areas = [area for d in dimensions for area in d.areas]
    if filters == Filters():
        # The whole cohort: its score histograms are kept as firms' latest results change.
        tallied = ScoreTally.objects.filter(cohort__in=cohorts, firms__gt=0)
        histograms = _histograms(tallied.values("kind", "code", "value").annotate(n=Sum("firms")))
    else:
        scores = Score.objects.filter(assessment_id__in=latest_ids)
        histograms = _histograms(scores.values("kind", "code", "value").annotate(n=Count("id")))
    summary = {key: _mean_and_count(histogram) for key, histogram in histograms.items()}
    spreads = {
        d.code: _spread(histograms.get((Score.Kind.DIMENSION, d.code), []), small_cell)
        for d in dimensions
    }
    # Firms followed up, first result to latest: their stages, score, people working and band
    # of online sales, in one grouped pass.
    followed = results.exclude(first_id=F("latest_id"))
    score = F("latest_overall") - F("first_overall")
    jobs = F("latest_employees") - F("first_employees")
    groups = (
        followed.order_by()
        .values_list("first_stage", "latest_stage", "first_online_share", "latest_online_share")
        .annotate(
            n=Count("pk"),
            score_total=Sum(score),
            scored=Count(score),
            jobs_total=Sum(jobs),
            jobs_firms=Count(jobs),
        )
        .values_list(
            "first_stage",
            "latest_stage",
            "first_online_share",
            "latest_online_share",
            "n",
            "score_total",
            "scored",
            "jobs_total",
            "jobs_firms",
        )
    )
    bands = _online_share_bands(instrument)
    transitions: dict[tuple[str, str], int] = {}
    online = {"up": 0, "same": 0, "down": 0}
    followed_up = change_total = changed = jobs_total = jobs_firms = 0
    for first_stage, last_stage, before, after, n, score_sum, scored, jobs_sum, jobs_n in groups:
        transitions[(first_stage, last_stage)] = transitions.get((first_stage, last_stage), 0) + n
        followed_up += n
        change_total += score_sum or 0
        changed += scored
        jobs_total += jobs_sum or 0
        jobs_firms += jobs_n
        if before in bands and after in bands:
            move = bands.index(after) - bands.index(before)
            online["up" if move > 0 else "down" if move < 0 else "same"] += n
    sales = _sales_changes(followed)
    sales_firms = sum(n for _change, n in sales)
    outcomes = {
        "jobs_firms": cell(jobs_firms),
        "jobs_total_change": jobs_total if jobs_firms and jobs_firms >= small_cell else None,
        "jobs_mean_change": _mean(jobs_total / jobs_firms, jobs_firms, small_cell)
        if jobs_firms
        else None,
        "sales_firms": cell(sales_firms),
        "sales_median_change": _mean(_quantile(sales, 0.5), sales_firms, small_cell),
        "online_share": {move: cell(n) for move, n in online.items()},
    }
    actions, fits = _recommended(latest_ids)
    plans = _plans(enrolments)
    return {
        "top_actions": [(code, cell(n)) for code, n in actions[:TOP]],
        "programme_fit": [(code, cell(yes), cell(check)) for code, yes, check in fits[:TOP]],
        "enrolled": cell(enrolled),
        "assessed": cell(assessed),
        "completion": round(100 * assessed / enrolled)
        if enrolled and enrolled >= small_cell
        else None,
        "stages": [(stage, cell(stages.get(stage, 0))) for stage in STAGES],
        "undetermined": cell(stages.get("", 0)),
        "overall_mean": _mean(overall, assessed, small_cell),
        "dimensions": [
            {
                "code": d.code,
                "name": d.name,
                "mean": _mean(*summary.get(("dimension", d.code), (None, 0)), small_cell),
                **spreads[d.code],
            }
            for d in dimensions
        ],
        "weakest_areas": sorted(
            (
                {
                    "code": a.code,
                    "name": a.name,
                    "mean": _mean(*summary.get(("area", a.code), (None, 0)), small_cell),
                }
                for a in areas
                if ("area", a.code) in summary
            ),
            key=lambda row: (row["mean"] is None, row["mean"] or 0),
        )[:5],
        "transitions": [
            [cell(transitions.get((first, last), 0)) for last in STAGES] for first in STAGES
        ],
        "moved_up": cell(
            sum(
                n
                for (first, last), n in transitions.items()
                if first in STAGES and last in STAGES and STAGES.index(last) < STAGES.index(first)
            )
        ),
        "followed_up": cell(followed_up),
        "outcomes": outcomes,
        "score_change": _mean(change_total / changed, changed, small_cell) if changed else None,
        "plans": {name: cell(n) for name, n in plans.items()},
        "adoption": round(100 * plans["done"] / plans["agreed"])
        if plans["agreed"] and plans["agreed"] >= small_cell
        else None,
    }


def _plans(enrolments: QuerySet[Any]) -> dict[str, int]:
    """The firms' action plans and referrals, in two aggregates: firms with a plan, actions
    agreed and how they went (overdue: past their date, not done or dropped); referrals as a
    funnel, each stage counting those that reached it or went further."""
    today = timezone.localdate()
    status = PlannedAction.Status
    plans = PlannedAction.objects.filter(enrolment__in=enrolments.values("pk")).aggregate(
        firms=Count("enrolment", distinct=True),
        agreed=Count("pk"),
        in_progress=Count("pk", filter=Q(status=status.IN_PROGRESS)),
        done=Count("pk", filter=Q(status=status.DONE)),
        dropped=Count("pk", filter=Q(status=status.DROPPED)),
        overdue=Count("pk", filter=Q(status__in=PlannedAction.OPEN, target__lt=today)),
    )
    stage = Referral.Status
    referrals = Referral.objects.filter(enrolment__in=enrolments.values("pk")).aggregate(
        referred=Count("pk"),
        applied=Count("pk", filter=~Q(status=stage.REFERRED)),
        granted=Count("pk", filter=Q(status=stage.GRANTED)),
        refused=Count("pk", filter=Q(status=stage.REFUSED)),
    )
    return {**plans, **referrals}


def _online_share_bands(instrument: Instrument) -> list[str]:
    """The answers to `online_sales_share` (DESIGN 2.4), lowest share first, as the
    instrument lists them; none when it does not ask."""
    item = instrument.items.get("online_sales_share")
    return [option.code for option in item.options] if item else []


def _sales_changes(followed: QuerySet[Any]) -> list[tuple[int, int]]:
    """Each followed-up firm's change in yearly sales, first result to latest, in whole per
    cent and counted by value, lowest first (only firms that gave both in the same currency):
    the median is read from the counts as the quartiles of scores are."""
    percent = ExpressionWrapper(
        (F("latest_turnover") - F("first_turnover")) * Value(100.0) / F("first_turnover"),
        output_field=FloatField(),
    )
    return list(
        followed.filter(
            first_turnover__gt=0,
            latest_turnover__isnull=False,
            latest_currency=F("first_currency"),
        )
        .annotate(change=Cast(Round(percent), IntegerField()))
        .order_by()
        .values_list("change")
        .annotate(n=Count("pk"))
        .values_list("change", "n")
        .order_by("change")
    )


def _recommended(
    assessment_ids: QuerySet[Any],
) -> tuple[list[tuple[str, int]], list[tuple[str, int, int]]]:
    """What the roadmaps of these assessments recommend, in one pass over their summaries:
    each action with how many roadmaps propose it, most proposed first; each programme with
    how many firms it fits and how many should check, best fitting first."""
    rows = (
        RoadmapSummary.objects.filter(assessment_id__in=assessment_ids)
        .filter(
            Q(kind=RoadmapSummary.Kind.ACTION)
            | Q(kind=RoadmapSummary.Kind.PROGRAMME, eligible__in=OFFERED)
        )
        .values_list("kind", "code", "eligible")
        .annotate(n=Count("id"))
        .order_by()
    )
    actions: dict[str, int] = {}
    programmes: dict[str, dict[str, int]] = {}
    for kind, code, eligible, n in rows:
        if kind == RoadmapSummary.Kind.ACTION:
            actions[code] = actions.get(code, 0) + n
        else:
            programmes.setdefault(code, {})[eligible] = n
    return (
        sorted(actions.items(), key=lambda item: (-item[1], item[0])),
        sorted(
            (
                (code, n.get(Verdict.YES, 0), n.get(Verdict.CHECK, 0))
                for code, n in programmes.items()
            ),
            key=lambda item: (-item[1], -item[2], item[0]),
        ),
    )


def _mean(value: float | None, firms: int, small_cell: int) -> float | None:
    if value is None or firms < small_cell:
        return None
    return round(value, 1)


def _histograms(counted: QuerySet[Any]) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """How many firms have each score (0–100), by kind and code, lowest score first, from
    rows (kind, code, value, n): at most 101 per dimension or area whatever the cohort size,
    in one query; means, counts and quartiles are read from them."""
    histograms: dict[tuple[str, str], list[tuple[int, int]]] = {}
    rows = counted.values_list("kind", "code", "value", "n").order_by("kind", "code", "value")
    for kind, code, value, n in rows:
        histograms.setdefault((kind, code), []).append((value, n))
    return histograms


def _mean_and_count(histogram: list[tuple[int, int]]) -> tuple[float | None, int]:
    count = sum(n for _value, n in histogram)
    total = sum(value * n for value, n in histogram)
    return (total / count if count else None), count


def _spread(histogram: list[tuple[int, int]], small_cell: int) -> dict[str, Any]:
    """Quartiles of one dimension's scores: the scores at ranks ¼, ½ and ¾ of the way."""
    count = sum(n for _value, n in histogram)
    if count == 0 or count < small_cell:
        return {"q1": None, "median": None, "q3": None, "scored": suppress(count, small_cell)}
    quartiles = {
        name: _quantile(histogram, fraction)
        for name, fraction in (("q1", 0.25), ("median", 0.5), ("q3", 0.75))
    }
    return {**quartiles, "scored": count}


def _quantile(histogram: list[tuple[int, int]], fraction: float) -> float | None:
    """The value at rank `fraction` of the way through a histogram (value, how many), lowest
    value first; None when it is empty."""
    count = sum(n for _value, n in histogram)
    rank, seen = int(round(fraction * (count - 1))) + 1, 0
    for value, n in histogram:
        seen += n
        if seen >= rank:
            return float(value)
    return None


# The firm's field behind each segment; "size" is the band of its number of people working.
SEGMENT_FIELDS = {
    "settlement": "firm__settlement",
    "women_led": "firm__women_led",
    "sector": "firm__sector",
    "region": "firm__region",
    "consultant": "consultant__user__username",
}


def breakdowns(
    cohorts: QuerySet[Cohort], filters: Filters, *, small_cell: int = SMALL_CELL
) -> list[tuple[str, list[dict[str, Any]]]]:
    """Firms assessed and their stages by each of SEGMENTS (e.g. settlement), small cells
    suppressed. One pass over the enrolments, grouped by every segment at once, then summed
    here for each segment."""
    groups = (
        enrolments_in(cohorts, filters)
        .filter(latest_id__isnull=False)
        .annotate(size_band=size_band_of("firm__employees"))
        .values_list(*SEGMENT_FIELDS.values(), "size_band", "latest_stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[str, dict[Any, dict[str, int]]] = {segment: {} for segment in SEGMENTS}
    for *values, stage, n in groups:
        for segment, value in zip((*SEGMENT_FIELDS, "size"), values, strict=True):
            stages = counts[segment].setdefault(value, {})
            stages[stage] = stages.get(stage, 0) + n
    ordered = {
        segment: sorted(found.items(), key=lambda item: (item[0] is None, str(item[0])))
        for segment, found in counts.items()
    }
    bands = counts["size"]
    ordered["size"] = [(name, bands[name]) for name in SIZE_BOUNDS if name in bands]
    return [
        (
            segment,
            [
                {
                    "value": value,
                    "firms": suppress(sum(stages.values()), small_cell),
                    "stages": [suppress(stages.get(stage, 0), small_cell) for stage in STAGES],
                }
                for value, stages in ordered[segment]
            ],
        )
        for segment in SEGMENTS
    ]
