import contextlib
import csv
import io
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from chorus.coding import cli
from chorus.coding.classifier import MultiLabelCoder

from support.theme_examples import ENGLISH_EXAMPLES, TRANSLATED_COMMENTS

LABELLED = [
    ("I waited four hours for the ambulance", "1", "", "", "5"),
    ("The wait for an appointment was far too long", "1", "0", "", "4"),
    ("Long delays in the emergency department", "1", "", "", "4"),
    ("Had to wait three weeks to be seen", "1", "", "", "4"),
    ("It took ages before anyone came", "1", "", "", "5"),
    ("Waiting times are terrible", "1", "", "", "5"),
    ("The nurses were kind and caring", "", "1", "", "1"),
    ("Staff were rude to my mother", "", "1", "", "5"),
    ("A lovely friendly doctor", "", "1", "", "1"),
    ("The receptionist was very helpful", "", "1", "", "2"),
    ("The paramedics were polite and reassuring", "", "1", "", "1"),
    ("Staff treated me with respect", "", "1", "", "1"),
    ("Nowhere to park the car", "", "", "1", "4"),
    ("The car park was full", "", "", "1", "4"),
    ("Parking charges are too expensive", "", "", "1", "4"),
    ("Could not find a parking space", "", "", "1", "4"),
    ("Car parking at the hospital is a nightmare", "", "", "1", "5"),
    ("No disabled parking bays near the entrance", "", "", "1", "4"),
    ("Kind nurses but the wait was long", "1", "1", "", "3"),
    ("Waited ages and then could not park", "1", "", "1", "5"),
    ("Friendly staff, shame about the car park", "", "1", "1", "3"),
    ("Nothing to add", "", "", "", "3"),
    ("No comment", "", "", "", "3"),
    ("", "", "", "", ""),
]
THEMES = ["Waiting", "Staff", "Parking"]


