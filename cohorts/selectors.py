"""Reads, always scoped to the person asking.

A manager sees everything of their organisations, a coordinator their team's firms, a
consultant the firms assigned to them; anything else does not exist for them (a 404).
"""

from collections import Counter
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from diagnostic.models import Assessment
from recommendations.models import Action, Programme
from recommendations.selectors import roadmap_for_assessment

from .models import (
    Cohort,
    CohortAssessment,
    CohortReport,
    DataExport,
    Enrolment,
    EnrolmentStatus,
    ImportJob,
    Invitation,
    Membership,
    Organisation,
    PlannedAction,
    Referral,
    Role,
    Visit,
)
from .transfer import plain, row_dump

User = AuthUser | AnonymousUser
# Who may bring firms into a cohort from a file.
IMPORTER_ROLES = (Role.MANAGER, Role.COORDINATOR)


def memberships_for(user: User) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organisation")


def manager_memberships_for(user: User) -> QuerySet[Membership]:
    """The organisations this person manages, as their memberships, in the order offered."""
    return memberships_for(user).filter(role=Role.MANAGER).order_by("organisation__name", "pk")


def enrolments_for_user(user: User) -> QuerySet[Enrolment]:
    """The enrolments this person may see, with the status of their latest assessment."""
    if not user.is_authenticated:
        return Enrolment.objects.none()
    managed = Membership.objects.filter(user=user, role=Role.MANAGER).values("organisation")
    team = Membership.objects.filter(coordinator__user=user, coordinator__role=Role.COORDINATOR)
    # Firms whose team has this person, or a consultant of their team, as a member.
    member_of = Enrolment.members.through.objects.filter(
        Q(membership__user=user) | Q(membership__in=team.values("pk"))
    ).values("enrolment_id")
    latest = CohortAssessment.objects.filter(enrolment=OuterRef("pk"), set_aside=False).order_by(
        "-created_at"
    )
    return (
        Enrolment.objects.filter(
            Q(cohort__organisation__in=managed)
            | Q(consultant__user=user)
            | Q(consultant__in=team.values("pk"))
            | Q(pk__in=member_of)
        )
        .select_related("firm", "cohort", "consultant__user")
        .annotate(
            latest_status=Subquery(latest.values("assessment__status")[:1]),
            latest_review=Subquery(latest.values("review")[:1]),
            latest_submitted_at=Subquery(latest.values("assessment__submitted_at")[:1]),
            latest_stage=Subquery(latest.values("assessment__stage")[:1]),
        )
        .order_by("firm__name")
    )


def enrolments_assessed_by(user: User) -> QuerySet[Enrolment]:
    """The firms this person assesses as a consultant: those they lead and those whose team
    they are in (what the field app takes offline). A manager or coordinator has none."""
    if not user.is_authenticated:
        return Enrolment.objects.none()
    mine = Membership.objects.filter(user=user, role=Role.CONSULTANT).values("pk")
    in_team = Enrolment.members.through.objects.filter(membership__in=mine).values("enrolment_id")
    return Enrolment.objects.filter(Q(consultant__in=mine) | Q(pk__in=in_team))


def enrolments_reviewed_by(user: User) -> QuerySet[Enrolment]:
    """The firms whose assessments this person reviews, as `reviewer_membership` decides for
    one: every firm of the organisations they manage, and those led by their team's
    consultants when they coordinate. Nobody else's."""
    if not user.is_authenticated:
        return Enrolment.objects.none()
    managed = Membership.objects.filter(user=user, role=Role.MANAGER).values("organisation")
    coordinating = Membership.objects.filter(user=user, role=Role.COORDINATOR).values("pk")
    return Enrolment.objects.filter(
        Q(cohort__organisation__in=managed)
        | Q(
            consultant__coordinator__in=coordinating,
            consultant__coordinator__organisation=F("cohort__organisation"),
        )
    )


