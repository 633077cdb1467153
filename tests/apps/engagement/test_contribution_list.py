"""The contributions list on a phone: its filters fold into an NHS.UK details, open when a filter is applied
so a connector sees what is applied, closed otherwise so the list is on the first screen; numbered pages."""

from datetime import date

import pytest
from django.urls import reverse
from lxml import html

from chorus.apps.engagement.actions import create_contribution
from chorus.apps.engagement.models import Activity, ActivityKind

from support.world import voice

pytestmark = pytest.mark.django_db


def _filters(client, query: dict) -> html.HtmlElement:
    """The details element around the filter form."""
    page = html.fromstring(client.get(reverse("contributions"), query).content)
    (form,) = page.xpath("//form[.//button[normalize-space()='Apply filters']]")
    (details,) = form.xpath("ancestor::details")
    return details


@pytest.mark.parametrize("query", [{}, {"page": "2"}, {"q": "", "kind": "", "date_from": ""}])
def test_the_filters_are_folded_away_when_none_is_applied(client, world, query):
    client.force_login(world.connector)

    details = _filters(client, query)

    assert details.get("open") is None
    assert details.xpath("string(summary)").strip() == "Filter contributions"
    assert "nhsuk-details" in details.classes


@pytest.mark.parametrize(
    "query",
    [{"q": "bus"}, {"kind": "conversation"}, {"date_from": "2026-10-01"}, {"awaiting_translation": "on"}],
)
def test_the_filters_are_open_when_a_filter_is_applied(client, world, query):
    client.force_login(world.connector)

    details = _filters(client, query | {"page": "1"})

    assert details.get("open") is not None
    (name, value), *_ = query.items()
    (field,) = details.xpath(f"//*[@name='{name}']")
    assert field.get("value") == value or field.get("checked") is not None or field.value == value


def test_the_filters_are_open_when_one_is_wrong(client, world):
    client.force_login(world.connector)

    details = _filters(client, {"date_from": "2026-10-05", "date_to": "2026-10-01"})

    assert details.get("open") is not None and "must be the same as or after" in details.text_content()


@pytest.mark.parametrize(("asked", "shown"), [("abc", 1), ("0", 1), ("2", 2), ("999", 3)])
def test_a_page_number_that_is_no_page_gives_the_nearest_page(client, world, settings, asked, shown):
    settings.CHORUS_PAGE_SIZE = 5
    activity = Activity.objects.create(
        programme=world.programme,
        kind=ActivityKind.CONVERSATION,
        title="Survey",
        date=date(2026, 9, 1),
        recorded_by=world.connector,
    )
    for i in range(12):
        create_contribution(activity, voice(f"Survey answer number {i}"), by=world.connector)
    client.force_login(world.connector)

    response = client.get(reverse("contributions"), {"q": "Survey", "page": asked})

    assert response.status_code == 200 and response.context["page"].number == shown
    nav = html.fromstring(response.content).xpath("//nav[contains(@class, 'nhsuk-pagination')]")[0]
    assert nav.get("aria-label") == "Pages of contributions"
    links = [(a.text_content().strip(), a.get("href"), a.get("aria-current")) for a in nav.xpath(".//li/a")]
    assert links == [(str(n), f"?q=Survey&page={n}", "page" if n == shown else None) for n in (1, 2, 3)]
