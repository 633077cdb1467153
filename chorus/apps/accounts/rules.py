"""Predicates about people that every app's rules share."""

from __future__ import annotations

import rules


@rules.predicate
def is_administrator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_administrator)
