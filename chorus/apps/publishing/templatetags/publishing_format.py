"""How a report's frozen figures are written: counts with thousands separators, "*" kept as it is."""

from __future__ import annotations

import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from chorus.apps.publishing.story import plain_period

register = template.Library()

NOTHING = "–"


@register.filter
def count(value) -> str:
    if value is None:
        return NOTHING
    if isinstance(value, str):
        return value
    return intcomma(value)


@register.filter
def pct(value) -> str:
    if value is None:
        return NOTHING
    if isinstance(value, str):
        return value
    return f"{value:.1f}%"


@register.filter
def interval(value) -> str:
    """[lower, upper] in percent as '12.0 to 18.5', or '–' when left out."""
    if not value:
        return NOTHING
    lower, upper = value
    return f"{lower:.1f} to {upper:.1f}"


@register.filter
def points(value) -> str:
    """A difference in percentage points with its sign."""
    if value is None:
        return NOTHING
    return f"{value:+.1f}"


@register.filter
def isodate(value: str) -> str:
    """A frozen ISO date ('2026-03-12') as '12 March 2026'."""
    try:
        return f"{datetime.date.fromisoformat(value):%-d %B %Y}"
    except (TypeError, ValueError):
        return value or NOTHING


@register.filter
def period(value) -> str:
    """A frozen month label ('2026-08') as 'Aug 2026'; a quarter ('2026 Q3') as it is."""
    return plain_period(value) if value else NOTHING


@register.filter
def lowerfirst(value) -> str:
    """Lower-case the first letter only, so names inside ("England", "IMD") keep their capitals; a name
    that starts the text ("Core20", "IMD quintile") keeps its own."""
    text = str(value or "")
    first_word = text.split(" ", 1)[0]
    if any(letter.isupper() or letter.isdigit() for letter in first_word[1:]):
        return text
    return text[:1].lower() + text[1:]


_PLAIN_WORDS = (
    ("known to the LSOA", "known to the neighbourhood"),
    ("with LSOAs", "with neighbourhood figures"),
    ("'s LSOAs", "'s neighbourhoods (census areas of about 1,500 people)"),
    ("LSOAs", "neighbourhoods"),
    ("LSOA", "neighbourhood"),
)


@register.filter
def plain(value) -> str:
    """Words for a board paper: the analysts' area codes ("LSOA") said as neighbourhoods."""
    text = str(value or "")
    for jargon, words in _PLAIN_WORDS:
        text = text.replace(jargon, words)
    return text
