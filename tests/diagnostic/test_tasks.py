"""Background e-mail: idempotent sending, bounded retries, and a real worker through Redis."""

import time
from smtplib import SMTPServerDisconnected

import pytest
from django.conf import settings
from django.core import mail

from config.celery import app
from diagnostic.models import OutboundEmail
from diagnostic.services import outbound_email_send, resume_link_email
from diagnostic.tasks import send_outbound_email
from tests.factories import make_assessment


@pytest.fixture
def queued_email(instrument):
    return OutboundEmail.objects.create(
        assessment=make_assessment(), to="a@example.com", subject="s", body="b"
    )


@pytest.fixture
def smtp_down(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise SMTPServerDisconnected("the server hung up")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)


@pytest.mark.django_db
def test_an_email_is_sent_once_however_often_the_task_runs(queued_email):
    email = queued_email
    assert outbound_email_send(email_id=email.pk) is True
    assert outbound_email_send(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("smtp_down")
def test_a_failed_send_is_left_pending_for_the_retry(queued_email):
    email = queued_email
    with pytest.raises(SMTPServerDisconnected):
        outbound_email_send(email_id=email.pk)
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutboundEmail.State.PENDING, 1)


@pytest.mark.django_db
@pytest.mark.usefixtures("smtp_down")
def test_the_task_gives_up_after_its_retries_and_marks_the_email_failed(queued_email):
    email = queued_email
    result = send_outbound_email.apply(args=[email.pk], retries=send_outbound_email.max_retries)
    assert isinstance(result.result, SMTPServerDisconnected)
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.FAILED


@pytest.mark.worker
@pytest.mark.skipif(
    not settings.REDIS_URL,
    reason="needs REDIS_URL: a real Celery worker runs this task through Redis (CI sets it)",
)
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_resume_link_through_redis(instrument):
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connections

    def close_worker_connections(**kwargs):
        # The worker thread opens its own connections; close them before the thread ends.
        connections.close_all()

    assessment = make_assessment()
    app.conf.task_always_eager = False
    task_postrun.connect(close_worker_connections, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            email = resume_link_email(assessment=assessment, link="https://example.org/es/a/x/")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                email.refresh_from_db()
                if email.state == OutboundEmail.State.SENT:
                    break
                time.sleep(0.2)
    finally:
        app.conf.task_always_eager = True
        task_postrun.disconnect(close_worker_connections)
    assert email.state == OutboundEmail.State.SENT
    assert [message.to for message in mail.outbox] == [["duena@example.com"]]
    assert "https://example.org/es/a/x/" in mail.outbox[0].body
