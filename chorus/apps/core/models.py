from django.db import models


class HeartbeatState(models.TextChoices):
    RUNNING = "running", "Running"
    WAITING = "waiting", "Queued again after its worker stopped"


class Heartbeat(models.Model):
    """A durable task in flight (chorus.apps.core.durable): which task, with which arguments, on which
    worker, when it last said it was alive, and which attempt this is. The row goes when the task ends."""

    key = models.CharField(max_length=255, unique=True, help_text="Task path and its arguments.")
    task_path = models.CharField(max_length=200)
    arguments = models.JSONField(default=dict)
    task_result_id = models.CharField(max_length=64, help_text="The queued task (django_tasks_db) doing it.")
    worker = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=10, choices=HeartbeatState.choices, default=HeartbeatState.RUNNING)
    attempt = models.PositiveSmallIntegerField(default=1)
    beat_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["state", "beat_at"], name="heartbeat_stale")]

    def __str__(self) -> str:
        return f"{self.key} (attempt {self.attempt}, {self.state})"
