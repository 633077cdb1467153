"""The site menu: each person sees the places they can use, not the analyst's whole list.

A link shows when the person holds a role, in some programme, that the page is for; a page that would refuse
them (or show them an empty analyst tool) is not offered. The pages still check permissions themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chorus.apps.accounts.models import Role
from chorus.apps.core.predicates import holds_role_anywhere, is_administrator
from chorus.apps.engagement.rules import GATHERERS

ANY_ROLE = holds_role_anywhere()


@dataclass(frozen=True)
class MenuLink:
    label: str  # translated lazily: a connector who chose Arabic reads the menu in Arabic
    url_name: str
    shown_to: rules.Predicate


MENU = (
    MenuLink(_("Record a conversation"), "record", is_administrator | holds_role_anywhere(*GATHERERS)),
    MenuLink(_("Recordings"), "recordings:list", is_administrator | holds_role_anywhere(*GATHERERS)),
    MenuLink(_("Programmes"), "home", rules.always_allow),
    MenuLink(_("Contributions"), "contributions", is_administrator | holds_role_anywhere(*GATHERERS)),
    MenuLink(_("Imports"), "imports:index", is_administrator | holds_role_anywhere(Role.ANALYST)),
    MenuLink(_("Coding"), "coding:index", is_administrator | holds_role_anywhere(Role.ANALYST)),
    # Connectors and partners may open their programme's maps from its page; the menu stays short for them.
    MenuLink(
        _("Maps"), "maps:index", is_administrator | holds_role_anywhere(Role.ANALYST, Role.DECISION_MAKER)
    ),
    MenuLink(_("Priorities"), "accountability:priorities", is_administrator | ANY_ROLE),
    MenuLink(_("Feedback"), "accountability:feedback", is_administrator | holds_role_anywhere(Role.ANALYST)),
    MenuLink(_("Meetings"), "accountability:meetings", is_administrator | ANY_ROLE),
    MenuLink(_("Evaluations"), "evaluation:interventions", is_administrator | ANY_ROLE),
    MenuLink(
        _("Running programmes"),
        "delivery:index",
        is_administrator | holds_role_anywhere(Role.ANALYST, Role.DECISION_MAKER, Role.PARTNER),
    ),
)


def menu_for(user) -> list[tuple[str, str]]:
    """(label, address) of each menu link this user may use, in menu order."""
    if not user.is_authenticated:
        return []
    links = [(str(link.label), reverse(link.url_name)) for link in MENU if link.shown_to.test(user)]
    if user.is_staff:
        links.append(("Admin", reverse("admin:index")))
    return links


def offered_to(user) -> set[str]:
    """The url names of the menu links this user is offered, so a page's own links can follow the menu."""
    if user is None or not user.is_authenticated:
        return set()
    return {link.url_name for link in MENU if link.shown_to.test(user)}


def menu(request) -> dict:
    """Context processor: `menu_links` for the header, and `menu_offers` (url names) for pages' own links."""
    user = getattr(request, "user", None)
    return {
        "menu_links": menu_for(user) if user is not None else [],
        "menu_offers": offered_to(user),
    }
