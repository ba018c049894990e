"""Abuse: login throttling, per-client rate limits, revocable resume links, upload limits."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from diagnostic.models import Assessment
from tests.factories import SOCIAL_SELLER, make_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    from django.core.cache import cache

    cache.clear()


def url(name: str, language: str = "es", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def login(client, password: str, address: str = "203.0.113.7", language: str = "es"):
    return client.post(
        url("cohorts:login", language),
        {"username": "ana", "password": password},
        REMOTE_ADDR=address,
    )


# Login throttling


def test_five_wrong_passwords_lock_that_username_from_that_address(client, world, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "wrong").status_code == 200
    locked = login(client, "wrong")
    assert locked.status_code == 429
    assert "Demasiadas contraseñas incorrectas" in locked.text
    # Even the right password waits for the cool-off now.
    assert login(client, "una-clave-larga-9").status_code == 429


def test_a_lockout_does_not_lock_out_the_same_person_elsewhere_or_others_here(
    client, world, settings
):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, "wrong")
    elsewhere = login(client, "una-clave-larga-9", address="198.51.100.20")
    assert elsewhere.status_code == 302
    other = client.post(
        url("cohorts:login"),
        {"username": "beto", "password": "una-clave-larga-9"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert other.status_code == 302


def test_the_lockout_page_speaks_english_on_english_pages(client, world, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, "wrong", language="en")
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.text


def test_wrong_passwords_for_many_usernames_throttle_that_address(client, world, settings):
    """Password spraying: one address trying one password on many accounts."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    for username in ("maria", "carlos", "beto"):
        sprayed = client.post(
            url("cohorts:login"),
            {"username": username, "password": "Verano2026"},
            REMOTE_ADDR="203.0.113.7",
        )
        assert sprayed.status_code == 200
    assert login(client, "Verano2026").status_code == 429
    locked = client.post(
        url("cohorts:login"),
        {"username": "otto", "password": "una-clave-larga-9"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert locked.status_code == 429
    assert "Demasiadas contraseñas incorrectas" in locked.text
    # People elsewhere log in as usual.
    assert login(client, "una-clave-larga-9", address="198.51.100.20").status_code == 302


def test_the_address_limit_leaves_room_for_many_people_behind_one_carrier_address(settings):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT >= 5 * settings.AXES_FAILURE_LIMIT


# Rate limits


def test_starting_many_assessments_from_one_address_is_limited_with_a_clear_page(
    client, instrument, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "new_assessment": "3/h"}
    for _attempt in range(3):
        assert client.post(url("diagnostic:start"), REMOTE_ADDR="203.0.113.9").status_code == 302
    refused = client.post(url("diagnostic:start"), REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Demasiadas solicitudes" in refused.text
    assert Assessment.objects.count() == 3
    # Another address is not affected.
    assert client.post(url("diagnostic:start"), REMOTE_ADDR="198.51.100.1").status_code == 302


def test_behind_a_proxy_the_limit_counts_the_forwarded_address(client, instrument, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "new_assessment": "1/h"}
    settings.CLIENT_IP_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    first = client.post(url("diagnostic:start"), HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    second = client.post(url("diagnostic:start"), HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy)
    # A client can't dodge the limit by writing its own X-Forwarded-For before the proxy's.
    spoofed = client.post(
        url("diagnostic:start"), HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5", **proxy
    )
    assert (first.status_code, second.status_code, spoofed.status_code) == (302, 302, 429)


def test_pdf_requests_are_limited_per_address(client, catalogue, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "pdf": "2/h"}
    assessment = make_assessment(answers=SOCIAL_SELLER, submitted=True)
    pdf_url = url("recommendations:pdf", token=assessment.token)
    for _attempt in range(2):
        assert client.post(pdf_url).status_code == 302
    refused = client.post(pdf_url)
    assert refused.status_code == 429
    # Looking at how the PDF is coming along is not limited.
    assert client.get(pdf_url).status_code == 200


def test_imports_are_limited_per_person(client, world, instrument, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "import": "1/h"}
    client.force_login(world.maria)
    import_url = url("cohorts:import_new", cohort_pk=world.cohort.pk)
    empty = SimpleUploadedFile("firms.csv", b"", content_type="text/csv")
    assert client.post(import_url, {"file": empty}).status_code == 200
    again = SimpleUploadedFile("firms.csv", b"", content_type="text/csv")
    assert client.post(import_url, {"file": again}).status_code == 429


def test_password_resets_are_limited_per_address(client, world, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": "2/h"}
    reset = url("cohorts:password_reset")
    for email in ("ana@example.org", "beto@example.org"):
        assert client.post(reset, {"email": email}, REMOTE_ADDR="203.0.113.9").status_code == 302
    refused = client.post(reset, {"email": "maria@example.org"}, REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429
    assert "Demasiadas solicitudes" in refused.text
    assert client.post(reset, {"email": "maria@example.org"}).status_code == 302


def test_password_resets_are_limited_per_target_address(client, world, settings):
    """However many addresses they come from, one inbox gets only so many reset e-mails."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": "2/h"}
    reset = url("cohorts:password_reset")
    for address in ("203.0.113.1", "203.0.113.2"):
        assert (
            client.post(reset, {"email": "ana@example.org"}, REMOTE_ADDR=address).status_code == 302
        )
    again = client.post(reset, {"email": "ANA@example.org"}, REMOTE_ADDR="203.0.113.3")
    assert again.status_code == 429
    assert int(again["Retry-After"]) > 0


def test_a_broken_cache_lets_owners_through(client, instrument, settings, redis_down):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.post(url("diagnostic:start"))
    assert response.status_code == 302


# Resume links


def test_a_resume_link_is_256_random_bits():
    assessment = make_assessment()
    assert len(assessment.token) >= 43  # token_urlsafe(32): 32 random bytes


def test_a_new_link_revokes_the_old_one(client):
    assessment = make_assessment()
    old = assessment.token
    response = client.post(url("diagnostic:new_link", token=old), {"step": "marketing"})
    assessment.refresh_from_db()
    assert assessment.token != old
    assert response["Location"] == url("diagnostic:step", token=assessment.token, code="marketing")
    page = client.get(response["Location"]).text
    assert "El enlace anterior ya no funciona" in page
    assert client.get(url("diagnostic:step", token=old, code="marketing")).status_code == 404


def test_a_submitted_result_can_get_a_new_link_too(client):
    assessment = make_assessment(answers=SOCIAL_SELLER, submitted=True)
    old = assessment.token
    response = client.post(url("diagnostic:new_link", token=old))
    assessment.refresh_from_db()
    assert response["Location"] == url("diagnostic:result", token=assessment.token)
    assert client.get(url("diagnostic:result", token=old)).status_code == 404


# E-mail the site sends on an owner's request


def email_link(client, assessment):
    return client.post(url("diagnostic:email_link", token=assessment.token), follow=True)


def test_one_address_gets_the_resume_link_a_few_times_a_day_however_many_drafts_name_it(
    client, instrument, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    from tests.factories import make_firm

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "resume_email_to": "3/d"}
    drafts = [
        make_assessment(firm=make_firm(contact_email=address))
        for address in ("victima@example.com", "Victima@Example.com", *["victima@example.com"] * 3)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        pages = [email_link(client, draft) for draft in drafts]
    Assessment.objects.filter(pk=drafts[0].pk).delete()  # deleting a draft resets nothing
    with django_capture_on_commit_callbacks(execute=True):
        pages.append(
            email_link(client, make_assessment(firm=make_firm(contact_email="victima@example.com")))
        )
    assert len(mail.outbox) == 3
    assert "Ya le enviamos este enlace varias veces hoy" in pages[-1].text


def test_the_resume_link_email_starts_with_nothing_the_visitor_typed(
    client, instrument, django_capture_on_commit_callbacks
):
    from django.core import mail

    from tests.factories import make_firm

    spam = "GANE $5000 HOY en http://premio.example"
    draft = make_assessment(firm=make_firm(name=spam, contact_email="victima@example.com"))
    with django_capture_on_commit_callbacks(execute=True):
        email_link(client, draft)
    message = mail.outbox[0]
    assert spam not in message.subject
    assert spam not in message.body
    assert message.body.splitlines()[0] == "Hola:"


# Uploads


def test_an_import_over_the_size_limit_is_refused_and_nothing_is_stored(client, world, instrument):
    from cohorts.imports import IMPORT_MAX_BYTES
    from cohorts.models import ImportJob

    client.force_login(world.maria)
    big = SimpleUploadedFile("firms.csv", b"x" * (IMPORT_MAX_BYTES + 1), content_type="text/csv")
    response = client.post(url("cohorts:import_new", cohort_pk=world.cohort.pk), {"file": big})
    assert response.status_code == 200
    assert "5 MB" in response.text
    assert not ImportJob.objects.exists()


def test_an_import_of_another_type_is_refused(client, world, instrument):
    from cohorts.models import ImportJob

    client.force_login(world.maria)
    picture = SimpleUploadedFile("firms.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    response = client.post(url("cohorts:import_new", cohort_pk=world.cohort.pk), {"file": picture})
    assert response.status_code == 200
    assert "error-summary" in response.text
    assert not ImportJob.objects.exists()
