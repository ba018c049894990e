"""Writes for organisations and cohorts; callers pass only what the person may reach."""

import secrets
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Replace
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from diagnostic.jobs import job_enqueue
from diagnostic.models import Answer, Assessment, Firm, OutboundEmail
from diagnostic.services import assessment_start, firm_profile_save
from diagnostic.tasks import send_outbound_email

from .models import (
    Cohort,
    CohortAssessment,
    Enrolment,
    Invitation,
    JoinConsent,
    Membership,
    Organisation,
    Profile,
    ReviewEvent,
    Visit,
    new_join_code,
)


class AssessmentInProgress(Exception):
    """The firm has a draft already, or the assessment has a correction already."""


class InvitationUnusable(Exception):
    """The invitation was accepted already or has expired."""


class InvitationForAnotherAddress(Exception):
    """The signed-in account's e-mail is not the one the invitation was sent to."""


class AccountExists(Exception):
    """Signed out, but the invited e-mail has an account already: log in with it to accept."""


def firm_enrol(
    *, cohort: Cohort, profile: dict, consultant: Membership | None, external_id: str = ""
) -> Enrolment:
    with transaction.atomic():
        firm = Firm.objects.create(**profile)
        return Enrolment.objects.create(
            cohort=cohort, firm=firm, consultant=consultant, external_id=external_id
        )


def cohort_assessment_start(*, enrolment: Enrolment, user: User, language: str) -> CohortAssessment:
    """A baseline, or a follow-up that starts from the last submitted answers.

    People pressing Start at once queue on the enrolment's row lock: the first starts the
    draft, the others find it and get AssessmentInProgress.
    """
    with transaction.atomic():
        Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        linked_all = CohortAssessment.objects.filter(enrolment_id=enrolment.pk)
        if linked_all.filter(assessment__status=Assessment.Status.DRAFT).exists():
            raise AssessmentInProgress
        previous = (
            linked_all.filter(assessment__status=Assessment.Status.SUBMITTED)
            .select_related("assessment")
            .order_by("created_at", "pk")
            .last()
        )
        assessment = assessment_start(language=language)
        assessment.firm = enrolment.firm
        assessment.assisted = True
        assessment.prefilled = previous is not None
        assessment.save(update_fields=["firm", "assisted", "prefilled", "updated_at"])
        if previous is not None:
            Answer.objects.bulk_create(
                Answer(assessment=assessment, item_code=answer.item_code, value=answer.value)
                for answer in previous.assessment.answers.all()
            )
        kind = CohortAssessment.Kind.FOLLOW_UP if previous else CohortAssessment.Kind.BASELINE
        return CohortAssessment.objects.create(
            assessment=assessment, enrolment=enrolment, kind=kind, created_by=user
        )


def visit_log(
    *, enrolment: Enrolment, user: User, day: date, mode: str, hours: Decimal, notes: str
) -> Visit:
    return Visit.objects.create(
        enrolment=enrolment, consultant=user, day=day, mode=mode, hours=hours, notes=notes
    )


def profile_set_language(*, user: User, language: str) -> Profile:
    profile, _created = Profile.objects.update_or_create(user=user, defaults={"language": language})
    return profile


def invitation_create(
    *,
    membership: Membership,
    email: str,
    role: str,
    coordinator: Membership | None,
    link_for: Callable[[Invitation], str],
) -> Invitation:
    """Invite someone to the inviting manager's organisation, by e-mail in the site language."""
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organisation=membership.organisation,
            email=email,
            role=role,
            coordinator=coordinator,
            token=secrets.token_urlsafe(32),
            invited_by=membership.user,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
        )
        language = translation.get_language() or settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                "invitation": invitation,
                "link": link_for(invitation),
                "days": settings.INVITATION_DAYS,
            }
            subject = _("You are invited to %(organisation)s on Ruta Digital") % {
                "organisation": invitation.organisation.name
            }
            body = render_to_string("cohorts/email/invitation.txt", context)
        email_row = OutboundEmail.objects.create(to=email, subject=subject, body=body)
        job_enqueue(send_outbound_email, email_row.pk)
    return invitation


