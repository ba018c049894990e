"""Writes: loading instruments, saving answers, submitting, e-mailing the resume link."""

import hashlib
import json
import logging
import secrets
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from uuid import UUID

from celery import Task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, ProtectedError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from kombu.exceptions import OperationalError

from config.ratelimit import address_key, rate_limit_exceeded
from core.files import delete_with_files, orphan_files_purge
from core.jobs import REQUEUE_AFTER, QueueUnavailable, job_enqueue

from . import tasks
from .flow import REVIEW
from .instrument import Answer as AnswerValue
from .instrument import Item
from .instrument_file import load_instrument_file, parse_instrument
from .interchange import ParsedDiagnostic
from .merge import fingerprints, merge_page
from .models import Answer, AnswerNote, Assessment, Firm, Instrument, OutboundEmail, Score
from .scoring import SCORING_VERSION, ScoreResult, score_answers
from .selectors import INSTRUMENTS_DIR, answers_for, instrument_spec
from .stages import place_stage, stage_rules_for

logger = logging.getLogger(__name__)

RESUME_EMAILS_PER_DAY = 3


class InstrumentLocked(Exception):
    """A version that assessments use cannot change; a change needs a new version."""


class ProfileMissing(Exception):
    """The firm profile must be complete before an assessment can be submitted."""


class TooManyEmails(Exception):
    """The resume link was already e-mailed as often as we allow in a day."""


def definition_checksum(definition: dict) -> str:
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def instrument_load(*, path: Path) -> tuple[Instrument, str]:
    """Load an instrument file: returns the row and "created", "updated" or "unchanged".

    Raises InstrumentError for an invalid file and InstrumentLocked for a change to a
    version that assessments already use.
    """
    definition = load_instrument_file(path)
    spec = parse_instrument(definition)
    checksum = definition_checksum(definition)
    with transaction.atomic():
        existing = Instrument.objects.select_for_update().filter(code=spec.code).first()
        if existing is None:
            instrument = Instrument.objects.create(
                code=spec.code, definition=definition, checksum=checksum
            )
            return instrument, "created"
        if existing.checksum == checksum:
            return existing, "unchanged"
        used_by = existing.assessments.count()
        if used_by:
            message = ngettext(
                "Instrument %(code)s is used by %(count)d assessment, so it can no longer "
                "change: its scores must stay reproducible. Save the change as a new "
                "version, in a new file with a new code.",
                "Instrument %(code)s is used by %(count)d assessments, so it can no longer "
                "change: their scores must stay reproducible. Save the change as a new "
                "version, in a new file with a new code.",
                used_by,
            )
            raise InstrumentLocked(message % {"code": spec.code, "count": used_by})
        existing.definition = definition
        existing.checksum = checksum
        existing.save(update_fields=["definition", "checksum"])
        return existing, "updated"


def instrument_get_or_load(*, code: str | None = None) -> Instrument:
    """The instrument new assessments use, loaded from its file on a fresh database."""
    code = code or settings.DIAGNOSTIC_INSTRUMENT
    instrument = Instrument.objects.filter(code=code).first()
    if instrument is None:
        instrument, _status = instrument_load(path=INSTRUMENTS_DIR / f"{code}.yaml")
    return instrument


def assessment_start(*, language: str) -> Assessment:
    """An owner's own diagnostic: a draft reached by its resume link."""
    return Assessment.objects.create(
        token=secrets.token_urlsafe(32),
        instrument=instrument_get_or_load(),
        language=language,
    )


def assessment_start_assisted(
    *, firm: Firm, language: str, answers_from: Assessment | None = None
) -> Assessment:
    """A draft filled in for `firm` by its consultant, starting from the answers of
    `answers_from` when given (a follow-up, or the correction of a reviewed result)."""
    with transaction.atomic():
        assessment = Assessment.objects.create(
            token=secrets.token_urlsafe(32),
            instrument=instrument_get_or_load(),
            language=language,
            firm=firm,
            assisted=True,
            prefilled=answers_from is not None,
        )
        if answers_from is not None:
            Answer.objects.bulk_create(
                Answer(assessment=assessment, item_code=answer.item_code, value=answer.value)
                for answer in answers_from.answers.all()
            )
    return assessment


def assessment_reopen(*, assessment_id: int) -> bool:
    """Turn a submitted result back into a draft at its review page; False when it is not
    submitted (someone reopened it a moment ago). Its stored result stays until it is
    submitted again."""
    reopened = Assessment.objects.filter(
        pk=assessment_id, status=Assessment.Status.SUBMITTED
    ).update(status=Assessment.Status.DRAFT, last_step=REVIEW, updated_at=timezone.now())
    return bool(reopened)


