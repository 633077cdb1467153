"""Which column holds what: Chorus's target fields, guessing them from headings, and saved mappings.

A Mapping is plain JSON so it can be stored and offered again for the next file of the same shape (the
same headings in any order, ignoring case and spacing): see shape_signature and find_mapping.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chorus.ingest.fieldtools import INSTANCE_ID_COLUMNS, instance_id_column


@dataclass(frozen=True)
class TargetField:
    name: str
    label: str
    synonyms: tuple[str, ...]


# Synonyms are compared after normalise_heading; the first target listed wins a tie.
TARGET_FIELDS: list[TargetField] = [
    TargetField(
        "external_id",
        "Record id in the source",
        (
            *INSTANCE_ID_COLUMNS,
            "id",
            "record id",
            "response id",
            "comment id",
            "submission id",
            "row id",
            "reference",
            "unique id",
            "instance id",
            "_id",
        ),
    ),
    TargetField(
        "text",
        "What the resident said",
        (
            "text",
            "comment",
            "comments",
            "feedback",
            "fft answer",
            "fft comment",
            "what matters to you",
            "what matters to you?",
            "what matters most to you",
            "what matters",
            "what matters most",
            "what did they say",
            "what they said",
            "what was said",
            "response",
            "answer",
            "free text",
            "story",
            "verbatim",
            "quote",
            "notes",
            "note",
            "conversation",
            "conversation notes",
            "your views",
            "views",
            "experience",
            "your experience",
            "tell us about your experience",
            "please tell us why",
            "why",
            "message",
            "description",
        ),
    ),
    TargetField(
        "date",
        "Date of the conversation",
        (
            "date",
            "today",
            "today's date",
            "conversation date",
            "date of conversation",
            "date of contact",
            "contact date",
            "event date",
            "response date",
            "comment date",
            "date received",
            "submitted",
            "submission date",
            "submissiondate",
            "_submission_time",
            "__system/submissionDate",
            "start",
            "timestamp",
            "created",
            "created at",
        ),
    ),
    TargetField(
        "activity_type",
        "Kind of activity",
        ("activity type", "activity", "type of activity", "engagement type", "engagement method"),
    ),
    TargetField("ward", "Ward", ("ward", "ward name", "ward code", "electoral ward", "wd19nm", "wd19cd")),
    TargetField("postcode", "Postcode", ("postcode", "post code", "postal code", "your postcode", "zip")),
    TargetField(
        "postcode_district",
        "Postcode district",
        ("postcode district", "outward code", "postcode area", "first part of postcode", "partial postcode"),
    ),
    TargetField("lsoa", "LSOA", ("lsoa", "lsoa code", "lsoa11cd", "lsoa21cd", "lower super output area")),
    TargetField("age", "Age in years", ("age", "age in years", "your age", "how old are you", "age years")),
    TargetField("age_band", "Age band", ("age band", "age group", "age range", "ageband", "age bracket")),
    TargetField("sex", "Sex", ("sex", "gender", "what is your sex", "sex at birth", "male or female")),
    TargetField(
        "gender_identity_same",
        "Gender identity same as sex registered at birth",
        (
            "gender identity same",
            "gender identity",
            "trans",
            "same gender as birth",
            "is your gender the same as the sex you were registered at birth",
            "is the gender you identify with the same as your sex registered at birth",
        ),
    ),
    TargetField(
        "ethnicity", "Ethnicity", ("ethnicity", "ethnic group", "ethnic origin", "ethnic background", "race")
    ),
    TargetField(
        "disability",
        "Disability",
        (
            "disability",
            "disabled",
            "do you have a disability",
            "long term condition",
            "long-term health condition",
        ),
    ),
    TargetField(
        "carer", "Unpaid carer", ("carer", "unpaid carer", "are you a carer", "caring responsibilities")
    ),
    TargetField(
        "consent_analysis",
        "Consent to analysis",
        (
            "consent",
            "consent analysis",
            "consent to analysis",
            "consent given",
            "consent to use",
            "consent to take part",
            "agreed to take part",
            "informed consent",
            "consent_analysis",
        ),
    ),
    TargetField(
        "consent_quote",
        "Consent to be quoted",
        (
            "consent quote",
            "consent to quote",
            "quote consent",
            "happy to be quoted",
            "can we quote you",
            "consent quotes",
        ),
    ),
    TargetField(
        "consent_open_data",
        "Consent to publish as open data",
        (
            "consent open data",
            "open data consent",
            "consent to publish",
            "consent to share",
            "consent share",
            "open data",
        ),
    ),
    TargetField(
        "consent_recontact",
        "Consent to be contacted again",
        (
            "consent recontact",
            "consent to recontact",
            "consent to contact",
            "recontact",
            "happy to be contacted",
            "contact consent",
            "follow up",
            "consent follow up",
        ),
    ),
    TargetField(
        "participant_ref",
        "Participant reference",
        (
            "participant",
            "participant id",
            "participant ref",
            "respondent",
            "respondent id",
            "person id",
            "resident id",
        ),
    ),
]

TARGETS: dict[str, TargetField] = {target.name: target for target in TARGET_FIELDS}

# Words that may surround a synonym without changing what the column holds ("Your postcode (optional)").
_FILLER = {
    "your", "the", "a", "an", "please", "optional", "enter", "of", "respondent", "respondents", "resident",
    "residents", "participant", "participants", "q", "question", "in", "full", "s", "what", "is", "are",
    "you", "do", "how", "which", "best", "describes",
}  # fmt: skip

# Phrases that mark a column wherever they appear in a long heading (a question used as the heading).
_PHRASES: dict[str, tuple[str, ...]] = {
    "text": (
        "what matters",
        "tell us",
        "your experience",
        "your views",
        "in your own words",
        "feedback",
        "comments",
    ),
    "date": ("date",),
    "age_band": ("age band", "age group", "age range"),
    "ethnicity": ("ethnic",),
    "postcode": ("postcode", "post code"),
    "carer": ("unpaid carer", "caring for"),
    "disability": ("disability", "disabled"),
}
# A phrase does not count when the heading also has one of these words: "Feedback type" is not the text,
# "Date of birth" is not the date of the conversation, "Postcode of GP practice" is not where they live.
_PHRASE_EXCLUSIONS: dict[str, set[str]] = {
    "text": {
        "type", "category", "categories", "date", "score", "rating", "id", "code", "number", "theme",
        "themes", "sentiment", "count", "status", "postcode", "ward", "age",
    },
    "date": {"birth", "dob"},
    "postcode": {"gp", "practice", "surgery", "school", "work", "hospital", "pharmacy"},
}  # fmt: skip

# Headings like "consent_quote", "Consent - open data" or "Do you agree to us analysing what you tell us?":
# a consent word plus one of these keywords decides which consent it is.
_CONSENT_WORDS = {"consent", "consents", "agree", "agreed", "happy", "permission"}
_CONSENT_KEYWORDS = {
    "analysis": "consent_analysis",
    "analyse": "consent_analysis",
    "analysing": "consent_analysis",
    "analyze": "consent_analysis",
    "analyzing": "consent_analysis",
    "use": "consent_analysis",
    "participate": "consent_analysis",
    "quote": "consent_quote",
    "quotes": "consent_quote",
    "quoted": "consent_quote",
    "quoting": "consent_quote",
    "open": "consent_open_data",
    "publish": "consent_open_data",
    "share": "consent_open_data",
    "sharing": "consent_open_data",
    "recontact": "consent_recontact",
    "contact": "consent_recontact",
    "contacted": "consent_recontact",
    "contacting": "consent_recontact",
    "publishing": "consent_open_data",
    "published": "consent_open_data",
    "followup": "consent_recontact",
}

EXACT, PATH_TAIL, WITH_FILLER, CONSENT_PREFIX, PHRASE, FUZZY = 1.0, 0.9, 0.8, 0.8, 0.7, 0.6
# difflib's cost grows with the product of the lengths; a synonym is a few words, so a heading is cut to this
# many characters before fuzzy matching (a longer one could never be 85% like a synonym anyway).
FUZZY_CHARS = 100


def normalise_heading(heading: str) -> str:
    """Lower case, punctuation and underscores to spaces: "What matters to you?" -> "what matters to you"."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", heading.lower()).split())


