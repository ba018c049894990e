"""Desk page data in the reader's language."""

from collections.abc import Callable, Iterable
from datetime import datetime

from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from diagnostic.contact import whatsapp_link
from diagnostic.instrument import Instrument, localized
from diagnostic.models import Firm, Sector, Settlement
from diagnostic.places import subdivision_name
from diagnostic.presenters import answer_lines
from diagnostic.sizes import SizeBand
from diagnostic.stages import STAGES
from recommendations.models import Action, Programme

from .models import CohortAssessment


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def url_in_language(url: str, language: str) -> str:
    return translate_url(url, language)


def whatsapp_results(firm: Firm, token: str, language: str, absolute: Callable[[str], str]) -> str:
    """A WhatsApp link to the firm's number with its result and roadmap links written in the
    language the assessment was taken in; `absolute` makes a path a full address."""
    with translation.override(language):
        result = absolute(reverse("diagnostic:result", kwargs={"token": token}))
        roadmap = absolute(reverse("recommendations:roadmap", kwargs={"token": token}))
        greeting = (
            _("Hello %(name)s,") % {"name": firm.owner_name} if firm.owner_name else _("Hello,")
        )
        message = _(
            "%(greeting)s here is the digital diagnostic of %(firm)s: your stage and scores "
            "%(result)s and your roadmap, what to do next, %(roadmap)s"
        ) % {"greeting": greeting, "firm": firm.name, "result": result, "roadmap": roadmap}
    return whatsapp_link(firm.phone, message)


def history(assessments: Iterable[CohortAssessment], language: str) -> list[dict]:
    """A firm's assessments, oldest first, with the stage movement between them."""
    rows = []
    previous_stage = ""
    for linked in assessments:
        assessment = linked.assessment
        stage = assessment.stage
        rows.append(
            {
                "kind": linked.get_kind_display(),
                "created_at": linked.created_at,
                "submitted_at": assessment.submitted_at,
                "is_submitted": assessment.is_submitted,
                "review": linked.get_review_display(),
                "stage": stage,
                "stage_name": STAGES[stage] if stage else "",
                "moved_from": previous_stage
                if stage and previous_stage and previous_stage != stage
                else "",
                "overall": assessment.overall_score,
                # An owner's own diagnostic is read on the desk: its link is the owner's alone.
                "owners_own": not assessment.assisted,
                "token": assessment.token if assessment.assisted else "",
                "language": assessment.language,
                "pk": linked.pk,
                "reviewed": linked.review == CohortAssessment.Review.REVIEWED,
                "set_aside": linked.set_aside,
                "corrects": linked.corrects_id is not None,
                "events": [
                    {
                        "action": event.get_action_display(),
                        "actor": _name(event.actor),
                        "created_at": event.created_at,
                        "comment": event.comment,
                    }
                    for event in linked.events.all()
                ],
            }
        )
        if stage and not linked.set_aside:
            previous_stage = stage
    return rows


BAR_SCALE = 2  # px per score point: 100 → 200 px
ROW_HEIGHT = 40


def _bars(dimensions: list[dict]) -> dict:
    """Two bars per dimension, first and latest score, for a server-drawn SVG."""
    rows = [
        {
            "name": row["name"],
            "label_y": index * ROW_HEIGHT + 12,
            "first_y": index * ROW_HEIGHT + 16,
            "latest_y": index * ROW_HEIGHT + 26,
            "first_width": (row["before"] or 0) * BAR_SCALE,
            "latest_width": (row["after"] or 0) * BAR_SCALE,
            "before": row["before"],
            "after": row["after"],
        }
        for index, row in enumerate(dimensions)
    ]
    return {"height": len(rows) * ROW_HEIGHT + 4, "rows": rows}


