"""The bank of hand-written fragments the voice generator combines, read from data/phrases.json.

One fragment a line (a string in the file's lists). Sections of a topic's bank and how the generator
uses them:
- problems:  whole sentences about something going wrong (negative).
- states:    clauses that can follow "because" ("the flat is damp"); lower case, no full stop. Each ends
             with " >> " and the topics whose effects it can lead to: the cause-and-effect links
             residents make.
- events:    past-tense clauses that can follow "since" ("they cut the 7 bus"), with " >> " like states.
- effects:   clauses saying what it does to people ("my chest is worse"); each must read well after any
             state or event that leads to its topic.
- reported:  sentences with reported speech ("The receptionist said...").
- asks:      suggestions and requests, whole sentences.
- positives: something that helped, whole sentences.
- neutrals:  plain observations, neither praise nor complaint.
- shorts:    a few words on their own.
A line may start with "[topic-id]" when it is also about that topic, then with "(who)" when only some
speakers would say it, comma-separated: f or m (sex); young (under 35), mid (35-64), old (65+) or age band
codes, parent (25-54), adult (25+); eal (first language not English); ethnicity codes
(chorus/equality.py). A speaker must match every kind of mark given (any of the ages, any of the
ethnicities). {slots} are filled from the place (see chorus/demo/data/places.json): town, ward,
hospital, urgent, bus, shops, green, road, estate, market, station, mh_service, venue, language.
Everything here is fiction; no line names a real person.
"""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "phrases.json"
SECTIONS = ("problems", "states", "events", "effects", "reported", "asks", "positives", "neutrals", "shorts")

Lines = tuple[str, ...]


def _lines(data: dict, key: str) -> Lines:
    lines = data[key]
    if not isinstance(lines, list) or not all(isinstance(line, str) and line.strip() for line in lines):
        raise ValueError(f"{DATA.name}: {key} must be a list of non-empty lines")
    return tuple(lines)


def _bank(topic: str, blocks: dict) -> dict[str, Lines]:
    unknown = set(blocks) - set(SECTIONS)
    if unknown:
        raise ValueError(f"{DATA.name}: unknown phrase sections in {topic}: {sorted(unknown)}")
    return {section: _lines(blocks, section) if section in blocks else () for section in SECTIONS}


_DATA = json.loads(DATA.read_text(encoding="utf-8"))

BANKS: dict[str, dict[str, Lines]] = {topic: _bank(topic, blocks) for topic, blocks in _DATA["banks"].items()}
OPENERS = _lines(_DATA, "openers")
POSITIVE_OPENERS = _lines(_DATA, "positive_openers")
CONTRASTS = _lines(_DATA, "contrasts")
WARD_FRAMES = _lines(_DATA, "ward_frames")
CLOSERS = _lines(_DATA, "closers")
POSITIVE_CLOSERS = _lines(_DATA, "positive_closers")
INTROS: dict[str, Lines] = {persona: _lines(_DATA["intros"], persona) for persona in _DATA["intros"]}
PERSONAL_DATA_LINES = _lines(_DATA, "personal_data_lines")
FEMALE_NAMES = _lines(_DATA, "female_names")
MALE_NAMES = _lines(_DATA, "male_names")
SURNAMES = _lines(_DATA, "surnames")
STREETS = _lines(_DATA, "streets")
