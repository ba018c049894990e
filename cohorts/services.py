"""Writes for organisations and cohorts; callers pass only what the person may reach."""

import secrets
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from itertools import batched
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Replace
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from diagnostic.models import Answer, Assessment, Firm, Score
from diagnostic.services import (
    assessment_reopen,
    assessment_start,
    assessment_start_assisted,
    email_queue,
    firm_profile_save,
)
from recommendations.models import Action, Programme

from .models import (
    Cohort,
    CohortAssessment,
    Enrolment,
    Invitation,
    JoinConsent,
    Membership,
    Organisation,
    PlannedAction,
    Profile,
    Referral,
    ReviewEvent,
    ScoreTally,
    Visit,
    new_join_code,
)

# Rows per statement when tallies change: well under SQLite's limit on parameters.
TALLY_BATCH = 500


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
            linked_all.filter(assessment__status=Assessment.Status.SUBMITTED, set_aside=False)
            .select_related("assessment")
            .order_by("created_at", "pk")
            .last()
        )
        assessment = assessment_start_assisted(
            firm=enrolment.firm,
            language=language,
            answers_from=previous.assessment if previous is not None else None,
        )
        kind = CohortAssessment.Kind.FOLLOW_UP if previous else CohortAssessment.Kind.BASELINE
        return CohortAssessment.objects.create(
            assessment=assessment, enrolment=enrolment, kind=kind, created_by=user
        )


def cohort_assessment_link(
    *, enrolment: Enrolment, assessment: Assessment, kind: str, user: User
) -> CohortAssessment:
    """Make a submitted assessment stored elsewhere (one made offline in the field app) the
    firm's baseline or follow-up, and refresh the firm's results.

    It takes the enrolment's row lock until the caller's transaction ends, so what the caller
    reads of the firm's other assessments next is not changing under it.
    """
    with transaction.atomic():
        Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        linked = CohortAssessment.objects.create(
            assessment=assessment, enrolment=enrolment, kind=kind, created_by=user
        )
        enrolment_results_refresh(enrolments=Enrolment.objects.filter(pk=enrolment.pk))
    return linked


def cohort_assessments_settle(
    *, counted: list[CohortAssessment], set_aside: list[CohortAssessment], actor: User
) -> None:
    """A coordinator decides which of a firm's assessments made at the same time count for its
    record: those `counted` do, those `set_aside` stay (nothing is deleted) but leave its first
    and latest results, the dashboards and the exports. Each gets a line in its history."""
    linked_all = [*counted, *set_aside]
    with transaction.atomic():
        enrolments = Enrolment.objects.filter(pk__in={linked.enrolment_id for linked in linked_all})
        list(enrolments.order_by("pk").select_for_update().values_list("pk"))
        CohortAssessment.objects.filter(pk__in=[linked.pk for linked in counted]).update(
            set_aside=False
        )
        CohortAssessment.objects.filter(pk__in=[linked.pk for linked in set_aside]).update(
            set_aside=True
        )
        ReviewEvent.objects.bulk_create(
            [
                ReviewEvent(cohort_assessment=linked, actor=actor, action=action)
                for group, action in (
                    (counted, ReviewEvent.Action.COUNTED),
                    (set_aside, ReviewEvent.Action.SET_ASIDE),
                )
                for linked in group
            ]
        )
        enrolment_results_refresh(enrolments=enrolments)


def visit_log(
    *, enrolment: Enrolment, user: User, day: date, mode: str, hours: Decimal, notes: str
) -> Visit:
    return Visit.objects.create(
        enrolment=enrolment, consultant=user, day=day, mode=mode, hours=hours, notes=notes
    )


def plan_agree(*, enrolment: Enrolment, user: User, targets: dict[Action, date], day: date) -> None:
    """At a visit the owner agrees to take these roadmap actions, each by its target date."""
    with transaction.atomic():
        for action, target in targets.items():
            PlannedAction.objects.update_or_create(
                enrolment=enrolment,
                action=action,
                defaults={
                    "target": target,
                    "status": PlannedAction.Status.PLANNED,
                    "reason": "",
                    "agreed_on": day,
                    "created_by": user,
                },
            )


def planned_action_update(*, planned: PlannedAction, status: str, reason: str) -> None:
    """How an agreed action went; only a dropped one keeps why."""
    planned.status = status
    planned.reason = reason if status == PlannedAction.Status.DROPPED else ""
    planned.save(update_fields=["status", "reason", "updated_at"])


def referral_record(
    *, enrolment: Enrolment, user: User, programme: Programme, status: str, day: date
) -> Referral:
    referral, _created = Referral.objects.update_or_create(
        enrolment=enrolment,
        programme=programme,
        defaults={"status": status, "referred_on": day, "created_by": user},
    )
    return referral