def invitation_usable(invitation: Invitation) -> bool:
    return invitation.accepted_at is None and invitation.expires_at > timezone.now()


def invitation_is_for(invitation: Invitation, user: User) -> bool:
    """Whoever holds the link, only the account of the invited e-mail may accept it."""
    return bool(user.email) and user.email.lower() == invitation.email.lower()


def invitation_accept(
    *, invitation: Invitation, user: User | None, password: str = "", language: str
) -> tuple[Membership, bool]:
    """Join the organisation: with the signed-in account, or a new one for the invited e-mail.

    Returns the membership and whether it is new: a member already keeps the role they have.
    """
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation_usable(locked):
            raise InvitationUnusable
        if user is None:
            user = _invited_account_create(email=locked.email, password=password, language=language)
        elif not invitation_is_for(locked, user):
            raise InvitationForAnotherAddress
        membership, created = Membership.objects.get_or_create(
            user=user,
            organisation=locked.organisation,
            defaults={"role": locked.role, "coordinator": locked.coordinator},
        )
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
    return membership, created


def _invited_account_create(*, email: str, password: str, language: str) -> User:
    accounts = get_user_model().objects
    if accounts.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
        raise AccountExists
    try:
        with transaction.atomic():
            user = accounts.create_user(username=email.lower(), email=email, password=password)
    except IntegrityError as error:  # made a moment ago through another invitation
        raise AccountExists from error
    profile_set_language(user=user, language=language)
    return user


class NotReviewable(Exception):
    """Only a submitted assessment can be returned or reviewed, and a reviewed one is locked."""


class OwnersOwn(NotReviewable):
    """An owner's own diagnostic is shared for reading: only its owner changes it."""


def assessment_return(*, linked: CohortAssessment, actor: User, comment: str) -> None:
    """Send a submitted assessment back to its consultant, who edits and resubmits it.

    Like Start, it takes the enrolment's row lock: a firm never has two drafts open.
    """
    if not linked.assessment.assisted:
        raise OwnersOwn
    with transaction.atomic():
        Enrolment.objects.select_for_update().get(pk=linked.enrolment_id)
        if linked.review == CohortAssessment.Review.REVIEWED:
            raise NotReviewable
        drafts = CohortAssessment.objects.filter(
            enrolment_id=linked.enrolment_id, assessment__status=Assessment.Status.DRAFT
        )
        if drafts.exists():
            raise AssessmentInProgress
        reopened = Assessment.objects.filter(
            pk=linked.assessment_id, status=Assessment.Status.SUBMITTED
        ).update(status=Assessment.Status.DRAFT, last_step="review", updated_at=timezone.now())
        if not reopened:
            raise NotReviewable
        CohortAssessment.objects.filter(pk=linked.pk).update(
            review=CohortAssessment.Review.RETURNED
        )
        enrolment_results_refresh(enrolments=Enrolment.objects.filter(pk=linked.enrolment_id))
        ReviewEvent.objects.create(
            cohort_assessment=linked,
            actor=actor,
            action=ReviewEvent.Action.RETURNED,
            comment=comment,
        )


def assessment_mark_reviewed(*, linked: CohortAssessment, actor: User) -> None:
    """Lock a submitted assessment as reviewed; a later change needs a new revision."""
    with transaction.atomic():
        locked = CohortAssessment.objects.select_for_update().get(pk=linked.pk)
        submitted = Assessment.objects.filter(
            pk=locked.assessment_id, status=Assessment.Status.SUBMITTED
        ).exists()
        if not submitted or locked.review == CohortAssessment.Review.REVIEWED:
            raise NotReviewable
        locked.review = CohortAssessment.Review.REVIEWED
        locked.save(update_fields=["review"])
        ReviewEvent.objects.create(
            cohort_assessment=locked, actor=actor, action=ReviewEvent.Action.REVIEWED
        )