def enrolment_status(enrolment: Any) -> EnrolmentStatus:
    """Where the firm's work stands, from the annotations of `enrolments_for_user`."""
    if enrolment.latest_status is None:
        return EnrolmentStatus.NOT_STARTED
    if enrolment.latest_review == CohortAssessment.Review.RETURNED:
        if enrolment.latest_status == Assessment.Status.DRAFT:
            return EnrolmentStatus.RETURNED
        return EnrolmentStatus.SUBMITTED
    if enrolment.latest_status == Assessment.Status.DRAFT:
        return EnrolmentStatus.IN_PROGRESS
    submitted = enrolment.latest_submitted_at
    follow_up_after = timedelta(days=enrolment.cohort.follow_up_days)
    if submitted and timezone.now() - submitted > follow_up_after:
        return EnrolmentStatus.FOLLOW_UP_DUE
    if enrolment.latest_review == CohortAssessment.Review.REVIEWED:
        return EnrolmentStatus.REVIEWED
    return EnrolmentStatus.SUBMITTED


def enrolment_get_for_user(user: User, pk: int) -> Enrolment | None:
    return enrolments_for_user(user).filter(pk=pk).first()


def enrolment_for_user_or_404(user: User, pk: int) -> Enrolment:
    return get_object_or_404(enrolments_for_user(user), pk=pk)


