"""Phone numbers of firms: checked for the firm's country, kept in E.164, shown as people write
them, and turned into a WhatsApp link with a prefilled message (no paid API needed)."""

from __future__ import annotations

from urllib.parse import quote

import phonenumbers


class InvalidPhone(ValueError):
    """Not a number that can be dialled in the firm's country or, with its +code, anywhere."""


def phone_e164(text: str, country: str | None) -> str:
    """The number in E.164 (+5215512345678); a number without "+" is read as the country's."""
    try:
        number = phonenumbers.parse(text, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        raise InvalidPhone(text) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_example(country: str | None) -> str:
    """A mobile number of the country as people write it, for help texts; empty if unknown."""
    number = phonenumbers.example_number_for_type(
        (country or "").upper() or None, phonenumbers.PhoneNumberType.MOBILE
    )
    if number is None:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_display(e164: str) -> str:
    """A stored number as people write it: "+52 55 1234 5678"."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def whatsapp_link(e164: str, message: str) -> str:
    """A wa.me link that opens a chat with the number, the message written and ready to send."""
    return f"https://wa.me/{e164.lstrip('+')}?text={quote(message)}"
