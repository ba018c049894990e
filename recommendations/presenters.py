"""Roadmap page and PDF data: the same context for both, in the reader's language."""

from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from diagnostic import presenters as diagnostic_presenters
from diagnostic.benchmarks import Comparison
from diagnostic.formats import reader_locale
from diagnostic.instrument import Instrument, localized

from .catalogue import ProgrammeMatch, Verdict
from .models import Cost, Effort, Horizon, PriceTier, ProgrammeKind
from .roadmap import Roadmap


def eligibility_labels() -> tuple[dict[str, str], dict[str, str]]:
    """What a criterion's status and a programme's verdict are called, in the active language
    (the roadmap's pages, its PDF and the field app say the same)."""
    statuses = {
        "met": pgettext("eligibility", "Met:"),
        "not_met": pgettext("eligibility", "Not met:"),
        "check": pgettext("eligibility", "Check:"),
    }
    verdicts = {
        str(Verdict.YES): _("You seem to qualify"),
        str(Verdict.NO): _("You don’t seem to qualify"),
        str(Verdict.CHECK): _("You may qualify: check with the programme"),
    }
    return statuses, verdicts


def roadmap_context(
    *,
    instrument: Instrument,
    stored_result: dict,
    roadmap: Roadmap,
    firm_name: str,
    day: date | None,
    language: str,
    result_url: str = "",
    comparison: Comparison | None = None,
) -> dict[str, Any]:
    """Everything the roadmap page and PDF show; call it in `language`."""
    result = diagnostic_presenters.result(instrument, stored_result, language, comparison)
    programme_names = {
        match.programme.code: localized(match.programme.name, language)
        for match in roadmap.programmes
    }
    horizons = [
        {
            "code": horizon,
            "label": Horizon(horizon).label,
            "actions": [
                {
                    "code": chosen.code,
                    "title": localized(chosen.action.title, language),
                    "why": localized(chosen.action.why, language),
                    "steps": _steps(chosen.action.steps, language),
                    "cost": Cost(chosen.action.cost).label,
                    "effort": Effort(chosen.action.effort).label,
                    "for_stage": _next(result) if chosen.reason == "stage_gap" else "",
                    "programmes": [programme_names[m.programme.code] for m in chosen.programmes],
                    "providers": [provider.name for provider in chosen.providers],
                }
                for chosen in actions
            ],
        }
        for horizon, actions in roadmap.by_horizon()
    ]
    providers = {
        provider.code: provider for chosen in roadmap.actions for provider in chosen.providers
    }
    return {
        "firm_name": firm_name,
        "date": day,
        "result": result,
        "horizons": horizons,
        "programmes": [_programme(match, language) for match in roadmap.programmes],
        "providers": [
            {
                "name": provider.name,
                "description": localized(provider.description, language),
                "url": provider.url,
                "contact": provider.contact,
                "price": PriceTier(provider.price_tier).label,
                "languages": _language_names(provider.languages, language),
            }
            for provider in providers.values()
        ],
        "result_url": result_url,
    }


def _language_names(codes: tuple[str, ...], language: str) -> str:
    """The languages a provider serves in, named in the reader's language: "español, inglés"."""
    names = reader_locale(language).languages
    return ", ".join(names.get(code.split("-")[0], code) for code in codes)


def _next(result: dict) -> str:
    order = "EDCBA"
    stage = result["stage"]
    return order[order.index(stage) + 1] if stage in order[:-1] else ""


def _steps(steps: dict[str, tuple[str, ...]], language: str) -> tuple[str, ...]:
    base = language.split("-")[0]
    return (
        steps.get(language) or steps.get(base) or steps.get("en") or next(iter(steps.values()), ())
    )


def _programme(match: ProgrammeMatch, language: str) -> dict[str, Any]:
    programme = match.programme
    statuses, verdicts = eligibility_labels()
    return {
        "code": programme.code,
        "name": localized(programme.name, language),
        "organisation": programme.organisation,
        "kind": ProgrammeKind(programme.kind).label,
        "benefit": localized(programme.benefit, language),
        "eligible": match.eligible,
        "eligible_label": verdicts[match.eligible],
        "criteria": [
            {"status": c.status, "status_label": statuses[c.status], "reason": c.reason}
            for c in match.criteria
        ],
        "url": programme.url,
        "contact": programme.contact,
    }