def progress(
    assessments: Iterable[CohortAssessment], instrument: Instrument, language: str
) -> dict | None:
    """From the first to the latest submitted assessment that counts (none set aside): scores
    by dimension and what changed."""
    submitted = [
        linked.assessment
        for linked in assessments
        if linked.assessment.is_submitted and not linked.set_aside
    ]
    if len(submitted) < 2:
        return None
    first, latest = submitted[0], submitted[-1]
    first_scores = (first.result or {}).get("scores", {}).get("dimensions", {})
    latest_scores = (latest.result or {}).get("scores", {}).get("dimensions", {})
    dimensions = []
    for dimension in instrument.dimensions:
        if not dimension.scored:
            continue
        before = first_scores.get(dimension.code, {}).get("value")
        after = latest_scores.get(dimension.code, {}).get("value")
        dimensions.append(
            {
                "name": localized(dimension.name, language),
                "before": before,
                "after": after,
                "change": None if before is None or after is None else after - before,
            }
        )
    first_answers = dict(first.answers.values_list("item_code", "value"))
    latest_answers = dict(latest.answers.values_list("item_code", "value"))
    changes = [
        {
            "prompt": localized(item.prompt, language),
            "before": answer_lines(item, first_answers.get(item.code), language),
            "after": answer_lines(item, latest_answers.get(item.code), language),
        }
        for item in instrument.items.values()
        if first_answers.get(item.code) != latest_answers.get(item.code)
    ]
    return {
        "chart": _bars(dimensions),
        "first": first,
        "latest": latest,
        "months": _months_between(first.submitted_at, latest.submitted_at),
        "dimensions": dimensions,
        "changes": changes,
    }


def _months_between(start: datetime | None, end: datetime | None) -> int:
    if start is None or end is None:
        return 0
    return max(0, round((end - start).days / 30.4))


CHART_WIDTH = 200  # px for 100 %


def dashboard_charts(data: dict, language: str) -> dict:
    """Geometry of the dashboard's server-drawn SVG charts; the numbers stay in tables too."""
    known = [count for _stage, count in data["stages"] if count]
    largest = max(known, default=0) or 1
    stage_bars = [
        {
            "stage": stage,
            "count": count,
            "y": index * 28,
            "width": round(CHART_WIDTH * (count or 0) / largest),
        }
        for index, (stage, count) in enumerate(data["stages"])
    ]
    spreads = [
        {
            "name": localized(row["name"], language),
            "y": index * 34 + 16,
            "label_y": index * 34 + 10,
            "q1": (row["q1"] or 0) * CHART_WIDTH / 100,
            "q3": (row["q3"] or 0) * CHART_WIDTH / 100,
            "median": (row["median"] or 0) * CHART_WIDTH / 100,
            "shown": row["median"] is not None,
        }
        for index, row in enumerate(data["dimensions"])
    ]
    return {
        "stages": {"bars": stage_bars, "height": len(stage_bars) * 28},
        "spreads": {"rows": spreads, "height": len(spreads) * 34 + 6},
    }


def filter_summary(filters) -> list[str]:
    """The filters of a report or export in words, for its methods note."""
    parts = []
    if filters.settlement:
        parts.append(
            _("Type of place: %(value)s") % {"value": Settlement(filters.settlement).label}
        )
    if filters.women_led is not None:
        parts.append(_("Led by a woman") if filters.women_led else _("Not led by a woman"))
    if filters.sector:
        parts.append(_("Main activity: %(value)s") % {"value": Sector(filters.sector).label})
    if filters.size:
        parts.append(_("Size: %(value)s") % {"value": SizeBand(filters.size).label})
    if filters.region:
        name = subdivision_name(filters.region, get_language() or "en")
        parts.append(_("State or province: %(value)s") % {"value": name})
    if filters.submitted_from or filters.submitted_to:
        parts.append(
            _("Submitted between %(start)s and %(end)s")
            % {"start": filters.submitted_from or "…", "end": filters.submitted_to or "…"}
        )
    return parts


def recommended(figures: dict, language: str) -> dict:
    """The most recommended actions and the programmes that fit most firms, by name."""
    action_codes = [code for code, _n in figures["top_actions"]]
    programme_codes = [code for code, _yes, _check in figures["programme_fit"]]
    titles = dict(Action.objects.filter(code__in=action_codes).values_list("code", "title"))
    names = dict(Programme.objects.filter(code__in=programme_codes).values_list("code", "name"))
    return {
        "actions": [
            {"name": localized(titles.get(code), language) or code, "firms": n}
            for code, n in figures["top_actions"]
        ],
        "programmes": [
            {"name": localized(names.get(code), language) or code, "fits": yes, "to_check": check}
            for code, yes, check in figures["programme_fit"]
        ],
    }
