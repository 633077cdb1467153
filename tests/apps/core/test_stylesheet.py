"""The NHS.UK stylesheet Chorus builds: no font from another host, a sans-serif font, icons served here."""

from django.conf import settings


def test_built_stylesheet_loads_nothing_from_another_host_and_sets_a_page_font():
    css = (settings.BUILT_STATIC / "nhsuk-chorus.min.css").read_text()

    assert "@font-face" not in css
    assert "assets.nhs.uk" not in css and "https://" not in css
    assert "html{font-family:arial,sans-serif}" in css
    assert 'url("/static/nhsuk/assets/images/' in css
