"""Log in, reset a password, accept an invitation, choose a language."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cohorts.models import Invitation, Membership, Profile, Role
from diagnostic.models import OutboundEmail
from tests.factories import wait_until

pytestmark = pytest.mark.django_db


def test_login_takes_a_person_to_their_desk_in_their_language(client, world):
    Profile.objects.create(user=world.ana, language="en")
    response = client.post(
        reverse("cohorts:login"), {"username": "ana", "password": "una-clave-larga-9"}
    )
    assert response["Location"] == "/en/desk/"


def test_a_wrong_password_is_refused_clearly(client, world):
    response = client.post(reverse("cohorts:login"), {"username": "ana", "password": "nope"})
    assert response.status_code == 200
    assert "error-summary" in response.text


def test_a_forgotten_password_is_reset_by_email(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cohorts:password_reset"), {"email": "ANA@example.org"})
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.get().state == OutboundEmail.State.SENT
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    new = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "otra-clave-larga-7", "new_password2": "otra-clave-larga-7"},
    )
    assert new["Location"] == reverse("cohorts:password_reset_complete")
    assert client.login(request=HttpRequest(), username="ana", password="otra-clave-larga-7")


def test_a_password_reset_answers_alike_for_a_registered_and_an_unknown_address(
    client, world, django_capture_on_commit_callbacks
):
    """Nothing about the address is looked up or sent while the visitor waits."""
    answers = []
    for email in ("ana@example.org", "nadie@example.org"):
        with (
            django_capture_on_commit_callbacks() as queued,
            CaptureQueriesContext(connection) as queries,
        ):
            response = client.post(reverse("cohorts:password_reset"), {"email": email})
        answers.append((response.status_code, response["Location"], len(queries), len(queued)))
        assert mail.outbox == []
        assert not OutboundEmail.objects.exists()
    assert answers[0] == answers[1]
    assert answers[0][:2] == (302, reverse("cohorts:password_reset_done"))


@pytest.mark.worker
def test_a_real_worker_sends_the_reset_link_after_the_answer(
    celery_worker, client, django_user_model
):
    django_user_model.objects.create_user("ana", "ana@example.org", "una-clave-larga-9")
    response = client.post(reverse("cohorts:password_reset"), {"email": "ana@example.org"})
    assert response.status_code == 302
    wait_until(lambda: OutboundEmail.objects.filter(state=OutboundEmail.State.SENT).exists())
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    assert "/es/accounts/password-reset/" in mail.outbox[0].body


def test_a_reset_for_an_unknown_address_sends_nothing(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cohorts:password_reset"), {"email": "nadie@example.org"})
    assert mail.outbox == []
    assert not OutboundEmail.objects.exists()


def test_a_manager_invites_a_consultant_who_joins_the_team(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.maria)
    carlos = Membership.objects.get(user=world.carlos)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cohorts:invite"),
            {"email": "nueva@example.org", "role": Role.CONSULTANT, "coordinator": carlos.pk},
        )
    assert response["Location"] == reverse("cohorts:desk")
    assert mail.outbox[0].to == ["nueva@example.org"]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    client.logout()

    joined = client.post(
        link, {"password1": "clave-nueva-larga-5", "password2": "clave-nueva-larga-5"}
    )
    assert joined["Location"] == reverse("cohorts:desk")
    membership = Membership.objects.get(user__email="nueva@example.org")
    assert (membership.role, membership.coordinator) == (Role.CONSULTANT, carlos)

    again = client.get(link)
    assert again.status_code == 410


def test_an_expired_invitation_says_so(client, world):
    invitation = Invitation.objects.create(
        organisation=world.cohort.organisation,
        email="tarde@example.org",
        role=Role.CONSULTANT,
        token="t" * 43,
        expires_at=timezone.now() - timedelta(days=1),
    )
    response = client.get(reverse("cohorts:invitation", kwargs={"token": invitation.token}))
    assert response.status_code == 410
    assert not Membership.objects.filter(user__email="tarde@example.org").exists()


def test_an_unknown_invitation_is_not_found(client, world):
    assert client.get(reverse("cohorts:invitation", kwargs={"token": "nope"})).status_code == 404


def test_a_person_chooses_their_language(client, world):
    client.force_login(world.ana)
    response = client.post(reverse("cohorts:account"), {"language": "en"})
    assert response["Location"] == "/en/accounts/"
    assert Profile.objects.get(user=world.ana).language == "en"
    with translation.override("en"):
        assert client.post(reverse("cohorts:account"), {"language": "xx"}).status_code == 200


# Invitations are bound to the invited address


def invitation_for(world, email: str, role: str = Role.MANAGER, organisation=None) -> str:
    invitation = Invitation.objects.create(
        organisation=organisation or world.cohort.organisation,
        email=email,
        role=role,
        token=f"tok-{email}-{role}"[:64],
        expires_at=timezone.now() + timedelta(days=7),
    )
    return reverse("cohorts:invitation", kwargs={"token": invitation.token})


def test_an_invitation_is_refused_to_an_account_of_another_address(client, world, english):
    link = invitation_for(world, "nueva@example.org")
    client.force_login(world.otto)
    page = client.get(link)
    assert page.status_code == 403
    assert "for nueva@example.org" in page.text
    refused = client.post(link)
    assert refused.status_code == 403
    assert not Membership.objects.filter(user=world.otto, organisation=world.cohort.organisation)
    assert Invitation.objects.get().accepted_at is None


def test_an_account_of_the_invited_address_accepts_whatever_its_case(client, world):
    link = invitation_for(world, "OTTO@Example.org", role=Role.CONSULTANT)
    client.force_login(world.otto)
    assert client.post(link)["Location"] == reverse("cohorts:desk")
    joined = Membership.objects.get(user=world.otto, organisation=world.cohort.organisation)
    assert joined.role == Role.CONSULTANT


def test_a_member_invited_again_keeps_their_role_and_is_told(client, world, english):
    link = invitation_for(world, "maria@example.org", role=Role.CONSULTANT)
    client.force_login(world.maria)
    response = client.post(link, follow=True)
    assert Membership.objects.get(user=world.maria).role == Role.MANAGER
    assert "a member of Secretaría de Economía de Sonora already" in response.text
    assert "Programme manager" in response.text


def test_accepting_signed_out_for_an_existing_account_is_a_form_error(client, world, english):
    User.objects.create_user(username="nueva@example.org", email="nueva@example.org")
    link = invitation_for(world, "nueva@example.org")
    passwords = {"password1": "clave-nueva-larga-5", "password2": "clave-nueva-larga-5"}
    response = client.post(link, passwords)
    assert response.status_code == 200
    assert "An account with the e-mail nueva@example.org exists already" in response.text
    assert not Membership.objects.filter(user__username="nueva@example.org").exists()
    # An account found by its e-mail, under another username, is the same person too.
    other = client.post(invitation_for(world, "Ana@Example.org"), passwords)
    assert other.status_code == 200
    assert User.objects.filter(email__iexact="ana@example.org").count() == 1


@pytest.mark.parametrize("password", ["nueva@example.org", "NuevaExample"])
def test_a_new_account_cannot_take_its_email_as_password(client, world, english, password):
    link = invitation_for(world, "nueva@example.org")
    response = client.post(link, {"password1": password, "password2": password})
    assert response.status_code == 200
    assert "too similar" in response.text
    assert not User.objects.filter(email="nueva@example.org").exists()
