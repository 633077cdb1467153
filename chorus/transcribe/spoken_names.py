"""Names and email addresses as Whisper writes them from speech, for what the written-text redactor misses.

People say their own name after a few set phrases ("my name is", "this is", "I'm", "it's", "call me",
"ask for", "my son is"), or before "here" or "speaking"; in speech those phrases are a stronger sign of a name
than in writing. After "my name is" or "call me" any capitalised word is taken for a name, and a lower-case
one that is not English; after the others a capitalised word unless it is a place, a service or an English
word that is not also a first name, and after "my son is" a first name in lower case. A first name opening
the sentence goes with a surname found after it ("will Harrison here"). Whisper sometimes writes a name in
capitals ("FEMI UNWALE here"): those are read in Title Case (same length, same positions). An email address
is spelled out ("amina dot yusuf at gmail dot com") rather than written with "@".
"""

from __future__ import annotations

import re
from functools import cache

from spacy.lang.en.stop_words import STOP_WORDS

from chorus.privacy.recognisers import (
    EMAIL,
    NAME,
    NAME_WORD,
    RELATIONS,
    first_names,
    is_english_word,
    is_not_personal,
    uk_place_names,
    word_names,
)

# Phrases after which only a name can follow: a capitalised word there is a name whatever else it may be
# ("my name is White"), a lower-case word if it is not English ("my name is agnieszka").
_NAME_ONLY_CUE = (
    r"(?i:\bmy\s+name\s+is|\bmy\s+name['’]s|\bthe\s+name\s+is|\bthe\s+name['’]s|\bname['’]s|\bcall\s+me)"
)
_RELATION_IS = r"(?i:\bmy\s+(?:" + RELATIONS + r")(?:['’]s\s+name)?\s+(?:is|was))"
# Phrases after which a name often follows, but so do places, days and other words ("this is Plymouth").
_NAMING_CUE = (
    r"(?i:\bi['’]m|\bi\s+am|\bthis\s+is|\bit['’]s|\bit\s+is|\bit\s+was|\bask\s+for|\bspeak\s+to|"
    rf"\btalk\s+to|\bcalled|\bnamed)|{_RELATION_IS}"
)
_NAME_PHRASE = rf"{NAME_WORD}(?:\s+{NAME_WORD}){{0,2}}"
_CAPITALISED_AFTER_NAME_ONLY_CUE = re.compile(rf"{_NAME_ONLY_CUE},?\s+(?P<name>{_NAME_PHRASE})")
_CAPITALISED_AFTER_CUE = re.compile(rf"(?:{_NAMING_CUE}),?\s+(?P<name>{_NAME_PHRASE})")
_LOWER_WORDS = r"(?P<name>[a-z][a-z'’-]+[a-z](?:\s+[a-z][a-z'’-]+[a-z])?)\b"
_LOWER_AFTER_NAME_ONLY_CUE = re.compile(rf"{_NAME_ONLY_CUE},?\s+{_LOWER_WORDS}")
# "my key worker is blessing": after a relation, a first name in lower case, even one that is also a word.
_LOWER_AFTER_RELATION = re.compile(rf"{_RELATION_IS},?\s+{_LOWER_WORDS}")
_NAME_BEFORE_CUE = re.compile(
    rf"(?:^|(?<=[.!?]\s)|(?<=\n))(?P<name>{NAME_WORD}(?:\s+{NAME_WORD}){{0,2}})(?=,?\s+(?i:here|speaking|calling)\b)"
)
# Words that follow "it's" or "I'm" with a capital and are not names.
_NOT_NAMES = frozenset(
    """
    i im i'm the a an and but so not on in at to from with for of it its this that there here he she they we
    you my your his her our their sorry fine ok okay well sure afraid still just only also really very too
    mr mrs ms miss dr doctor nurse mum mam mom dad nan gran
    british english scottish welsh irish polish romanian nigerian ghanaian indian pakistani bangladeshi
    somali turkish kurdish african caribbean asian european muslim christian jewish hindu sikh catholic
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december christmas easter ramadan eid
    """.split()
)
_SPELLED_EMAIL = re.compile(
    r"(?i)\b[\w'-]+(?:(?:\s+dot\s+|\s+underscore\s+|[._])[\w'-]+){0,3}\s*(?:\bat\b|@)\s*[\w-]+"
    r"(?:(?:\s+dot\s+|\.)[\w-]+)*(?:\s+dot\s+|\.)(?:com|co\s+dot\s+uk|co\.uk|org|net|uk|me|io)\b"
)
# What follows "my email is", up to the end of its domain, however Whisper ran it together
# ("aminadocuseafatgmail.com").
_EMAIL_AFTER_CUE = re.compile(
    r"(?i)\be-?mail(?:\s+address)?(?:\s+is|['’]s|:|\s+me\s+(?:at|on))?\s+(?P<address>(?:\S+\s+){0,8}?\S*?(?:\.|\s+dot\s+)"
    r"(?:com|co\.uk|co\s+dot\s+uk|org|net|uk)\b)"
)
_OPENING_WORD_BEFORE = re.compile(r"(?:^|(?<=[.!?]\s)|(?<=\n))(?P<word>[A-Za-z][a-z'’-]+)\s+$")


