from smtplib import SMTPException

from celery import shared_task

from . import benchmarks, services


@shared_task(
    bind=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=5,
)
def send_outbound_email(self, email_id: int) -> bool:
    try:
        return services.outbound_email_send(email_id=email_id)
    except (SMTPException, OSError):
        if self.request.retries >= self.max_retries:
            services.outbound_email_give_up(email_id=email_id)
        raise


@shared_task
def housekeeping() -> dict[str, int]:
    """Every few minutes (Celery beat): forget abandoned drafts, old files, re-send lost mail."""
    return {
        "drafts_purged": services.drafts_purge(),
        "attachments_purged": services.outbox_purge(),
        "orphan_attachments_purged": services.outbox_orphans_purge(),
        "emails_requeued": services.outbox_requeue(
            with_attachment=False, publish=send_outbound_email.delay
        ),
    }


@shared_task
def refresh_benchmarks() -> int:
    """Every hour (Celery beat): how firms compare with similar firms, worked out again."""
    return benchmarks.benchmarks_refresh()