def cohorts_for_user(user: User) -> QuerySet[Cohort]:
    """Cohorts of the organisations the person belongs to, in any role."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    return Cohort.objects.filter(organisation__memberships__user=user).distinct()


def cohorts_open(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    """Of these cohorts, those that take new firms, by a consultant or an import: the ones
    not closed (a closed cohort's join link says so too)."""
    return cohorts.filter(closed_on__isnull=True)


def consultant_memberships_for(user: User, cohort: Cohort) -> QuerySet[Membership]:
    """Who this person may assign a firm of the cohort to."""
    if not user.is_authenticated:
        return Membership.objects.none()
    memberships = Membership.objects.filter(organisation=cohort.organisation, role=Role.CONSULTANT)
    mine = Membership.objects.filter(user=user, organisation=cohort.organisation).first()
    if mine is None:
        return Membership.objects.none()
    if mine.role == Role.MANAGER:
        return memberships.select_related("user")
    if mine.role == Role.COORDINATOR:
        return memberships.filter(coordinator=mine).select_related("user")
    return memberships.filter(pk=mine.pk).select_related("user")


def cohort_assessments_for(enrolment: Enrolment) -> QuerySet[CohortAssessment]:
    return enrolment.assessments.select_related("assessment", "created_by").prefetch_related(
        "events__actor"
    )


def reviewer_membership(user: User, enrolment: Enrolment) -> Membership | None:
    """The membership that lets this person review the enrolment's assessments, if any.

    Managers review their organisation's; coordinators their team's; consultants never.
    """
    if not user.is_authenticated:
        return None
    membership = Membership.objects.filter(
        user=user, organisation_id=enrolment.cohort.organisation_id
    ).first()
    if membership is None or membership.role == Role.CONSULTANT:
        return None
    if membership.role == Role.COORDINATOR:
        consultant = enrolment.consultant
        if consultant is None or consultant.coordinator_id != membership.pk:
            return None
    return membership


def linked_for_user_or_404(
    user: User, enrolment_pk: int, pk: int, *, assisted_only: bool = False
) -> CohortAssessment:
    """An assessment of a firm this person may see, found only under that firm; its
    `enrolment` is the firm's as `enrolments_for_user` gives it. `assisted_only`: the ones
    the programme ran, not an owner's own diagnostic shared with it."""
    linked = enrolment_for_user_or_404(user, enrolment_pk).assessments.select_related("assessment")
    if assisted_only:
        linked = linked.filter(assessment__assisted=True)
    return get_object_or_404(linked, pk=pk)


def linked_for_reviewer_or_404(user: User, enrolment_pk: int, pk: int) -> CohortAssessment:
    """The same, for a person who reviews the firm's assessments (`reviewer_membership`)."""
    linked = linked_for_user_or_404(user, enrolment_pk, pk)
    if reviewer_membership(user, linked.enrolment) is None:
        raise Http404
    return linked


def firm_record(enrolment: Enrolment) -> dict[str, Any]:
    """Everything the organisation holds about one enrolled firm, as plain JSON-ready data."""
    linked_all = enrolment.assessments.select_related("assessment").prefetch_related(
        "assessment__answers", "assessment__notes", "events__actor"
    )
    return {
        # The firm's columns as the organisation's export writes them.
        "firm": row_dump(enrolment.firm),
        "cohort": enrolment.cohort.name,
        "organisation": enrolment.cohort.organisation.name,
        "external_id": enrolment.external_id,
        "assessments": [
            {
                "kind": linked.kind,
                "review": linked.review,
                "set_aside": linked.set_aside,
                "language": linked.assessment.language,
                "status": linked.assessment.status,
                "created_at": plain(linked.assessment.created_at),
                "submitted_at": plain(linked.assessment.submitted_at),
                "stage": linked.assessment.stage or None,
                "overall_score": linked.assessment.overall_score,
                "answers": {a.item_code: a.value for a in linked.assessment.answers.all()},
                "notes": {n.item_code: n.text for n in linked.assessment.notes.all()},
                "result": linked.assessment.result,
                "review_history": [
                    {
                        "action": event.action,
                        "by": event.actor.get_username() if event.actor else None,
                        "at": plain(event.created_at),
                        "comment": event.comment,
                    }
                    for event in linked.events.all()
                ],
            }
            for linked in linked_all
        ],
        "visits": [
            {"day": plain(visit.day), "mode": visit.mode, "notes": visit.notes}
            for visit in enrolment.visits.all()
        ],
        "consents": [
            {"text": consent.text, "language": consent.language, "at": plain(consent.consented_at)}
            for consent in enrolment.consents.all()
        ],
        "action_plan": [
            {
                "action": item.action.code,
                "target": plain(item.target),
                "status": item.status,
                "reason": item.reason,
                "agreed_on": plain(item.agreed_on),
            }
            for item in enrolment.planned_actions.select_related("action")
        ],
        "referrals": [
            {
                "programme": item.programme.code,
                "status": item.status,
                "referred_on": plain(item.referred_on),
            }
            for item in enrolment.referrals.select_related("programme")
        ],
    }


def assessment_editable_by(user: User, assessment: Assessment) -> bool:
    """An assisted assessment is changed by the firm's consultant or another member of its
    team, or whoever started it.

    Rights come from the memberships as they are now: someone who started it and has since
    left the organisation can no longer open it (`created_by` stays, as history).
    """
    if not user.is_authenticated:
        return False
    linked = (
        CohortAssessment.objects.filter(assessment=assessment)
        .select_related("enrolment__consultant", "enrolment__cohort")
        .first()
    )
    if linked is None:
        return False
    consultant = linked.enrolment.consultant
    if consultant is not None and consultant.user_id == user.pk:
        return True
    if linked.enrolment.members.filter(user=user).exists():
        return True
    return (
        linked.created_by_id == user.pk
        and Membership.objects.filter(
            user=user, organisation_id=linked.enrolment.cohort.organisation_id
        ).exists()
    )


def owner_assessment_staff_page(user: User, assessment: Assessment) -> str | None:
    """For a member of a programme that holds this owner's own diagnostic: where to read it.

    None for anyone else (the owner among them). The page is the desk's read-only one, or the
    desk itself for a member who may not see that firm.
    """
    if not user.is_authenticated or assessment.assisted:
        return None
    linked = CohortAssessment.objects.filter(
        assessment=assessment, enrolment__cohort__organisation__memberships__user=user
    ).first()
    if linked is None:
        return None
    if not enrolments_for_user(user).filter(pk=linked.enrolment_id).exists():
        return reverse("cohorts:desk")
    return reverse("cohorts:assessment", kwargs={"pk": linked.enrolment_id, "linked_pk": linked.pk})


def cohorts_managed_by(user: User) -> QuerySet[Cohort]:
    """Cohorts of the organisations this person manages: their dashboards and exports."""
    return Cohort.objects.filter(organisation__in=_managed_organisations(user)).select_related(
        "organisation"
    )


def cohort_managed_or_404(user: User, pk: int) -> Cohort:
    return get_object_or_404(cohorts_managed_by(user), pk=pk)


def _managed_organisations(user: User) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user, memberships__role=Role.MANAGER)


# --- Imports, reports and export files: whose they are -----------------------------------------


