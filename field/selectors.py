"""Reads for the field app, always scoped to the person asking through cohorts.selectors:
a consultant's firms for the bundle and uploads, a reviewer's firms for the conflicts."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import translation

from cohorts.models import CohortAssessment, Enrolment
from cohorts.selectors import User, enrolments_assessed_by, enrolments_reviewed_by
from diagnostic.answers import clean_answers
from diagnostic.client_rules import instrument_for_client
from diagnostic.models import Answer, Assessment, Firm, Instrument
from diagnostic.places import subdivision_name
from diagnostic.scoring import SCORING_VERSION
from diagnostic.selectors import instrument_spec
from diagnostic.sizes import size_band
from diagnostic.stages import stage_rules_for
from recommendations.catalogue import FirmProfile
from recommendations.client_rules import roadmap_rules
from recommendations.selectors import catalogue_current

from .bundle import (
    action_entry,
    offered_programmes,
    programme_entry,
    provider_entry,
    serving_providers,
)
from .models import Conflict

# The firm's profile as the bundle gives it, what eligibility and scoring read: all of it but
# its name (given apart) and how to reach its people (never taken offline).
PROFILE_FIELDS = tuple(
    name
    for name in Firm.PROFILE_FIELDS
    if name not in {"name", "owner_name", "contact_email", "phone"}
)


def field_bundle(
    user: User, *, instrument: Instrument, language: str, today: date
) -> dict[str, Any]:
    """Everything the consultant's phone needs offline: their firms with the answers of each
    one's latest result, the instrument new assessments use, and the part of the catalogue
    their firms' roadmaps can draw on. The same few queries, whatever the number of firms."""
    enrolments = list(
        enrolments_assessed_by(user)
        .select_related("firm", "cohort__organisation", "latest_result__cohort_link")
        .defer("latest_result__result")
        .order_by("firm__name", "pk")
    )
    spec = instrument_spec(instrument)
    latest_ids = [e.latest_result_id for e in enrolments if e.latest_result_id is not None]
    stored: dict[int, dict[str, Any]] = {}
    for assessment_id, code, value in Answer.objects.filter(
        assessment_id__in=latest_ids
    ).values_list("assessment_id", "item_code", "value"):
        stored.setdefault(assessment_id, {})[code] = value
    codes = dict(Instrument.objects.values_list("pk", "code"))
    cohorts = {e.cohort_id: e.cohort for e in enrolments}
    places = {
        (str(e.firm.country), e.firm.region, e.firm.municipality): FirmProfile(
            country=str(e.firm.country) or None,
            region=e.firm.region or None,
            municipality=e.firm.municipality or None,
        )
        for e in enrolments
    }
    catalogue = catalogue_current().seen_by(
        frozenset(cohort.organisation_id for cohort in cohorts.values())
    )
    programmes = offered_programmes(catalogue.programmes, list(places.values()), today=today)
    providers = serving_providers(catalogue.providers, list(places.values()))
    return {
        "language": language,
        "instrument": {
            "code": instrument.code,
            "checksum": instrument.checksum,
            "scoring_version": SCORING_VERSION,
            "stage_rules": stage_rules_for(instrument.code),
            "definition": instrument.definition,
            # What the phone's rules (static/field/rules/) score and place answers with.
            "rules": instrument_for_client(spec),
        },
        "cohorts": [
            {
                "id": cohort.pk,
                "name": cohort.name,
                "organisation": cohort.organisation.name,
                "follow_up_days": cohort.follow_up_days,
            }
            for cohort in sorted(cohorts.values(), key=lambda cohort: cohort.pk)
        ],
        "firms": [
            _firm_entry(enrolment, stored, codes, spec, language) for enrolment in enrolments
        ],
        "catalogue": {
            "version": catalogue.version,
            "actions": [action_entry(action) for action in catalogue.actions],
            "programmes": [programme_entry(programme) for programme in programmes],
            "providers": [provider_entry(provider) for provider in providers],
            # What the phone's roadmap (static/field/rules/roadmap.js) plans with, besides
            # the entries above: tables, reasons' templates, names and number formats.
            "rules": _roadmap_rules(
                language,
                programmes=programmes,
                providers=providers,
                countries=[str(e.firm.country) for e in enrolments],
                currencies=[e.firm.currency for e in enrolments if e.firm.currency],
            ),
        },
    }


def _roadmap_rules(language: str, **entries: Any) -> dict[str, Any]:
    """The roadmap rules' document with reasons, names and dates in the bundle's language."""
    with translation.override(language):
        return roadmap_rules(**entries)


