"""`chorus coding`: fit a coding model on a labelled spreadsheet, apply it to a new one.

    chorus coding fit --data LABELLED.csv --text-column COL
        (--label-columns COL [COL ...] [--english-only] | --label-column COL) [--sentiment-column COL]
        --out MODEL_DIR
    chorus coding apply --model MODEL_DIR --data NEW.csv --text-column COL --out PRED.csv
    chorus coding zero-shot --codebook CODEBOOK --data NEW.csv --text-column COL --out PRED.csv

--label-columns: one column per theme, 1 = applies, blank or 0 = not (multi-label).
--label-column: one column holding the category (single-label); rows with a blank category are not used.
PRED.csv holds the input columns, then one 0/1 column per theme (single-label: `label`), then `sentiment`
if the model was fitted with a sentiment column.

Languages: a multi-label model codes comments in other languages than English too. Beside the English model
(the static embedding and n-grams, thousands of comments a second) `fit` fits multilingual-e5 heads on at most
MULTILINGUAL_MAX_EXAMPLES of the coded rows (chorus.coding.crosslingual.LanguageRoutingCoder); `apply` detects
each row's language among English and the community languages, and codes the rows surely in another language
with the heads, each moved back towards English by its language's offset (e5 codes about 40 a second), the
rest with the English model. `--english-only` fits the English model alone; applying such a model (or a
single-label one) warns about rows that look like another language, and codes them as English.

zero-shot: no coded examples, only a codebook (the CSV `id,parent_id,name,description,examples`, or a
REFI-QDA .qdc). It learns from the batch it is given (chorus.coding.zeroshot.BatchZeroShotCoder); PRED.csv
holds the input columns, then one 0/1 column per leaf theme, named by the theme's name.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from chorus.ingest.safety import safe_csv_writer

SENTIMENT_DIR = "sentiment"


class InputError(Exception):
    """Bad input from the user: reported as one line, never a traceback."""


def read_csv(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV file, UTF-8 with or without BOM, or whatever charset-normalizer finds."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        if best is None:
            raise InputError(f"{path}: cannot tell the text encoding; save it as UTF-8 CSV") from None
        text = str(best)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise InputError(f"{path}: not a readable CSV file ({error})") from None
    # Blank lines are not rows; a row of empty cells (",,,") is, and keeps its place.
    rows = [row for row in rows if row]
    if not rows or not any(name.strip() for name in rows[0]):
        raise InputError(f"{path}: the file is empty")
    header = [name.strip() for name in rows[0]]
    width = len(header)
    body = [(row + [""] * width)[:width] for row in rows[1:]]
    if not body:
        raise InputError(f"{path}: the file has a header but no rows")
    return header, body


def column(header: list[str], rows: list[list[str]], name: str, path: str | Path) -> list[str]:
    if name not in header:
        raise InputError(f"{path}: no column {name!r} (columns are: {', '.join(header)})")
    index = header.index(name)
    return [row[index] for row in rows]


def theme_labels(
    header: list[str], rows: list[list[str]], themes: Sequence[str], path: str | Path
) -> np.ndarray:
    """0/1 matrix from theme columns holding 1, 0 or blank (also 1.0/0.0 as spreadsheets export them)."""
    labels = np.zeros((len(rows), len(themes)))
    for j, theme in enumerate(themes):
        for i, value in enumerate(column(header, rows, theme, path)):
            cell = value.strip()
            if cell in {"1", "1.0"}:
                labels[i, j] = 1
            elif cell not in {"", "0", "0.0"}:
                raise InputError(
                    f"{path}: theme column {theme!r} has {value!r} on row {i + 2}; "
                    "use 1 (applies), 0 or blank"
                )
    return labels


def fit(args: argparse.Namespace) -> int:
    from chorus.coding.classifier import MultiLabelCoder, SingleLabelCoder
    from chorus.coding.sentiment import SentimentModel, parse_label

    header, rows = read_csv(args.data)
    texts = column(header, rows, args.text_column, args.data)
    sentiments = None
    if args.sentiment_column:  # checked before the long fit, so a typo fails at once
        cells = column(header, rows, args.sentiment_column, args.data)
        try:
            sentiments = [parse_label(cell) for cell in cells]
        except ValueError as error:
            raise InputError(f"{args.data}: column {args.sentiment_column!r}: {error}") from None
        if len({label for label in sentiments if label}) < 2:
            raise InputError(f"{args.data}: column {args.sentiment_column!r} needs two different sentiments")
    heads_note = ""
    if args.label_columns:
        themes = list(dict.fromkeys(args.label_columns))
        labels = theme_labels(header, rows, themes, args.data)
        coder = MultiLabelCoder.fit(texts, labels, themes)
        summary = f"{len(themes)} themes"
        if not args.english_only:
            coder = with_multilingual_heads(coder, texts, labels)
            heads_note = (
                f"; for other languages, multilingual-e5 heads learnt from "
                f"{coder.other.manifest['training_size']:,} of the rows"
            )
    else:
        categories = [value.strip() for value in column(header, rows, args.label_column, args.data)]
        kept = [i for i, category in enumerate(categories) if category]
        if len({categories[i] for i in kept}) < 2:
            raise InputError(
                f"{args.data}: column {args.label_column!r} needs at least two different categories"
            )
        coder = SingleLabelCoder.fit([texts[i] for i in kept], [categories[i] for i in kept])
        summary = f"{len(coder.themes)} categories"
    out = Path(args.out)
    coder.save(out)
    if sentiments is not None:
        SentimentModel.fit(texts, sentiments).save(out / SENTIMENT_DIR)
        summary += " and sentiment"
    print(f"fitted {summary} on {len(rows):,} rows -> {out}{heads_note}", file=sys.stderr)
    return 0


def with_multilingual_heads(english, texts: Sequence[str], labels: np.ndarray):
    """The English coder beside multilingual-e5 heads fitted on (a seeded sample of) the same coded rows."""
    from chorus.coding import languages
    from chorus.coding.crosslingual import LanguageRoutingCoder, fit_heads_on_sample

    heads = fit_heads_on_sample(texts, labels, english.themes)
    return LanguageRoutingCoder(english, heads, candidates=languages.COMMUNITY_LANGUAGES)


def load_model(model_dir: Path):
    """The coder saved in the folder: a language-routing coder (English model and multilingual heads), or a
    single model as `fit` saved it before the heads (and with --english-only)."""
    from chorus.coding import classifier
    from chorus.coding.crosslingual import ROUTING_MANIFEST, LanguageRoutingCoder

    try:
        if (model_dir / ROUTING_MANIFEST).is_file():
            return LanguageRoutingCoder.load(model_dir)
        return classifier.load(model_dir)
    except (FileNotFoundError, ValueError, KeyError) as error:
        raise InputError(f"{model_dir}: cannot load the model ({error})") from None


def language_counts(codes: Sequence[str]) -> Counter[str]:
    """How many rows are in each language other than English (rows too short or unsure to tell are not)."""
    from chorus.coding import languages

    return Counter(code for code in codes if code not in (languages.ENGLISH, languages.UNDETERMINED))


def describe_counts(counts: Counter[str]) -> str:
    """Each language's code and rows, the language with most rows first: "pl 60, ro 58"."""
    return ", ".join(
        f"{code} {count:,}" for code, count in sorted(counts.items(), key=lambda p: (-p[1], p[0]))
    )


