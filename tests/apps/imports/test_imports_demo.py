import random

import pytest

from chorus.apps.accounts.models import Role
from chorus.apps.engagement.models import Contribution
from chorus.apps.imports import demo
from chorus.apps.imports.models import ImportBatch, Participant

from support.world import make_user


def test_demo_imports_a_spreadsheet_with_bad_rows_and_kobo_posts(world):
    make_user("lead-southend", (Role.ANALYST, world.programme, None))
    lines: list[str] = []
    demo.load(random.Random(7), lines.append)
    sheet = ImportBatch.objects.get(filename="kursaal-hub-september.csv")
    assert (sheet.imported + sheet.duplicates, sheet.quarantined) == (12, 4)
    assert sorted(sheet.quarantined_rows.values_list("row_number", flat=True)) == [6, 10, 13, 15]
    assert Participant.objects.filter(programme=world.programme).exists()
    kobo = Contribution.objects.filter(activity__source="KoboToolbox community survey")
    assert kobo.count() == 2
    assert [line.rsplit(" ", 1)[-1] for line in lines if "Kobo post" in line] == [
        "imported",
        "imported",
        "duplicate",
    ]
    assert any("/imports/batch/" in line for line in lines)

    again: list[str] = []
    demo.load(random.Random(7), again.append)  # the same data again adds nothing
    assert Contribution.objects.filter(activity__source="KoboToolbox community survey").count() == 2
    assert ImportBatch.objects.filter(filename="kursaal-hub-september.csv").latest("pk").imported == 0


def test_demo_says_what_is_missing(db):
    with pytest.raises(RuntimeError, match="southend-connectors"):
        demo.load(random.Random(1), print)
