"""What the programme's public page tells a resident: what we heard (the themes raised most, in plain words,
as shares of what has been sorted into themes, each with a quote from a resident who agreed to be quoted)
and what was done about it.

Every figure leaves through disclosure control (counts of 1 to 7 hidden, others rounded to the nearest 5,
shares worked out from the published counts). Quotes are stored redacted; none names a ward or a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F

from chorus.apps.accountability.queries import public_priorities
from chorus.apps.insight import aggregates
from chorus.apps.insight.coverage import coverage_sentence, released_coverage
from chorus.apps.insight.filters import Filters
from chorus.apps.programmes.models import Programme
from chorus.privacy.disclosure import display_count, display_whole_percentage, published_counts

TOP_THEMES = 5
PRIORITIES = 3
QUOTE_MAX_CHARS = 240


@dataclass(frozen=True)
class HeardTheme:
    name: str
    in_words: str  # "about 1 in 4"
    percent: int | str  # of the published counts, whole (disclosure.display_whole_percentage)
    quote: str


@dataclass(frozen=True)
class YouSaidWeDid:
    you_said: str
    we_did: str


def in_words(share: float) -> str:
    """A share as a resident would say it: 'about 1 in 4', 'about half', 'most'."""
    if share >= 0.7:
        return "most"
    if share >= 0.45:
        return "about half"
    if share < 0.05:
        return "a few"
    return f"about 1 in {round(1 / share)}"


def _quote(codebook, slug: str, used: set[int]) -> str:
    """The surest quote for a theme from a resident who agreed to be quoted (people's decisions first)."""
    codings = (
        aggregates.theme_codings(codebook)
        .filter(theme__slug=slug, contribution__consent_quote=True)
        .exclude(contribution_id__in=used)
        .order_by(F("made_by_user").desc(nulls_last=True), F("confidence").desc(nulls_last=True), "pk")
        .values_list("contribution_id", "contribution__text")
    )
    for contribution_id, text in codings[:30]:
        text = " ".join(text.split())
        if 20 <= len(text) <= QUOTE_MAX_CHARS:
            used.add(contribution_id)
            return text
    return ""


@dataclass(frozen=True)
class WhatWeHeard:
    total: int | str  # published count of contributions
    themes: list[HeardTheme]
    coverage: str  # what the shares are of (insight.coverage.coverage_sentence), from published counts


def what_we_heard(programme: Programme) -> WhatWeHeard:
    """How many contributions (published count) and the themes raised most, each with a quote, each a share
    of the contributions coded to themes worked out from the published counts, as the board story does."""
    evidence = aggregates.Evidence(programme, Filters())
    coverage = evidence.coverage
    themes: list[HeardTheme] = []
    used: set[int] = set()
    for row in aggregates.top_themes(programme, Filters(), limit=TOP_THEMES, codebook=evidence.codebook):
        counts = published_counts(row.count, coverage.coded)
        if counts is None or not counts[1] or not counts[0]:
            continue  # too few to publish
        share = counts[0] / counts[1]
        themes.append(
            HeardTheme(
                row.theme_name,
                in_words(share),
                display_whole_percentage(row.count, coverage.coded),
                _quote(evidence.codebook, row.theme, used),
            )
        )
    sentence = coverage_sentence(released_coverage(coverage, public=True)) if themes else ""
    return WhatWeHeard(display_count(evidence.total), themes, sentence)


def what_we_did(programme: Programme) -> list[YouSaidWeDid]:
    """A few public priorities: what residents said, and the latest decision or action on it."""
    found = []
    for priority in public_priorities(programme)[:PRIORITIES]:
        decisions = list(priority.decisions.all())
        actions = list(priority.actions.all())
        if decisions:
            latest = max(decisions, key=lambda decision: decision.meeting.date)
            did = latest.summary
        elif actions:
            action = max(actions, key=lambda action: action.due_date)
            did = f"{action.title} ({action.get_status_display().lower()})"
        else:
            did = "Not decided yet: it is on the list for the people who decide."
        found.append(YouSaidWeDid(priority.summary or priority.title, did))
    return found
