"""Each person's menu offers the places they can use: every link opens, and analysts' tools are not offered to
connectors, partners or board members."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

MENU_LINK = re.compile(r'class="nhsuk-header__navigation-link" href="([^"]+)"[^>]*>([^<]+)</a>')


def menu_of(client, user) -> dict[str, str]:
    client.force_login(user)
    page = client.get(reverse("accountability:priorities")).content.decode()
    return {label: address for address, label in MENU_LINK.findall(page)}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (
            "analyst",
            [
                "Record a conversation",
                "Recordings",
                "Programmes",
                "Contributions",
                "Imports",
                "Coding",
                "Maps",
                "Priorities",
                "Feedback",
                "Meetings",
                "Evaluations",
                "Running programmes",
            ],
        ),
        (
            "connector",
            [
                "Record a conversation",
                "Recordings",
                "Programmes",
                "Contributions",
                "Priorities",
                "Meetings",
                "Evaluations",
            ],
        ),
        (
            "partner_a_member",
            [
                "Record a conversation",
                "Recordings",
                "Programmes",
                "Contributions",
                "Priorities",
                "Meetings",
                "Evaluations",
                "Running programmes",
            ],
        ),
        (
            "decision_maker",
            ["Programmes", "Maps", "Priorities", "Meetings", "Evaluations", "Running programmes"],
        ),
    ],
)
def test_menu_offers_what_the_role_uses(client, world, who, expected):
    assert list(menu_of(client, getattr(world, who))) == expected


def test_every_link_in_every_menu_opens(client, world):
    refused = []
    for user in world.users:
        for label, address in menu_of(client, user).items():
            status = client.get(address, follow=True).status_code
            if status != 200:
                refused.append((user.username, label, status))

    assert refused == []


def test_signed_out_visitor_gets_no_menu(client, world):
    page = client.get(reverse("login")).content.decode()

    assert MENU_LINK.findall(page) == []


# Pages made for analysts (coding, imports, dashboards, the feedback-owed work list, API tokens): nobody
# else's pages should lead to them. A feedback item and the "did residents feel listened to?" report are not
# analysts' tools (connectors record residents' answers there; everyone reads the report).
ANALYST_TOOL = re.compile(
    r"^/(coding|imports|insight|api/tokens)/"  # every page under these
    r"|^/feedback/((plan|send|sending)/.*)?([?#].*)?$"  # the feedback-owed list and its bulk actions
)
ANY_LINK = re.compile(r'<a\b[^>]*\bhref="([^"]+)"')


def analyst_tools_linked_from(client, address: str) -> list[str]:
    page = client.get(address, follow=True).content.decode()
    return sorted({href for href in ANY_LINK.findall(page) if ANALYST_TOOL.match(href)})


@pytest.mark.parametrize("who", ["connector", "partner_a_member", "decision_maker"])
def test_pages_of_people_who_are_not_analysts_link_to_no_analyst_tool(client, world, who):
    user = getattr(world, who)
    client.force_login(user)
    pages = [reverse("home"), *menu_of(client, user).values()]

    linked = {address: analyst_tools_linked_from(client, address) for address in pages}

    assert {address: tools for address, tools in linked.items() if tools} == {}


@pytest.mark.parametrize("who", ["analyst", "admin"])
def test_leads_analysts_and_administrators_are_offered_api_tokens(client, world, who):
    client.force_login(getattr(world, who))

    assert reverse("api:tokens") in analyst_tools_linked_from(client, reverse("home"))
    assert client.get(reverse("api:tokens")).status_code == 200


def test_a_connector_opening_the_api_tokens_page_is_refused(client, world):
    client.force_login(world.connector)

    assert client.get(reverse("api:tokens")).status_code == 403