def assessment_token_rotate(*, assessment: Assessment) -> str:
    """A new resume link; the old one stops working at once (a link shared by mistake)."""
    assessment.token = secrets.token_urlsafe(32)
    assessment.save(update_fields=["token", "updated_at"])
    return assessment.token


def firm_profile_save(*, assessment: Assessment, profile: dict, step: str, language: str) -> Firm:
    """Create or update the assessment's firm from a validated profile."""
    with transaction.atomic():
        firm = assessment.firm
        if firm is None:
            firm = Firm.objects.create(**profile)
            assessment.firm = firm
        else:
            for field, value in profile.items():
                setattr(firm, field, value)
            firm.save()
        assessment.language = language
        assessment.last_step = step
        assessment.save(update_fields=["firm", "language", "last_step", "updated_at"])
    return firm


def firm_profile_update(*, firm: Firm, changes: Mapping[str, Any]) -> None:
    """Part of the firm's profile as last found, outside the business profile's page (on a
    consultant's visit newer than any result of the firm's)."""
    for name, value in changes.items():
        setattr(firm, name, value)
    firm.save(update_fields=[*changes, "updated_at"])


def answers_save(
    *,
    assessment: Assessment,
    items: Iterable[Item],
    answers: Mapping[str, AnswerValue],
    step: str,
    language: str,
    notes: Mapping[str, str] | None = None,
    seen: dict[str, str] | None = None,
) -> list[str]:
    """Store a page's cleaned answers (and notes); an item left empty loses its answer.

    `seen` holds the fingerprints of the answers the page showed: what someone else saved
    since then is merged item by item (see merge.py). Returns the codes of the items both
    changed differently, which are left as the other person saved them.
    """
    codes = [item.code for item in items]
    sent = {code: _to_json(answers[code]) for code in codes if code in answers}
    sent_notes = dict(notes or {})
    with transaction.atomic():
        # One page save at a time per assessment, so the merge reads what it overwrites.
        Assessment.objects.select_for_update().filter(pk=assessment.pk).exists()
        stored = dict(
            Answer.objects.filter(assessment=assessment, item_code__in=codes).values_list(
                "item_code", "value"
            )
        )
        stored_notes = (
            dict(
                AnswerNote.objects.filter(assessment=assessment, item_code__in=codes).values_list(
                    "item_code", "text"
                )
            )
            if notes is not None
            else {}
        )
        to_write, conflicts = merge_page(
            seen=seen,
            stored=fingerprints(codes, stored, stored_notes),
            sent=fingerprints(codes, sent, sent_notes),
        )
        cleared = [code for code in to_write if code not in sent]
        if cleared:
            Answer.objects.filter(assessment=assessment, item_code__in=cleared).delete()
        rows = [
            Answer(assessment=assessment, item_code=code, value=sent[code])
            for code in to_write
            if code in sent
        ]
        if rows:
            Answer.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["assessment", "item_code"],
                update_fields=["value", "updated_at"],
            )
        if notes is not None and to_write:
            AnswerNote.objects.filter(assessment=assessment, item_code__in=to_write).delete()
            AnswerNote.objects.bulk_create(
                AnswerNote(assessment=assessment, item_code=code, text=sent_notes[code])
                for code in to_write
                if code in sent_notes
            )
        changes: dict[str, object] = {"language": language, "updated_at": timezone.now()}
        if not conflicts:
            changes["last_step"] = step
        Assessment.objects.filter(pk=assessment.pk).update(**changes)
    return conflicts


def _to_json(value: object) -> object:
    return list(value) if isinstance(value, tuple | list) else value


