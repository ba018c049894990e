"""Page data: instrument texts in the reader's language, shaped for the templates."""

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .benchmarks import Comparison
from .charts import radar_chart
from .flow import PROFILE
from .formats import currency_name, money, number
from .forms import ProfileForm
from .instrument import Dimension, Instrument, Item, localized
from .models import Firm
from .scoring import LEVELS, Completeness
from .stages import STAGES, StagePlacement, explain_stage


def dimension_page(dimension: Dimension, form, language: str) -> dict:
    return {
        "code": dimension.code,
        "name": localized(dimension.name, language),
        "intro": localized(dimension.intro, language),
        "areas": [
            {
                "code": area.code,
                "name": localized(area.name, language),
                "fields": [(form[item.code], form.note_field(item.code)) for item in area.items],
            }
            for area in dimension.areas
        ],
    }


def answer_lines(item: Item, value: Any, language: str) -> list[str]:
    """An answer as the owner would read it: option labels, or the number with its unit."""
    if value is None:
        return []
    if item.kind == "number":
        unit = localized(item.unit, language)
        return [f"{number(value, language=language)} {unit}".strip()]
    codes = value if isinstance(value, list | tuple) else [value]
    labels = {option.code: localized(option.label, language) for option in item.options}
    return [labels.get(str(code), str(code)) for code in codes]


def conflicts(
    items: list[Item], answers: dict[str, Any], notes: dict[str, str], language: str
) -> list[dict]:
    """The answers someone else saved for the questions both people changed differently."""
    return [
        {
            "code": item.code,
            "prompt": localized(item.prompt, language),
            "theirs": answer_lines(item, answers.get(item.code), language),
            "their_note": notes.get(item.code, ""),
        }
        for item in items
    ]


def profile_rows(firm: Firm | None) -> list[dict]:
    if firm is None:
        return []
    form = ProfileForm(instance=firm)
    language, country = get_language() or "en", str(firm.country or "") or None
    rows = []
    for name, field in form.fields.items():
        value = getattr(firm, name)
        if value is None or value == "":
            display = ""
        elif isinstance(value, bool):
            display = _("Yes") if value else _("No")
        elif name in ("settlement", "sector"):
            display = getattr(firm, f"get_{name}_display")()
        elif name == "country":
            display = value.name
        elif name == "region":
            display = firm.region_name()
        elif name == "phone":
            display = firm.phone_display()
        elif name == "annual_turnover" and firm.currency:
            display = money(value, firm.currency, language=language, country=country)
        elif name == "currency":
            display = f"{currency_name(value, language=language)} ({value})"
        elif name in ("employees", "town_population", "years_trading", "annual_turnover"):
            display = number(value, language=language, country=country)
        else:
            display = str(value)
        rows.append({"label": field.label, "value": display})
    return rows


def review(
    instrument: Instrument,
    firm: Firm | None,
    answers: dict,
    language: str,
    notes: dict[str, str] | None = None,
) -> dict:
    steps: list[dict[str, Any]] = []
    answered = total = 0
    for dimension in instrument.dimensions:
        rows = []
        for item in dimension.iter_items():
            lines = answer_lines(item, answers.get(item.code), language)
            total += 1
            answered += bool(lines)
            rows.append(
                {
                    "code": item.code,
                    "prompt": localized(item.prompt, language),
                    "lines": lines,
                    "note": (notes or {}).get(item.code, ""),
                }
            )
        steps.append(
            {"code": dimension.code, "name": localized(dimension.name, language), "rows": rows}
        )
    return {
        "profile_step": PROFILE,
        "profile": profile_rows(firm),
        "steps": steps,
        "answered": answered,
        "total": total,
        "unanswered": [
            {"step": step["code"], **row}
            for step in steps
            for row in step["rows"]
            if not row["lines"]
        ],
    }


STAGE_ORDER = ("A", "B", "C", "D", "E")


def result(
    instrument: Instrument, stored: dict, language: str, comparison: Comparison | None = None
) -> dict:
    """The stored result of a submitted assessment, in the reader's language, and how it
    compares with similar firms where there are enough of them."""
    scores = stored["scores"]
    completeness = scores.get("completeness", {})
    placement = StagePlacement.from_dict(stored["stage"])
    explanation = explain_stage(placement)
    figures = comparison.figures if comparison else {}
    dimensions = [
        _score_row(
            localized(dimension.name, language),
            scores["dimensions"][dimension.code],
            completeness.get(dimension.code),
        )
        | {"similar": figures.get(dimension.code, (None, 0))[0]}
        for dimension in instrument.dimensions
        if dimension.scored
    ]
    readiness = [
        _score_row(
            localized(area.name, language),
            scores["areas"][area.code],
            completeness.get(dimension.code),
        )
        for dimension in instrument.dimensions
        if not dimension.scored
        for area in dimension.areas
    ]
    area_names = {
        area.code: localized(area.name, language)
        for dimension in instrument.dimensions
        for area in dimension.areas
    }
    return {
        "overall": _score_row(_("Overall"), scores["overall"]),
        "rests_on": _rests_on(scores),
        "comparison": _compared_with(comparison) if comparison is not None else "",
        "dimensions": dimensions,
        "readiness": readiness,
        "radar": radar_chart([(row["name"], row["value"]) for row in dimensions]),
        "stage": placement.stage,
        "stage_name": STAGES[placement.stage] if placement.stage else "",
        "ladder": [
            {"code": code, "name": STAGES[code], "current": code == placement.stage}
            for code in STAGE_ORDER
        ],
        "explanation": explanation,
        "strongest": [
            _score_row(area_names[code], scores["areas"][code])
            for code in scores["strongest_areas"]
        ],
        "weakest": [
            _score_row(area_names[code], scores["areas"][code]) for code in scores["weakest_areas"]
        ],
        "answered": scores["answered"],
        "total": scores["total"],
    }


def _score_row(name: str, score: dict, completeness: dict | None = None) -> dict:
    """A score with its level; "not enough answers" where too few were answered to score it.

    Results scored before completeness was recorded carry none, and read as they always did.
    """
    level = score["level"]
    if completeness is not None and not Completeness(**completeness).enough:
        label = _("Not enough answers")
    else:
        label = str(LEVELS[level]) if level else ""
    return {"name": name, "value": score["value"], "level": label}


def _compared_with(comparison: Comparison) -> str:
    firms = max(count for _mean, count in comparison.figures.values())
    return _(
        "“Similar businesses” is the mean score of the latest results of %(firms)s %(group)s."
    ) % {"firms": firms, "group": comparison.label}


def _rests_on(scores: dict) -> str:
    """What the overall score rests on, or why there is none; empty for older results."""
    rests_on = scores.get("rests_on")
    if rests_on is None:
        return ""
    if scores["overall"]["value"] is None:
        return _(
            "There is no overall score yet: it needs at least half of the questions of each "
            "dimension answered."
        )
    return _("Based on %(scored)s of the %(applicable)s questions that apply to this business.") % {
        "scored": rests_on["scored"],
        "applicable": rests_on["applicable"],
    }
