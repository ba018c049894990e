"""How a firm compares with similar firms: per dimension, the mean score of the latest
submitted results of firms of the same activity and size, else the same activity, else all,
and only where at least MIN_FIRMS firms stand behind the figure.

`benchmarks_refresh` works the figures out in SQL and keeps them in the Benchmark table (run
hourly by Celery beat, or by `manage.py refresh_benchmarks`); pages read that table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Avg, Count, F, OuterRef, Subquery
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Assessment, Benchmark, Firm, Score, Sector
from .sizes import SIZE_BOUNDS, size_band, size_band_of

MIN_FIRMS = 30


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
    ).annotate(
        sector=F("assessment__firm__sector"), size=size_band_of("assessment__firm__employees")
    )
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
        fewest, most = SIZE_BOUNDS[size]
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
