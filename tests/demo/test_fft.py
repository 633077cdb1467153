import csv
import gzip
from pathlib import Path

from chorus.demo.fft import SHIPPED_DATA, default_data_dir, fft_path, open_fft


def test_the_demo_finds_the_shipped_comments_without_shared_data(monkeypatch):
    monkeypatch.delenv("CHORUS_SHARED_DATA", raising=False)
    path = fft_path()
    assert default_data_dir() == SHIPPED_DATA
    assert path == SHIPPED_DATA / "feedback" / "nhs_fft_dev.csv.gz"
    with open_fft(path) as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 5580
    assert "Comment ID" in rows[0] and "FFT answer" in rows[0]  # the byte-order mark is gone


def test_a_plain_file_in_the_given_folder_is_preferred_and_read_the_same(tmp_path: Path):
    with gzip.open(SHIPPED_DATA / "feedback" / "nhs_fft_dev.csv.gz", "rb") as packed:
        first_lines = b"".join(packed.readline() for _ in range(4))
    (tmp_path / "feedback").mkdir()
    (tmp_path / "feedback" / "nhs_fft_dev.csv").write_bytes(first_lines)
    path = fft_path(tmp_path)
    assert path == tmp_path / "feedback" / "nhs_fft_dev.csv"
    with open_fft(path) as handle:
        assert len(list(csv.DictReader(handle))) >= 1


def test_a_folder_without_the_comments_gives_none(tmp_path: Path):
    assert fft_path(tmp_path) is None
