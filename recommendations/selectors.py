"""Reads of the catalogue, as one consistent, versioned snapshot of plain data."""

import hashlib
import threading
from datetime import date

from django.db.models import Count, Max

from diagnostic.models import Assessment, Firm
from diagnostic.selectors import answers_for

from .catalogue import Catalogue
from .models import Action, Programme, Provider, RoadmapPDF
from .records import action_spec, firm_profile, programme_spec, provider_spec
from .roadmap import Roadmap, plan_roadmap
from .rules import facts_from_stored

_snapshots: dict[str, Catalogue] = {}
_lock = threading.Lock()


def catalogue_version() -> str:
    """Changes whenever an active entry is added, edited, deactivated or deleted."""
    parts = []
    for model in (Action, Programme, Provider):
        summary = model.objects.filter(active=True).aggregate(
            count=Count("id"), latest=Max("updated_at")
        )
        latest = summary["latest"].isoformat() if summary["latest"] else "-"
        parts.append(f"{model.__name__}:{summary['count']}:{latest}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def catalogue_current() -> Catalogue:
    """The active catalogue; cached per process for as long as its version holds."""
    version = catalogue_version()
    snapshot = _snapshots.get(version)
    if snapshot is None:
        snapshot = Catalogue(
            version=version,
            actions=tuple(action_spec(row) for row in Action.objects.filter(active=True)),
            programmes=tuple(programme_spec(row) for row in Programme.objects.filter(active=True)),
            providers=tuple(provider_spec(row) for row in Provider.objects.filter(active=True)),
        )
        with _lock:
            _snapshots.clear()
            _snapshots[version] = snapshot
    return snapshot


def roadmap_pdf_for(assessment_id: int, language: str, version: str) -> RoadmapPDF | None:
    return RoadmapPDF.objects.filter(
        assessment_id=assessment_id, language=language, catalogue_version=version
    ).first()


def roadmap_for_assessment(assessment: Assessment, *, today: date) -> Roadmap:
    """The roadmap of a submitted assessment, in the active language, from its stored result."""
    answers = {
        code: tuple(v) if isinstance(v, list) else v for code, v in answers_for(assessment).items()
    }
    facts = facts_from_stored(answers, assessment.result or {}, firm_profile(assessment.firm))
    catalogue = catalogue_current().seen_by(organisations_of(assessment.firm))
    return plan_roadmap(catalogue=catalogue, facts=facts, language=assessment.language, today=today)


def organisations_of(firm: Firm | None) -> frozenset[int]:
    """The organisations whose cohorts the firm is in: their own programmes and providers
    are offered to it beside the site's."""
    if firm is None:
        return frozenset()
    return frozenset(firm.enrolments.values_list("cohort__organisation_id", flat=True))