def cohorts_for_importer(user: User) -> QuerySet[Cohort]:
    """Cohorts this person may import into: as a manager or a coordinator of their organisation."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    # One membership per person and organisation, so no cohort comes twice.
    return Cohort.objects.filter(
        organisation__memberships__user=user, organisation__memberships__role__in=IMPORTER_ROLES
    ).select_related("organisation")


def cohort_for_importer_or_404(user: User, pk: int) -> Cohort:
    """A cohort this person may import into now: theirs, and not closed."""
    return get_object_or_404(cohorts_open(cohorts_for_importer(user)), pk=pk)


def import_jobs_for_user(user: User) -> QuerySet[ImportJob]:
    """Imports into the cohorts this person may import into, whoever started them."""
    return ImportJob.objects.filter(cohort__in=cohorts_for_importer(user)).select_related("cohort")


def import_job_for_user_or_404(user: User, pk: int) -> ImportJob:
    return get_object_or_404(import_jobs_for_user(user), pk=pk)


def reports_for(user: User, organisation: Organisation) -> list[CohortReport]:
    """The latest reports of an organisation this person manages, newest first."""
    managed = _managed_organisations(user).filter(pk=organisation.pk)
    return list(
        CohortReport.objects.filter(organisation__in=managed)
        .select_related("cohort")
        .order_by("-created_at")[:20]
    )


def report_for_user_or_404(user: User, pk: int) -> CohortReport:
    """A report of an organisation this person manages."""
    return get_object_or_404(
        CohortReport.objects.filter(organisation__in=_managed_organisations(user)), pk=pk
    )


def workbook_for_user_or_404(user: User, pk: int) -> DataExport:
    """An export file of a cohort this person manages."""
    return get_object_or_404(
        DataExport.objects.filter(cohort__in=cohorts_managed_by(user)).select_related("cohort"),
        pk=pk,
    )


def consultants_overseen_by(user: User) -> QuerySet[Membership]:
    """The consultants whose work this person follows: a manager's whole organisation, a
    coordinator's own team; nobody for anyone else."""
    if not user.is_authenticated:
        return Membership.objects.none()
    managed = Membership.objects.filter(user=user, role=Role.MANAGER).values("organisation")
    return (
        Membership.objects.filter(role=Role.CONSULTANT)
        .filter(
            Q(organisation__in=managed)
            | Q(coordinator__user=user, coordinator__role=Role.COORDINATOR)
        )
        .select_related("user", "organisation", "coordinator__user")
        .order_by("organisation__name", "user__first_name", "user__username")
    )


