"""Generate fictional residents' voices for the demo: what people told a community connector.

Each voice is built from hand-written fragments (data/phrases.json) chosen for a speaker (a persona from
data/voices.json, with a sex and an age), a sentiment and one to three topics, filled with local detail
from the place (data/places.json), joined with cause-and-effect wording and given a little of the
untidiness of real notes. The topics and sentiment are ground truth for the demo; the equality answers
and consents are what the loader stores with each voice. A few voices carry fictional personal data for
redaction to find.

    >>> import random
    >>> voices = generate_voices(random.Random(7), "E06000033", 3, ward_names=["Kursaal", "Milton"])
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from chorus import equality
from chorus.demo import phrases
from chorus.demo.places import PLACE_FLAVOUR, PlaceFlavour

DATA = Path(__file__).resolve().parent / "data" / "voices.json"
_DATA = json.loads(DATA.read_text(encoding="utf-8"))

TOPICS: dict[str, str] = dict(_DATA["topics"])

SENTIMENTS = ("positive", "neutral", "negative", "mixed")

PERSONAL_DATA_SHARE = 0.03
CONSENT_QUOTE_SHARE = 0.70
CONSENT_OPEN_DATA_SHARE = 0.60
CONSENT_RECONTACT_SHARE = 0.40
NOT_ASKED_SHARE = 0.08  # the connector did not ask the equality questions at all


@dataclass(frozen=True)
class Voice:
    text: str  # what the resident said, in their words (first person, as a connector wrote it)
    topics: tuple[str, ...]  # 1-3 topic ids from TOPICS: ground truth for the demo
    sentiment: str  # "positive" | "neutral" | "negative" | "mixed"
    age_band: str | None  # codes from chorus/equality.py; None = not asked
    sex: str | None
    gender_identity_same: str | None
    ethnicity: str | None
    disability: str | None  # "yes" / "no" / "prefer-not-to-say" / None
    carer: str | None
    consent_quote: bool
    consent_open_data: bool
    consent_recontact: bool
    contains_personal_data: bool  # True for the few texts that include (fictional) personal data


@dataclass(frozen=True)
class _Persona:
    id: str
    weight: float
    female_share: float
    age_weights: dict[str, float]
    disability_share: float
    carer_share: float
    topic_boost: dict[str, float]


_ENGLISH_NOT_FIRST = "not-english-first"


def _persona(record: dict) -> _Persona:
    return _Persona(
        id=record["id"],
        weight=record["weight"],
        female_share=record["female_share"],
        age_weights=dict(record["age_weights"]),
        disability_share=record["disability_share"],
        carer_share=record["carer_share"],
        topic_boost=dict(record["topic_boost"]),
    )


_PERSONAS: tuple[_Persona, ...] = tuple(map(_persona, _DATA["personas"]))
# Drawn with each place's own share of people whose first language is not English.
_ENGLISH_NOT_FIRST_PERSONA = _persona(_DATA["english_not_first_persona"])
if _ENGLISH_NOT_FIRST_PERSONA.id != _ENGLISH_NOT_FIRST:
    raise ValueError(f"{DATA.name}: the English-not-first persona must have the id {_ENGLISH_NOT_FIRST}")
_BASE_TOPIC_WEIGHTS: dict[str, float] = dict(_DATA["base_topic_weights"])

_SENTIMENT_WEIGHTS = {"negative": 52, "mixed": 15, "positive": 17, "neutral": 16}

_AGE_GROUPS = {
    "young": ("under-16", "16-24", "25-34"),
    "mid": ("35-44", "45-54", "55-64"),
    "old": ("65-74", "75-plus"),
    "parent": ("25-34", "35-44", "45-54"),  # of children at home
    "adult": ("25-34", "35-44", "45-54", "55-64", "65-74", "75-plus"),
}
_SEX_CODES = {"f": "female", "m": "male"}
_AGE_CODES = {code for code, _ in equality.AGE_BANDS if code != equality.PREFER_NOT_TO_SAY}


@dataclass(frozen=True)
class _Speaker:
    # The truth about the speaker; what they answer may differ (prefer not to say, not asked).
    persona: _Persona
    sex: str  # "female" or "male"
    age_band: str
    ethnicity: str
    english_first: bool


@dataclass(frozen=True)
class _Fragment:
    text: str
    topic: str | None  # a second topic the fragment is also about
    sexes: tuple[str, ...] | None  # only these speakers would say it
    ages: tuple[str, ...] | None
    ethnicities: tuple[str, ...] | None
    english_not_first: bool  # only someone whose first language is not English would say it

    def suits(self, speaker: _Speaker) -> bool:
        return (
            (not self.english_not_first or not speaker.english_first)
            and (self.sexes is None or speaker.sex in self.sexes)
            and (self.ages is None or speaker.age_band in self.ages)
            and (self.ethnicities is None or speaker.ethnicity in self.ethnicities)
        )


_TAGGED = re.compile(r"^(?:\[(?P<topic>[a-z-]+)\]\s*)?(?:\((?P<who>[a-z0-9,+-]+)\)\s*)?(?P<text>.+)$")


def _parse(line: str) -> _Fragment:
    match = _TAGGED.match(line)
    assert match is not None  # the pattern matches any non-empty line
    topic = match["topic"]
    if topic is not None and topic not in TOPICS:
        raise ValueError(f"unknown topic tag [{topic}] in phrase: {line}")
    sexes: list[str] = []
    ages: list[str] = []
    ethnicities: list[str] = []
    english_not_first = False
    for token in (match["who"] or "").split(","):
        if not token:
            continue
        if token == "eal":
            english_not_first = True
        elif token in _SEX_CODES:
            sexes.append(_SEX_CODES[token])
        elif token in _AGE_GROUPS:
            ages.extend(_AGE_GROUPS[token])
        elif token in _AGE_CODES:
            ages.append(token)
        elif token in equality.ETHNICITY_GROUP_OF:
            ethnicities.append(token)
        else:
            raise ValueError(f"unknown speaker mark ({token}) in phrase: {line}")
    return _Fragment(
        match["text"],
        topic,
        tuple(sexes) or None,
        tuple(ages) or None,
        tuple(ethnicities) or None,
        english_not_first,
    )


def _parse_all(lines: Sequence[str]) -> tuple[_Fragment, ...]:
    return tuple(_parse(line) for line in lines)


if set(phrases.BANKS) != set(TOPICS):
    raise ValueError("chorus/demo/data/phrases.json must have a bank for every topic and no other")

_CAUSE_SECTIONS = ("states", "events")
_BANKS: dict[str, dict[str, tuple[_Fragment, ...]]] = {
    topic: {section: _parse_all(lines) for section, lines in bank.items() if section not in _CAUSE_SECTIONS}
    for topic, bank in phrases.BANKS.items()
}
_INTROS = {persona: _parse_all(lines) for persona, lines in phrases.INTROS.items()}


@dataclass(frozen=True)
class _Cause:
    topic: str
    fragment: _Fragment
    is_event: bool  # "since they cut the 7" rather than "because the flat is damp"
    leads_to: tuple[str, ...]  # topics whose effects can follow it


def _parse_causes() -> tuple[_Cause, ...]:
    causes: list[_Cause] = []
    for topic, bank in phrases.BANKS.items():
        for section in _CAUSE_SECTIONS:
            for line in bank[section]:
                text, separator, targets = line.partition(" >> ")
                leads_to = tuple(targets.split())
                if not separator or not leads_to or not set(leads_to) <= set(TOPICS):
                    raise ValueError(f"a {section} line must end with ' >> ' and known topic ids: {line}")
                causes.append(_Cause(topic, _parse(text), section == "events", leads_to))
    return tuple(causes)


_CAUSES = _parse_causes()
# (cause, effect topic) pairs with the topic as the cause, and with the topic as the effect.
_CHAINS_FROM = {
    topic: tuple((cause, effect) for cause in _CAUSES if cause.topic == topic for effect in cause.leads_to)
    for topic in TOPICS
}
_CHAINS_INTO = {
    topic: tuple((cause, topic) for cause in _CAUSES if topic in cause.leads_to) for topic in TOPICS
}
# Topics residents link to each topic, either way round: sorted so that drawing from them is reproducible.
_RELATED = {
    topic: tuple(
        sorted(
            (
                {cause.topic for cause, _ in _CHAINS_INTO[topic]}
                | {effect for _, effect in _CHAINS_FROM[topic]}
            )
            - {topic}
        )
    )
    for topic in TOPICS
}


def _parse_local(place: PlaceFlavour) -> dict[str, dict[str, tuple[_Fragment, ...]]]:
    """Local lines by topic, then by sentiment mark: "+" good, "~" mixed, "" complaint."""
    by_topic: dict[str, dict[str, tuple[_Fragment, ...]]] = {}
    for topic, lines in place.local_lines.items():
        if topic not in TOPICS:
            raise ValueError(f"unknown topic {topic} in local lines of {place.name}")
        marked: dict[str, list[_Fragment]] = {"": [], "+": [], "~": []}
        for line in lines:
            mark = line[0] if line[:2] in ("+ ", "~ ") else ""
            marked[mark].append(_parse(line[2:] if mark else line))
        by_topic[topic] = {mark: tuple(fragments) for mark, fragments in marked.items()}
    return by_topic


_LOCAL = {code: _parse_local(place) for code, place in PLACE_FLAVOUR.items()}

# Cause-and-effect sentences: a state ("the flat is damp") or an event ("they cut the 7") and an effect.
_STATE_CHAINS = (
    "Because {cause}, {effect}.",
    "{Effect} because {cause}.",
    "{Effect}, and that's because {cause}.",
    "{Cause}, so {effect}.",
    "{Cause}, which means {effect}.",
    "{Effect}. Why? Because {cause}.",
    "{Effect}, all because {cause}.",
    "{Cause} and {effect}.",
    "It's simple, {cause}, so {effect}.",
    "The way I see it, {effect} because {cause}.",
    "{Effect}, mainly because {cause}.",
    "As {cause}, {effect}.",
    "{Effect} cos {cause}.",
)
_EVENT_CHAINS = (
    "Since {cause}, {effect}.",
    "Ever since {cause}, {effect}.",
    "{Effect} since {cause}.",
    "{Effect} ever since {cause}.",
    "{Cause}, and now {effect}.",
    "After {cause}, {effect}.",
    "{Effect}, it all started when {cause}.",
    "{Cause} and since then {effect}.",
    "Since {cause} {effect}.",
    "It's been like this since {cause}, {effect}.",
)
_FILLERS = ("Honestly, ", "To be honest, ", "I mean, ", "You know, ", "Basically, ", "Thing is, ")
_YOUNG_FILLERS = ("Honestly, ", "Like, ", "I mean, ", "Basically, ", "Tbh ", "Literally, ")
_SPELLING_SLIPS = (
    (" because ", " cos "),
    (" going to ", " gonna "),
    ("don't know", "dunno"),
    (" a lot ", " alot "),
    (" definitely ", " definately "),
    (" could have ", " could of "),
    (" you're ", " your "),
    (" nothing ", " nothin "),
)
_EMPHASIS = ("nobody", "never", "nothing", "every single", "always", "still", "months", "years")
_TRANSLATION_NOTES = (
    "(Spoken in {language}, written down in English by the connector.)",
    "(Translated from {language}.)",
    "[said in {language}, connector's translation]",
)
_SLOT = re.compile(r"\{(\w+)\}")
# Sentences starting with one of these are clauses that can follow "and" (unlike "Free data for everyone.").
_CLAUSE_STARTS = frozenset(
    "I I'm I've I'd My We We're We've They They're It It's There There's The Nobody He She Our".split()
)


def _names_in_phrases() -> frozenset[str]:
    """Words the fragments and places capitalise inside a sentence: names ("Derriford", "English") that keep
    their capital when a sentence is joined onto another, where "The" or "Motorbikes" become lower case."""
    texts: list[str] = [line for bank in phrases.BANKS.values() for lines in bank.values() for line in lines]
    texts += [line for lines in phrases.INTROS.values() for line in lines]
    names = {"Citizens"}
    for place in PLACE_FLAVOUR.values():
        texts += [line for lines in place.local_lines.values() for line in lines]
        names.update(word for values in place.slots.values() for value in values for word in value.split())
        names.update(word for ward in place.wards for word in ward.split())
    for line in texts:
        text = _TAGGED.sub(r"\g<text>", line.removeprefix("+ ").removeprefix("~ "))
        for sentence in re.split(r"[.!?]\s+", text):
            names.update(word for word in sentence.split()[1:] if word[:1].isupper())
    return frozenset(word.strip(",.?!:;") for word in names)


_NAMES = _names_in_phrases()
_FIRST_PERSON = frozenset({"I", "I'm", "I've", "I'd", "I'll"})


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _decap(text: str) -> str:
    """Lower the first letter of a sentence joined onto another, unless it is I, a name or an acronym."""
    word = text.split(" ", 1)[0].strip(",.?!:;").removesuffix("'s")
    if not word or word in _FIRST_PERSON or word in _NAMES or (len(word) > 1 and word.isupper()):
        return text
    return text[:1].lower() + text[1:]


class _Weighted:
    """A weighted draw among keys, with the cumulative weights worked out once."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.keys = tuple(weights)
        self.cumulative = tuple(itertools.accumulate(weights.values()))

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.keys, cum_weights=self.cumulative)[0]