def referral_update(*, referral: Referral, status: str) -> None:
    referral.status = status
    referral.save(update_fields=["status", "updated_at"])


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
        email_queue(to=email, subject=subject, body=body)
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
        if not assessment_reopen(assessment_id=linked.assessment_id):
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
            assessment = assessment_start_assisted(
                firm=locked.enrolment.firm, language=language, answers_from=locked.assessment
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
    in the same instant), leaving out the results set aside (`cohort_assessments_settle`).
    Every write that submits, reopens, links, unlinks or sets aside a result calls it inside
    its own transaction; dashboards and reports only read what it stores.
    """
    chosen = Enrolment.objects.filter(pk__in=enrolments.values("pk"))
    with transaction.atomic():
        # Locked first, lowest first: two refreshes of a firm at once never count a result twice.
        before = {
            pk: (cohort, result)
            for pk, cohort, result in chosen.order_by("pk")
            .select_for_update()
            .values_list("pk", "cohort_id", "latest_result_id")
        }
        chosen.update(**_refresh_columns())
        after = chosen.values_list("pk", "latest_result_id")
        score_tallies_move(
            [(before[pk][0], before[pk][1], latest) for pk, latest in after if pk in before]
        )


def enrolment_delete(*, enrolment: Enrolment) -> None:
    """Delete an enrolment with its links, consent and visits: its latest result leaves the
    cohort's tallies."""
    with transaction.atomic():
        latest = (
            Enrolment.objects.select_for_update()
            .values_list("latest_result_id", flat=True)
            .get(pk=enrolment.pk)
        )
        score_tallies_move([(enrolment.cohort_id, latest, None)])
        enrolment.delete()


def score_tallies_move(moves: list[tuple[int, int | None, int | None]]) -> None:
    """Firms' latest results change: for each (cohort, before, after), the scores of the
    assessment `before` leave the cohort's ScoreTally and those of `after` join it.

    Scores never change while an assessment is a latest result (a resubmit stores new ones
    only after a return has made another result the latest), so what leaves is what joined.
    The counts change in the database (firms = firms + change) in key order: concurrent
    submits in a cohort neither lose a count nor deadlock.
    """
    joins: dict[int, list[tuple[int, int]]] = {}
    for cohort, before, after in moves:
        if before == after:
            continue
        for assessment, sign in ((before, -1), (after, 1)):
            if assessment is not None:
                joins.setdefault(assessment, []).append((cohort, sign))
    change: Counter[tuple[int, str, str, int]] = Counter()
    for some in batched(sorted(joins), TALLY_BATCH):
        scores = Score.objects.filter(assessment_id__in=some).values_list(
            "assessment_id", "kind", "code", "value"
        )
        for assessment, kind, code, value in scores:
            for cohort, sign in joins[assessment]:
                change[(cohort, kind, code, value)] += sign
    rows = sorted((*key, n) for key, n in change.items() if n)
    table = connection.ops.quote_name(ScoreTally._meta.db_table)
    with connection.cursor() as cursor:
        for some_rows in batched(rows, TALLY_BATCH):
            # The same upsert on SQLite and PostgreSQL (Django's bulk_create can set a count but
            # not add to it); only the table's name and placeholders are put into the text.
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(some_rows))
            cursor.execute(
                f"INSERT INTO {table} (cohort_id, kind, code, value, firms) VALUES {values} "  # noqa: S608
                "ON CONFLICT (cohort_id, kind, code, value) "
                f"DO UPDATE SET firms = {table}.firms + excluded.firms",
                [part for row in some_rows for part in row],
            )


def score_tallies_count(cohorts: QuerySet[Cohort]) -> dict[tuple[int, str, str, int], int]:
    """The cohorts' score histograms counted afresh from their firms' latest results, keyed as
    ScoreTally is: what the tallies must hold."""
    rows = (
        Enrolment.objects.filter(cohort__in=cohorts, latest_result__scores__isnull=False)
        .values_list(
            "cohort_id",
            "latest_result__scores__kind",
            "latest_result__scores__code",
            "latest_result__scores__value",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(cohort, kind, code, value): n for cohort, kind, code, value, n in rows}


def score_tallies_differing(cohorts: QuerySet[Cohort]) -> list[Cohort]:
    """The cohorts whose tallies differ from a fresh count of their firms' latest results."""
    counted = score_tallies_count(cohorts)
    held = {
        (cohort, kind, code, value): n
        for cohort, kind, code, value, n in ScoreTally.objects.filter(cohort__in=cohorts)
        .exclude(firms=0)
        .values_list("cohort_id", "kind", "code", "value", "firms")
    }
    differing = {
        key[0] for key in counted.keys() | held.keys() if counted.get(key) != held.get(key)
    }
    return list(Cohort.objects.filter(pk__in=differing).order_by("pk"))


def score_tallies_rebuild(*, cohorts: QuerySet[Cohort]) -> None:
    """Count the cohorts' tallies again (after a restore, or a change made by hand), with their
    firms locked so that no submit changes them meanwhile."""
    with transaction.atomic():
        list(
            Enrolment.objects.filter(cohort__in=cohorts)
            .order_by("pk")
            .select_for_update()
            .values_list("pk")
        )
        ScoreTally.objects.filter(cohort__in=cohorts).delete()
        ScoreTally.objects.bulk_create(
            (
                ScoreTally(cohort_id=cohort, kind=kind, code=code, value=value, firms=n)
                for (cohort, kind, code, value), n in score_tallies_count(cohorts).items()
            ),
            batch_size=TALLY_BATCH,
        )


@cache
def _refresh_columns() -> dict[str, Any]:
    """Every `first_…` and `latest_…` column's value as SQL, the same for every refresh: built
    once per process, since building its fourteen subqueries costs milliseconds each time
    (Django copies expressions when it uses them)."""
    submitted = CohortAssessment.objects.filter(
        enrolment=OuterRef("pk"), assessment__status=Assessment.Status.SUBMITTED, set_aside=False
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
        enrolment_delete(enrolment=enrolment)
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