def assessment_submit(
    *,
    assessment: Assessment,
    done_at: datetime | None = None,
    figures: Mapping[str, Any] | None = None,
) -> bool:
    """Score and store the result; False when it had been submitted already.

    `done_at`: when the assessment was done, if not now (one made offline and sent later).
    `figures`: the firm's profile as found then, where it differs from the stored one; the
    result is scored with its figures (Firm.SNAPSHOT_FIELDS) and keeps them.
    The conditional update makes a double submit (two taps, two tabs) store one result.
    """
    firm = assessment.firm
    if firm is None:
        raise ProfileMissing
    found = {**{name: getattr(firm, name) for name in Firm.SNAPSHOT_FIELDS}, **(figures or {})}
    snapshot = {name: found[name] for name in Firm.SNAPSHOT_FIELDS}
    spec = instrument_spec(assessment.instrument)
    answers = {code: _from_json(value) for code, value in answers_for(assessment).items()}
    scores = score_answers(spec, answers, people=snapshot["employees"])
    placement = place_stage(answers, stage_rules_for(spec.code))
    result = {
        "scoring_version": SCORING_VERSION,
        "instrument": spec.code,
        "scores": scores.to_dict(),
        "stage": placement.to_dict(),
    }
    now = timezone.now()
    with transaction.atomic():
        updated = Assessment.objects.filter(
            pk=assessment.pk, status=Assessment.Status.DRAFT
        ).update(
            status=Assessment.Status.SUBMITTED,
            submitted_at=done_at or now,
            updated_at=now,
            overall_score=scores.overall.value,
            items_scored=scores.rests_on.scored,
            items_applicable=scores.rests_on.applicable,
            **snapshot,
            stage=placement.stage or "",
            result=result,
        )
        if updated:
            scores_store(assessment_id=assessment.pk, scores=scores)
            for hook in settings.ON_SUBMIT:
                import_string(hook)(assessment_id=assessment.pk)
            for hook in settings.AFTER_SUBMIT:
                # robust: a failing follow-up (say, the broker is down) never undoes a submit
                transaction.on_commit(
                    partial(import_string(hook), assessment_id=assessment.pk), robust=True
                )
    return bool(updated)


def scores_store(*, assessment_id: int, scores: ScoreResult) -> None:
    """The dimension and area scores as rows, replacing those of an earlier submission."""
    Score.objects.filter(assessment_id=assessment_id).delete()
    groups = ((Score.Kind.DIMENSION, scores.dimensions), (Score.Kind.AREA, scores.areas))
    Score.objects.bulk_create(
        Score(assessment_id=assessment_id, kind=kind, code=code, value=score.value)
        for kind, group in groups
        for code, score in group.items()
        if score.value is not None
    )


def _from_json(value: Any) -> AnswerValue:
    return tuple(value) if isinstance(value, list) else value


def assessment_import(
    *,
    instrument: Instrument,
    diagnostic: ParsedDiagnostic,
    firm: Firm | None = None,
    assisted: bool = False,
    client_id: UUID | None = None,
    done_at: datetime | None = None,
    figures: Mapping[str, Any] | None = None,
) -> Assessment:
    """Store a checked diagnostic (see `interchange.parse_diagnostic`) and submit it, for
    `firm` when given (enrolled already), else for a firm made from its profile.

    `assisted`: a consultant ran it with the owner (offline, in the field app). `client_id`:
    the id its device gave it; one already stored raises IntegrityError, and nothing is kept.
    `done_at`: when it was done, if not now; `figures`: the firm's figures then (see
    `assessment_submit`).
    """
    with transaction.atomic():
        assessment = Assessment.objects.create(
            token=secrets.token_urlsafe(32),
            instrument=instrument,
            firm=firm or Firm.objects.create(**diagnostic.profile),
            language=diagnostic.language,
            last_step=REVIEW,
            assisted=assisted,
            client_id=client_id,
        )
        Answer.objects.bulk_create(
            Answer(assessment=assessment, item_code=code, value=_to_json(value))
            for code, value in diagnostic.answers.items()
        )
        assessment_submit(assessment=assessment, done_at=done_at, figures=figures)
    assessment.refresh_from_db()
    return assessment


def assessment_delete(*, assessment: Assessment) -> None:
    """Delete an owner's own assessment with its files, and its firm unless something needs it.

    First the hooks of settings.BEFORE_ASSESSMENT_DELETE let go of what others keep because
    of this assessment (a programme's copy of a diagnostic shared with it). A firm still
    enrolled in a cohort is protected: it is then the programme's own record too.
    """
    with transaction.atomic():
        for hook in settings.BEFORE_ASSESSMENT_DELETE:
            import_string(hook)(assessment=assessment)
        firm = assessment.firm
        delete_with_files(assessment)
        if firm is not None and not firm.assessments.exists():
            try:
                with transaction.atomic():
                    delete_with_files(firm)
            except ProtectedError:
                pass  # enrolled in a cohort: the programme keeps the firm's profile


