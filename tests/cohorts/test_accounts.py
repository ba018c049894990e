"""Log in, reset a password, accept an invitation, choose a language."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation

from cohorts.models import Invitation, Membership, Profile, Role

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


def test_a_forgotten_password_is_reset_by_email(client, world):
    client.post(reverse("cohorts:password_reset"), {"email": "ana@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    new = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "otra-clave-larga-7", "new_password2": "otra-clave-larga-7"},
    )
    assert new["Location"] == reverse("cohorts:password_reset_complete")
    assert client.login(request=HttpRequest(), username="ana", password="otra-clave-larga-7")


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
