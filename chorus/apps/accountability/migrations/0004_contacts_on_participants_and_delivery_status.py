"""Contact details move from FeedbackRecipient (one row per contribution and channel) to the resident's
participant, and each delivery records what its provider said (queued, sent, delivered, failed).

Each recipient's encrypted contact goes to the contribution's participant (made when the contribution had
none; reused when the same address or number was already kept for the programme), so a resident who spoke
twice becomes one participant. Deliveries recorded before now were never confirmed by a provider: they
become "unknown", not "delivered". Then FeedbackRecipient goes."""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion
import django.utils.timezone

PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _hash(programme_id, channel, value):
    from chorus.apps.imports import protection

    key = protection._derived(b"chorus participant contact")
    return hmac.new(key, f"{programme_id}:{channel}:{value}".encode(), hashlib.sha256).hexdigest()


def _normalised(channel, value):
    from chorus.privacy.contact import NotAContact, parse_contact

    try:
        contact = parse_contact(value)
    except NotAContact:
        return value.strip().lower() if channel == "email" else value.strip()
    return contact.value if contact.kind == channel else value.strip()


def recipients_to_participants(apps, schema_editor):
    from chorus.apps.imports import protection

    Recipient = apps.get_model("accountability", "FeedbackRecipient")
    Delivery = apps.get_model("accountability", "FeedbackDelivery")
    Participant = apps.get_model("imports", "Participant")
    Contribution = apps.get_model("engagement", "Contribution")
    for recipient in Recipient.objects.select_related("contribution").order_by("pk").iterator(chunk_size=500):
        contribution = recipient.contribution
        value = _normalised(recipient.channel, protection.decrypt(recipient.contact_encrypted))
        digest = _hash(contribution.programme_id, recipient.channel, value)
        participant = None
        if contribution.participant_id:
            participant = Participant.objects.get(pk=contribution.participant_id)
        else:
            participant = (
                Participant.objects.filter(programme_id=contribution.programme_id, contact_hash=digest)
                .order_by("pk")
                .first()
            )
            if participant is None:
                pseudonym = "P-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(6))
                while Participant.objects.filter(pseudonym=pseudonym).exists():
                    pseudonym = "P-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(6))
                participant = Participant.objects.create(
                    programme_id=contribution.programme_id, pseudonym=pseudonym, ref_hash=f"contact:{digest}"[:64]
                )
            Contribution.objects.filter(pk=contribution.pk).update(participant=participant)
        if not participant.contact_channel:
            participant.contact_channel = recipient.channel
            participant.contact_encrypted = protection.encrypt(value)
            participant.contact_hash = digest
            participant.save(update_fields=["contact_channel", "contact_encrypted", "contact_hash"])
        for delivery in Delivery.objects.filter(recipient=recipient):
            if Delivery.objects.filter(feedback_id=delivery.feedback_id, participant=participant).exists():
                delivery.delete()  # the same resident reached twice before: one delivery now
            else:
                delivery.participant = participant
                delivery.channel = recipient.channel
                delivery.queued_at = delivery.sent_at
                delivery.status = "unknown"
                delivery.save(update_fields=["participant", "channel", "queued_at", "status"])
    Delivery.objects.filter(participant=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accountability", "0003_short_links"),
        ("imports", "0004_participant_contact"),
        ("engagement", "0003_contribution_participant"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="feedbackdelivery",
            name="participant",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="feedback_deliveries",
                to="imports.participant",
            ),
        ),
        migrations.AddField(
            model_name="feedbackdelivery",
            name="channel",
            field=models.CharField(
                choices=[("email", "Email"), ("sms", "Text message")], default="email", max_length=5
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="feedbackdelivery",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Waiting to send"),
                    ("sent", "Sent"),
                    ("delivered", "Delivered"),
                    ("failed", "Failed"),
                    ("unknown", "Not known (recorded before delivery was tracked)"),
                ],
                default="queued",
                max_length=9,
            ),
        ),
        migrations.AddField(
            model_name="feedbackdelivery",
            name="provider",
            field=models.CharField(blank=True, help_text="notify or email (Django's mail).", max_length=12),
        ),
        migrations.AddField(
            model_name="feedbackdelivery",
            name="notification_id",
            field=models.CharField(blank=True, help_text="The provider's id for it.", max_length=64),
        ),
        migrations.AddField(
            model_name="feedbackdelivery",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="feedbackdelivery",
            name="status_checks",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="feedbackdelivery",
            name="problem",
            field=models.CharField(
                blank=True, help_text="The provider's reason; never the contact.", max_length=300
            ),
        ),
        migrations.AddField(
            model_name="feedbackdelivery",
            name="queued_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="feedbackdelivery",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="feedbackdelivery",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(recipients_to_participants, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="feedbackdelivery", name="one_delivery_per_recipient"),
        migrations.RemoveField(model_name="feedbackdelivery", name="recipient"),
        migrations.AlterField(
            model_name="feedbackdelivery",
            name="participant",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="feedback_deliveries",
                to="imports.participant",
            ),
        ),
        migrations.AddConstraint(
            model_name="feedbackdelivery",
            constraint=models.UniqueConstraint(
                fields=("feedback", "participant"), name="one_delivery_per_participant"
            ),
        ),
        migrations.AddIndex(
            model_name="feedbackdelivery",
            index=models.Index(fields=["feedback", "status"], name="delivery_feedback_status"),
        ),
        migrations.DeleteModel(name="FeedbackRecipient"),
        migrations.CreateModel(
            name="BulkSend",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("item_ids", models.JSONField(default=list)),
                (
                    "message",
                    models.TextField(blank=True, help_text="For items that have no message of their own."),
                ),
                ("total", models.PositiveIntegerField(default=0)),
                ("done", models.PositiveIntegerField(default=0)),
                (
                    "refused",
                    models.JSONField(default=list, help_text="[item id, reason] for each item not sent."),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("queued", "Waiting to start"), ("running", "Sending"), ("finished", "Finished")],
                        default="queued",
                        max_length=8,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["-created_at", "-id"]},
        ),
    ]