def write_csv(path: Path, header: list[str], rows, encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def chorus(*args: str) -> subprocess.CompletedProcess:
    """`chorus coding ARGS` in this process (its models stay loaded between calls; the zero-shot tests run
    the real command in a subprocess): exit status and what it wrote to stderr."""
    argv = [str(arg) for arg in args]
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        try:
            status = cli.main(argv)
        except SystemExit as exit_:  # argparse refusing the arguments
            status = exit_.code if isinstance(exit_.code, int) else 2
    return subprocess.CompletedProcess(["chorus", "coding", *argv], status, "", stderr.getvalue())


@pytest.fixture(scope="module")
def labelled(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("labelled")
    # Byte-order mark, as Excel writes "CSV UTF-8".
    return write_csv(
        folder / "labelled.csv", ["Comment", *THEMES, "Sentiment"], LABELLED, encoding="utf-8-sig"
    )


@pytest.fixture(scope="module")
def new_comments(tmp_path_factory) -> Path:
    rows = [
        ("c1", "The car park was full again"),
        ("c2", ""),
        ("c3", "We waited five hours"),
        ("c4", "Such a kind nurse, thank you"),
    ]
    return write_csv(tmp_path_factory.mktemp("new") / "new.csv", ["id", "Comment"], rows)


@pytest.fixture(scope="module")
def multi_model(labelled, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("multi") / "model"
    args = ["--text-column", "Comment", "--label-columns", *THEMES, "--sentiment-column", "Sentiment"]
    fitted = chorus("fit", "--data", labelled, *args, "--out", out)
    assert fitted.returncode == 0, fitted.stderr
    return out


def apply_to(model: Path, data: Path, out: Path, *options: str):
    return chorus(
        "apply", "--model", model, "--data", data, "--text-column", "Comment", "--out", out, *options
    )


def apply_model(model: Path, data: Path, out: Path) -> list[dict[str, str]]:
    applied = apply_to(model, data, out)
    assert applied.returncode == 0, applied.stderr
    return read_csv(out)


def test_multi_label_fit_then_apply_keeps_rows_in_order_and_codes_empty_texts(
    multi_model, new_comments, tmp_path
):
    rows = apply_model(multi_model, new_comments, tmp_path / "pred.csv")
    assert list(rows[0]) == ["id", "Comment", *THEMES, "sentiment"]
    assert [row["id"] for row in rows] == ["c1", "c2", "c3", "c4"]
    assert rows[1]["Comment"] == "" and all(rows[1][theme] in {"0", "1"} for theme in THEMES)
    assert [rows[0][t] for t in THEMES] == ["0", "0", "1"]
    assert [rows[2][t] for t in THEMES] == ["1", "0", "0"]
    assert rows[3]["Staff"] == "1"
    assert all(row["sentiment"] in {"positive", "neutral", "negative", "mixed"} for row in rows)


def test_applying_to_the_labelled_file_keeps_its_theme_columns_under_new_names(
    multi_model, labelled, tmp_path
):
    rows = apply_model(multi_model, labelled, tmp_path / "pred.csv")
    assert list(rows[0]) == [
        "Comment",
        "Waiting (input)",
        "Staff (input)",
        "Parking (input)",
        "Sentiment",
        *THEMES,
        "sentiment",
    ]
    assert len(rows) == len(LABELLED)


def test_single_label_fit_then_apply_writes_one_label_column(tmp_path, new_comments):
    rows = [
        (text, theme)
        for text, *flags, _ in LABELLED
        for theme, flag in zip(THEMES, flags, strict=True)
        if flag == "1" and sum(f == "1" for f in flags) == 1
    ] + [("unlabelled row", "")]
    data = write_csv(tmp_path / "single.csv", ["Comment", "Category"], rows)
    fitted = chorus(
        "fit",
        "--data",
        data,
        "--text-column",
        "Comment",
        "--label-column",
        "Category",
        "--out",
        tmp_path / "m",
    )
    assert fitted.returncode == 0, fitted.stderr
    predictions = apply_model(tmp_path / "m", new_comments, tmp_path / "pred.csv")
    assert list(predictions[0]) == ["id", "Comment", "label"]
    assert [row["label"] for row in predictions][0::2] == ["Parking", "Waiting"]
    assert predictions[1]["label"] in THEMES


def run_in_process(capsys, *args) -> tuple[int, str]:
    status = cli.main([str(arg) for arg in args])
    return status, capsys.readouterr().err


@pytest.mark.parametrize(
    ("rows", "args", "message"),
    [
        ([("a", "1")], ["--text-column", "Text"], "no column 'Text'"),
        ([("a", "yes"), ("b", "")], ["--text-column", "Comment"], "use 1 (applies), 0 or blank"),
        ([], ["--text-column", "Comment"], "no rows"),
    ],
)
def test_bad_input_gives_one_clear_line_and_no_traceback(capsys, tmp_path, rows, args, message):
    data = write_csv(tmp_path / "bad.csv", ["Comment", "Waiting"], rows)
    status, stderr = run_in_process(
        capsys, "fit", "--data", data, *args, "--label-columns", "Waiting", "--out", tmp_path
    )
    assert status != 0
    assert message in stderr and len(stderr.strip().splitlines()) == 1


def test_empty_file_and_missing_model_are_reported_clearly(capsys, tmp_path):
    (tmp_path / "empty.csv").write_text("")
    status, stderr = run_in_process(
        capsys,
        "fit",
        "--data",
        tmp_path / "empty.csv",
        "--text-column",
        "C",
        "--label-column",
        "L",
        "--out",
        tmp_path,
    )
    assert status != 0 and "empty" in stderr
    status, stderr = run_in_process(
        capsys,
        "apply",
        "--model",
        tmp_path / "nothing",
        "--data",
        tmp_path / "empty.csv",
        "--text-column",
        "C",
        "--out",
        tmp_path / "p.csv",
    )
    assert status != 0 and "cannot load the model" in stderr


def test_a_bad_sentiment_value_is_reported_before_any_fitting(capsys, tmp_path):
    rows = [("good", "1", "great"), ("bad", "", "5")]
    data = write_csv(tmp_path / "s.csv", ["Comment", "Waiting", "Sentiment"], rows)
    status, stderr = run_in_process(
        capsys,
        "fit",
        "--data",
        data,
        "--text-column",
        "Comment",
        "--label-columns",
        "Waiting",
        "--sentiment-column",
        "Sentiment",
        "--out",
        tmp_path / "m",
    )
    assert status != 0 and "'great'" in stderr
    assert not (tmp_path / "m").exists()


def test_utf8_with_bom_and_latin1_files_read_the_same(tmp_path):
    rows = [("Café queue was long, we waited ages for a nurse", "1"), ("Nurse was lovely", "")]
    for encoding in ["utf-8-sig", "latin-1"]:
        data = write_csv(tmp_path / f"{encoding}.csv", ["Comment", "Waiting"], rows, encoding=encoding)
        header, read = cli.read_csv(data)
        assert header == ["Comment", "Waiting"]
        assert read == [list(row) for row in rows]


# Fitted on English coded examples, applied to unseen comments and their translations.
EXAMPLE_THEMES = list(ENGLISH_EXAMPLES)
TRANSLATED = ["pl", "es", "ar"]


@pytest.fixture(scope="module")
def english_examples(tmp_path_factory) -> Path:
    rows = [
        (text, *("1" if other == theme else "0" for other in EXAMPLE_THEMES))
        for theme, texts in ENGLISH_EXAMPLES.items()
        for text in texts
    ]
    return write_csv(tmp_path_factory.mktemp("examples") / "examples.csv", ["Comment", *EXAMPLE_THEMES], rows)


@pytest.fixture(scope="module")
def comments_in_four_languages(tmp_path_factory) -> Path:
    rows = [
        (f"{theme}-{language}", comments[language])
        for theme, comments in TRANSLATED_COMMENTS.items()
        for language in ["en", *TRANSLATED]
    ]
    return write_csv(tmp_path_factory.mktemp("languages") / "comments.csv", ["id", "Comment"], rows)


def fit_examples(data: Path, out: Path, *options: str) -> Path:
    fitted = chorus(
        "fit",
        "--data",
        data,
        "--text-column",
        "Comment",
        "--label-columns",
        *EXAMPLE_THEMES,
        *options,
        "--out",
        out,
    )
    assert fitted.returncode == 0, fitted.stderr
    return out


@pytest.fixture(scope="module")
def examples_model(english_examples, tmp_path_factory) -> Path:
    return fit_examples(english_examples, tmp_path_factory.mktemp("routing") / "model")


@pytest.fixture(scope="module")
def coded_in_four_languages(examples_model, comments_in_four_languages, tmp_path_factory):
    out = tmp_path_factory.mktemp("coded") / "coded.csv"
    applied = apply_to(examples_model, comments_in_four_languages, out)
    assert applied.returncode == 0, applied.stderr
    return read_csv(out), applied.stderr


def themes_of(row: dict[str, str]) -> set[str]:
    return {theme for theme in EXAMPLE_THEMES if row[theme] == "1"}


def test_a_model_fitted_on_english_codes_translations_to_the_themes_of_their_originals(
    coded_in_four_languages,
):
    rows, _ = coded_in_four_languages
    coded = {row["id"]: themes_of(row) for row in rows}
    for theme in TRANSLATED_COMMENTS:
        assert theme in coded[f"{theme}-en"]
        for language in TRANSLATED:
            translation = coded[f"{theme}-{language}"]
            assert theme in translation, (theme, language, translation)
            assert translation & coded[f"{theme}-en"]


def test_coding_other_languages_keeps_the_output_shape_and_the_summary_names_the_languages(
    coded_in_four_languages,
):
    rows, stderr = coded_in_four_languages
    assert list(rows[0]) == ["id", "Comment", *EXAMPLE_THEMES]
    expected = [f"{theme}-{language}" for theme in TRANSLATED_COMMENTS for language in ["en", *TRANSLATED]]
    assert [row["id"] for row in rows] == expected
    assert all(row[theme] in {"0", "1"} for row in rows for theme in EXAMPLE_THEMES)
    assert "coded 12 rows" in stderr
    assert "9 not in English, coded through multilingual-e5: ar 3, es 3, pl 3" in stderr


def test_the_routing_model_folder_holds_the_english_model_and_the_multilingual_heads(examples_model):
    assert (examples_model / "routing.json").is_file()
    assert (examples_model / "english" / "manifest.json").is_file()
    heads = json.loads((examples_model / "multilingual" / "manifest.json").read_text())
    assert heads["themes"] == EXAMPLE_THEMES and heads["training_size"] == 32


def test_short_english_comments_stay_with_the_english_model(examples_model, tmp_path):
    # "Just perfect" looks Romanian to the detector, but not surely enough to leave the English model.
    data = write_csv(tmp_path / "short.csv", ["Comment"], [("Just perfect",), ("ok",), ("Very good",), ("",)])
    applied = apply_to(examples_model, data, tmp_path / "p.csv")
    assert applied.returncode == 0, applied.stderr
    assert "not in English" not in applied.stderr and "look like another language" not in applied.stderr
    assert len(read_csv(tmp_path / "p.csv")) == 4


def test_an_english_only_model_warns_about_rows_in_other_languages_and_still_codes_them(
    english_examples, comments_in_four_languages, tmp_path
):
    model = fit_examples(english_examples, tmp_path / "model", "--english-only")
    assert (model / "manifest.json").is_file() and not (model / "routing.json").exists()
    applied = apply_to(model, comments_in_four_languages, tmp_path / "p.csv")
    assert applied.returncode == 0, applied.stderr
    assert (
        "9 rows look like another language (ar 3, es 3, pl 3): this model codes English only; "
        "fit without --english-only to code them"
    ) in applied.stderr
    rows = read_csv(tmp_path / "p.csv")
    assert len(rows) == 12 and list(rows[0]) == ["id", "Comment", *EXAMPLE_THEMES]


def test_a_model_folder_saved_before_the_multilingual_heads_still_applies(
    tmp_path, comments_in_four_languages
):
    texts = [text for examples in ENGLISH_EXAMPLES.values() for text in examples]
    labels = np.array(
        [
            [1 if other == theme else 0 for other in EXAMPLE_THEMES]
            for theme in ENGLISH_EXAMPLES
            for _ in ENGLISH_EXAMPLES[theme]
        ]
    )
    MultiLabelCoder.fit(texts, labels, EXAMPLE_THEMES).save(tmp_path / "old")
    applied = apply_to(tmp_path / "old", comments_in_four_languages, tmp_path / "p.csv")
    assert applied.returncode == 0, applied.stderr
    coded = {row["id"]: themes_of(row) for row in read_csv(tmp_path / "p.csv")}
    assert all(theme in coded[f"{theme}-en"] for theme in TRANSLATED_COMMENTS)
    assert "look like another language" in applied.stderr


def test_sentiment_of_rows_in_other_languages_is_said_to_be_unreliable(
    multi_model, comments_in_four_languages, tmp_path
):
    applied = apply_to(multi_model, comments_in_four_languages, tmp_path / "p.csv")
    assert applied.returncode == 0, applied.stderr
    assert "sentiment is read by an English model; it is unreliable for the 9 rows not in English" in (
        applied.stderr
    )
    assert all(row["sentiment"] for row in read_csv(tmp_path / "p.csv"))


def test_languages_named_for_a_file_are_coded_through_multilingual_e5(examples_model, tmp_path):
    french = "Nous avons attendu cinq heures aux urgences avant de voir un médecin."
    data = write_csv(tmp_path / "fr.csv", ["Comment"], [(french,)])
    by_default = apply_to(examples_model, data, tmp_path / "default.csv")
    assert by_default.returncode == 0, by_default.stderr
    assert "fr 1" not in by_default.stderr
    named = apply_to(examples_model, data, tmp_path / "named.csv", "--languages", "fr", "de")
    assert named.returncode == 0, named.stderr
    assert "1 not in English, coded through multilingual-e5: fr 1" in named.stderr
    assert len(read_csv(tmp_path / "named.csv")) == 1


def test_a_language_code_the_detector_does_not_know_is_refused_in_one_line(examples_model, tmp_path):
    data = write_csv(tmp_path / "one.csv", ["Comment"], [("We waited all day",)])
    applied = apply_to(examples_model, data, tmp_path / "p.csv", "--languages", "xx")
    assert applied.returncode == 2
    assert applied.stderr.strip().splitlines() == [
        "chorus coding apply: --languages: language detection does not know xx"
    ]
    assert not (tmp_path / "p.csv").exists()


def test_a_long_apply_says_how_far_it_has_got_and_codes_every_row_once(
    examples_model, comments_in_four_languages, tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(cli, "APPLY_CHUNK_ROWS", 5)
    monkeypatch.setattr(cli, "PROGRESS_EVERY_SECONDS", 0.0)
    argv = ["apply", "--model", str(examples_model), "--data", str(comments_in_four_languages)]
    assert cli.main([*argv, "--text-column", "Comment", "--out", str(tmp_path / "p.csv")]) == 0
    progress = [line.strip() for line in capsys.readouterr().err.splitlines() if "rows" in line]
    assert progress[:2] == ["coded 5 of 12 rows", "coded 10 of 12 rows"]
    assert progress[-1].startswith("coded 12 rows ->")
    chunked = read_csv(tmp_path / "p.csv")
    assert apply_to(examples_model, comments_in_four_languages, tmp_path / "whole.csv").returncode == 0
    assert chunked == read_csv(tmp_path / "whole.csv")
