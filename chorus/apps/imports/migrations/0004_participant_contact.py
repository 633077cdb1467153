"""How to reach a resident who asked to hear back moves onto the participant (encrypted), so a resident who
spoke twice is one participant, contacted once. accountability 0003 moves the old recipient rows here."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0003_participant_on_contribution"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="contact_channel",
            field=models.CharField(
                blank=True, choices=[("email", "Email"), ("sms", "Text message")], default="", max_length=5
            ),
        ),
        migrations.AddField(
            model_name="participant",
            name="contact_encrypted",
            field=models.BinaryField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="participant",
            name="contact_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(fields=["programme", "contact_hash"], name="participant_contact"),
        ),
    ]
