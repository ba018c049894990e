"""Firm size bands by people working in the business (the OECD/EU micro, small, medium and
large): the one definition that the dashboard's filter and breakdown, the peer benchmark and
their labels read."""

from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _


class SizeBand(models.TextChoices):
    MICRO = "micro", _("Micro (1–9 people)")
    SMALL = "small", _("Small (10–49)")
    MEDIUM = "medium", _("Medium (50–249)")
    LARGE = "large", _("Large (250 or more)")


# Each band's fewest and most people (None: no upper bound).
SIZE_BOUNDS: dict[str, tuple[int, int | None]] = {
    SizeBand.MICRO: (1, 9),
    SizeBand.SMALL: (10, 49),
    SizeBand.MEDIUM: (50, 249),
    SizeBand.LARGE: (250, None),
}


def size_band(employees: int | None) -> str:
    """The band of a number of people; "" when it is not known (or zero)."""
    for code, (fewest, most) in SIZE_BOUNDS.items():
        if employees is not None and employees >= fewest and (most is None or employees <= most):
            return code
    return ""


def size_in(band: str, employees: str) -> Q:
    """The rows whose `employees` field (a path such as "firm__employees") is in the band."""
    fewest, most = SIZE_BOUNDS[band]
    within = Q(**{f"{employees}__gte": fewest})
    return within & Q(**{f"{employees}__lte": most}) if most is not None else within


def size_band_of(employees: str) -> Case:
    """`size_band` in SQL, for the field at the path `employees`."""
    return Case(
        *(When(size_in(band, employees), then=Value(band)) for band in SIZE_BOUNDS),
        default=Value(""),
    )
