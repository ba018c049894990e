"""Background e-mail: idempotent sending, bounded retries, and a real worker through Redis."""

from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.urls import reverse

from diagnostic.models import OutboundEmail
from diagnostic.services import outbound_email_send, resume_link_email
from diagnostic.tasks import send_outbound_email
from tests.factories import make_assessment, wait_until


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
def test_a_sent_email_keeps_no_copy_of_its_links(client, admin_user, queued_email):
    """Resume and password-reset links are keys: the outbox forgets them once they are sent."""
    email = queued_email
    OutboundEmail.objects.filter(pk=email.pk).update(body="https://example.org/es/a/SECRET/")
    client.force_login(admin_user)
    change = reverse("admin:diagnostic_outboundemail_change", args=[email.pk])
    page = client.get(change)
    assert page.status_code == 200 and "SECRET" not in page.text

    outbound_email_send(email_id=email.pk)

    assert "SECRET" in mail.outbox[0].body
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENT and email.body == ""


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
def test_a_real_worker_sends_the_resume_link_through_redis(celery_worker, instrument):
    assessment = make_assessment()
    email = resume_link_email(assessment=assessment, link="https://example.org/es/a/x/")
    wait_until(lambda: OutboundEmail.objects.get(pk=email.pk).state == OutboundEmail.State.SENT)
    assert [message.to for message in mail.outbox] == [["duena@example.com"]]
    assert "https://example.org/es/a/x/" in mail.outbox[0].body
