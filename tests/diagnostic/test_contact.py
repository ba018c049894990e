"""Firms' phone numbers: checked for their country, kept in E.164, and a WhatsApp link."""

from urllib.parse import parse_qs, urlsplit

import pytest

from diagnostic.contact import InvalidPhone, phone_display, phone_e164, whatsapp_link
from diagnostic.models import Assessment
from tests.diagnostic.test_questionnaire import profile_post, start, url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "country", "e164"),
    [
        ("55 1234 5678", "MX", "+525512345678"),  # written as a Mexican dials it
        ("+52 55 1234 5678", "MX", "+525512345678"),
        ("300 123 4567", "CO", "+573001234567"),
        ("612 34 56 78", "ES", "+34612345678"),
        ("+52 55 1234 5678", "ES", "+525512345678"),  # a Spanish firm with a Mexican number
    ],
)
def test_a_number_is_kept_in_e164_read_for_the_firms_country(text, country, e164):
    assert phone_e164(text, country) == e164


@pytest.mark.parametrize(("text", "country"), [("12", "MX"), ("llámeme", "MX"), ("5512345678", "")])
def test_what_cannot_be_dialled_is_refused(text, country):
    with pytest.raises(InvalidPhone):
        phone_e164(text, country)


def test_a_whatsapp_link_opens_a_chat_with_the_number_and_the_message_written():
    link = whatsapp_link("+525512345678", "Hola Luz: su resultado https://x.mx/?a=1&b=2")

    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/525512345678")
    assert parse_qs(parts.query)["text"] == ["Hola Luz: su resultado https://x.mx/?a=1&b=2"]
    assert phone_display("+525512345678") == "+52 55 1234 5678"


def test_the_owner_may_leave_a_whatsapp_number_and_a_wrong_one_is_explained(client, instrument):
    assessment = start(client)

    wrong = client.post(url("profile", token=assessment.token), profile_post(phone="12 34"))
    assert wrong.status_code == 200
    assert "Escriba el número con su código de área" in wrong.text
    assert "+52 222 123 4567" in wrong.text  # an example from the firm's own country
    right = client.post(
        url("profile", token=assessment.token),
        profile_post(phone="55 1234 5678", owner_name="Luz Romero"),
    )
    assert right.status_code == 302
    firm = Assessment.objects.get(pk=assessment.pk).firm
    assert (firm.phone, firm.owner_name) == ("+525512345678", "Luz Romero")