def _path_tail(heading: str) -> str:
    """Last segment of a field-tool path: "group_about_you/age" or ODK CSV "about_you-age" -> "age"."""
    for separator in ("/", "-"):
        if separator in heading:
            heading = heading.rsplit(separator, 1)[1]
    return heading


_SYNONYMS: dict[str, list[tuple[str, int]]] = {}  # normalised synonym -> [(target, rank within target)]
_RAW_SYNONYMS: dict[str, list[tuple[str, int]]] = {}  # synonym as written -> [(target, rank)]
for _target in TARGET_FIELDS:
    for _rank, _synonym in enumerate((_target.name, *_target.synonyms)):
        _SYNONYMS.setdefault(normalise_heading(_synonym), []).append((_target.name, _rank))
        _RAW_SYNONYMS.setdefault(_synonym, []).append((_target.name, _rank))
# Field-tool id columns are matched on their exact spelling, so "KEY" and "id" do not collide with words.
_EXACT_ID_COLUMNS = set(INSTANCE_ID_COLUMNS)


def score_heading(heading: str) -> list[tuple[float, int, str]]:
    """Candidate (confidence, synonym rank, target) for one heading, best first. A lower rank means the
    heading matched a more typical synonym ("date" ranks before "start" for the date)."""
    if heading in _EXACT_ID_COLUMNS:
        return [(EXACT, INSTANCE_ID_COLUMNS.index(heading), "external_id")]
    if heading.startswith("_"):
        # Field-tool metadata ("_notes", "_status", "__system/...") only matches a synonym spelled exactly.
        return [(EXACT, rank, target) for target, rank in _RAW_SYNONYMS.get(heading, [])]
    candidates: dict[str, tuple[float, int]] = {}

    def offer(target: str, confidence: float, rank: int) -> None:
        if target not in candidates or (-confidence, rank) < (-candidates[target][0], candidates[target][1]):
            candidates[target] = (confidence, rank)

    normalised = normalise_heading(heading)
    for target, rank in _SYNONYMS.get(normalised, []):
        offer(target, EXACT, rank)
    tail = normalise_heading(_path_tail(heading))
    if tail != normalised:
        for target, rank in _SYNONYMS.get(tail, []):
            offer(target, PATH_TAIL, rank)

    words = normalised.split()
    tail_words = tail.split()
    for word_list in (words, tail_words):
        if len(word_list) > 1 and _CONSENT_WORDS & set(word_list):
            keyword = next((word for word in word_list if word in _CONSENT_KEYWORDS), None)
            if keyword:
                offer(_CONSENT_KEYWORDS[keyword], CONSENT_PREFIX, 0)
                break

    if not candidates:
        word_set = set(words)
        for synonym, targets in _SYNONYMS.items():
            synonym_words = set(synonym.split())
            if synonym_words <= word_set and (word_set - synonym_words) <= _FILLER:
                for target, rank in targets:
                    offer(target, WITH_FILLER, rank)

    if not candidates:
        padded, word_set = f" {normalised} ", set(words)
        for target, phrases in _PHRASES.items():
            if word_set & _PHRASE_EXCLUSIONS.get(target, set()):
                continue
            for rank, phrase in enumerate(phrases):
                if f" {phrase} " in padded:
                    offer(target, PHRASE, rank)

    if not candidates and len(normalised) >= 5:
        fuzzy = normalised[:FUZZY_CHARS]
        for synonym, targets in _SYNONYMS.items():
            if len(synonym) >= 5 and difflib.SequenceMatcher(None, fuzzy, synonym).ratio() >= 0.85:
                for target, rank in targets:
                    offer(target, FUZZY, rank)

    order = {target.name: index for index, target in enumerate(TARGET_FIELDS)}
    ranked = [(confidence, rank, target) for target, (confidence, rank) in candidates.items()]
    return sorted(ranked, key=lambda candidate: (-candidate[0], candidate[1], order[candidate[2]]))


