"""Writes of the field app: an offline assessment received (checked, then stored once,
however often it is sent) and a conflict settled. The assessment itself goes through
diagnostic.services and its cohort link through cohorts.services; only the field app's own
rows are written here."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Enrolment
from cohorts.services import cohort_assessment_link, cohort_assessments_settle
from diagnostic.instrument import Answers
from diagnostic.interchange import ParsedDiagnostic
from diagnostic.models import Assessment, Instrument
from diagnostic.selectors import instrument_spec
from diagnostic.services import assessment_import, firm_profile_update

from .models import Conflict, OfflineAssessment
from .selectors import (
    assessment_by_client_id,
    assessment_uploaded,
    based_on_for,
    instrument_by_code,
    result_after,
    rivals_of,
    upload_enrolments,
)
from .uploads import (
    Problem,
    Upload,
    check_answers,
    parse_upload,
    result_matches,
    result_summary,
)


class ClientIdTaken(Exception):
    """The client_id names another upload: someone else's, or one that said something else."""


class AlreadySettled(Exception):
    """Someone settled the conflict a moment ago."""


@dataclass(frozen=True)
class Refusal:
    """Why an upload was not stored: the answer's status, a stable code for the app, a
    sentence for the person and, for an invalid upload, every problem found."""

    status: int
    error: str
    message: str
    problems: tuple[Problem, ...] = ()


def _invalid(problems: list[Problem]) -> Refusal:
    message = _("The assessment was not saved: correct these problems and send it again.")
    return Refusal(400, "invalid", message, tuple(problems))


def offline_assessment_receive(
    *, user: User, data: object, language: str
) -> tuple[Assessment, bool] | Refusal:
    """An upload as the phone sent it (decoded JSON), checked in the order the phone can act
    on — its form, the firm, the questionnaire, the answers — then stored once; the stored
    assessment and whether it is new, or why not."""
    upload, problems = parse_upload(data, default_language=language)
    if upload is None:
        return _invalid(problems)
    enrolments = upload_enrolments(user, firm_id=upload.firm_id, enrolment_id=upload.enrolment_id)
    if not enrolments:
        return Refusal(404, "not_found", _("None of the firms you assess has this id."))
    if len(enrolments) > 1:
        message = _("This firm is in several of your cohorts: say which with “enrolment_id”.")
        return _invalid([Problem("enrolment_id", "enrolment_required", message)])
    instrument = instrument_by_code(upload.instrument_code)
    if instrument is None or instrument.checksum != upload.instrument_checksum:
        code = "unknown_instrument" if instrument is None else "instrument_changed"
        message = _(
            "This site does not have the questionnaire “%(code)s” as the phone has it: "
            "download the field app’s data again."
        ) % {"code": upload.instrument_code}
        return _invalid([Problem("instrument", code, message)])
    answers, problems = check_answers(instrument_spec(instrument), upload)
    if problems:
        return _invalid(problems)
    (enrolment,) = enrolments
    try:
        _stored, created = offline_assessment_upload(
            user=user,
            enrolment=enrolment,
            upload=upload,
            instrument=instrument,
            answers=answers,
            based_on=based_on_for(enrolment, upload.based_on),
        )
    except ClientIdTaken:
        message = _(
            "Another assessment was sent with this client_id: give each assessment its own."
        )
        return Refusal(409, "client_id_taken", message)
    return assessment_uploaded(upload.client_id), created


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
    It counts from when the phone finished it, when the phone's clock can be right.

    Sent again (a retry, a second tap), the same upload finds the assessment stored the first
    time. Two at once are decided by the database's unique client_id: the loser's work is
    rolled back and it finds the winner's. Under the enrolment's lock, the firm's results the
    phone did not know of are each recorded as a conflict with this one: both are kept.
    """
    fingerprint = upload.fingerprint(answers)
    stored = assessment_by_client_id(upload.client_id)
    if stored is not None:
        return _same_upload(stored, user, fingerprint), False
    earliest = enrolment.created_at
    if based_on is not None and based_on.submitted_at is not None:
        earliest = max(earliest, based_on.submitted_at)
    done_at = upload.done_at(earliest=earliest, received=timezone.now())
    try:
        with transaction.atomic():
            assessment = assessment_import(
                instrument=instrument,
                diagnostic=ParsedDiagnostic(language=upload.language, profile={}, answers=answers),
                firm=enrolment.firm,
                assisted=True,
                client_id=upload.client_id,
                done_at=done_at,
                figures=upload.profile,
            )
            # What was found on the visit becomes the firm's, unless a later result knew
            # newer; the assessment keeps its figures either way.
            if upload.profile and not result_after(enrolment.firm_id, done_at, but=assessment):
                firm_profile_update(firm=enrolment.firm, changes=upload.profile)
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
