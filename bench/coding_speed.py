"""Speed of `chorus coding fit` and `chorus coding apply`, end to end through the CLI functions.

Targets (issue 4): apply codes at least 500 comments/s with the default model; fit on 6,000 labelled
comments takes under 3 minutes. Data: FFT comments (with text), repeated to the sizes needed.

    .venv/bin/python -m bench.coding_speed
"""

from __future__ import annotations

import csv
import os
import tempfile
import time
from pathlib import Path

from bench._readme import write_section
from chorus.coding import cli, embeddings
from chorus.coding.cli import column, read_csv

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CHORUS_SHARED_DATA", REPO.parent / "shared" / "data"))
DATA = SHARED / "feedback" / "nhs_fft_dev.csv"
FIT_ROWS = 6000
APPLY_ROWS = 10000


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
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        labelled, new = folder / "labelled.csv", folder / "new.csv"
        write_rows(labelled, header, rows, FIT_ROWS)
        text_only = [[row[header.index("FFT answer")]] for row in rows]
        write_rows(new, ["FFT answer"], text_only, APPLY_ROWS)
        fit_args = ["fit", "--data", str(labelled), "--text-column", "FFT answer"]
        fit_themes = timed([*fit_args, "--label-columns", *themes, "--out", str(folder / "themes")])
        fit_both = timed(
            [*fit_args, "--label-columns", *themes, "--sentiment-column", "Comment sentiment"]
            + ["--out", str(folder / "both")]
        )
        apply_args = ["apply", "--data", str(new), "--text-column", "FFT answer"]
        apply_themes = timed(
            [*apply_args, "--model", str(folder / "themes"), "--out", str(folder / "p1.csv")]
        )
        apply_both = timed([*apply_args, "--model", str(folder / "both"), "--out", str(folder / "p2.csv")])
        sample = [row[0] for row in text_only] * 2
        started = time.perf_counter()
        embeddings.embed(sample)
        embed_seconds = time.perf_counter() - started
    lines += [
        row(f"fit, {len(themes)} themes", FIT_ROWS, fit_themes, "< 180 s"),
        row("fit, themes + sentiment", FIT_ROWS, fit_both, "< 180 s"),
        row("apply, themes", APPLY_ROWS, apply_themes, ">= 500/s"),
        row("apply, themes + sentiment", APPLY_ROWS, apply_both, ">= 500/s"),
        f"| embed() alone ({embeddings.MODEL_NAME}) | {len(sample)} | {embed_seconds:.1f} "
        f"| {len(sample) / embed_seconds:.0f} | |",
    ]
    markdown = "\n".join(lines)
    print(markdown)
    write_section("coding_speed", markdown)


if __name__ == "__main__":
    main()