# `apply` codes this many rows at a time, and says how far it has got when a file takes a while (e5 codes
# rows in other languages at about 20-40 a second: 10,000 of them take minutes).
APPLY_CHUNK_ROWS = 2000
PROGRESS_EVERY_SECONDS = 10.0


class Progress:
    """Prints "coded N of M rows" to stderr at most every PROGRESS_EVERY_SECONDS: a long run shows life."""

    def __init__(self, total: int):
        self.total = total
        self.last = time.monotonic()

    def done(self, rows: int) -> None:
        now = time.monotonic()
        if rows < self.total and now - self.last >= PROGRESS_EVERY_SECONDS:
            print(f"  coded {rows:,} of {self.total:,} rows", file=sys.stderr, flush=True)
            self.last = now


def apply(args: argparse.Namespace) -> int:
    from chorus.coding import languages
    from chorus.coding.classifier import MultiLabelCoder
    from chorus.coding.crosslingual import LanguageRoutingCoder
    from chorus.coding.sentiment import SentimentModel

    model_dir = Path(args.model)
    coder = load_model(model_dir)
    header, rows = read_csv(args.data)
    texts = column(header, rows, args.text_column, args.data)
    routing = isinstance(coder, LanguageRoutingCoder)
    if args.languages:
        candidates = languages.programme_candidates(args.languages)
    else:
        candidates = (coder.candidates if routing else None) or languages.programme_candidates(
            languages.COMMUNITY_LANGUAGES
        )
    try:
        codes = languages.routing_languages(texts, candidates)
    except ValueError as error:  # a --languages code the detector does not know
        raise InputError(f"--languages: {error}") from None
    other = language_counts(codes)
    other_rows = sum(other.values())
    if other_rows and not routing:
        remedy = (
            "fit without --english-only to code them"
            if isinstance(coder, MultiLabelCoder)
            else "fit with --label-columns (multi-label) to code them"
        )
        looks = "row looks" if other_rows == 1 else "rows look"
        print(
            f"warning: {other_rows:,} {looks} like another language ({describe_counts(other)}): "
            f"this model codes English only; {remedy}",
            file=sys.stderr,
        )
    if routing or isinstance(coder, MultiLabelCoder):
        predicted_names = list(coder.themes)
        predicted = []
        progress = Progress(len(texts))
        for start in range(0, len(texts), APPLY_CHUNK_ROWS):
            chunk = slice(start, start + APPLY_CHUNK_ROWS)
            decided = (
                coder.predict(texts[chunk], language_codes=codes[chunk])
                if routing
                else coder.predict(texts[chunk])
            )
            predicted += [[str(int(value)) for value in row] for row in decided]
            progress.done(len(predicted))
    else:
        predicted_names = ["label"]
        predicted = [[label] for label in coder.predict(texts)]
    if (model_dir / SENTIMENT_DIR).is_dir():
        predicted_names.append("sentiment")
        labels = SentimentModel.load(model_dir / SENTIMENT_DIR).predict(texts)
        predicted = [row + [label] for row, label in zip(predicted, labels, strict=True)]
        if other_rows:
            print(
                f"note: sentiment is read by an English model; it is unreliable for the {other_rows:,} "
                "rows not in English",
                file=sys.stderr,
            )
    write_predictions(args.out, header, rows, predicted_names, predicted)
    summary = f"coded {len(rows):,} rows -> {args.out}"
    if routing and other_rows:
        summary += (
            f" ({other_rows:,} not in English, coded through multilingual-e5: {describe_counts(other)})"
        )
    print(summary, file=sys.stderr)
    return 0


