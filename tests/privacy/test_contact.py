"""Contact details residents give to hear back: an email address or a UK mobile number, written one way."""

import pytest

from chorus.privacy.contact import Contact, NotAContact, parse_contact


@pytest.mark.parametrize(
    "typed",
    ["07400 123456", "07400123456", "+44 7400 123456", "(07400) 123-456", "0044 7400 123456"],
)
def test_a_mobile_number_is_written_one_way(typed):
    assert parse_contact(typed) == Contact("sms", "+447400123456")


def test_the_example_number_ofcom_keeps_for_drama_is_a_mobile():
    # The refusal's own example must pass; demos and Notify's smoke tests use this range.
    assert parse_contact("07700 900 123") == Contact("sms", "+447700900123")
    assert parse_contact("+44 7700 900999") == Contact("sms", "+447700900999")
    with pytest.raises(NotAContact):
        parse_contact("07700 9001234")  # one digit too many


def test_an_email_address_is_kept_in_lower_case():
    assert parse_contact("  Resident@Example.NET ") == Contact("email", "resident@example.net")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter an email address or a mobile number"),
        ("01702 215000", "landline"),
        ("12345", "Enter a mobile number"),
        ("name@nowhere", "correct format"),
        ("not a number", "Enter a mobile number"),
    ],
)
def test_anything_else_is_refused_with_what_to_enter(typed, message):
    with pytest.raises(NotAContact, match=message):
        parse_contact(typed)
