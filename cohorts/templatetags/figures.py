from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext

from diagnostic.instrument import localized
from diagnostic.models import Sector, Settlement
from diagnostic.places import subdivision_name
from diagnostic.sizes import SizeBand

register = template.Library()


@register.filter
def cell(value: Any, published: bool = True) -> str:
    """A figure as shown in aggregate tables: "<5" where fewer than five firms stand behind it
    in what is published; in a manager's exact view nothing is hidden, so None is "—"."""
    if value is None:
        return "<5" if published else "—"
    if isinstance(value, float):
        return number_format(value, decimal_pos=1, use_l10n=True)
    return number_format(value, use_l10n=True, force_grouping=True)


@register.filter
def get_language_text(texts: dict) -> str:
    """A text of the instrument in the active language."""
    return localized(texts, get_language() or "en")


@register.simple_tag
def segment_label(segment: str, value: Any) -> str:
    """A segment's value as people read it (a sector's name, "Yes" for women-led…)."""
    if value is None or value == "":
        return gettext("Not known")
    if segment == "settlement":
        return str(dict(Settlement.choices).get(value, value))
    if segment == "sector":
        return str(dict(Sector.choices).get(value, value))
    if segment == "women_led":
        return gettext("Yes") if value else gettext("No")
    if segment == "region":
        return subdivision_name(str(value), get_language() or "en")
    if segment == "size":
        return str(dict(SizeBand.choices).get(value, value))
    return str(value)
