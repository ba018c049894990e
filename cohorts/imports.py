"""Importing responses typed in from paper questionnaires into a cohort, in the background.

The file is checked when it is uploaded; a file with any problem stores nothing. So that an
upload stays quick, only its first IMPORT_CHECKED_AT_UPLOAD firms' profiles and answers are
checked then (a form per firm is the slow part); `import_run` checks the whole file again, in
full, before it stores anything. A valid file becomes an ImportJob, imported by
`tasks.import_responses` one firm at a time: a firm whose external id is already in the
cohort is skipped, so running a file again (a retry, a second delivery of the task, the same
file uploaded twice) never makes duplicates.
"""

import logging
import uuid
from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User as AuthUser
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.files import orphan_files_purge
from core.jobs import (
    STALE_AFTER,
    QueueUnavailable,
    job_claim,
    job_enqueue,
    job_fail,
    job_requeue,
)
from diagnostic.import_files import (
    ImportRecord,
    import_file_firms,
    parse_import_csv,
    parse_import_json,
)
from diagnostic.instrument import Instrument as InstrumentSpec
from diagnostic.interchange import InterchangeError
from diagnostic.models import Instrument
from diagnostic.selectors import instrument_spec
from diagnostic.services import assessment_import, instrument_get_or_load

from . import tasks
from .models import Cohort, CohortAssessment, Enrolment, ImportJob
from .services import enrolment_results_refresh, firm_enrol

logger = logging.getLogger(__name__)

IMPORT_MAX_BYTES = 5 * 1024 * 1024
# About half a second of checking in the upload's request; the rest is checked by the import.
IMPORT_CHECKED_AT_UPLOAD = 500
# The page shows progress every this many firms; each write also tells that the run is alive.
PROGRESS_EVERY = 25
# A run that has written no progress for this long was lost with its worker: claim it again.
SPREADSHEET_EXTENSIONS = (".xlsx", ".xls", ".ods", ".numbers")
# Zip (xlsx, ods) and the old binary Office format.
SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")

# --- Checking a file --------------------------------------------------------------------------


def import_file_format(*, name: str, content: bytes) -> str:
    """The file's format, "csv" or "json", from its extension or else its content.

    Raises InterchangeError with a clear message for anything else.
    """
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith(".json"):
        return "json"
    if lowered.endswith(SPREADSHEET_EXTENSIONS) or content.startswith(SPREADSHEET_MAGIC):
        raise InterchangeError(
            [
                _(
                    "This is a spreadsheet file, which can’t be read here: in your spreadsheet, "
                    "save it as “CSV UTF-8” and upload that file."
                )
            ]
        )
    start = content.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    if start in (b"[", b"{"):
        return "json"
    first_line = content.partition(b"\n")[0]
    if b"," in first_line or b";" in first_line:
        return "csv"
    raise InterchangeError(
        [_("The file must be a CSV file (ending in .csv) or a JSON file (ending in .json).")]
    )


def import_records(
    *, content: bytes, file_format: str, instrument: InstrumentSpec
) -> list[ImportRecord]:
    """Every record of the file; InterchangeError names every problem of the whole file."""
    parse = parse_import_json if file_format == "json" else parse_import_csv
    return parse(content, instrument)


# --- Writes -----------------------------------------------------------------------------------


def import_create(
    *, cohort: Cohort, user: AuthUser, name: str, content: bytes, language: str
) -> ImportJob:
    """Check the file and, if it has no problem, queue its import in `language`.

    Raises InterchangeError naming the problems; then nothing is stored.
    """
    file_format = import_file_format(name=name, content=content)
    instrument = instrument_spec(instrument_get_or_load())
    firms = import_file_firms(content, file_format, instrument, in_full=IMPORT_CHECKED_AT_UPLOAD)
    if not firms:
        raise InterchangeError([_("The file has no firms in it: one firm per row or record.")])
    job = ImportJob(
        cohort=cohort,
        created_by=user,
        file_format=file_format,
        total=firms,
        language=language,
    )
    job.file.save(f"{uuid.uuid4().hex}.{file_format}", ContentFile(content), save=True)
    with suppress(QueueUnavailable):  # shown as waiting; housekeeping queues it again
        job_enqueue(tasks.import_responses, job.pk, language)
    return job


def import_retry(*, job: ImportJob, language: str) -> bool:
    """Queue a failed or stalled import again; it skips the firms imported before."""
    stale = timezone.now() - STALE_AFTER
    retried = (
        ImportJob.objects.filter(pk=job.pk)
        .filter(
            Q(state=ImportJob.State.FAILED) | Q(state=ImportJob.State.RUNNING, updated_at__lt=stale)
        )
        .update(
            state=ImportJob.State.PENDING, problems=[], language=language, updated_at=timezone.now()
        )
    )
    if retried:
        with suppress(QueueUnavailable):
            job_enqueue(tasks.import_responses, job.pk, language)
    return bool(retried)


