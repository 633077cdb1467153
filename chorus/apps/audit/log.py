from __future__ import annotations

from typing import Any

from .models import AuditEvent


def record(action: str, *, actor=None, obj: Any = None, programme=None, **details: Any) -> AuditEvent:
    """Write one audit event. `details` must hold ids and counts only, never residents' words."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        programme=programme,
        details=details,
    )