def shape_signature(headers: Iterable[str]) -> str:
    """Hash of the normalised, sorted headings: the same columns in any order and case give the same shape."""
    normalised = sorted(" ".join(header.lower().split()) for header in headers)
    return hashlib.sha256("\x1f".join(normalised).encode("utf-8")).hexdigest()[:16]


@dataclass
class Mapping:
    """Which heading feeds each target field, plus settings that apply to the whole file.

    columns: target field -> heading as written in the file. confidence: how sure the guess was (1.0 when a
    person chose it). constants: a value for every row when the file has no such column (e.g.
    {"activity_type": "survey"}). value_maps: per target, extra raw value -> code translations a person
    decided (e.g. {"ethnicity": {"somali": "black-african"}}), keys compared lower-cased and trimmed.
    date_order: how to read numeric dates like 04/05/2022: "auto" (default: learn from the file's
    unambiguous dates, see chorus.ingest.dates), "dmy" (UK) or "mdy" (US).
    """

    columns: dict[str, str] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    shape: str = ""
    headers: list[str] = field(default_factory=list)
    constants: dict[str, str] = field(default_factory=dict)
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    date_order: str = "auto"
    version: int = 1

    def __post_init__(self) -> None:
        unknown = (set(self.columns) | set(self.constants) | set(self.value_maps)) - set(TARGETS)
        if unknown:
            raise ValueError(f"unknown target field(s): {', '.join(sorted(unknown))}")
        if self.date_order not in ("auto", "dmy", "mdy"):
            raise ValueError("date_order must be 'auto', 'dmy' or 'mdy'")

    def unmapped(self, headers: Iterable[str]) -> list[str]:
        """Headings no target uses: their values are kept as structured answers."""
        used = set(self.columns.values())
        return [header for header in headers if header not in used]

    def for_headers(self, headers: list[str]) -> Mapping:
        """This mapping applied to a file of the same shape whose headings differ only in case or spacing."""
        by_key = {" ".join(header.lower().split()): header for header in headers}
        columns = {}
        for target, header in self.columns.items():
            actual = header if header in headers else by_key.get(" ".join(header.lower().split()))
            if actual is not None:
                columns[target] = actual
        return Mapping(
            columns=columns,
            confidence={target: self.confidence.get(target, 1.0) for target in columns},
            shape=shape_signature(headers),
            headers=list(headers),
            constants=dict(self.constants),
            value_maps={target: dict(values) for target, values in self.value_maps.items()},
            date_order=self.date_order,
            version=self.version,
        )

    def problems(self) -> list[str]:
        """What stops this mapping from being used, as sentences for a person."""
        problems = []
        if "text" not in self.columns:
            problems.append("Choose the column that holds what residents said (the text).")
        used: dict[str, str] = {}
        for target, header in self.columns.items():
            if header in used:
                problems.append(f"The column {header!r} is chosen for both {used[header]} and {target}.")
            used[header] = target
        missing = [header for header in self.columns.values() if self.headers and header not in self.headers]
        for header in missing:
            problems.append(f"The file has no column called {header!r}.")
        return problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "shape": self.shape,
            "headers": list(self.headers),
            "columns": dict(self.columns),
            "confidence": dict(self.confidence),
            "constants": dict(self.constants),
            "value_maps": {target: dict(values) for target, values in self.value_maps.items()},
            "date_order": self.date_order,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mapping:
        return cls(
            columns=dict(data.get("columns", {})),
            confidence={key: float(value) for key, value in data.get("confidence", {}).items()},
            shape=data.get("shape", ""),
            headers=list(data.get("headers", [])),
            constants=dict(data.get("constants", {})),
            value_maps={key: dict(value) for key, value in data.get("value_maps", {}).items()},
            date_order=data.get("date_order", "auto"),
            version=int(data.get("version", 1)),
        )

    @classmethod
    def from_json(cls, text: str) -> Mapping:
        return cls.from_dict(json.loads(text))


