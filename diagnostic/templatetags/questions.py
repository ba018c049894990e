"""Form fields rendered the GOV.UK way: label or legend, hint, error, then the input."""

from django import template
from django.forms import BoundField

register = template.Library()

CHOICE_WIDGETS = {"radioselect": "radio", "checkboxselectmultiple": "checkbox"}


@register.inclusion_tag("partials/field.html")
def question(field: BoundField) -> dict:
    """One question; choices are listed here, not through a template per option, for speed."""
    widget_type = field.widget_type
    if widget_type == "textarea":
        kind = "textarea"
    else:
        kind = CHOICE_WIDGETS.get(
            widget_type, "select" if widget_type.endswith("select") else "text"
        )
    current = field.value()
    if isinstance(current, list | tuple):
        selected = {str(value) for value in current}
    else:
        selected = set() if current in (None, "") else {str(current)}
    choices = []
    if kind in ("radio", "checkbox", "select"):
        choices = [
            {"value": value, "label": label, "checked": str(value) in selected}
            for value, label in getattr(field.field, "choices", ())
            if kind == "select" or value != ""
        ]
    widget = field.field.widget
    # Boolean attributes (autofocus) are written bare; false ones are left out.
    attrs = {name: value for name, value in widget.attrs.items() if value is not False}
    describedby = " ".join(
        part
        for part, present in (
            (f"{field.auto_id}_hint", field.help_text),
            (f"{field.auto_id}_error", field.errors),
        )
        if present
    )
    return {
        "field": field,
        # "item-<name>" with the default ids, so links such as the review page's stay stable.
        "item_id": "item-" + field.auto_id.removeprefix("id_"),
        "kind": kind,
        "choices": choices,
        "describedby": describedby,
        "input_type": attrs.pop("type", None) or getattr(widget, "input_type", "text"),
        "attrs": attrs,
    }