def assessment_correct(*, linked: CohortAssessment, actor: User, language: str) -> CohortAssessment:
    """A new revision of a reviewed assessment, starting from its answers.

    People correcting at once queue on the reviewed row's lock; only the first makes the
    correction, the others get AssessmentInProgress (one_correction_per_assessment).
    """
    try:
        with transaction.atomic():
            locked = (
                CohortAssessment.objects.select_for_update(of=("self",))
                .select_related("assessment", "enrolment__firm")
                .get(pk=linked.pk)
            )
            if locked.review != CohortAssessment.Review.REVIEWED:
                raise NotReviewable
            if CohortAssessment.objects.filter(corrects=locked).exists():
                raise AssessmentInProgress
            assessment = assessment_start(language=language)
            assessment.firm = locked.enrolment.firm
            assessment.assisted = True
            assessment.prefilled = True
            assessment.save(update_fields=["firm", "assisted", "prefilled", "updated_at"])
            Answer.objects.bulk_create(
                Answer(assessment=assessment, item_code=answer.item_code, value=answer.value)
                for answer in locked.assessment.answers.all()
            )
            revision = CohortAssessment.objects.create(
                assessment=assessment,
                enrolment=locked.enrolment,
                kind=locked.kind,
                created_by=actor,
                corrects=locked,
            )
            ReviewEvent.objects.create(
                cohort_assessment=locked, actor=actor, action=ReviewEvent.Action.REOPENED
            )
    except IntegrityError:
        raise AssessmentInProgress from None
    return revision


def cohort_join(*, cohort: Cohort, profile: dict, consent_text: str, language: str) -> Assessment:
    """An owner's own diagnostic, started inside a cohort with their recorded consent."""
    with transaction.atomic():
        assessment = assessment_start(language=language)
        firm = firm_profile_save(
            assessment=assessment, profile=profile, step="readiness", language=language
        )
        enrolment = Enrolment.objects.create(cohort=cohort, firm=firm)
        CohortAssessment.objects.create(
            assessment=assessment, enrolment=enrolment, kind=CohortAssessment.Kind.BASELINE
        )
        JoinConsent.objects.create(
            enrolment=enrolment, assessment=assessment, text=consent_text, language=language
        )
    return assessment


def enrolment_results_refresh(*, enrolments: QuerySet[Enrolment]) -> None:
    """Store each enrolment's first and latest submitted result, with their stage and score.

    The one place that decides them: by submission time (then by link, for results submitted
    in the same instant). Every write that submits, reopens, links or unlinks a result calls
    it inside its own transaction; dashboards and reports only read what it stores.
    """
    Enrolment.objects.filter(pk__in=enrolments.values("pk")).update(**_refresh_columns())


@cache
def _refresh_columns() -> dict[str, Any]:
    """Every `first_…` and `latest_…` column's value as SQL, the same for every refresh: built
    once per process, since building its fourteen subqueries costs milliseconds each time
    (Django copies expressions when it uses them)."""
    submitted = CohortAssessment.objects.filter(
        enrolment=OuterRef("pk"), assessment__status=Assessment.Status.SUBMITTED
    )
    columns: dict[str, Any] = {}
    for end, order in (
        ("first", ("assessment__submitted_at", "pk")),
        ("latest", ("-assessment__submitted_at", "-pk")),
    ):
        for name, value in result_columns(submitted.order_by(*order)).items():
            columns[f"{end}_{name}"] = value
    return columns


