"""Quoted words of residents (blockquote.nhsuk-inset-text) use the phone's width, in a real browser."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.browser

CHORUS_CSS = settings.BASE_DIR / "chorus" / "apps" / "core" / "static" / "chorus" / "chorus.css"


def test_a_quote_on_a_phone_lines_up_with_the_text_around_it_and_keeps_its_width(phone):
    css = (settings.BUILT_STATIC / "nhsuk-chorus.min.css").read_text() + CHORUS_CSS.read_text()
    phone.set_content(
        "<html><head><meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<style>{css}</style></head><body><div class='nhsuk-width-container'>"
        "<p id='text'>You said</p>"
        "<blockquote class='nhsuk-inset-text' id='quote'>"
        "<p class='chorus-quote'>“The bus stopped running.”</p></blockquote>"
        "</div></body></html>"
    )
    text = phone.locator("#text").bounding_box()
    quote = phone.locator("#quote").bounding_box()

    assert quote["x"] == text["x"]
    assert quote["width"] == text["width"]
