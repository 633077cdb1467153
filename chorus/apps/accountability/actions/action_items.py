"""What will be done about a priority, by whom and when, and the progress recorded against it."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError
from chorus.apps.programmes.models import Organisation

from ..models import Action, ActionStatus, ActionUpdate, Decision, Priority
from ._checks import require


@transaction.atomic
def create_action(
    *,
    by,
    priority: Priority,
    title: str,
    owner: Organisation,
    due_date: date,
    decision: Decision | None = None,
) -> Action:
    if decision is not None and decision.priority_id != priority.pk:
        raise ActionError("That decision is about another priority.", "decision")
    action = Action.objects.create(
        priority=priority,
        decision=decision,
        title=require(title, "Enter what will be done.", "title"),
        owner=owner,
        due_date=due_date,
    )
    audit("action.created", actor=by, obj=action, programme=priority.programme, priority_id=priority.pk)
    return action


@transaction.atomic
def change_action(*, by, action: Action, title: str, owner: Organisation, due_date: date) -> Action:
    """Correct what will be done, who owns it or when it is due. Progress goes through record_progress."""
    moved = due_date != action.due_date
    action.title = require(title, "Enter what will be done.", "title")
    action.owner = owner
    action.due_date = due_date
    action.save(update_fields=["title", "owner", "due_date", "updated_at"])
    audit("action.edited", actor=by, obj=action, programme=action.priority.programme, due_date_moved=moved)
    return action


@transaction.atomic
def record_progress(*, by, action: Action, status: str, note: str, today: date) -> ActionUpdate:
    """A progress update. Done or cancelled closes the action on `today`; reopening clears that."""
    if status not in ActionStatus.values:
        raise ActionError("Choose the action's status.", "status")
    update = ActionUpdate.objects.create(
        action=action,
        date=today,
        status=status,
        note=require(note, "Say what has happened.", "note"),
        by=by if getattr(by, "is_authenticated", False) else None,
    )
    action.status = status
    closed = status in (ActionStatus.DONE, ActionStatus.CANCELLED)
    action.completed_on = (action.completed_on or today) if closed else None
    action.save(update_fields=["status", "completed_on", "updated_at"])
    audit("action.updated", actor=by, obj=action, programme=action.priority.programme, status=status)
    return update
