from django.contrib import admin

from .models import Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    """Work in flight on the workers: which task, on which worker, when it last said it was alive."""

    list_display = ["task_path", "worker", "state", "attempt", "beat_at"]
    list_filter = ["state", "task_path"]
    readonly_fields = [
        "key",
        "task_path",
        "arguments",
        "task_result_id",
        "worker",
        "state",
        "attempt",
        "beat_at",
    ]
