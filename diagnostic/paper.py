"""The paper questionnaire: the whole instrument printed for visits with no connectivity.

Item and option codes are printed beside the questions, so the answers can be typed in
later by hand or as a CSV import whose columns are the item codes (DESIGN 2.5).
"""

import threading

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.pdf import render_pdf

from .forms import ProfileForm
from .instrument import Instrument, Item, localized
from .selectors import instrument_spec
from .services import instrument_get_or_load

TEMPLATE = "diagnostic/paper_pdf.html"

# An instrument version never changes, so each (checksum, language) is rendered once per process.
_pdfs: dict[tuple[str, str], bytes] = {}
_pdfs_lock = threading.Lock()


def paper_questionnaire_pdf(instrument: Instrument, *, language: str) -> bytes:
    """The printable questionnaire of `instrument` in `language`, as a tagged A4 PDF."""
    return render_pdf(TEMPLATE, paper_context(instrument, language=language), language=language)


def paper_context(instrument: Instrument, *, language: str) -> dict:
    """Every text of the questionnaire in `language`, shaped for the template."""
    with translation.override(language):
        number = 0
        blocks = []
        for dimension in instrument.dimensions:
            areas = []
            for area in dimension.areas:
                items = []
                for item in area.items:
                    number += 1
                    items.append(_paper_item(item, number, language))
                areas.append({"name": localized(area.name, language), "items": items})
            blocks.append(
                {
                    "code": dimension.code,
                    "name": localized(dimension.name, language),
                    "intro": localized(dimension.intro, language),
                    "areas": areas,
                }
            )
        return {
            "instrument_code": instrument.code,
            "instrument_name": localized(instrument.name, language),
            "language_name": get_language_info(language)["name_local"],
            "profile": profile_questions(),
            "blocks": blocks,
        }


def profile_questions() -> list[dict]:
    """The firm profile fields as the profile form asks them, in the active language."""
    code_hints = {
        "country": _("Write the two-letter country code, for example MX or AR."),
        "currency": _("Write the three-letter currency code, for example MXN or ARS."),
    }
    questions = []
    for name, field in ProfileForm().fields.items():
        if name in code_hints:
            kind = "text"
        elif isinstance(field, forms.ChoiceField):
            kind = "choice"
        elif isinstance(field, forms.IntegerField):  # DecimalField is one too
            kind = "number"
        else:
            kind = "text"
        choices = getattr(field, "choices", ()) if kind == "choice" else ()
        questions.append(
            {
                "code": name,
                "label": str(field.label),
                "help": " ".join(filter(None, (str(field.help_text), code_hints.get(name, "")))),
                "required": field.required,
                "kind": kind,
                "choices": [
                    {"code": code, "label": str(label)} for code, label in choices if code != ""
                ],
            }
        )
    return questions


def _paper_item(item: Item, number: int, language: str) -> dict:
    return {
        "number": number,
        "code": item.code,
        "kind": item.kind,
        "prompt": localized(item.prompt, language),
        "help": localized(item.help, language),
        "options": [
            {
                "code": option.code,
                "label": localized(option.label, language),
                "exclusive": option.exclusive,
            }
            for option in item.options
        ],
        "minimum": _plain_number(item.minimum),
        "maximum": _plain_number(item.maximum),
        "unit": localized(item.unit, language),
    }


def _plain_number(number: float | None) -> str:
    """Digits with "." as decimal mark, as the import takes them."""
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


@require_GET
def paper_questionnaire(request: HttpRequest) -> HttpResponse:
    """The paper questionnaire of the instrument new assessments use, in the page's language."""
    language = get_language()
    instrument = instrument_get_or_load()
    key = (instrument.checksum, language)
    pdf = _pdfs.get(key)
    if pdf is None:
        pdf = paper_questionnaire_pdf(instrument_spec(instrument), language=language)
        with _pdfs_lock:
            _pdfs[key] = pdf
    filename = _("ruta-digital-questionnaire.pdf")
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
