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
        ("decision_maker", ["Programmes", "Priorities", "Meetings", "Evaluations", "Running programmes"]),
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