def read_codebook(path: str | Path):
    """A codebook from a CSV or REFI-QDA (.qdc/.qde) file, or InputError saying why it cannot be used."""
    from chorus.coding import codebook as library

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        if path.suffix.lower() in {".qdc", ".qde"}:
            book = library.read_qdc(path)
        else:
            book = library.read_csv(path)
    except library.CodebookError as error:
        raise InputError(f"{path}: {error}") from None
    except (csv.Error, ValueError) as error:
        raise InputError(f"{path}: not a readable codebook ({error})") from None
    if not book.leaves():
        raise InputError(f"{path}: the codebook has no themes")
    return book


def theme_columns(names: Sequence[str], ids: Sequence[str]) -> list[str]:
    """Column names for themes: the name, or "name (id)" when two themes share a name."""
    repeated = {name for name in names if list(names).count(name) > 1}
    return [
        f"{name} ({theme_id})" if name in repeated else name
        for name, theme_id in zip(names, ids, strict=True)
    ]


def zero_shot(args: argparse.Namespace) -> int:
    from chorus.coding.zeroshot import BatchZeroShotCoder, ThemeDescription

    book = read_codebook(args.codebook)
    header, rows = read_csv(args.data)
    texts = column(header, rows, args.text_column, args.data)
    leaves = book.leaves()
    names = {theme.id: theme.name for theme in book.themes}
    themes = [
        ThemeDescription(
            theme.id,
            theme.name,
            theme.description,
            tuple(theme.examples),
            parent=names.get(theme.parent_id, "") if theme.parent_id else "",
        )
        for theme in leaves
    ]
    coder = BatchZeroShotCoder.fit(themes, texts, use_e5=False if args.static_only else None)
    predicted = [[str(int(value)) for value in row] for row in coder.predict(texts)]
    predicted_names = theme_columns([theme.name for theme in leaves], [theme.id for theme in leaves])
    write_predictions(args.out, header, rows, predicted_names, predicted)
    print(
        f"coded {len(rows)} rows with {len(leaves)} themes ({coder.model_name}) -> {args.out}",
        file=sys.stderr,
    )
    return 0


