"""Templates use the NHS.UK frontend 10 markup that the built stylesheet styles, not version 9's."""

import re

from django.conf import settings

TEMPLATES = sorted((settings.BASE_DIR / "chorus").rglob("templates/**/*.html"))
# NHS.UK frontend 9 breadcrumb classes: version 10 neither styles nor hides them, so a back link written this
# way shows on every screen beside the breadcrumb (the programme's name twice on a desktop), and list items
# written this way lose their separators.
FRONTEND_9_BREADCRUMB = ("nhsuk-breadcrumb__back", "nhsuk-breadcrumb__backlink", "nhsuk-breadcrumb__item")


def _classes_used() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for path in TEMPLATES:
        for attribute in re.findall(r'class="([^"]*)"', path.read_text()):
            for name in attribute.split():
                used.setdefault(name, set()).add(str(path.relative_to(settings.BASE_DIR)))
    return used


def test_the_built_stylesheet_has_no_rule_for_nhsuk_frontend_9_breadcrumb_classes():
    css = (settings.BUILT_STATIC / "nhsuk-chorus.min.css").read_text()

    for name in FRONTEND_9_BREADCRUMB:
        assert not re.search(rf"\.{name}(?![\w-])", css), name


def test_no_template_uses_the_breadcrumb_classes_of_nhsuk_frontend_9():
    used = _classes_used()

    for name in FRONTEND_9_BREADCRUMB:
        assert name not in used, f"{name} in {sorted(used[name])}: use nhsuk-back-link or __list-item"


def test_every_breadcrumb_gives_phones_a_back_link():
    for path in TEMPLATES:
        for nav in re.findall(r'<nav class="nhsuk-breadcrumb.*?</nav>', path.read_text(), flags=re.S):
            assert "nhsuk-back-link" in nav, f"{path}: its breadcrumb list is hidden on a phone"
