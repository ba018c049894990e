"""How a firm compares with similar firms: per dimension, the mean score of the latest
submitted results of firms of the same activity and size, else the same activity, else all,
and only where at least MIN_FIRMS firms stand behind the figure.

`benchmarks_refresh` works the figures out in SQL and keeps them in the Benchmark table (run
hourly by Celery beat, or by `manage.py refresh_benchmarks`); pages read that table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Avg, Case, Count, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Assessment, Benchmark, Firm, Score, Sector

MIN_FIRMS = 30
# Firm sizes by people working in the business: (code, fewest, most or None).
SIZE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("micro", 1, 9),
    ("small", 10, 49),
    ("medium", 50, 249),
    ("large", 250, None),
)


def size_band(employees: int | None) -> str:
    for code, fewest, most in SIZE_BANDS:
        if employees is not None and employees >= fewest and (most is None or employees <= most):
            return code
    return ""


def benchmarks_refresh() -> int:
    """Work out every group's figures again from the latest results; how many rows now."""
    latest = (
        Assessment.objects.filter(
            firm=OuterRef("assessment__firm"), status=Assessment.Status.SUBMITTED
        )
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )
    scores = Score.objects.filter(
        kind=Score.Kind.DIMENSION,
        assessment__status=Assessment.Status.SUBMITTED,
        assessment_id=Subquery(latest),
    ).annotate(sector=F("assessment__firm__sector"), size=_size_of("assessment__firm__employees"))
    now = timezone.now()
    rows = [
        Benchmark(
            group=group,
            sector=figure.get("sector", ""),
            size=figure.get("size", ""),
            dimension=figure["code"],
            firms=figure["firms"],
            mean=figure["mean"],
            refreshed_at=now,
        )
        for group, keys in (
            (Benchmark.Group.SECTOR_SIZE, ("sector", "size")),
            (Benchmark.Group.SECTOR, ("sector",)),
            (Benchmark.Group.ALL, ()),
        )
        for figure in scores.values(*keys, "code")
        .annotate(firms=Count("pk"), mean=Round(Avg("value")))
        .filter(firms__gte=MIN_FIRMS)
        .order_by()
    ]
    with transaction.atomic():
        Benchmark.objects.all().delete()
        Benchmark.objects.bulk_create(rows)
    return len(rows)


def _size_of(employees: str) -> Case:
    """The size band's code in SQL; the bands follow each other, so the first that fits wins."""
    bounded = [(code, most) for code, _fewest, most in SIZE_BANDS if most is not None]
    return Case(
        *(When(**{f"{employees}__lte": most}, then=Value(code)) for code, most in bounded),
        default=Value(SIZE_BANDS[-1][0]),
    )


@dataclass(frozen=True)
class Comparison:
    """The group a firm is compared with, and its mean and size per dimension."""

    group: str
    label: str
    figures: dict[str, tuple[int, int]]  # dimension → (mean, firms)


def comparison_for(firm: Firm | None) -> Comparison | None:
    """The most specific group with figures for this firm; None when no group has enough."""
    if firm is None:
        return None
    size = size_band(firm.employees)
    for group, filters in (
        (Benchmark.Group.SECTOR_SIZE, {"sector": firm.sector, "size": size}),
        (Benchmark.Group.SECTOR, {"sector": firm.sector}),
        (Benchmark.Group.ALL, {}),
    ):
        rows = list(Benchmark.objects.filter(group=group, **filters))
        if rows:
            return Comparison(
                group=group,
                label=_group_label(group, firm.sector, size),
                figures={row.dimension: (row.mean, row.firms) for row in rows},
            )
    return None


def _group_label(group: str, sector: str, size: str) -> str:
    activity = Sector(sector).label if sector in Sector.values else ""
    if group == Benchmark.Group.SECTOR_SIZE:
        fewest, most = next((low, high) for code, low, high in SIZE_BANDS if code == size)
        people = (
            _("%(fewest)s to %(most)s people") % {"fewest": fewest, "most": most}
            if most
            else _("%(fewest)s people or more") % {"fewest": fewest}
        )
        return _("businesses in “%(activity)s” with %(people)s") % {
            "activity": activity,
            "people": people,
        }
    if group == Benchmark.Group.SECTOR:
        return _("businesses in “%(activity)s”") % {"activity": activity}
    return _("businesses of every activity and size")
