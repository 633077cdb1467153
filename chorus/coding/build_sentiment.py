"""Build the shipped sentiment head (chorus/coding/model/sentiment/) from the FFT comments. Run once.

python -m chorus.coding.build_sentiment ../shared/data/feedback/nhs_fft_dev.csv chorus/coding/model/sentiment
"""

from __future__ import annotations

import sys

from chorus.coding.cli import column, read_csv
from chorus.coding.sentiment import SentimentModel

FFT_TEXT, FFT_SENTIMENT = "FFT answer", "Comment sentiment"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    source, out = argv
    header, rows = read_csv(source)
    texts, labels = column(header, rows, FFT_TEXT, source), column(header, rows, FFT_SENTIMENT, source)
    kept = [i for i, text in enumerate(texts) if text.strip() and labels[i].strip()]
    model = SentimentModel.fit([texts[i] for i in kept], [labels[i] for i in kept])
    model.save(out)
    print(f"sentiment head trained on {len(kept)} FFT comments -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
