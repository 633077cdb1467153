"""`chorus import FILE --programme SLUG`: one summary line on stdout, clear errors that exit 2."""

from __future__ import annotations

import json

from chorus.apps.engagement.models import Contribution
from chorus.apps.imports.cli import main
from chorus.apps.imports.models import BatchStatus, ImportBatch
from chorus.cli import main as chorus


def test_imports_a_file_and_prints_one_summary_line(world, fixtures, capsys):
    assert chorus(["import", str(fixtures / "community_utf8.csv"), "--programme", world.programme.slug]) == 0
    out, err = capsys.readouterr()
    assert out == "imported 4, duplicates 0, quarantined 0\n"
    assert "rows/s" in err
    batch = ImportBatch.objects.get()
    assert batch.source.name == "Command line" and batch.stored_path  # the user's file is never deleted

    assert main([str(fixtures / "community_utf8.csv"), "--programme", world.programme.slug]) == 0
    assert capsys.readouterr().out == "imported 0, duplicates 4, quarantined 0\n"


def test_quarantined_rows_and_a_mapping_file(world, fixtures, tmp_path, capsys):
    mapping = tmp_path / "mapping.json"
    columns = {
        "text": "story-what_matters",
        "consent_analysis": "consent-consent_analysis",
        "external_id": "KEY",
    }
    mapping.write_text(json.dumps({"columns": columns}))
    code = main(
        [str(fixtures / "odk_submissions.csv"), "--programme", world.programme.slug, "--source", "ODK"]
        + ["--mapping", str(mapping)]
    )
    assert code == 0
    assert capsys.readouterr().out == "imported 2, duplicates 0, quarantined 1\n"
    stored = Contribution.objects.filter(activity__source="ODK")
    assert stored.count() == 2 and all(c.age_band == "" for c in stored)  # only the mapped columns
    main([str(fixtures / "odk_submissions.csv"), "--programme", world.programme.slug, "--source", "ODK 2"])
    assert capsys.readouterr().out == "imported 0, duplicates 2, quarantined 1\n"


def test_unknown_programme_and_unreadable_files_exit_2(world, fixtures, tmp_path, capsys):
    assert main([str(fixtures / "community_utf8.csv"), "--programme", "nowhere"]) == 2
    assert "no programme 'nowhere'" in capsys.readouterr().err
    for path in (fixtures / "garbage.bin", fixtures / "empty.csv", tmp_path / "missing.csv"):
        assert main([str(path), "--programme", world.programme.slug]) == 2
        err = capsys.readouterr().err
        assert err.startswith("chorus import: ") and "Traceback" not in err
    bad = tmp_path / "mapping.json"
    bad.write_text("{nope")
    assert (
        main(
            [str(fixtures / "community_utf8.csv"), "--programme", world.programme.slug, "--mapping", str(bad)]
        )
        == 2
    )
    assert "cannot read the mapping" in capsys.readouterr().err
    assert not ImportBatch.objects.exclude(status=BatchStatus.DONE).exists()
