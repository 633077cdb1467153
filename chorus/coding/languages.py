"""Which language a contribution is written in, found offline.

py3langid (a naive Bayes model over byte n-grams, 4.5 MB, numpy only) scores about 130 languages. A programme
names the languages its residents speak; restricting the candidates to those (always with English) makes short
texts far more reliable (bench/README.md, coding_languages). Restricted so, it is as accurate on short phrases
as lingua-language-detector restricted alike, at a sixtieth of its installed size (306 MB). Codes are ISO
639-1 where the language has one ("pl", "ar"), else the ISO 639-3 code py3langid uses; "und" (undetermined, as
in BCP 47) when a text is too short or the evidence too thin to say.

    >>> detect("Bardzo miła obsługa, dziękuję").code
    'pl'
    >>> detect("ok").code
    'und'
    >>> detect("Obrigado por tudo", candidates=["en", "pt", "es"]).code
    'pt'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

UNDETERMINED = "und"
ENGLISH = "en"
DETECTOR_NAME = "py3langid"

# A text needs this many letters before any language is claimed for it ("ok", "N/A", "5/5" have too few).
MIN_LETTERS = 4
# Below this confidence (the probability of the best language among the candidates) the answer is "und".
# Set on the short phrases of tests/fixtures/data/language_phrases.csv (bench/README.md, coding_languages).
MIN_CONFIDENCE = 0.3
MIN_CONFIDENCE_WITH_CANDIDATES = 0.4
# A text goes to a coder for another language than English only when detection is this sure of it: short
# English comments such as "Just perfect" come out Romanian at about 0.5 among the community languages.
ROUTING_CONFIDENCE = 0.8

# Text mostly in another script than Latin (Arabic, Bengali...) cannot be English: for it, detection's usual
# answer (MIN_CONFIDENCE_WITH_CANDIDATES) is enough to choose a coder. One Arabic word ("ممتاز") comes out
# Arabic at about 0.76, under ROUTING_CONFIDENCE, and the English coder can make nothing of it.
NOT_LATIN_SHARE = 0.5

# py3langid labels that are varieties of a language with an ISO 639-1 code: counted as that language.
VARIETY_OF = {"ary": "ar", "arz": "ar", "uzs": "uz", "gug": "gn", "srl": "sr"}
NO_LANGUAGE = {"zxx"}

# The community languages issue 15 names, and display names for the codes residents' languages are likely
# to get.
COMMUNITY_LANGUAGES = ("ar", "bn", "pl", "pt", "ro", "so", "es", "tr", "ur")
NAMES = {
    "und": "Not known",
    "af": "Afrikaans",
    "am": "Amharic",
    "ar": "Arabic",
    "bg": "Bulgarian",
    "bn": "Bengali",
    "cs": "Czech",
    "cy": "Welsh",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "fa": "Persian",
    "fi": "Finnish",
    "fr": "French",
    "ga": "Irish",
    "gd": "Scottish Gaelic",
    "gu": "Gujarati",
    "ha": "Hausa",
    "he": "Hebrew",
    "hi": "Hindi",
    "hr": "Croatian",
    "hu": "Hungarian",
    "id": "Indonesian",
    "ig": "Igbo",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "ku": "Kurdish",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "ml": "Malayalam",
    "ms": "Malay",
    "ne": "Nepali",
    "nl": "Dutch",
    "no": "Norwegian",
    "pa": "Punjabi",
    "pl": "Polish",
    "ps": "Pashto",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "so": "Somali",
    "sq": "Albanian",
    "sr": "Serbian",
    "sv": "Swedish",
    "sw": "Swahili",
    "ta": "Tamil",
    "te": "Telugu",
    "th": "Thai",
    "ti": "Tigrinya",
    "tl": "Tagalog",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "yo": "Yoruba",
    "zh": "Chinese",
}


@dataclass(frozen=True)
class Detection:
    """A text's language (ISO 639-1 code, or "und") and the detector's probability for it (0 for "und" by
    length)."""

    code: str
    confidence: float

    @property
    def name(self) -> str:
        return language_name(self.code)

    @property
    def is_determined(self) -> bool:
        return self.code != UNDETERMINED


def language_name(code: str) -> str:
    """The English name of a language code for display ("pl" -> "Polish"); the code itself if unknown."""
    return NAMES.get(code, code)


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@cache
def supported_languages() -> list[str]:
    """Every code `detect` can answer, sorted."""
    labels = _identifier().labels
    return sorted({VARIETY_OF.get(label, label) for label in labels} - NO_LANGUAGE)


def _checked_candidates(candidates: Iterable[str] | None) -> frozenset[str] | None:
    if candidates is None:
        return None
    codes = set(supported_languages())
    wanted = frozenset(str(code).strip().lower() for code in candidates) - {UNDETERMINED}
    unknown = wanted - codes
    if unknown:
        raise ValueError(f"language detection does not know {', '.join(sorted(unknown))}")
    if not wanted:
        raise ValueError("candidates must name at least one language")
    return wanted


def _letters(text: str) -> int:
    return sum(character.isalpha() for character in text)


def mostly_not_latin(text: str) -> bool:
    """Whether most of the text's letters are in another script than Latin (so it is not English)."""
    letters = [character for character in text if character.isalpha()]
    latin = sum(unicodedata.name(character, "").startswith("LATIN") for character in letters)
    return bool(letters) and latin < NOT_LATIN_SHARE * len(letters)


def detect(text: str | None, candidates: Iterable[str] | None = None) -> Detection:
    """The language of one text: the most probable of the candidates (all languages if None).

    "und" when the text has fewer than MIN_LETTERS letters, or when the best language's probability (shared
    among the candidates only) is below the minimum confidence.
    """
    return detect_many([text], candidates)[0]


def detect_many(texts: Sequence[str | None], candidates: Iterable[str] | None = None) -> list[Detection]:
    """`detect` for many texts, with the candidates checked once."""
    wanted = _checked_candidates(candidates)
    identifier = _identifier()
    minimum = MIN_CONFIDENCE if wanted is None else MIN_CONFIDENCE_WITH_CANDIDATES
    if wanted is not None and len(wanted) == 1:
        minimum = 0.0
    detections = []
    for text in texts:
        text = " ".join(str(text or "").split())
        if _letters(text) < MIN_LETTERS:
            detections.append(Detection(UNDETERMINED, 0.0))
            continue
        totals: dict[str, float] = {}
        for label, score in identifier.rank(text):
            code = VARIETY_OF.get(label, label)
            if (code in wanted if wanted is not None else code not in NO_LANGUAGE) and score > 0:
                totals[code] = totals.get(code, 0.0) + score
        total = sum(totals.values())
        if total <= 0:
            detections.append(Detection(UNDETERMINED, 0.0))
            continue
        best = max(totals, key=totals.__getitem__)
        confidence = totals[best] / total
        detections.append(Detection(best if confidence >= minimum else UNDETERMINED, round(confidence, 4)))
    return detections


def routing_languages(texts: Sequence[str | None], candidates: Iterable[str] | None = None) -> list[str]:
    """Each text's language code for choosing its coder: detected among the candidates, "und" (the English
    coder's) when detection is less sure than ROUTING_CONFIDENCE; for a text mostly in another script than
    Latin, detection's usual answer (it cannot be English).

    A text the detector takes for English at least that surely among all its languages is English among
    fewer candidates too: that is settled with its best guess alone, which costs half of ranking every
    language, so that coding an English file pays little for detection (bench/README.md, coding_speed).
    """
    wanted = _checked_candidates(candidates)
    identifier = _identifier()
    codes = [UNDETERMINED] * len(texts)
    unsettled = []
    for index, text in enumerate(texts):
        cleaned = " ".join(str(text or "").split())
        if wanted is None or ENGLISH in wanted:
            if _letters(cleaned) >= MIN_LETTERS:
                label, confidence = identifier.classify(cleaned)
                if label == ENGLISH and confidence >= ROUTING_CONFIDENCE:
                    codes[index] = ENGLISH
                    continue
        unsettled.append(index)
    found = detect_many([texts[index] for index in unsettled], wanted)
    for index, detection in zip(unsettled, found, strict=True):
        if detection.confidence >= ROUTING_CONFIDENCE or mostly_not_latin(str(texts[index] or "")):
            codes[index] = detection.code
    return codes


def programme_candidates(languages: Iterable[str]) -> list[str]:
    """The candidates for a programme: the languages it names, and English always."""
    return sorted({ENGLISH, *(str(code).strip().lower() for code in languages if str(code).strip())})


@cache
def named_languages() -> tuple[str, ...]:
    """The languages with an English name here that the detector knows: the default candidates."""
    known = set(supported_languages())
    return tuple(sorted(code for code in NAMES if code in known))


def contribution_languages(texts: Sequence[str | None], programme_languages: Iterable[str] = ()) -> list[str]:
    """The language code to store on each contribution ("" when not known: the field is blank then).

    A programme that names its residents' languages: the most probable of those (and English). One that
    names none: the most probable of every named language; a text left undetermined among so many is tried
    again among English and the community languages, which settles most short phrases. On the short
    phrases of tests/fixtures/data/language_phrases.csv this gets 111 of 114 right (1 unknown, 2 wrong),
    against 112 for the community languages alone, which take French for English and Russian for Somali.
    """
    wanted = programme_candidates(programme_languages)
    if wanted != [ENGLISH]:
        return [d.code if d.is_determined else "" for d in detect_many(texts, wanted)]
    found = detect_many(texts, named_languages())
    unsure = [index for index, detection in enumerate(found) if not detection.is_determined]
    if unsure:
        again = detect_many([texts[index] for index in unsure], [ENGLISH, *COMMUNITY_LANGUAGES])
        for index, detection in zip(unsure, again, strict=True):
            found[index] = detection
    return [d.code if d.is_determined else "" for d in found]


def contribution_language(text: str | None, programme_languages: Iterable[str] = ()) -> str:
    """`contribution_languages` for one text."""
    return contribution_languages([text], programme_languages)[0]
