"""Chorus's additions to the NHS.UK styles, in a real browser: quoted words of residents use the phone's
width; a table that fits its scroll region does not scroll."""

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


def test_a_table_that_fits_its_scroll_region_on_a_desktop_does_not_scroll(desktop):
    css = (settings.BUILT_STATIC / "nhsuk-chorus.min.css").read_text() + CHORUS_CSS.read_text()
    desktop.set_content(
        "<html><head><meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<style>{css}</style></head><body><div class='nhsuk-width-container'>"
        "<div class='nhsuk-scroll'><div class='nhsuk-scroll__content' id='region'><table class='nhsuk-table'>"
        "<tr class='nhsuk-table__row'><th class='nhsuk-table__header'>Priority</th>"
        "<td class='nhsuk-table__cell'>2</td></tr></table></div></div></div></body></html>"
    )
    sizes = desktop.locator("#region").evaluate("region => [region.scrollWidth, region.clientWidth]")

    assert sizes[0] == sizes[1]