_SENTIMENT_DRAW = _Weighted(_SENTIMENT_WEIGHTS)
_NEGATIVE_SHAPES = _Weighted({"short": 9, "single": 15, "chain": 28, "story": 30, "reported": 18})
_AGE_DRAWS = {
    persona.id: _Weighted(persona.age_weights) for persona in (*_PERSONAS, _ENGLISH_NOT_FIRST_PERSONA)
}


class _Draft:
    """The sentences of one voice so far, and the topics they cover (at most three)."""

    def __init__(self) -> None:
        self.sentences: list[str] = []
        self.topics: list[str] = []

    def allows(self, *topics: str | None) -> bool:
        new = {topic for topic in topics if topic is not None and topic not in self.topics}
        return len(self.topics) + len(new) <= 3

    def add(self, sentence: str, *topics: str | None) -> None:
        for topic in topics:
            if topic is not None and topic not in self.topics:
                self.topics.append(topic)
        self.sentences.append(sentence)


class _Generator:
    def __init__(self, rng: random.Random, place: PlaceFlavour, wards: Sequence[str]) -> None:
        self.rng = rng
        self.place = place
        self.local = _LOCAL[place.la_code]
        self.wards = tuple(wards) or place.wards
        self.personas = {persona.id: persona for persona in _PERSONAS}
        self.persona_draw = _Weighted({persona.id: persona.weight for persona in _PERSONAS})
        self.topic_draws = {
            persona.id: _Weighted(
                {
                    topic: weight * place.topic_weights.get(topic, 1.0) * persona.topic_boost.get(topic, 1.0)
                    for topic, weight in _BASE_TOPIC_WEIGHTS.items()
                }
            )
            for persona in (*_PERSONAS, _ENGLISH_NOT_FIRST_PERSONA)
        }
        self.ethnicity_draw = _Weighted(place.ethnicity_weights)
        # People whose first language is not English are seldom White British, Irish, Caribbean or Mixed.
        self.ethnicity_draw_english_not_first = _Weighted(
            {
                code: weight
                for code, weight in place.ethnicity_weights.items()
                if not code.startswith(("white-british", "white-irish", "black-caribbean", "mixed-"))
            }
        )

    # ---- drawing

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def fill(self, text: str) -> str:
        return _SLOT.sub(lambda match: self.slot(match[1]), text)

    def slot(self, name: str) -> str:
        if name == "ward":
            return self.rng.choice(self.wards)
        return self.rng.choice(self.place.slots[name])

    def pick(self, fragments: Sequence[_Fragment], speaker: _Speaker, draft: _Draft) -> _Fragment | None:
        usable = [
            fragment
            for fragment in fragments
            if fragment.suits(speaker) and (fragment.topic is None or draft.allows(fragment.topic))
        ]
        return self.rng.choice(usable) if usable else None

    def add(self, draft: _Draft, topic: str, section: str, speaker: _Speaker, framed: bool = False) -> bool:
        """Add one fragment of a topic's section; False when none suits this speaker and draft."""
        if not draft.allows(topic):
            return False
        fragment = self.pick(_BANKS[topic][section], speaker, draft)
        if fragment is None:
            return False
        sentence = _cap(self.fill(fragment.text))
        if framed:
            sentence = self.fill(self.rng.choice(phrases.WARD_FRAMES)) + " " + _decap(sentence)
        draft.add(sentence, topic, fragment.topic)
        return True

    def add_local(self, draft: _Draft, topic: str, mark: str, speaker: _Speaker) -> bool:
        fragments = self.local.get(topic, {}).get(mark, ())
        fragment = self.pick(fragments, speaker, draft) if draft.allows(topic) else None
        if fragment is None:
            return False
        draft.add(_cap(self.fill(fragment.text)), topic, fragment.topic)
        return True

    def add_local_aside(self, draft: _Draft, mark: str, speaker: _Speaker) -> None:
        """A local line on one of the voice's topics, or on any topic while there is room for one more."""
        topics = [topic for topic in self.local if topic in draft.topics or draft.allows(topic)]
        if topics:
            self.add_local(draft, self.rng.choice(topics), mark, speaker)

    def add_chain(self, draft: _Draft, topic: str, speaker: _Speaker) -> bool:
        """A cause-and-effect sentence with the topic as the cause or as the effect."""
        as_cause_first = self.chance(0.5)
        for as_cause in (as_cause_first, not as_cause_first):
            pairs = _CHAINS_FROM[topic] if as_cause else _CHAINS_INTO[topic]
            usable = [
                (cause, effect)
                for cause, effect in pairs
                if cause.fragment.suits(speaker) and draft.allows(cause.topic, effect, cause.fragment.topic)
            ]
            if not usable:
                continue
            cause, effect_topic = self.rng.choice(usable)
            effect = self.pick(_BANKS[effect_topic]["effects"], speaker, draft)
            if effect is None:
                continue
            cause_text, effect_text = self.fill(cause.fragment.text), self.fill(effect.text)
            template = self.rng.choice(_EVENT_CHAINS if cause.is_event else _STATE_CHAINS)
            sentence = template.format(
                cause=cause_text, effect=effect_text, Cause=_cap(cause_text), Effect=_cap(effect_text)
            )
            draft.add(sentence, cause.topic, effect_topic, cause.fragment.topic)
            return True
        return False

    def related(self, topic: str) -> str:
        """A topic residents link to this one, or now and then the topic itself."""
        if not _RELATED[topic] or self.chance(0.15):
            return topic
        return self.rng.choice(_RELATED[topic])

    def add_intro(self, draft: _Draft, speaker: _Speaker) -> None:
        fragment = self.pick(_INTROS[speaker.persona.id], speaker, draft)
        if fragment is not None:
            draft.add(self.fill(fragment.text), fragment.topic)

    def add_generic(self, draft: _Draft, lines: Sequence[str]) -> None:
        draft.add(self.fill(self.rng.choice(lines)))

    # ---- who is speaking

    def speaker(self) -> _Speaker:
        if self.chance(self.place.not_english_first):
            persona = _ENGLISH_NOT_FIRST_PERSONA
        else:
            persona = self.personas[self.persona_draw.draw(self.rng)]
        english_first = persona is not _ENGLISH_NOT_FIRST_PERSONA
        sex = "female" if self.chance(persona.female_share) else "male"
        age_band = _AGE_DRAWS[persona.id].draw(self.rng)
        ethnicity_draw = self.ethnicity_draw if english_first else self.ethnicity_draw_english_not_first
        return _Speaker(persona, sex, age_band, ethnicity_draw.draw(self.rng), english_first)

    def answer(self, truth: str, prefer_not_share: float) -> str | None:
        """What the resident answered: mostly the truth, sometimes prefer not to say, sometimes skipped."""
        roll = self.rng.random()
        if roll < 0.03:
            return None
        if roll < 0.03 + prefer_not_share:
            return equality.PREFER_NOT_TO_SAY
        return truth

    # ---- shapes of a voice

    def negative(self, draft: _Draft, topic: str, speaker: _Speaker) -> None:
        shape = _NEGATIVE_SHAPES.draw(self.rng)
        if shape == "short":
            self.add(draft, topic, "shorts", speaker)
            if self.chance(0.3):
                self.add(draft, self.related(topic), "shorts", speaker)
            elif self.chance(0.3):
                self.add_generic(draft, phrases.CLOSERS)
            return
        if shape == "single":
            self.add(draft, topic, "problems", speaker, framed=self.chance(0.2))
            if self.chance(0.3):
                if not self.add_local(draft, topic, "", speaker):
                    self.add(draft, topic, "asks", speaker)
        elif shape == "chain":
            if self.chance(0.3):
                self.add_generic(draft, phrases.OPENERS)
            if not self.add_chain(draft, topic, speaker):
                self.add(draft, topic, "problems", speaker)
            if self.chance(0.4):
                section = self.rng.choice(("problems", "reported"))
                self.add(draft, self.rng.choice(draft.topics), section, speaker)
            if self.chance(0.45):
                self.add(draft, self.rng.choice(draft.topics), "asks", speaker)
        elif shape == "story":
            if self.chance(0.6):
                self.add_intro(draft, speaker)
            elif self.chance(0.25):
                self.add_generic(draft, phrases.OPENERS)
            self.add(draft, topic, "problems", speaker, framed=self.chance(0.25))
            if self.chance(0.4):
                self.add_local(draft, topic, "", speaker)
            if self.chance(0.6):
                self.add_chain(draft, topic, speaker)
            if self.chance(0.3):
                self.add(draft, topic, "reported", speaker)
            if self.chance(0.5):
                self.add(draft, self.rng.choice(draft.topics), "asks", speaker)
        else:  # reported speech
            if self.chance(0.25):
                self.add_generic(draft, phrases.OPENERS)
            self.add(draft, topic, "reported", speaker)
            if self.chance(0.65):
                if self.chance(0.5):
                    self.add(draft, topic, "problems", speaker)
                else:
                    self.add_chain(draft, topic, speaker)
            if self.chance(0.3):
                self.add(draft, topic, "asks", speaker)
        if self.chance(0.22):
            self.add_generic(draft, phrases.CLOSERS)

    def positive(self, draft: _Draft, topic: str, speaker: _Speaker) -> None:
        if self.chance(0.3):
            self.add_generic(draft, phrases.POSITIVE_OPENERS)
        if self.chance(0.35):
            self.add_intro(draft, speaker)
        self.add(draft, topic, "positives", speaker, framed=self.chance(0.15))
        if self.chance(0.3):
            if not self.add_local(draft, topic, "+", speaker):
                self.add(draft, self.rng.choice(tuple(TOPICS)), "positives", speaker)
        if self.chance(0.45):
            self.add_generic(draft, phrases.POSITIVE_CLOSERS)

    def mixed(self, draft: _Draft, topic: str, speaker: _Speaker) -> None:
        if self.chance(0.25) and self.add_local(draft, topic, "~", speaker):
            pass
        elif self.chance(0.3):
            self.add(draft, topic, "problems", speaker)
            before = len(draft.sentences)
            if self.add(draft, topic, "positives", speaker):
                draft.sentences[before] = "But " + _decap(draft.sentences[before])
        else:
            self.add(draft, topic, "positives", speaker, framed=self.chance(0.15))
            other = self.related(topic) if self.chance(0.4) else topic
            before = len(draft.sentences)
            if self.chance(0.4):
                added = self.add_chain(draft, other, speaker)
            else:
                added = self.add(draft, other, "problems", speaker)
            if added:
                draft.sentences[before] = (
                    self.rng.choice(phrases.CONTRASTS) + " " + _decap(draft.sentences[before])
                )
        if not draft.topics:
            self.add(draft, topic, "positives", speaker)
        if self.chance(0.35):
            self.add(draft, self.rng.choice(draft.topics), "asks", speaker)

    def neutral(self, draft: _Draft, topic: str, speaker: _Speaker) -> None:
        if self.chance(0.35):
            self.add_intro(draft, speaker)
        if self.chance(0.7):
            self.add(draft, topic, "neutrals", speaker, framed=self.chance(0.2))
            if self.chance(0.6):
                self.add(draft, topic, "asks", speaker)
        else:
            self.add(draft, topic, "asks", speaker)
            if self.chance(0.3):
                self.add(draft, topic, "neutrals", speaker)
        if self.chance(0.15):
            self.add(draft, self.related(topic), "neutrals", speaker)

    # ---- finishing

    def personal_data(self, speaker: _Speaker) -> str:
        first = self.rng.choice(phrases.FEMALE_NAMES + phrases.MALE_NAMES)
        surname = self.rng.choice(phrases.SURNAMES)
        own_first = self.rng.choice(phrases.FEMALE_NAMES if speaker.sex == "female" else phrases.MALE_NAMES)
        details = {
            "name": first,
            "name_f": self.rng.choice(phrases.FEMALE_NAMES),
            "name_m": self.rng.choice(phrases.MALE_NAMES),
            "phone": f"07700 900{self.rng.randrange(1000):03d}",
            "email": f"{own_first.lower()}.{surname.lower()}{self.rng.randrange(10, 99)}@example.com",
            "address": f"{self.rng.randrange(1, 120)} {self.rng.choice(phrases.STREETS)}",
        }
        return self.rng.choice(phrases.PERSONAL_DATA_LINES).format_map(details)

    def run_on(self, sentences: list[str]) -> None:
        """Join two full sentences with "and", as people do when they talk."""
        if len(sentences) < 3:
            return
        at = self.rng.randrange(1, len(sentences) - 1)  # never the first: openers and intros stand alone
        first, second = sentences[at], sentences[at + 1]
        if first.endswith(".") and len(first.split()) > 5 and second.split(" ", 1)[0] in _CLAUSE_STARTS:
            sentences[at : at + 2] = [first[:-1] + " and " + _decap(second)]

    def untidy(self, sentences: list[str], speaker: _Speaker) -> str:
        """A little of the untidiness of notes typed on a phone between conversations."""
        young = speaker.age_band in _AGE_GROUPS["young"]
        if self.chance(0.08 if not young else 0.15) and len(sentences[0].split()) > 4:
            sentences[0] = self.rng.choice(_YOUNG_FILLERS if young else _FILLERS) + _decap(sentences[0])
        text = " ".join(sentences)
        if self.chance(0.04):
            for right, slip in _SPELLING_SLIPS:
                if right in text and self.chance(0.6):
                    text = text.replace(right, slip, 1)
        if self.chance(0.03):
            word = self.rng.choice(_EMPHASIS)
            text = text.replace(f" {word} ", f" {word.upper()} ", 1)
        if self.chance(0.04 if not young else 0.12):
            text = text.replace("'", "")
        ending = self.rng.random()
        if text.endswith(".") and ending < 0.05:
            text = text[:-1] + self.rng.choice(("!", "!!", "!!!"))
        elif text.endswith(".") and ending < 0.08:
            text = text[:-1] + "..."
        elif ending < 0.16:
            text = text.rstrip(".")
        if self.chance(0.03 if not young else 0.12):
            text = text.rstrip(".!?") + " tbh"
        if self.chance(0.04 if not young else 0.15):
            text = text.lower().rstrip(".")
        return text

    def voice(self) -> Voice:
        speaker = self.speaker()
        sentiment = _SENTIMENT_DRAW.draw(self.rng)
        topic = self.topic_draws[speaker.persona.id].draw(self.rng)
        draft = _Draft()
        getattr(self, sentiment)(draft, topic, speaker)
        if not draft.topics:  # every bank has these sections for every speaker; this is a safety net
            draft = _Draft()
            self.add(draft, topic, "problems", speaker)
            sentiment = "negative"
        if sentiment in ("negative", "mixed") and len(draft.sentences) > 1 and self.chance(0.15):
            self.add_local_aside(draft, "" if sentiment == "negative" else "~", speaker)
        sentences = draft.sentences
        if len(sentences) > 1 and self.chance(0.12):
            self.run_on(sentences)
        if len(sentences) > 1 and self.place.turns_of_phrase and self.chance(0.05):
            sentences.append(self.rng.choice(self.place.turns_of_phrase))
        contains_personal_data = self.chance(PERSONAL_DATA_SHARE)
        if contains_personal_data:
            sentences.insert(self.rng.randrange(1, len(sentences) + 1), self.personal_data(speaker))
        text = self.untidy(sentences, speaker)
        if speaker.persona.id == _ENGLISH_NOT_FIRST and self.chance(0.25):
            text += " " + self.fill(self.rng.choice(_TRANSLATION_NOTES))
        return Voice(
            text=text,
            topics=tuple(draft.topics),
            sentiment=sentiment,
            contains_personal_data=contains_personal_data,
            consent_quote=self.chance(CONSENT_QUOTE_SHARE),
            consent_open_data=self.chance(CONSENT_OPEN_DATA_SHARE),
            consent_recontact=self.chance(CONSENT_RECONTACT_SHARE),
            **self.equality_answers(speaker),
        )

    def equality_answers(self, speaker: _Speaker) -> dict[str, str | None]:
        persona = speaker.persona
        # Draw everything even when the questions were not asked, so one choice does not shift the rest.
        answers = {
            "age_band": self.answer(speaker.age_band, 0.03),
            "sex": self.answer(speaker.sex, 0.02),
            "gender_identity_same": self.answer("no" if self.chance(0.01) else "yes", 0.05),
            "ethnicity": self.answer(speaker.ethnicity, 0.04),
            "disability": self.answer("yes" if self.chance(persona.disability_share) else "no", 0.05),
            "carer": self.answer("yes" if self.chance(persona.carer_share) else "no", 0.03),
        }
        if self.chance(NOT_ASKED_SHARE):
            return dict.fromkeys(answers)
        return answers


def generate_voices(rng: random.Random, la_code: str, n: int, ward_names: Sequence[str] = ()) -> list[Voice]:
    """n fictional voices of residents of one of the five seed places; the same seed gives the same voices.

    ward_names, when given, are woven in ("round here in Milton"); otherwise the place's deprived wards are.
    """
    if la_code not in PLACE_FLAVOUR:
        known = ", ".join(sorted(PLACE_FLAVOUR))
        raise ValueError(f"no demo voices for local authority {la_code}; known: {known}")
    if n < 0:
        raise ValueError(f"cannot generate a negative number of voices ({n})")
    # The voices come from a stream drawn from rng and the place, so that a caller who seeds every place
    # alike still hears different people in each place (string seeds are hashed the same in every run).
    own_rng = random.Random(f"{rng.getrandbits(64)}:{la_code}:{'|'.join(ward_names)}")
    generator = _Generator(own_rng, PLACE_FLAVOUR[la_code], ward_names)
    return [generator.voice() for _ in range(n)]
