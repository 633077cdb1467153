"""How a resident who asked to hear back can be reached: an email address or a UK mobile number, checked and
written one way so the same person given twice is recognised. No Django."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import phonenumbers

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Ofcom keeps 07700 900000 to 900999 for drama: never a resident's, so right for examples and demos, and
# GOV.UK Notify's smoke-test numbers are among them. libphonenumber calls them invalid; Chorus takes them as
# mobiles.
DRAMA_MOBILES = re.compile(r"^\+447700900\d{3}$")
Kind = Literal["email", "sms"]


class NotAContact(ValueError):
    """Neither an email address nor a mobile number; the message says what to enter."""


@dataclass(frozen=True)
class Contact:
    kind: Kind  # "email" or "sms", as the feedback channels name them
    value: str  # an email address in lower case, or a mobile number in E.164 (+447700900123)


def parse_contact(text: str, region: str = "GB") -> Contact:
    """An email address (has an @) or a mobile number; anything else is refused with what to enter."""
    text = text.strip()
    if not text:
        raise NotAContact("Enter an email address or a mobile number")
    if "@" in text:
        if not EMAIL.match(text) or len(text) > 254:
            raise NotAContact("Enter an email address in the correct format, like name@example.com")
        return Contact("email", text.lower())
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise NotAContact("Enter a mobile number, like 07700 900 123, or an email address") from error
    written = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if DRAMA_MOBILES.match(written):
        return Contact("sms", written)
    if not phonenumbers.is_valid_number(number):
        raise NotAContact("Enter a mobile number, like 07700 900 123, or an email address")
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise NotAContact("Enter a mobile number (a landline cannot get text messages), or an email address")
    return Contact("sms", written)