def result_columns(chosen: QuerySet[CohortAssessment]) -> dict[str, Any]:
    """What an enrolment keeps of the result that `chosen` (an ordered set of an enrolment's
    cohort assessments, OuterRef("pk") being the enrolment) gives first: Enrolment's
    `<end>_result…` fields without their "first_" or "latest_"."""
    share = Answer.objects.filter(
        assessment=OuterRef("assessment_id"), item_code="online_sales_share"
    ).values("value")[:1]
    # The answer is a JSON string ("10_to_25"): its text without the quotes, on both databases.
    chosen = chosen.annotate(
        online_share=Replace(Cast(Subquery(share), CharField()), Value('"'), Value(""))
    )

    def read(path: str) -> Subquery:
        return Subquery(chosen.values(path)[:1])

    return {
        "result": read("assessment_id"),
        "result_stage": Coalesce(read("assessment__stage"), Value("")),
        "result_overall": read("assessment__overall_score"),
        "result_employees": read("assessment__employees"),
        "result_turnover": read("assessment__annual_turnover"),
        "result_currency": Coalesce(read("assessment__currency"), Value("")),
        "result_online_share": Coalesce(read("online_share"), Value("")),
    }


def assessment_results_refresh(*, assessment_id: int) -> None:
    """After a submit (settings.ON_SUBMIT): the enrolments the assessment is linked to, if
    any (an owner's own diagnostic is in no cohort: one small query, no update)."""
    linked = list(
        CohortAssessment.objects.filter(assessment_id=assessment_id).values_list(
            "enrolment_id", flat=True
        )
    )
    if linked:
        enrolment_results_refresh(enrolments=Enrolment.objects.filter(pk__in=linked))


def enrolment_withdraw(*, assessment: Assessment) -> None:
    """An owner deletes the diagnostic they shared: the programme's copy of it goes too.

    The enrolment their consent made goes, with its consent, visits and cohort record. But
    once the programme has assessed the firm itself (consultant-run assessments), those are
    the programme's own record: they stay, and only the owner's diagnostic and consent go.
    """
    consent = JoinConsent.objects.filter(assessment=assessment).select_related("enrolment").first()
    if consent is None:
        return
    enrolment = consent.enrolment
    if not enrolment.assessments.filter(assessment__assisted=True).exists():
        enrolment.delete()
    else:
        enrolment.assessments.filter(assessment=assessment).delete()
        enrolment_results_refresh(enrolments=Enrolment.objects.filter(pk=enrolment.pk))


def cohort_create(*, organisation: Organisation, **fields: Any) -> Cohort:
    return Cohort.objects.create(organisation=organisation, **fields)


def cohort_update(*, cohort: Cohort, closed: bool, new_join_code: bool, **fields: Any) -> Cohort:
    """Save a cohort's settings; closing keeps the day it closed, a new code replaces the old."""
    for name, value in fields.items():
        setattr(cohort, name, value)
    if closed and cohort.closed_on is None:
        cohort.closed_on = timezone.localdate()
    elif not closed:
        cohort.closed_on = None
    if new_join_code:
        cohort.join_code = new_join_code_unused()
    cohort.save()
    return cohort


def new_join_code_unused() -> str:
    code = new_join_code()
    while Cohort.objects.filter(join_code=code).exists():
        code = new_join_code()
    return code


def teams_set(*, teams: dict[Membership, Membership | None]) -> None:
    """Put each consultant in the team of the coordinator given (None: in no team)."""
    with transaction.atomic():
        for consultant, coordinator in teams.items():
            if consultant.coordinator_id != (coordinator.pk if coordinator else None):
                consultant.coordinator = coordinator
                consultant.save(update_fields=["coordinator"])


def enrolment_reassign(
    *, enrolment: Enrolment, consultant: Membership, members: list[Membership] | None = None
) -> None:
    """Hand the firm to `consultant`, as the lead of a team of `members` (none: the lead alone)."""
    with transaction.atomic():
        enrolment.consultant = consultant
        enrolment.save(update_fields=["consultant"])
        enrolment.members.set([member for member in members or [] if member != consultant])
