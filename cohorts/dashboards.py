"""Cohort figures, aggregated in the database from stored results: never re-scored.

Every figure covers each firm's latest submitted assessment (and, for movement, its first);
the number of queries does not depend on the number of firms. Counts of fewer than
SMALL_CELL firms are reported as None, shown as "<5", so nobody is identifiable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from diagnostic.instrument import Instrument
from diagnostic.models import Assessment

from .models import Cohort, CohortAssessment, Enrolment

SMALL_CELL = 5
STAGES = ("A", "B", "C", "D", "E")
# Size bands by people working in the firm (OECD/EU micro, small, medium, large).
SIZE_BANDS: dict[str, tuple[int, int | None]] = {
    "micro": (1, 9),
    "small": (10, 49),
    "medium": (50, 249),
    "large": (250, None),
}
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


def suppress(count: int) -> int | None:
    """A count as it may be shown: None (shown "<5") when fewer than SMALL_CELL firms."""
    return count if count >= SMALL_CELL else None


def enrolments_in(cohorts: QuerySet[Cohort], filters: Filters) -> QuerySet[Any]:
    """The cohorts' enrolments matching the filters, with their first and latest results."""
    enrolments: QuerySet[Any] = Enrolment.objects.filter(cohort__in=cohorts)
    if filters.settlement:
        enrolments = enrolments.filter(firm__settlement=filters.settlement)
    if filters.women_led is not None:
        enrolments = enrolments.filter(firm__women_led=filters.women_led)
    if filters.sector:
        enrolments = enrolments.filter(firm__sector=filters.sector)
    if filters.region:
        enrolments = enrolments.filter(firm__region__iexact=filters.region)
    if filters.consultant:
        enrolments = enrolments.filter(consultant_id=filters.consultant)
    if filters.size in SIZE_BANDS:
        low, high = SIZE_BANDS[filters.size]
        enrolments = enrolments.filter(firm__employees__gte=low)
        if high is not None:
            enrolments = enrolments.filter(firm__employees__lte=high)
    submitted = CohortAssessment.objects.filter(
        enrolment=OuterRef("pk"), assessment__status=Assessment.Status.SUBMITTED
    )
    if filters.submitted_from:
        submitted = submitted.filter(assessment__submitted_at__date__gte=filters.submitted_from)
    if filters.submitted_to:
        submitted = submitted.filter(assessment__submitted_at__date__lte=filters.submitted_to)
    latest = submitted.order_by("-assessment__submitted_at")
    first = submitted.order_by("assessment__submitted_at")
    return enrolments.annotate(
        latest_id=Subquery(latest.values("assessment_id")[:1]),
        latest_stage=Subquery(latest.values("assessment__stage")[:1]),
        latest_overall=Subquery(latest.values("assessment__overall_score")[:1]),
        first_id=Subquery(first.values("assessment_id")[:1]),
        first_stage=Subquery(first.values("assessment__stage")[:1]),
        first_overall=Subquery(first.values("assessment__overall_score")[:1]),
    )


def _score(path: str) -> Cast:
    return Cast(KT(f"result__scores__{path}__value"), FloatField())