def guess_mapping(headers: list[str]) -> Mapping:
    """Guess which heading feeds each target, most confident first; each heading feeds at most one target."""
    offers = []
    for position, header in enumerate(headers):
        for confidence, rank, target in score_heading(header):
            offers.append((confidence, rank, position, target, header))
    # Most confident first, then the more typical synonym, then the leftmost heading.
    offers.sort(key=lambda offer: (-offer[0], offer[1], offer[2]))
    columns: dict[str, str] = {}
    confidence: dict[str, float] = {}
    taken: set[str] = set()
    if id_column := instance_id_column(headers):  # the field tool's stable instance id beats "_id" or "id"
        columns["external_id"], confidence["external_id"] = id_column, EXACT
        taken.add(id_column)
    for score, _, _, target, header in offers:
        if target in columns or header in taken:
            continue
        columns[target] = header
        confidence[target] = score
        taken.add(header)
    order = list(TARGETS)
    columns = dict(sorted(columns.items(), key=lambda item: order.index(item[0])))
    return Mapping(
        columns=columns,
        confidence={target: confidence[target] for target in columns},
        shape=shape_signature(headers),
        headers=list(headers),
    )


def find_mapping(headers: list[str], saved: Iterable[Mapping | dict[str, Any]]) -> Mapping | None:
    """The most recently saved mapping (last in `saved`) for a file of this shape, adapted to its headings."""
    shape = shape_signature(headers)
    found = None
    for mapping in saved:
        if isinstance(mapping, dict):
            mapping = Mapping.from_dict(mapping)
        if mapping.shape == shape:
            found = mapping
    return found.for_headers(headers) if found else None
