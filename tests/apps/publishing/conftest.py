"""A public Southend programme with coded evidence whose counts are small on purpose: Victoria gives 3
contributions, several themes are raised 1 to 7 times, and a few residents refused quotes or open data."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest

from chorus.apps.accountability.models import (
    Action,
    BodyKind,
    Decision,
    DecisionBody,
    Meeting,
    Outcome,
    Priority,
)
from chorus.apps.coding.actions.review import apply_theme
from chorus.apps.coding.models import Codebook, Theme
from chorus.apps.engagement.actions import ContributionInput, create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind, Contribution
from chorus.apps.places.models import Area, Level

from support.world import World, ward

THEMES = [
    ("housing", "Damp and mould"),
    ("gp-access", "GP access"),
    ("transport", "Buses and transport"),
    ("loneliness", "Loneliness"),
]
# (activity date, ward, kind, how many, {theme: how many of them raise it}, open data for the first n,
# quote consent for the first n)
PLAN = [
    (date(2026, 1, 14), "Kursaal", ActivityKind.LISTENING_EVENT, 14, {"housing": 9, "gp-access": 3}, 14, 10),
    (date(2026, 2, 11), "Kursaal", ActivityKind.FOCUS_GROUP, 9, {"housing": 6, "transport": 2}, 9, 4),
    (date(2026, 2, 18), "Milton", ActivityKind.CONVERSATION, 12, {"gp-access": 8, "loneliness": 1}, 10, 6),
    (date(2026, 3, 4), "Milton", ActivityKind.CONVERSATION, 5, {"gp-access": 5}, 5, 0),
    (date(2026, 3, 25), "Victoria", ActivityKind.SURVEY, 3, {"housing": 2, "loneliness": 1}, 3, 3),
]
REFUSED_QUOTE = "I do not want this quoted about the housing office"


@dataclass
class Evidence:
    world: World
    themes: dict[str, Theme]
    contributions: list[Contribution]


def _said(index: int, ward_name: str, raised: list[str]) -> str:
    topics = {
        "housing": "the damp and mould in our flat",
        "gp-access": "getting a GP appointment",
        "transport": "the buses stopping early",
        "loneliness": "feeling alone since my husband died",
    }
    about = " and ".join(topics[slug] for slug in raised) or "the park being nice"
    return f"Resident {index} in {ward_name} talked about {about}"


@pytest.fixture
def evidence(world) -> Evidence:
    programme = world.programme
    programme.is_public = True
    programme.summary = "Listening to residents in Southend's most deprived wards."
    programme.save()
    wards = {name: ward(name) for name in ("Kursaal", "Milton", "Victoria")}
    programme.focus_areas.set(wards.values())
    codebook = Codebook.objects.create(programme=programme, name="Community health")
    themes = {
        slug: Theme.objects.create(codebook=codebook, slug=slug, name=name, position=i)
        for i, (slug, name) in enumerate(THEMES)
    }
    made = []
    index = 0
    for day, ward_name, kind, n, raised, open_data, quote in PLAN:
        area = wards[ward_name]
        lsoas = list(Area.objects.filter(level=Level.LSOA, parent=area).order_by("code"))
        activity = Activity.objects.create(
            programme=programme, kind=kind, title=f"{ward_name} {kind}", date=day, area=area, participants=n
        )
        for i in range(n):
            index += 1
            chosen = [slug for slug, count in raised.items() if i < count]
            text = _said(index, ward_name, chosen)
            if ward_name == "Kursaal" and kind == ActivityKind.FOCUS_GROUP and i == 5:  # housing, no consent
                text = REFUSED_QUOTE
            contribution = create_contribution(
                activity,
                ContributionInput(
                    text=text,
                    consent_quote=i < quote,
                    consent_open_data=i < open_data,
                    consent_recontact=False,
                    ward=area,
                    lsoa=lsoas[i % len(lsoas)] if lsoas else None,
                    age_band=["25-34", "45-54", "65-74"][i % 3],
                    already_redacted=True,
                ),
                by=world.analyst,
            ).contribution
            for slug in chosen:
                apply_theme(contribution, themes[slug], by=world.analyst)
            made.append(contribution)
    _priority(world, made)
    return Evidence(world, themes, made)


def _priority(world: World, contributions: list[Contribution]) -> Priority:
    programme = world.programme
    priority = Priority.objects.create(
        programme=programme,
        title="Warm, dry homes",
        theme="Damp and mould",
        summary="Residents live with damp and mould.",
        is_public=True,
        created_by=world.analyst,
    )
    priority.contributions.set(contributions[:17])
    Priority.objects.create(
        programme=programme, title="Internal only", theme="GP access", summary="Not yet public."
    )
    body = DecisionBody.objects.create(
        programme=programme, name="Health and Wellbeing Board", kind=BodyKind.HWBB
    )
    meeting = Meeting.objects.create(body=body, title="Board", date=date(2026, 3, 12))
    decision = Decision.objects.create(
        meeting=meeting,
        priority=priority,
        outcome=Outcome.ACCEPTED,
        summary="Fund a damp hotline run with tenants.",
        owner=world.partner_a,
        due_date=date(2026, 6, 30),
    )
    Action.objects.create(
        priority=priority,
        decision=decision,
        title="Open the hotline",
        owner=world.partner_a,
        due_date=date(2026, 6, 1),
    )
    return priority


# ------------------------------------------------------------------------------------------------ checks
# Shared by the tests that read public outputs: they parse the figures rather than grep the text.


class _FigureParser(HTMLParser):
    """The text of every element marked data-figure="count" or "percent"."""

    def __init__(self):
        super().__init__()
        self.found: list[list[str]] = []
        self._open: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        kind = dict(attrs).get("data-figure")
        if tag not in VOID_TAGS:
            self._open.append(kind)
        if kind:
            self.found.append([kind, ""])

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        if self._open and self._open[-1] and self.found:
            self.found[-1][1] += data


VOID_TAGS = {"img", "br", "input", "meta", "link", "hr", "source", "col", "area", "base", "wbr"}
COUNT_COLUMNS = {"contributions", "contributions_with_theme"}
SHARE_COLUMNS = {"percent", "lower_95", "upper_95"}


def published(n: int) -> bool:
    """A count as disclosure control lets it out: 0, or a multiple of 5 from 10 up."""
    return n == 0 or (n >= 10 and n % 5 == 0)


def integers(value):
    """Every integer anywhere in a JSON value (booleans are not figures)."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from integers(item)
    elif isinstance(value, list):
        for item in value:
            yield from integers(item)


