"""A cohort's assessments as a file made in the background with its progress: the Excel
workbook, and the CSV of a cohort of more than settings.CSV_STREAM_ROWS assessments.

Such a file takes longer than a web request may: the manager asks for it, a worker writes it
into the file storage, and the page shows the progress and then the file. Smaller CSVs are
streamed straight from the database (views/exports.py, export_csv).
"""

import logging
import tempfile
import uuid
from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.utils import timezone, translation

from core.files import delete_with_files, orphan_files_purge
from core.jobs import QueueUnavailable, job_claim, job_enqueue, job_fail, job_requeue
from diagnostic.selectors import instrument_spec
from diagnostic.services import instrument_get_or_load

from . import tasks
from .exports import submitted_assessments, write_csv, write_xlsx
from .models import Cohort, DataExport
from .selectors import cohorts_managed_by

logger = logging.getLogger(__name__)


def csv_in_background(cohort: Cohort) -> bool:
    """Whether the cohort's CSV is too large to stream within a request."""
    return submitted_assessments(cohort).count() > settings.CSV_STREAM_ROWS


def workbook_request(
    *,
    user: User,
    cohort: Cohort,
    pseudonymised: bool,
    language: str,
    file_format: str = DataExport.Format.XLSX,
) -> DataExport | None:
    """Queue the file of a cohort the person manages; None for anyone else's."""
    if not cohorts_managed_by(user).filter(pk=cohort.pk).exists():
        return None
    export = DataExport.objects.create(
        cohort=cohort,
        pseudonymised=pseudonymised,
        file_format=file_format,
        language=language,
        requested_by=user,
    )
    with suppress(QueueUnavailable):  # shown as waiting; housekeeping queues it again
        job_enqueue(tasks.make_workbook, export.pk)
    return export


def workbook_retry(*, export: DataExport) -> None:
    retried = DataExport.objects.filter(pk=export.pk, state=DataExport.State.FAILED).update(
        state=DataExport.State.PENDING, error="", progress=0, updated_at=timezone.now()
    )
    if retried:
        with suppress(QueueUnavailable):
            job_enqueue(tasks.make_workbook, export.pk)


def workbook_run(*, export_id: int, task_id: str = "") -> bool:
    """Write the file of a claimed export into the file storage, with its progress."""
    if not job_claim(DataExport, pk=export_id, task_id=task_id, progress=0):
        return False
    export = DataExport.objects.select_related("cohort").get(pk=export_id)
    rows = max(submitted_assessments(export.cohort).count(), 1)

    def progress(done: int) -> None:
        DataExport.objects.filter(pk=export_id).update(
            progress=min(99, 100 * done // rows), updated_at=timezone.now()
        )

    try:
        with tempfile.TemporaryFile() as file, translation.override(export.language):
            spec = instrument_spec(instrument_get_or_load())
            if export.file_format == DataExport.Format.CSV:
                write_csv(
                    file,
                    export.cohort,
                    spec,
                    pseudonymised=export.pseudonymised,
                    progress=progress,
                )
            else:
                write_xlsx(
                    file,
                    export.cohort,
                    spec,
                    pseudonymised=export.pseudonymised,
                    language=export.language,
                    progress=progress,
                )
            file.seek(0)
            name = f"{uuid.uuid4().hex}.{export.file_format}"
            export.file.save(name, File(file), save=False)
    except Exception as error:  # shown on the export's page with a retry button
        logger.exception("Workbook %s failed", export_id)
        job_fail(DataExport, pk=export_id, error=f"{type(error).__name__}: {error}")
        return False
    export.state = DataExport.State.DONE
    export.progress = 100
    export.save(update_fields=["file", "state", "progress", "updated_at"])
    return True


def workbooks_requeue() -> int:
    """Queue again the workbooks whose message was lost (Redis down or restarted empty)."""
    return job_requeue(
        DataExport.objects.all(), lambda export: tasks.make_workbook.delay(export.pk)
    )


def workbooks_purge() -> int:
    """Delete workbooks older than GENERATED_FILES_DAYS, files too: they hold personal data."""
    limit = timezone.now() - timedelta(days=settings.GENERATED_FILES_DAYS)
    purged = 0
    for export in DataExport.objects.filter(created_at__lt=limit):
        delete_with_files(export)
        purged += 1
    return purged


def workbooks_orphans_purge() -> int:
    """Delete workbook files that no export holds any more."""
    held = set(DataExport.objects.exclude(file="").values_list("file", flat=True))
    return orphan_files_purge(folder="exports", held=held)