def consultant_activity(consultants: QuerySet[Membership]) -> list[dict[str, Any]]:
    """Per consultant: the firms they lead or work on in a team, their visits and hours, and
    the assessments they started, submitted, returned and reviewed: a student's own work, for
    credit, within the consultant's organisation. Five queries in all."""
    rows = list(consultants)
    firms: Counter[int] = Counter()
    for membership, n in (
        Enrolment.objects.filter(consultant__in=rows)
        .values_list("consultant")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        firms[membership] += n
    for membership, n in (
        Enrolment.members.through.objects.filter(membership__in=rows)
        .exclude(enrolment__consultant=F("membership"))
        .values_list("membership")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        firms[membership] += n
    users = [row.user_id for row in rows]
    visits = {
        (user, organisation): (n, hours)
        for user, organisation, n, hours in Visit.objects.filter(consultant__in=users)
        .values("consultant", "enrolment__cohort__organisation")
        .annotate(n=Count("pk"), hours=Sum("hours"))
        .values_list("consultant", "enrolment__cohort__organisation", "n", "hours")
    }
    reviews = {
        (user, organisation): (n, returned, reviewed)
        for user, organisation, n, returned, reviewed in CohortAssessment.objects.filter(
            created_by__in=users
        )
        .values("created_by", "enrolment__cohort__organisation")
        .annotate(
            n=Count("pk", filter=Q(assessment__status=Assessment.Status.SUBMITTED)),
            returned=Count("pk", filter=Q(review=CohortAssessment.Review.RETURNED)),
            reviewed=Count("pk", filter=Q(review=CohortAssessment.Review.REVIEWED)),
        )
        .values_list("created_by", "enrolment__cohort__organisation", "n", "returned", "reviewed")
    }
    table = []
    for row in rows:
        n_visits, hours = visits.get((row.user_id, row.organisation_id), (0, None))
        n_submitted, returned, reviewed = reviews.get((row.user_id, row.organisation_id), (0, 0, 0))
        table.append(
            {
                "membership": row,
                "firms": firms.get(row.pk, 0),
                "visits": n_visits,
                "hours": hours or 0,
                "submitted": n_submitted,
                "returned": returned,
                "reviewed": reviewed,
            }
        )
    return table


def plan_choices(enrolment: Enrolment) -> tuple[list[Action], list[Programme]]:
    """What a visit may add to the firm's plan, from its latest result's roadmap: the actions in
    priority order and the programmes it may apply to, best fitting first, leaving out those
    already in the plan (unless dropped) or referred."""
    latest = enrolment.latest_result
    if latest is None:
        return [], []
    roadmap = roadmap_for_assessment(latest, today=timezone.localdate())
    # A dropped action may be agreed again, with a new date.
    planned = set(
        enrolment.planned_actions.exclude(status=PlannedAction.Status.DROPPED).values_list(
            "action__code", flat=True
        )
    )
    referred = set(enrolment.referrals.values_list("programme__code", flat=True))
    action_codes = [chosen.code for chosen in roadmap.actions if chosen.code not in planned]
    programme_codes = [
        match.programme.code for match in roadmap.programmes if match.programme.code not in referred
    ]
    actions = {action.code: action for action in Action.objects.filter(code__in=action_codes)}
    programmes = {
        programme.code: programme
        for programme in Programme.objects.filter(code__in=programme_codes)
    }
    return (
        [actions[code] for code in action_codes if code in actions],
        [programmes[code] for code in programme_codes if code in programmes],
    )


# --- What the staff's pages list ---------------------------------------------------------------


def roles_of(user: User) -> set[str]:
    """The roles this person has, in any organisation."""
    return set(memberships_for(user).values_list("role", flat=True))


def desk_enrolments(
    user: User, *, name: str = "", cohort: Cohort | None = None
) -> QuerySet[Enrolment]:
    """The person's firms, narrowed by the desk's filters: part of the firm's name, a cohort."""
    enrolments = enrolments_for_user(user)
    if name:
        enrolments = enrolments.filter(firm__name__icontains=name)
    if cohort is not None:
        enrolments = enrolments.filter(cohort=cohort)
    return enrolments


def cohort_to_enrol_in(cohorts: QuerySet[Cohort], chosen: str) -> Cohort | None:
    """Of these cohorts, the one `chosen` names (its id as text), else the first; None when
    there are none."""
    cohort = (
        cohorts.filter(pk=int(chosen)).first() if chosen.isascii() and chosen.isdigit() else None
    )
    return cohort or cohorts.first()


def own_membership(memberships: QuerySet[Membership], user: User) -> Membership | None:
    """This person's own membership among these, if any."""
    return memberships.filter(user_id=user.pk).first() if user.is_authenticated else None


def visits_of(enrolment: Enrolment) -> QuerySet[Visit]:
    return enrolment.visits.select_related("consultant")


def planned_actions_of(enrolment: Enrolment) -> QuerySet[PlannedAction]:
    return enrolment.planned_actions.select_related("action")


def referrals_of(enrolment: Enrolment) -> QuerySet[Referral]:
    return enrolment.referrals.select_related("programme")


def planned_action_or_404(enrolment: Enrolment, pk: int) -> PlannedAction:
    return get_object_or_404(enrolment.planned_actions, pk=pk)


def referral_or_404(enrolment: Enrolment, pk: int) -> Referral:
    return get_object_or_404(enrolment.referrals, pk=pk)


def invitation_by_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("organisation").filter(token=token[:64]).first()


def cohort_by_join_code(code: str) -> Cohort | None:
    return Cohort.objects.select_related("organisation").filter(join_code=code.upper()[:12]).first()


def cohorts_of(organisation: Organisation) -> QuerySet[Cohort]:
    """An organisation's cohorts, the open ones first (for its manager)."""
    return Cohort.objects.filter(organisation=organisation).order_by("closed_on", "name")


def members_with_role(organisation: Organisation, role: str) -> QuerySet[Membership]:
    """An organisation's people in one role, by name (for its manager)."""
    return (
        Membership.objects.filter(organisation=organisation, role=role)
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )
