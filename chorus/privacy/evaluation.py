"""Measure redaction against a corpus whose personal-data spans (and words that must survive) are marked.

Rules (also in chorus/privacy/corpus/README.md):
- A marked personal span is *removed* when every letter and digit in it lies inside some redacted span,
  whatever kind the redactor gave it: nothing of it can be read in the output. Recall per kind counts removed
  spans. It is *typed* when, in addition, a redacted span of the same kind overlaps it.
- A redacted span is *correct* when it overlaps a marked personal span of any kind; precision is the share
  of redacted spans that are correct.
- A "keep" span *survives* when no redacted span overlaps it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

CORPUS_DIR = Path(__file__).with_name("corpus")
CORPUS_PATH = CORPUS_DIR / "uk_residents.jsonl"
MARKED_PATH = CORPUS_DIR / "uk_residents.marked.txt"
# Written after the recognisers were tuned on the main corpus, and never tuned against.
HELDOUT_PATH = CORPUS_DIR / "uk_residents_heldout.jsonl"
HELDOUT_MARKED_PATH = CORPUS_DIR / "uk_residents_heldout.marked.txt"
# Real speech (issue 13): typed and spoken sentences, lower case, dialect, names that are also words.
# The development set is tuned on; the held-out set never is (see corpus/NOTICE.real_speech).
REAL_SPEECH_DEV_PATH = CORPUS_DIR / "real_speech_dev.jsonl"
REAL_SPEECH_DEV_MARKED_PATH = CORPUS_DIR / "real_speech_dev.marked.txt"
REAL_SPEECH_HELDOUT_PATH = CORPUS_DIR / "real_speech_heldout.jsonl"
REAL_SPEECH_HELDOUT_MARKED_PATH = CORPUS_DIR / "real_speech_heldout.marked.txt"
# The first held-out set: measured once, blind, then spent (its misses were studied); see NOTICE.real_speech.
REAL_SPEECH_FIRST_HELDOUT_PATH = CORPUS_DIR / "real_speech_first_heldout.jsonl"
REAL_SPEECH_FIRST_HELDOUT_MARKED_PATH = CORPUS_DIR / "real_speech_first_heldout.marked.txt"
MARKED_SOURCES = (
    (MARKED_PATH, CORPUS_PATH),
    (HELDOUT_MARKED_PATH, HELDOUT_PATH),
    (REAL_SPEECH_DEV_MARKED_PATH, REAL_SPEECH_DEV_PATH),
    (REAL_SPEECH_FIRST_HELDOUT_MARKED_PATH, REAL_SPEECH_FIRST_HELDOUT_PATH),
    (REAL_SPEECH_HELDOUT_MARKED_PATH, REAL_SPEECH_HELDOUT_PATH),
)

PERSONAL_KINDS = (
    "NAME",
    "PHONE",
    "EMAIL",
    "POSTCODE",
    "ADDRESS",
    "DATE_OF_BIRTH",
    "NHS_NUMBER",
    "NI_NUMBER",
)
KEEP = "KEEP"
MARKUP_KINDS = {
    "NAME": "NAME",
    "PHONE": "PHONE",
    "EMAIL": "EMAIL",
    "POSTCODE": "POSTCODE",
    "ADDRESS": "ADDRESS",
    "DOB": "DATE_OF_BIRTH",
    "NHS": "NHS_NUMBER",
    "NI": "NI_NUMBER",
    "KEEP": KEEP,
}
_MARK = re.compile(r"\{([A-Z]+):([^{}]+)\}")


@dataclass(frozen=True)
class MarkedSpan:
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class CorpusItem:
    text: str
    spans: tuple[MarkedSpan, ...]


class Span(Protocol):
    kind: str
    start: int
    end: int


def parse_marked(line: str) -> CorpusItem:
    """Turn "I'm {NAME:Amara} from {KEEP:Hackney}" into plain text with the spans' offsets."""
    text_parts: list[str] = []
    spans: list[MarkedSpan] = []
    position = 0
    length = 0
    for match in _MARK.finditer(line):
        before = line[position : match.start()]
        text_parts.append(before)
        length += len(before)
        markup_kind, surface = match.group(1), match.group(2)
        if markup_kind not in MARKUP_KINDS:
            raise ValueError(f"unknown kind {markup_kind!r} in marked line: {line!r}")
        spans.append(MarkedSpan(MARKUP_KINDS[markup_kind], length, length + len(surface)))
        text_parts.append(surface)
        length += len(surface)
        position = match.end()
    text_parts.append(line[position:])
    text = "".join(text_parts)
    if "{" in text or "}" in text:
        raise ValueError(f"unbalanced marking in line: {line!r}")
    return CorpusItem(text, tuple(spans))


def read_marked(path: Path = MARKED_PATH) -> list[CorpusItem]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [parse_marked(line) for line in lines if line.strip() and not line.startswith("#")]


def corpus_jsonl(items: Iterable[CorpusItem]) -> str:
    rows = [
        json.dumps(
            {
                "text": item.text,
                "spans": [{"kind": s.kind, "start": s.start, "end": s.end} for s in item.spans],
            },
            ensure_ascii=False,
        )
        for item in items
    ]
    return "\n".join(rows) + "\n"


def load_corpus(path: Path = CORPUS_PATH) -> list[CorpusItem]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        spans = tuple(MarkedSpan(s["kind"], s["start"], s["end"]) for s in row["spans"])
        items.append(CorpusItem(row["text"], spans))
    return items


@dataclass
class KindScore:
    total: int = 0
    removed: int = 0
    typed: int = 0

    @property
    def recall(self) -> float:
        return self.removed / self.total if self.total else 1.0

    @property
    def typed_recall(self) -> float:
        return self.typed / self.total if self.total else 1.0


@dataclass
class Miss:
    item_index: int
    kind: str
    surface: str


@dataclass
class Evaluation:
    per_kind: dict[str, KindScore] = field(default_factory=lambda: {k: KindScore() for k in PERSONAL_KINDS})
    predicted: int = 0
    predicted_correct: int = 0
    keep_total: int = 0
    keep_survived: int = 0
    misses: list[Miss] = field(default_factory=list)
    false_positives: list[Miss] = field(default_factory=list)
    destroyed_keeps: list[Miss] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.predicted_correct / self.predicted if self.predicted else 1.0

    @property
    def keep_survival(self) -> float:
        return self.keep_survived / self.keep_total if self.keep_total else 1.0

    @property
    def overall_recall(self) -> float:
        total = sum(score.total for score in self.per_kind.values())
        return sum(score.removed for score in self.per_kind.values()) / total if total else 1.0


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def evaluate(items: Sequence[CorpusItem], predictions: Sequence[Sequence[Span]]) -> Evaluation:
    """Score predicted spans (one sequence per corpus item, offsets into the original text)."""
    if len(items) != len(predictions):
        raise ValueError(f"{len(items)} corpus items but {len(predictions)} predictions")
    result = Evaluation()
    for index, (item, predicted) in enumerate(zip(items, predictions, strict=True)):
        covered = set()
        for span in predicted:
            covered.update(range(span.start, span.end))
        personal = [s for s in item.spans if s.kind != KEEP]
        for gold in item.spans:
            surface = item.text[gold.start : gold.end]
            if gold.kind == KEEP:
                result.keep_total += 1
                if any(_overlaps(gold, span) for span in predicted):
                    result.destroyed_keeps.append(Miss(index, KEEP, surface))
                else:
                    result.keep_survived += 1
                continue
            score = result.per_kind[gold.kind]
            score.total += 1
            readable = [i for i in range(gold.start, gold.end) if item.text[i].isalnum()]
            if all(i in covered for i in readable):
                score.removed += 1
                if any(span.kind == gold.kind and _overlaps(gold, span) for span in predicted):
                    score.typed += 1
            else:
                result.misses.append(Miss(index, gold.kind, surface))
        for span in predicted:
            result.predicted += 1
            if any(_overlaps(gold, span) for gold in personal):
                result.predicted_correct += 1
            else:
                result.false_positives.append(Miss(index, span.kind, item.text[span.start : span.end]))
    return result


if __name__ == "__main__":
    # Rebuild the JSON Lines corpora from their hand-marked sources.
    for marked, jsonl in MARKED_SOURCES:
        jsonl.write_text(corpus_jsonl(read_marked(marked)), encoding="utf-8")
        print(f"wrote {jsonl}")