def _firm_entry(
    enrolment: Enrolment,
    stored: dict[int, dict[str, Any]],
    codes: dict[int, str],
    spec: Any,
    language: str,
) -> dict[str, Any]:
    firm = enrolment.firm
    profile: dict[str, Any] = {name: getattr(firm, name) for name in PROFILE_FIELDS}
    profile["country"] = str(firm.country)
    if firm.annual_turnover is not None:
        profile["annual_turnover"] = str(firm.annual_turnover)
    latest = enrolment.latest_result
    return {
        "id": firm.pk,
        "enrolment_id": enrolment.pk,
        "cohort_id": enrolment.cohort_id,
        "external_id": enrolment.external_id,
        "name": firm.name,
        "region_name": subdivision_name(firm.region, language) if firm.region else "",
        "size": size_band(firm.employees),
        "profile": profile,
        "latest_assessment": None
        if latest is None
        else {
            "id": latest.pk,
            "kind": latest.cohort_link.kind,
            "submitted_at": latest.submitted_at.isoformat() if latest.submitted_at else None,
            "instrument": codes.get(latest.instrument_id, ""),
            "stage": latest.stage or None,
            "overall": latest.overall_score,
            # As the current instrument takes them, to start a follow-up from: answers to
            # questions it no longer asks, or no longer offers, are left out.
            "answers": {
                code: list(value) if isinstance(value, tuple) else value
                for code, value in clean_answers(spec, stored.get(latest.pk, {}), language)[
                    0
                ].items()
            },
        },
    }


# --- Uploads --------------------------------------------------------------------------------


def upload_enrolments(user: User, *, firm_id: int, enrolment_id: int | None) -> list[Enrolment]:
    """The consultant's enrolments of this firm (at most two: one is the answer, two mean the
    upload must say which); none for a firm they do not assess."""
    enrolments = enrolments_assessed_by(user).filter(firm_id=firm_id)
    if enrolment_id is not None:
        enrolments = enrolments.filter(pk=enrolment_id)
    return list(enrolments.select_related("firm", "cohort").order_by("pk")[:2])


def instrument_by_code(code: str) -> Instrument | None:
    return Instrument.objects.filter(code=code).first()


def based_on_for(enrolment: Enrolment, assessment_id: int | None) -> Assessment | None:
    """The firm's assessment the phone knew of, if it is one of this enrolment's."""
    if assessment_id is None:
        return None
    return Assessment.objects.filter(pk=assessment_id, cohort_link__enrolment=enrolment).first()


def assessment_by_client_id(client_id: UUID) -> Assessment | None:
    """The assessment a device gave this id, with its upload record (if it came that way)."""
    return _with_upload_record().filter(client_id=client_id).first()


def assessment_uploaded(client_id: UUID) -> Assessment:
    """The assessment stored for this upload, as the answer to the phone describes it."""
    return _with_upload_record().get(client_id=client_id)


def _with_upload_record() -> QuerySet[Assessment]:
    return Assessment.objects.select_related("offline", "cohort_link", "instrument").defer(
        "instrument__definition"
    )


def result_after(firm_id: int, moment: datetime, *, but: Assessment) -> bool:
    """Whether the firm has a result, other than `but`, submitted after `moment`."""
    return (
        Assessment.objects.filter(
            firm_id=firm_id,
            status=Assessment.Status.SUBMITTED,
            submitted_at__gt=moment,
        )
        .exclude(pk=but.pk)
        .exists()
    )


def rivals_of(
    linked: CohortAssessment, *, based_on: Assessment | None, user: User
) -> list[CohortAssessment]:
    """The firm's other results that the phone did not know of when its work began: submitted
    since `based_on` (every one, when it knew none) and counting, made by someone else or sent
    from a phone as well (two offline assessments overlap whoever made them)."""
    others = CohortAssessment.objects.filter(
        enrolment_id=linked.enrolment_id,
        assessment__status=Assessment.Status.SUBMITTED,
        set_aside=False,
    ).exclude(pk=linked.pk)
    if based_on is not None:
        others = others.exclude(assessment=based_on)
        if based_on.submitted_at is not None:
            others = others.filter(assessment__submitted_at__gt=based_on.submitted_at)
    return list(
        others.filter(~Q(created_by=user.pk) | Q(assessment__offline__isnull=False)).order_by("pk")
    )


def conflicts_of(linked: CohortAssessment) -> list[tuple[int, int]]:
    """The conflicts an upload was found in, as (conflict id, the other assessment's id)."""
    return list(
        Conflict.objects.filter(uploaded=linked)
        .order_by("pk")
        .values_list("pk", "other__assessment_id")
    )


# --- Conflicts ------------------------------------------------------------------------------


def conflicts_for_reviewer(user: User) -> QuerySet[Conflict]:
    """The conflicts of the firms whose assessments this person reviews: a manager's whole
    organisation, a coordinator's team."""
    return (
        Conflict.objects.filter(enrolment__in=enrolments_reviewed_by(user))
        .select_related(
            "enrolment__firm",
            "enrolment__cohort",
            "uploaded__assessment__offline",
            "uploaded__created_by",
            "other__assessment__offline",
            "other__created_by",
            "settled_by",
        )
        .defer("uploaded__assessment__result", "other__assessment__result")
    )


def open_conflicts_for(user: User) -> QuerySet[Conflict]:
    return conflicts_for_reviewer(user).filter(settled_at__isnull=True).order_by("found_at", "pk")


def settled_conflicts_for(user: User, *, limit: int = 20) -> list[Conflict]:
    """The latest conflicts settled, newest first: what was decided, by whom."""
    return list(
        conflicts_for_reviewer(user)
        .filter(settled_at__isnull=False)
        .order_by("-settled_at")[:limit]
    )


def conflict_for_reviewer_or_404(user: User, pk: int) -> Conflict:
    return get_object_or_404(conflicts_for_reviewer(user), pk=pk)
