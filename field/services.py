"""Writes of the field app: an offline assessment stored once, however often it is sent,
and a conflict settled. The assessment itself goes through diagnostic.services and its
cohort link through cohorts.services; only the field app's own rows are written here."""

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohorts.models import Enrolment
from cohorts.services import cohort_assessment_link, cohort_assessments_settle
from diagnostic.instrument import Answers
from diagnostic.interchange import ParsedDiagnostic
from diagnostic.models import Assessment, Instrument
from diagnostic.services import assessment_import

from .models import Conflict, OfflineAssessment
from .selectors import assessment_by_client_id, rivals_of
from .uploads import Upload, result_matches, result_summary


class ClientIdTaken(Exception):
    """The client_id names another upload: someone else's, or one that said something else."""


class AlreadySettled(Exception):
    """Someone settled the conflict a moment ago."""


def offline_assessment_upload(
    *,
    user: User,
    enrolment: Enrolment,
    upload: Upload,
    instrument: Instrument,
    answers: Answers,
    based_on: Assessment | None,
) -> tuple[Assessment, bool]:
    """Store and submit an assessment made offline, scored again here; whether it is new.

    Sent again (a retry, a second tap), the same upload finds the assessment stored the first
    time. Two at once are decided by the database's unique client_id: the loser's work is
    rolled back and it finds the winner's. Under the enrolment's lock, the firm's results the
    phone did not know of are each recorded as a conflict with this one: both are kept.
    """
    fingerprint = upload.fingerprint(answers)
    stored = assessment_by_client_id(upload.client_id)
    if stored is not None:
        return _same_upload(stored, user, fingerprint), False
    try:
        with transaction.atomic():
            assessment = assessment_import(
                instrument=instrument,
                diagnostic=ParsedDiagnostic(language=upload.language, profile={}, answers=answers),
                firm=enrolment.firm,
                assisted=True,
                client_id=upload.client_id,
            )
            linked = cohort_assessment_link(
                enrolment=enrolment, assessment=assessment, kind=upload.kind, user=user
            )
            OfflineAssessment.objects.create(
                assessment=assessment,
                uploaded_by=user,
                fingerprint=fingerprint,
                based_on=based_on,
                started_at=upload.started_at,
                finished_at=upload.finished_at,
                client_result=upload.client_result,
                result_matches=result_matches(
                    upload.client_result, result_summary(assessment.result)
                ),
            )
            Conflict.objects.bulk_create(
                Conflict(enrolment=enrolment, uploaded=linked, other=other)
                for other in rivals_of(linked, based_on=based_on, user=user)
            )
    except IntegrityError:
        stored = assessment_by_client_id(upload.client_id)
        if stored is None:
            raise
        return _same_upload(stored, user, fingerprint), False
    return assessment, True


def _same_upload(stored: Assessment, user: User, fingerprint: str) -> Assessment:
    """The assessment stored for this client_id, when this person sent it with this content."""
    record = getattr(stored, "offline", None)
    if record is None or record.uploaded_by_id != user.pk or record.fingerprint != fingerprint:
        raise ClientIdTaken
    return stored


def conflict_settle(*, conflict: Conflict, decision: str, actor: User) -> None:
    """Record which assessment counts for the firm (or both); the other stays, set aside."""
    with transaction.atomic():
        locked = (
            Conflict.objects.select_for_update(of=("self",))
            .select_related("uploaded", "other")
            .get(pk=conflict.pk)
        )
        if locked.settled_at is not None:
            raise AlreadySettled
        if decision == Conflict.Decision.UPLOADED:
            counted, set_aside = [locked.uploaded], [locked.other]
        elif decision == Conflict.Decision.OTHER:
            counted, set_aside = [locked.other], [locked.uploaded]
        elif decision == Conflict.Decision.BOTH:
            counted, set_aside = [locked.uploaded, locked.other], []
        else:
            raise ValueError(f"not a decision: {decision!r}")
        cohort_assessments_settle(counted=counted, set_aside=set_aside, actor=actor)
        locked.decision = decision
        locked.settled_by = actor
        locked.settled_at = timezone.now()
        locked.save(update_fields=["decision", "settled_by", "settled_at"])
