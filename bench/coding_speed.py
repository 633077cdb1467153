"""Speed of `chorus coding fit` and `chorus coding apply`, end to end through the CLI functions.

Targets (issue 4): apply codes at least 500 comments/s with the default model; fit on 6,000 labelled
comments takes under 3 minutes. Data: FFT comments (with text), repeated to the sizes needed.

The default model codes other languages too (issue 15): fit also fits multilingual-e5 heads on a sample of
the coded rows, and apply detects every row's language, which English-only data pays for as well; only rows
in another language pay for e5. Measured beside: the English model alone (--english-only), language detection
alone, and a file with one row in 20 translated (tests/fixtures/data/fft_translations.csv).

    .venv/bin/python -m bench.coding_speed
"""

from __future__ import annotations

import csv
import os
import tempfile
import time
from pathlib import Path

from bench._readme import write_section
from chorus.coding import cli, embeddings, languages
from chorus.coding.cli import column, read_csv

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CHORUS_SHARED_DATA", REPO.parent / "shared" / "data"))
DATA = SHARED / "feedback" / "nhs_fft_dev.csv"
TRANSLATIONS = REPO / "tests" / "fixtures" / "data" / "fft_translations.csv"
FIT_ROWS = 6000
APPLY_ROWS = 10000
TRANSLATED_EVERY = 20  # the mixed file: every 20th row a translation
BEFORE_LANGUAGES = (
    "Before apply detected each row's language and fit added the e5 heads (commit 9e9f1cf, measured "
    "2026-12-04 16:33 UTC, load 1.8 to 3.7): fit 78.9 s (themes) and 72.7 s (with sentiment); apply 3,079 "
    "rows/s (themes) and 870 rows/s (with sentiment)."
)


def write_rows(path: Path, header: list[str], rows: list[list[str]], count: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows[i % len(rows)] for i in range(count))


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    status = cli.main(argv)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"chorus coding {argv[0]} failed with status {status}")
    return elapsed


def row(step: str, rows: int, seconds: float, target: str) -> str:
    return f"| {step} | {rows} | {seconds:.1f} | {rows / seconds:.0f} | {target} |"


def main() -> None:
    header, rows = read_csv(DATA)
    themes = header[header.index("Comment sentiment") + 1 :]
    texts = column(header, rows, "FFT answer", DATA)
    rows = [row for row, text in zip(rows, texts, strict=True) if text.strip()]
    lines = [
        "### Coding speed (coding_speed)",
        "",
        "End to end through `chorus.coding.cli.main` (read CSV, embed, features, fit or predict, write).",
        "The machine is shared with other engineers' jobs: figures are noisy, read them as rough.",
        "",
        "| step | rows | seconds | rows/s | target |",
        "|---|---|---|---|---|",
    ]
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        labelled, new = folder / "labelled.csv", folder / "new.csv"
        write_rows(labelled, header, rows, FIT_ROWS)
        text_only = [[row[header.index("FFT answer")]] for row in rows]
        write_rows(new, ["FFT answer"], text_only, APPLY_ROWS)
        translations_header, translation_rows = read_csv(TRANSLATIONS)
        translated = [
            [text]
            for text, language in zip(
                column(translations_header, translation_rows, "text", TRANSLATIONS),
                column(translations_header, translation_rows, "language", TRANSLATIONS),
                strict=True,
            )
            if language != "en"
        ]
        mixed = folder / "mixed.csv"
        mixed_rows = [
            translated[(i // TRANSLATED_EVERY) % len(translated)]
            if i % TRANSLATED_EVERY == 0
            else text_only[i % len(text_only)]
            for i in range(APPLY_ROWS)
        ]
        write_rows(mixed, ["FFT answer"], mixed_rows, APPLY_ROWS)
        fit_args = ["fit", "--data", str(labelled), "--text-column", "FFT answer"]
        fit_themes = timed([*fit_args, "--label-columns", *themes, "--out", str(folder / "themes")])
        fit_both = timed(
            [*fit_args, "--label-columns", *themes, "--sentiment-column", "Comment sentiment"]
            + ["--out", str(folder / "both")]
        )
        fit_english = timed(
            [*fit_args, "--label-columns", *themes, "--english-only", "--out", str(folder / "english")]
        )
        apply_args = ["apply", "--data", str(new), "--text-column", "FFT answer"]
        apply_themes = timed(
            [*apply_args, "--model", str(folder / "themes"), "--out", str(folder / "p1.csv")]
        )
        apply_both = timed([*apply_args, "--model", str(folder / "both"), "--out", str(folder / "p2.csv")])
        apply_english = timed(
            [*apply_args, "--model", str(folder / "english"), "--out", str(folder / "p3.csv")]
        )
        apply_mixed = timed(
            ["apply", "--data", str(mixed), "--text-column", "FFT answer"]
            + ["--model", str(folder / "themes"), "--out", str(folder / "p4.csv")]
        )
        sample = [row[0] for row in text_only] * 2
        started = time.perf_counter()
        embeddings.embed(sample)
        embed_seconds = time.perf_counter() - started
        started = time.perf_counter()
        languages.routing_languages(sample, languages.programme_candidates(languages.COMMUNITY_LANGUAGES))
        detect_seconds = time.perf_counter() - started
    lines += [
        row(f"fit, {len(themes)} themes", FIT_ROWS, fit_themes, "< 180 s"),
        row("fit, themes + sentiment", FIT_ROWS, fit_both, "< 180 s"),
        row("fit, themes, `--english-only`", FIT_ROWS, fit_english, ""),
        row("apply, themes", APPLY_ROWS, apply_themes, ">= 500/s"),
        row("apply, themes + sentiment", APPLY_ROWS, apply_both, ">= 500/s"),
        row("apply, themes, `--english-only` model", APPLY_ROWS, apply_english, ""),
        row(
            f"apply, themes, 1 row in {TRANSLATED_EVERY} translated (through e5)", APPLY_ROWS, apply_mixed, ""
        ),
        f"| embed() alone ({embeddings.MODEL_NAME}) | {len(sample)} | {embed_seconds:.1f} "
        f"| {len(sample) / embed_seconds:.0f} | |",
        f"| routing_languages() alone ({languages.DETECTOR_NAME}, English + community languages) "
        f"| {len(sample)} | {detect_seconds:.1f} | {len(sample) / detect_seconds:.0f} | |",
    ]
    lines += [
        "",
        f"1-minute load average {load_before:.1f} when this run started and {os.getloadavg()[0]:.1f} when it "
        "ended.",
        "",
        BEFORE_LANGUAGES,
    ]
    markdown = "\n".join(lines)
    print(markdown)
    write_section("coding_speed", markdown)


if __name__ == "__main__":
    main()