@cache
def _known_names() -> frozenset[str]:
    return first_names() | word_names()


def _may_open_a_name(word: str) -> bool:
    """A capitalised word after a naming cue: a first name, or a word that is not English ("Agnieszka")."""
    folded = word.casefold()
    if folded in _NOT_NAMES or is_not_personal(word) or folded in uk_place_names():
        return False
    return folded in _known_names() or not is_english_word(folded)


def _may_go_on_a_name(word: str) -> bool:
    """A capitalised word after a name's first word: a surname, unless a place, a service or a small word."""
    folded = word.casefold()
    return folded not in _NOT_NAMES and not is_not_personal(word) and folded not in uk_place_names()


def for_analysis(text: str) -> str:
    """The transcript with names Whisper wrote in capitals in Title Case ("FEMI UNWALE" → "Femi Unwale"),
    for the redactor: two or three words in capitals, one of them a first name; acronyms ("NHS", "the TED
    staff", "a PEG feed") stay as they are. The same length as the text."""

    def title_case(match: re.Match) -> str:
        words = match.group().split(" ")
        if not any(word.casefold() in first_names() for word in words):
            return match.group()
        return " ".join(word.capitalize() for word in words)

    return re.sub(r"\b[A-Z][A-Z'’-]{2,}(?: [A-Z][A-Z'’-]{2,}){1,2}\b", title_case, text)


def name_spans(text: str) -> list[tuple[str, int, int]]:
    """(NAME, start, end) of the names said after or before a naming phrase, and (EMAIL, ...) of email
    addresses spelled out."""
    spans = []
    for match in _CAPITALISED_AFTER_NAME_ONLY_CUE.finditer(text):
        spans += _leading_name(match, lambda word: word.casefold() not in _NOT_NAMES, _may_go_on_a_name)
    for match in _CAPITALISED_AFTER_CUE.finditer(text):
        spans += _leading_name(match, _may_open_a_name, _may_go_on_a_name)
    for match in _LOWER_AFTER_NAME_ONLY_CUE.finditer(text):
        spans += _leading_name(match, _not_english, _not_english)
    for match in _LOWER_AFTER_RELATION.finditer(text):
        spans += _leading_name(match, _lower_case_first_name, _not_english)
    for match in _NAME_BEFORE_CUE.finditer(text):
        words = match.group("name").split()
        if _may_open_a_name(words[0]) and all(_may_go_on_a_name(word) for word in words[1:]):
            spans.append((NAME, match.start("name"), match.end("name")))
    spans += [(EMAIL, match.start(), match.end()) for match in _SPELLED_EMAIL.finditer(text)]
    spans += [(EMAIL, *match.span("address")) for match in _EMAIL_AFTER_CUE.finditer(text)]
    return sorted(set(spans), key=lambda span: span[1])


def with_first_names(text: str, spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Name spans widened to the first name opening the sentence before them, which Whisper may write in
    lower case or the redactor may not take alone: "will [Harrison] here" → "[will Harrison] here"."""
    widened = []
    for kind, start, end in spans:
        before = _OPENING_WORD_BEFORE.search(text, max(0, start - 30), start) if kind == NAME else None
        if before and before.group("word").casefold() in _known_names():
            start = before.start("word")
        widened.append((kind, start, end))
    return widened


def _not_english(word: str) -> bool:
    return len(word) >= 3 and not is_english_word(word)


def _lower_case_first_name(word: str) -> bool:
    return word in _known_names() and word not in _NOT_NAMES and word not in STOP_WORDS


def _leading_name(match: re.Match, opens, goes_on) -> list[tuple[str, int, int]]:
    """The name at the start of match's "name" group: its first word if `opens` says so, then the words
    after it while `goes_on` says so."""
    words = list(re.finditer(r"\S+", match.group("name")))
    if not opens(words[0].group()):
        return []
    kept = [words[0]]
    for word in words[1:]:
        if not goes_on(word.group().strip(".,;:!?")):
            break
        kept.append(word)
    return [(NAME, match.start("name"), match.start("name") + kept[-1].end())]
