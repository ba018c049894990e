"""Form fields rendered the GOV.UK way: label or legend, hint, error, then the input.

For the owner's questionnaire and profile, where it is several times faster than
crispy-forms (`make bench` prints both); staff forms render through crispy-forms."""

from html import escape
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.safestring import mark_safe

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
    choices = [
        (value, label, str(value) in selected)
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
        "choices": _choices_html(field, kind, choices) if kind != "text" else "",
        # "item-<name>" with the default ids, so links such as the review page's stay stable.
        "item_id": "item-" + field.auto_id.removeprefix("id_"),
        "kind": kind,
        "describedby": describedby,
        "input_type": attrs.pop("type", None) or getattr(widget, "input_type", "text"),
        "attrs": attrs,
    }


def _choices_html(field: BoundField, kind: str, choices: list[tuple[Any, Any, bool]]) -> str:
    """The options of a select, or the inputs of radios and checkboxes, written in Python with
    the standard library's escape: a country list through a template loop, or even Django's
    format_html, made the profile page twice as slow."""
    if kind == "select":
        return mark_safe(  # noqa: S308 - every value and label is escaped
            "".join(
                f'<option value="{escape(str(value))}"{" selected" if checked else ""}>'
                f"{escape(str(label))}</option>"
                for value, label, checked in choices
            )
        )
    if kind == "textarea":
        return ""
    invalid = " is-invalid" if field.errors else ""
    name, prefix = escape(field.html_name), escape(field.auto_id)
    return mark_safe(  # noqa: S308 - every value and label is escaped
        "\n".join(
            f'<div class="form-check"><input class="form-check-input{invalid}" type="{kind}" '
            f'name="{name}" id="{prefix}_{number}" value="{escape(str(value))}"'
            f'{" checked" if checked else ""}><label class="form-check-label" '
            f'for="{prefix}_{number}">{escape(str(label))}</label></div>'
            for number, (value, label, checked) in enumerate(choices)
        )
    )