def dashboard(
    cohorts: QuerySet[Cohort], filters: Filters, instrument: Instrument
) -> dict[str, Any]:
    """Every figure of the dashboard and the cohort report, small cells suppressed."""
    enrolments = enrolments_in(cohorts, filters)
    enrolled = enrolments.count()
    assessed_ids = enrolments.filter(latest_id__isnull=False).values("latest_id")
    latest = Assessment.objects.filter(pk__in=assessed_ids)
    assessed = latest.count()
    stages = dict(latest.values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    dimensions = [d for d in instrument.dimensions if d.scored]
    areas = [area for d in dimensions for area in d.areas]
    means = latest.aggregate(
        overall=Avg("overall_score"),
        **{f"dimension_{d.code}": Avg(_score(f"dimensions__{d.code}")) for d in dimensions},
        **{f"area_{a.code}": Avg(_score(f"areas__{a.code}")) for a in areas},
    )
    moved = enrolments.exclude(first_id=F("latest_id")).filter(latest_id__isnull=False)
    transitions = dict(
        ((first, last), n)
        for first, last, n in moved.values_list("first_stage", "latest_stage")
        .annotate(n=Count("id"))
        .values_list("first_stage", "latest_stage", "n")
    )
    change = moved.aggregate(
        change=Avg(
            Cast(F("latest_overall"), IntegerField()) - Cast(F("first_overall"), IntegerField())
        ),
        firms=Count("id"),
    )
    return {
        "enrolled": suppress(enrolled),
        "assessed": suppress(assessed),
        "completion": round(100 * assessed / enrolled) if enrolled >= SMALL_CELL else None,
        "stages": [(stage, suppress(stages.get(stage, 0))) for stage in STAGES],
        "undetermined": suppress(stages.get("", 0)),
        "overall_mean": _mean(means["overall"], assessed),
        "dimensions": [
            {
                "code": d.code,
                "name": d.name,
                "mean": _mean(means[f"dimension_{d.code}"], assessed),
                **_spread(latest, f"dimensions__{d.code}", assessed),
            }
            for d in dimensions
        ],
        "weakest_areas": sorted(
            (
                {"code": a.code, "name": a.name, "mean": _mean(means[f"area_{a.code}"], assessed)}
                for a in areas
                if means[f"area_{a.code}"] is not None
            ),
            key=lambda row: (row["mean"] is None, row["mean"] or 0),
        )[:5],
        "transitions": [
            [suppress(transitions.get((first, last), 0)) for last in STAGES] for first in STAGES
        ],
        "moved_up": suppress(
            sum(
                n
                for (first, last), n in transitions.items()
                if first in STAGES and last in STAGES and STAGES.index(last) < STAGES.index(first)
            )
        ),
        "followed_up": suppress(change["firms"]),
        "score_change": _mean(change["change"], change["firms"]),
    }


def _mean(value: float | None, firms: int) -> float | None:
    if value is None or firms < SMALL_CELL:
        return None
    return round(value, 1)


def _spread(latest: QuerySet[Assessment], path: str, firms: int) -> dict[str, float | None]:
    """Quartiles of a score, read in order from the database: three rows, whatever the size."""
    scored = latest.annotate(score=_score(path)).filter(score__isnull=False).order_by("score", "pk")
    count = scored.count()
    if count < SMALL_CELL or firms < SMALL_CELL:
        return {"q1": None, "median": None, "q3": None, "scored": suppress(count)}

    def at(fraction: float) -> float:
        return scored.values_list("score", flat=True)[int(round(fraction * (count - 1)))]

    return {"q1": at(0.25), "median": at(0.5), "q3": at(0.75), "scored": count}


def breakdown(cohorts: QuerySet[Cohort], filters: Filters, segment: str) -> list[dict[str, Any]]:
    """Firms assessed and their stages, by one segment (e.g. settlement), small cells suppressed."""
    field = {
        "settlement": "firm__settlement",
        "women_led": "firm__women_led",
        "sector": "firm__sector",
        "region": "firm__region",
        "consultant": "consultant__user__username",
    }.get(segment)
    enrolments = enrolments_in(cohorts, filters).filter(latest_id__isnull=False)
    if segment == "size":
        rows = {}
        for band, (low, high) in SIZE_BANDS.items():
            in_band = enrolments.filter(firm__employees__gte=low)
            if high is not None:
                in_band = in_band.filter(firm__employees__lte=high)
            rows[band] = dict(
                in_band.values_list("latest_stage")
                .annotate(n=Count("id"))
                .values_list("latest_stage", "n")
            )
    elif field:
        rows = {}
        for value, stage, n in (
            enrolments.values_list(field, "latest_stage")
            .annotate(n=Count("id"))
            .values_list(field, "latest_stage", "n")
        ):
            rows.setdefault(value, {})[stage] = n
    else:
        raise ValueError(f"unknown segment {segment!r}")
    return [
        {
            "value": value,
            "firms": suppress(sum(stages.values())),
            "stages": [suppress(stages.get(stage, 0)) for stage in STAGES],
        }
        for value, stages in rows.items()
    ]
