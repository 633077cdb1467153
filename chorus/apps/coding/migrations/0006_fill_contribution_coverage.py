"""Fill the coverage flags the new engagement columns hold (kept since by coding.actions.coverage)."""

from django.db import migrations
from django.db.models import Exists, OuterRef


def fill(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    Codebook = apps.get_model("coding", "Codebook")
    Coding = apps.get_model("coding", "Coding")
    ReviewState = apps.get_model("coding", "ReviewState")
    Contribution = apps.get_model("engagement", "Contribution")
    for programme_id in Programme.objects.values_list("pk", flat=True):
        codebook = Codebook.objects.filter(programme_id=programme_id).order_by("-created_at", "-id").first()
        if codebook is None:
            continue
        current = Coding.objects.filter(contribution=OuterRef("pk"), theme__codebook=codebook, current=True)
        Contribution.objects.filter(programme_id=programme_id).update(
            coded=Exists(current.exclude(status="rejected")),
            checked=Exists(current.exclude(status="suggested"))
            | Exists(ReviewState.objects.filter(contribution=OuterRef("pk"), reviewed_at__isnull=False)),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("coding", "0005_discovered_themes"),
        ("engagement", "0006_contribution_coded_checked"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
