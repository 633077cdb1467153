import json
from pathlib import Path

from chorus.ingest.cli import main
from chorus.ingest.mapping import Mapping

FIXTURES = Path(__file__).with_name("fixtures")


def test_check_reports_mapping_and_quarantine(capsys):
    assert main([str(FIXTURES / "odk_submissions.csv")]) == 0
    out = capsys.readouterr().out
    assert "field tool: odk (instance id column 'KEY')" in out
    assert "row 4, column 'consent-consent_analysis': resident did not consent to analysis" in out
    assert "2 rows would import, 1 would be quarantined" in out


def test_bad_file_is_one_line_on_stderr_and_non_zero(capsys):
    assert main([str(FIXTURES / "garbage.bin")]) == 1
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "binary data" in captured.err and "Traceback" not in captured.err


def test_saved_mapping_is_written_and_reused(tmp_path, capsys):
    saved = tmp_path / "mapping.json"
    assert main([str(FIXTURES / "community_utf8.csv"), "--save-mapping", str(saved)]) == 0
    mapping = Mapping.from_json(saved.read_text())
    assert mapping.columns["text"] == "What matters to you?"
    mapping.columns.pop("sex")
    saved.write_text(json.dumps(mapping.to_dict()))
    capsys.readouterr()
    assert main([str(FIXTURES / "community_utf8.csv"), "--mapping", str(saved)]) == 0
    kept = next(line for line in capsys.readouterr().out.splitlines() if "kept as answers" in line)
    assert "'Sex'" in kept


def test_unusable_mapping_file_is_explained(tmp_path, capsys):
    bad = tmp_path / "mapping.json"
    bad.write_text('{"columns": {"shoe_size": "Shoe"}}')
    assert main([str(FIXTURES / "community_utf8.csv"), "--mapping", str(bad)]) == 1
    assert "not a usable mapping (unknown target field(s): shoe_size)" in capsys.readouterr().err