def write_predictions(
    out: str | Path, header: list[str], rows: list[list[str]], names: list[str], predicted: list[list[str]]
) -> None:
    # An input column named like a prediction (applying to a labelled file) keeps its data under a new name.
    clashes = set(header) & set(names)
    out_header = [f"{name} (input)" if name in clashes else name for name in header] + names
    if clashes:
        print(f"note: input columns {sorted(clashes)} renamed with ' (input)'", file=sys.stderr)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = safe_csv_writer(handle)
        writer.writerow(out_header)
        writer.writerows(row + extra for row, extra in zip(rows, predicted, strict=True))


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="chorus coding", description=__doc__.split("\n")[0])
    commands = main_parser.add_subparsers(dest="command", required=True)
    fit_parser = commands.add_parser("fit", help="train a coding model on a labelled CSV")
    fit_parser.add_argument("--data", required=True, help="labelled CSV file")
    fit_parser.add_argument("--text-column", required=True)
    labels = fit_parser.add_mutually_exclusive_group(required=True)
    labels.add_argument(
        "--label-columns",
        nargs="+",
        metavar="COL",
        help="one 0/1 column per theme (multi-label); the model codes other languages too",
    )
    labels.add_argument(
        "--label-column",
        metavar="COL",
        help="one column holding each row's category (single-label: English only)",
    )
    fit_parser.add_argument(
        "--english-only",
        action="store_true",
        help="with --label-columns: fit the English model alone, without the multilingual-e5 heads that code "
        "other languages (fitting them embeds a sample of the coded rows, about 40 a second)",
    )
    fit_parser.add_argument(
        "--sentiment-column", help="positive/neutral/negative/mixed, or 1-5 (1 very positive)"
    )
    fit_parser.add_argument("--out", required=True, help="folder to save the model in")
    fit_parser.set_defaults(run=fit)
    apply_parser = commands.add_parser("apply", help="code a CSV with a fitted model")
    apply_parser.add_argument("--model", required=True, help="folder made by `chorus coding fit`")
    apply_parser.add_argument("--data", required=True, help="CSV file to code")
    apply_parser.add_argument("--text-column", required=True)
    apply_parser.add_argument("--out", required=True, help="CSV file to write")
    apply_parser.add_argument(
        "--languages",
        nargs="+",
        metavar="CODE",
        help="the languages the file may hold besides English, as two-letter codes (e.g. fr de); by default "
        "the community languages the model was fitted for (ar bn es pl pt ro so tr ur)",
    )
    apply_parser.set_defaults(run=apply)
    zero_parser = commands.add_parser(
        "zero-shot", help="code a CSV from a codebook alone, learning from the batch (no coded examples)"
    )
    zero_parser.add_argument(
        "--codebook", required=True, help="codebook CSV (id,parent_id,name,description,examples) or .qdc"
    )
    zero_parser.add_argument("--data", required=True, help="CSV file to code")
    zero_parser.add_argument("--text-column", required=True)
    zero_parser.add_argument("--out", required=True, help="CSV file to write")
    zero_parser.add_argument(
        "--static-only",
        action="store_true",
        help="use only the fast static model, not multilingual-e5-small (about 40 texts/s a core): "
        "for very large files; less accurate",
    )
    zero_parser.set_defaults(run=zero_shot)
    return main_parser


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except InputError as error:
        print(f"chorus coding {args.command}: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(
            f"chorus coding {args.command}: {error.strerror or error}: {error.filename or ''}",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