def import_claim(*, job_id: int, task_id: str = "") -> bool:
    """Take an import for this task; False when it is done, failed or another task has it."""
    return job_claim(
        ImportJob,
        pk=job_id,
        task_id=task_id,
        processed=0,
        created_count=0,
        skipped_count=0,
        problems=[],
    )


def import_run(*, job_id: int, language: str, task_id: str = "") -> bool:
    """Import a claimed job's file firm by firm; False when it wasn't ours to run or it failed.

    Problems are written in `language`, the language of the person who asked for the import.
    """
    if not import_claim(job_id=job_id, task_id=task_id):
        return False
    job = ImportJob.objects.select_related("cohort").get(pk=job_id)
    created = skipped = 0
    record: ImportRecord | None = None
    try:
        with job.file.open("rb") as stored:
            content = stored.read()
        instrument = instrument_get_or_load()
        with translation.override(language):
            records = import_records(
                content=content, file_format=job.file_format, instrument=instrument_spec(instrument)
            )
        for number, record in enumerate(records, start=1):
            if import_record(job=job, record=record, instrument=instrument):
                created += 1
            else:
                skipped += 1
            if number % PROGRESS_EVERY == 0:
                _progress(job_id, created=created, skipped=skipped)
    except Exception as error:  # any failure is shown on the status page with a retry button
        logger.exception("Import %s into cohort %s failed", job_id, job.cohort_id)
        with translation.override(language):
            problems = _failure_problems(error, record)
        job_fail(
            ImportJob,
            pk=job_id,
            processed=created + skipped,
            created_count=created,
            skipped_count=skipped,
            problems=problems,
            refused=isinstance(error, InterchangeError),
        )
        return False
    _progress(job_id, created=created, skipped=skipped, state=ImportJob.State.DONE)
    # The firms are stored now: the uploaded file, with their details, is not kept.
    ImportJob.objects.get(pk=job_id).file.delete(save=True)
    return True


def import_record(*, job: ImportJob, record: ImportRecord, instrument: Instrument) -> bool:
    """One firm with its submitted baseline; False when its external id is in the cohort already."""
    already = Enrolment.objects.filter(cohort_id=job.cohort_id, external_id=record.external_id)
    if already.exists():
        return False
    diagnostic = record.diagnostic
    try:
        with transaction.atomic():
            enrolment = firm_enrol(
                cohort=job.cohort,
                profile=diagnostic.profile,
                consultant=None,
                external_id=record.external_id,
            )
            assessment = assessment_import(
                instrument=instrument, diagnostic=diagnostic, firm=enrolment.firm
            )
            CohortAssessment.objects.create(
                assessment=assessment,
                enrolment=enrolment,
                kind=CohortAssessment.Kind.BASELINE,
                created_by_id=job.created_by_id,
            )
            enrolment_results_refresh(enrolments=Enrolment.objects.filter(pk=enrolment.pk))
    except IntegrityError:
        # Another import of the same firm got there first (the same file uploaded twice).
        if already.exists():
            return False
        raise
    return True


def _progress(job_id: int, *, created: int, skipped: int, **fields: object) -> None:
    """Write the counts where the status page reads them; also proves the run is alive."""
    ImportJob.objects.filter(pk=job_id).update(
        processed=created + skipped,
        created_count=created,
        skipped_count=skipped,
        updated_at=timezone.now(),
        **fields,
    )


def _failure_problems(error: Exception, record: ImportRecord | None) -> list[str]:
    """What the status page says about a failed run, in the active language."""
    if isinstance(error, InterchangeError):
        # Firms after the first checked on upload, or the instrument changed since.
        nothing = _(
            "Nothing was imported: the file has the problems below. Correct them and "
            "upload the file again."
        )
        return [nothing, *error.problems]
    if record is None:
        return [_("The import stopped because of an unexpected error; nothing was imported.")]
    message = _(
        "The import stopped at the firm with external_id “%(external_id)s” because of an "
        "unexpected error. The firms before it are imported; try again to import the rest."
    )
    return [message % {"external_id": record.external_id}]


def imports_requeue() -> int:
    """Queue again the imports whose message was lost (Redis down or restarted empty)."""
    return job_requeue(
        ImportJob.objects.all(),
        lambda job: tasks.import_responses.delay(job.pk, job.language or settings.LANGUAGE_CODE),
    )


def imports_purge() -> int:
    """Delete the uploads of imports that failed long ago (a done import's is gone already)."""
    limit = timezone.now() - timedelta(days=settings.GENERATED_FILES_DAYS)
    purged = 0
    for job in ImportJob.objects.filter(state=ImportJob.State.FAILED, updated_at__lt=limit).exclude(
        file=""
    ):
        job.file.delete(save=True)
        purged += 1
    return purged


def imports_orphans_purge() -> int:
    """Delete uploaded files that no import holds any more."""
    held = set(ImportJob.objects.exclude(file="").values_list("file", flat=True))
    return orphan_files_purge(folder="imports", held=held)
