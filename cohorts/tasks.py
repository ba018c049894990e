from celery import shared_task

from . import accounts, imports, reports, workbooks


# Up to 10,000 firms: well over the default limits, well under the broker's visibility timeout
# (an hour), so a message is never delivered twice while its first run is still going.
@shared_task(bind=True, soft_time_limit=1800, time_limit=1860)
def import_responses(self, job_id: int, language: str) -> bool:
    """Import one queued file; a second delivery finds the job claimed or done.

    A failure is not retried here: the status page shows it with a button to try again.
    """
    return imports.import_run(job_id=job_id, language=language, task_id=self.request.id)


@shared_task(bind=True, soft_time_limit=900, time_limit=960)
def render_cohort_report(self, report_id: int) -> bool:
    """Make a cohort report PDF; a second delivery finds it claimed or done."""
    return reports.report_run(report_id=report_id, task_id=self.request.id)


@shared_task(bind=True, soft_time_limit=1800, time_limit=1860)
def make_workbook(self, export_id: int) -> bool:
    """Write a cohort's Excel workbook; a second delivery finds it claimed or done."""
    return workbooks.workbook_run(export_id=export_id, task_id=self.request.id)


@shared_task
def password_reset_send(email: str, language: str) -> int:
    """Queue the reset e-mails of an address; a second delivery only sends a second valid link."""
    return accounts.password_reset_email(email=email, language=language)


@shared_task
def housekeeping() -> dict[str, int]:
    """Every few minutes (Celery beat): re-queue lost imports and reports, purge old files."""
    return {
        "imports_requeued": imports.imports_requeue(),
        "reports_requeued": reports.reports_requeue(),
        "uploads_purged": imports.imports_purge(),
        "orphan_uploads_purged": imports.imports_orphans_purge(),
        "orphan_reports_purged": reports.reports_orphans_purge(),
        "workbooks_requeued": workbooks.workbooks_requeue(),
        "workbooks_purged": workbooks.workbooks_purge(),
        "orphan_workbooks_purged": workbooks.workbooks_orphans_purge(),
    }
