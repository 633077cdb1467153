"""The people of the permission matrices (tests/apps/<app>/test_<app>_permissions.py) and two checks on them.

Each app's matrix names, for each permission and object, the set of people allowed (everyone else is refused),
and holds each permission to the list query the pages use: an object is listed for a person exactly when the
permission allows it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.auth.models import AnonymousUser

from chorus.apps.accounts.models import Role

from support.world import World, make_user

# Everyone with a role in the world's programme (not the other programme's analyst).
ADMINISTRATORS = frozenset({"superuser", "administrator"})
ANALYSTS = ADMINISTRATORS | {"analyst"}
PARTNERS = frozenset({"partner-a", "partner-b"})
CONNECTORS = frozenset({"connector", "other-connector"})
MEMBERS = ANALYSTS | PARTNERS | CONNECTORS | {"decision-maker"}
OTHER_PROGRAMME = ADMINISTRATORS | {"other-analyst"}


def everyone(world: World) -> dict:
    """Each role, by the name the matrices use: the world's people, an administrator by role (not a
    superuser), a signed-in person with no role, and the anonymous public (residents have no account)."""
    return {
        "superuser": world.admin,
        "administrator": make_user("administrator", (Role.ADMINISTRATOR, None, None)),
        "analyst": world.analyst,
        "partner-a": world.partner_a_member,
        "partner-b": world.partner_b_member,
        "connector": world.connector,
        "other-connector": world.other_connector,
        "decision-maker": world.decision_maker,
        "other-analyst": world.other_analyst,
        "no-role": make_user("no-role"),
        "anonymous": AnonymousUser(),
    }


def allowed(people: dict, perm: str, target=None) -> set[str]:
    """The names of the people `perm` allows on `target`."""
    return {name for name, user in people.items() if user.has_perm(perm, target)}


def assert_list_agrees(people: dict, perm: str, targets: Iterable, listed: Callable) -> None:
    """For each person and target: the target is in `listed(person)` exactly when `perm` allows it."""
    targets = list(targets)
    for name, user in people.items():
        in_list = set(listed(user))
        permitted = {target for target in targets if user.has_perm(perm, target)}
        assert {t for t in targets if t in in_list} == permitted, (perm, name)