def html_figures(html: str) -> list[tuple[str, str]]:
    parser = _FigureParser()
    parser.feed(html)
    return [(kind, text.strip()) for kind, text in parser.found]


def assert_public_figures(figures: dict) -> int:
    numbers = list(integers(figures))
    assert all(published(n) for n in numbers), [n for n in numbers if not published(n)]
    return len(numbers)


def assert_public_html(html: str) -> int:
    found = html_figures(html)
    for kind, text in found:
        if kind == "count":
            assert text in ("*", "–") or published(int(text.replace(",", ""))), text
        else:
            assert text in ("*", "–") or re.fullmatch(r"\d+\.\d%", text), text
    return len(found)


def assert_open_data(csv_text: str, json_doc: dict) -> tuple[int, int]:
    """Counts in a CSV file and its JSON twin: published values only, suppressed in the same cells."""
    from_csv = list(csv.DictReader(io.StringIO(csv_text)))
    from_json = json_doc["data"]
    assert len(from_csv) == len(from_json)
    checked = suppressed = 0
    for text_row, json_row in zip(from_csv, from_json, strict=True):
        for column in COUNT_COLUMNS & set(text_row):
            if text_row[column] == "*":
                assert json_row[column] is None
                suppressed += 1
                for share in SHARE_COLUMNS & set(text_row):
                    assert text_row[share] == "*" and json_row[share] is None
            else:
                assert published(int(text_row[column])), (column, text_row[column])
                assert json_row[column] == int(text_row[column])
            checked += 1
    return checked, suppressed


@pytest.fixture
def public_checks():
    return SimpleNamespace(
        figures=assert_public_figures,
        html=assert_public_html,
        open_data=assert_open_data,
        published=published,
    )
