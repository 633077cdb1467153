"""The permission predicates every app's rules.py is built from (django-rules).

A person's roles are memberships: a role held in one programme (for partners and connectors, for one
organisation) or, for administrators, everywhere. Each app's rules.py combines these predicates in a few
`rules.add_perm` lines, and keeps beside each rule the list query that agrees with it.

- `is_administrator`: an administrator by role, or a superuser; they may do everything.
- `holds_role(*roles)`: the person holds one of `roles` (any role when none given) in the programme of the
  object asked about; the object is a programme or anything with a `programme_id`.
- `holds_role_anywhere(*roles)`: the same, in some programme (for permissions asked without an object).
- `programmes_where(user, *roles)`: the programmes `holds_role` allows, every programme for an administrator:
  the list that agrees with `is_administrator | holds_role(*roles)`.
- `organisation_ids_where(user, target, *roles)`: the organisations the person holds one of `roles` for, in
  the object's programme (a partner member's own organisation).

The roles are read once per user object (`User.roles_held`), so a page that checks ten permissions asks the
database once. Core imports no other app: the user object brings its roles, and the programme model is looked
up by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules
from django.apps import apps

if TYPE_CHECKING:
    from django.db.models import QuerySet


def programme_id_of(target) -> int | None:
    """The id of the programme `target` belongs to: the programme itself, or its `programme_id`."""
    if target is None:
        return None
    if isinstance(target, apps.get_model("programmes", "Programme")):
        return target.pk
    return getattr(target, "programme_id", None)


def _roles_held(user) -> tuple:
    if user is None or not user.is_authenticated:
        return ()
    return user.roles_held()


def held_in(user, programme_id: int | None, *roles: str) -> list:
    """The memberships `user` holds in this programme, with one of `roles` (any role when none given)."""
    if programme_id is None:
        return []
    return [
        held
        for held in _roles_held(user)
        if held.programme_id == programme_id and (not roles or held.role in roles)
    ]


@rules.predicate
def is_administrator(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_administrator)


def holds_role(*roles: str) -> rules.Predicate:
    """A predicate: the user holds one of `roles` (any role when none given) in the object's programme."""

    def check(user, target) -> bool:
        return bool(held_in(user, programme_id_of(target), *roles))

    return rules.Predicate(check, name=f"holds_role({', '.join(roles) or 'any'})")


def holds_role_anywhere(*roles: str) -> rules.Predicate:
    """A predicate about the user alone: they hold one of `roles` (any when none given) in some programme."""

    def check(user) -> bool:
        return any(
            held.programme_id is not None and (not roles or held.role in roles) for held in _roles_held(user)
        )

    return rules.Predicate(check, name=f"holds_role_anywhere({', '.join(roles) or 'any'})")


def programme_ids_where(user, *roles: str) -> set[int]:
    """Ids of the programmes where `user` holds one of `roles` (any when none given), administrator or not."""
    return {
        held.programme_id
        for held in _roles_held(user)
        if held.programme_id is not None and (not roles or held.role in roles)
    }


def programmes_where(user, *roles: str) -> QuerySet:
    """The programmes `is_administrator | holds_role(*roles)` allows: all of them for an administrator."""
    programmes = apps.get_model("programmes", "Programme").objects.all()
    if is_administrator(user):
        return programmes
    return programmes.filter(pk__in=programme_ids_where(user, *roles))


def organisation_ids_where(user, target, *roles: str) -> set[int]:
    """The organisations `user` holds one of `roles` for, in the programme of `target`."""
    return {
        held.organisation_id
        for held in held_in(user, programme_id_of(target), *roles)
        if held.organisation_id is not None
    }
