"""Move the participant link onto Contribution.participant, then drop the ContributionParticipant table."""

from django.db import migrations


def links_to_contributions(apps, schema_editor):
    Contribution = apps.get_model("engagement", "Contribution")
    ContributionParticipant = apps.get_model("imports", "ContributionParticipant")
    links = ContributionParticipant.objects.values_list("contribution_id", "participant_id").order_by("pk")
    batch = []
    for contribution_id, participant_id in links.iterator(chunk_size=2000):
        batch.append(Contribution(pk=contribution_id, participant_id=participant_id))
        if len(batch) == 2000:
            Contribution.objects.bulk_update(batch, ["participant"])
            batch = []
    Contribution.objects.bulk_update(batch, ["participant"])


def contributions_to_links(apps, schema_editor):
    Contribution = apps.get_model("engagement", "Contribution")
    ContributionParticipant = apps.get_model("imports", "ContributionParticipant")
    linked = Contribution.objects.exclude(participant=None).values_list("pk", "participant_id")
    ContributionParticipant.objects.bulk_create(
        [
            ContributionParticipant(contribution_id=contribution_id, participant_id=participant_id)
            for contribution_id, participant_id in linked.iterator(chunk_size=2000)
        ],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0002_quarantined_row_erasure"),
        ("engagement", "0003_contribution_participant"),
    ]

    operations = [
        migrations.RunPython(links_to_contributions, contributions_to_links, elidable=False),
        migrations.DeleteModel(name="ContributionParticipant"),
    ]