def resume_link_email(*, assessment: Assessment, link: str) -> OutboundEmail:
    """Queue an e-mail with the resume link to the firm's own address.

    Anyone can type any address, so the mail carries nothing else they typed, and one address
    gets it only a few times a day however many drafts name it (RATE_LIMITS["resume_email_to"],
    counted outside the database: deleting a draft resets nothing).
    """
    firm = assessment.firm
    if firm is None or not firm.contact_email:
        raise ProfileMissing
    since = timezone.now() - timedelta(days=1)
    if assessment.emails.filter(created_at__gte=since).count() >= RESUME_EMAILS_PER_DAY:
        raise TooManyEmails
    if rate_limit_exceeded("resume_email_to", address_key(firm.contact_email)):
        raise TooManyEmails
    with translation.override(assessment.language):
        context = {"link": link, "days": settings.DRAFT_RESUME_DAYS}
        subject = _("Your Ruta Digital diagnostic: the link to continue")
        body = render_to_string("diagnostic/email/resume_link.txt", context)
    return email_queue(to=firm.contact_email, subject=subject, body=body, assessment=assessment)


def email_queue(
    *,
    to: str,
    subject: str,
    body: str,
    assessment: Assessment | None = None,
    attachment_name: str = "",
    task: Task = tasks.send_outbound_email,
) -> OutboundEmail:
    """Keep an e-mail and queue `task` to send it: at once, or when the open transaction
    commits. With the broker down it stays pending, and housekeeping (`outbox_requeue`)
    sends it once the queue is back. A task other than the plain send first makes the
    attachment named `attachment_name`."""
    email = OutboundEmail.objects.create(
        assessment=assessment,
        to=to,
        subject=subject,
        body=body,
        attachment_name=attachment_name,
    )
    with suppress(QueueUnavailable):
        job_enqueue(task, email.pk)
    return email


def outbound_email_send(*, email_id: int) -> bool:
    """Send one queued e-mail at most once; False when someone else has it or it is sent."""
    claimed = OutboundEmail.objects.filter(pk=email_id, state=OutboundEmail.State.PENDING).update(
        state=OutboundEmail.State.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMessage(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to])
    if email.attachment:
        with email.attachment.open("rb") as attached:
            message.attach(email.attachment_name, attached.read(), "application/pdf")
    try:
        message.send()
    except Exception:
        OutboundEmail.objects.filter(pk=email_id).update(state=OutboundEmail.State.PENDING)
        raise
    # Its links (resume, password reset) are keys: once sent, the outbox keeps no copy.
    OutboundEmail.objects.filter(pk=email_id).update(
        state=OutboundEmail.State.SENT, sent_at=timezone.now(), body=""
    )
    return True


def outbound_email_give_up(*, email_id: int) -> None:
    logger.error("Giving up on e-mail %s after repeated failures", email_id)
    OutboundEmail.objects.filter(pk=email_id).exclude(state=OutboundEmail.State.SENT).update(
        state=OutboundEmail.State.FAILED
    )


# --- Housekeeping (Celery beat) ----------------------------------------------------------


def drafts_purge() -> int:
    """Delete self-diagnostic drafts nobody can resume any more; how many were deleted.

    A consultant's drafts stay: they are a programme's record, not an abandoned visit.
    """
    limit = timezone.now() - timedelta(days=settings.DRAFT_RESUME_DAYS)
    abandoned = Assessment.objects.filter(
        status=Assessment.Status.DRAFT, assisted=False, updated_at__lt=limit
    ).select_related("firm")
    deleted = 0
    for assessment in abandoned.iterator():
        assessment_delete(assessment=assessment)
        deleted += 1
    return deleted


def outbox_purge() -> int:
    """Delete the attachments of e-mails sent or given up on long enough ago."""
    limit = timezone.now() - timedelta(days=settings.GENERATED_FILES_DAYS)
    old = OutboundEmail.objects.filter(
        state__in=[OutboundEmail.State.SENT, OutboundEmail.State.FAILED], created_at__lt=limit
    ).exclude(attachment="")
    purged = 0
    for email in old:
        email.attachment.delete(save=True)
        purged += 1
    return purged


def outbox_orphans_purge() -> int:
    """Delete attachment files that no e-mail holds any more."""
    held = set(OutboundEmail.objects.exclude(attachment="").values_list("attachment", flat=True))
    return orphan_files_purge(folder="outbox", held=held)


def outbox_requeue(*, with_attachment: bool, publish: Callable[[int], object]) -> int:
    """Queue again the e-mails still waiting after REQUEUE_AFTER (their message was lost)."""
    waiting = OutboundEmail.objects.filter(
        state=OutboundEmail.State.PENDING, created_at__lt=timezone.now() - REQUEUE_AFTER
    )
    if with_attachment:
        waiting = waiting.exclude(attachment_name="")
    else:
        waiting = waiting.filter(attachment_name="")
    queued = 0
    for email_id in waiting.values_list("pk", flat=True)[:500]:
        try:
            publish(email_id)
        except OperationalError:
            break
        queued += 1
    return queued
