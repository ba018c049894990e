from smtplib import SMTPException

from celery import shared_task

from diagnostic.services import outbound_email_give_up, outbound_email_send, outbox_requeue

from . import services


@shared_task(bind=True, soft_time_limit=120, time_limit=180)
def render_roadmap_pdf(self, pdf_id: int) -> bool:
    """Render one queued PDF; a second delivery of the same task finds it claimed or done."""
    if not services.roadmap_pdf_claim(pdf_id=pdf_id, task_id=self.request.id):
        return False
    try:
        content = services.roadmap_pdf_content(pdf_id=pdf_id)
    except Exception as error:  # any failure is shown to the owner with a retry button
        services.roadmap_pdf_fail(pdf_id=pdf_id, error=f"{type(error).__name__}: {error}")
        return False
    services.roadmap_pdf_store(pdf_id=pdf_id, content=content)
    return True


@shared_task(
    bind=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    max_retries=5,
    soft_time_limit=120,
    time_limit=180,
)
def email_roadmap_pdf(self, email_id: int) -> bool:
    """Attach the roadmap PDF (rendered once) and send the e-mail at most once."""
    try:
        services.roadmap_email_attach(email_id=email_id)
        return outbound_email_send(email_id=email_id)
    except (SMTPException, OSError):
        if self.request.retries >= self.max_retries:
            outbound_email_give_up(email_id=email_id)
        raise


@shared_task(
    autoretry_for=(OSError,), retry_backoff=10, max_retries=3, soft_time_limit=60, time_limit=90
)
def store_roadmap_summary(assessment_id: int) -> None:
    """Idempotent: the summary of an assessment is replaced whole each time."""
    services.roadmap_summary_store(assessment_id=assessment_id)


@shared_task
def housekeeping() -> dict[str, int]:
    """Every few minutes (Celery beat): re-queue lost renders and e-mails, purge old PDFs."""
    return {
        "pdfs_requeued": services.roadmap_pdfs_requeue(),
        "pdfs_purged": services.roadmap_pdfs_purge(),
        "orphan_pdfs_purged": services.roadmap_pdfs_orphans_purge(),
        "emails_requeued": outbox_requeue(with_attachment=True, publish=email_roadmap_pdf.delay),
    }
