"""Accounts: a forgotten password is reset by e-mail, sent in the background."""

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from core.jobs import job_enqueue
from diagnostic.services import email_queue

from . import tasks


def password_reset_request(*, email: str, language: str) -> None:
    """Queue the reset of `email`'s password; QueueUnavailable when the broker is down.

    Whose address it is, is looked up in the background: the request does the same work for
    any address, so neither its answer nor its timing tells whether an account has it.
    """
    job_enqueue(tasks.password_reset_send, email, language)


def password_reset_email(*, email: str, language: str) -> int:
    """E-mail a link to choose a new password to each account of `email` that may log in.

    Returns how many were queued in the outbox (none for an unknown address).
    """
    queued = 0
    for user in PasswordResetForm().get_users(email):
        with translation.override(language):
            path = reverse(
                "cohorts:password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
            subject = _("Choose a new password for Ruta Digital")
            body = render_to_string(
                "registration/password_reset_email.html", {"link": f"{settings.SITE_URL}{path}"}
            )
        with transaction.atomic():
            email_queue(to=user.email, subject=subject, body=body)
        queued += 1
    return queued
