"""What residents of the five seed places mention: hospitals, buses, streets, estates, markets.

Each PlaceFlavour fills the {slots} in the phrase bank and adds lines only a local would say; the places
themselves are in data/places.json (its "notes" say what each field holds). Names of hospitals, roads,
parks, markets and estates are real places; everything said about them is fiction written for the demo.
Equality weights are rough shapes after the 2021 Census for each authority, tilted towards the most
deprived wards where the connectors work; they are not statistics.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "places.json"


@dataclass(frozen=True)
class PlaceFlavour:
    la_code: str
    name: str
    slots: dict[str, tuple[str, ...]]  # {slot} placeholder -> values, one drawn each time it is filled
    wards: tuple[str, ...]  # used when the caller passes none: where connectors work
    local_lines: dict[str, tuple[str, ...]]  # topic id -> lines only a local would say
    topic_weights: dict[str, float]  # multipliers on the base topic weights
    ethnicity_weights: dict[str, float]  # relative weights over chorus.equality ethnicity codes
    not_english_first: float  # share of speakers whose first language is not English
    turns_of_phrase: tuple[str, ...] = ()  # little sentences in the local voice, now and then at the end
    markers: tuple[str, ...] = ()  # words that mark a text as about this place (for checks)


def _place(record: dict) -> PlaceFlavour:
    known = {field.name for field in fields(PlaceFlavour)}
    unknown = set(record) - known
    if unknown:
        raise ValueError(f"{DATA.name}: unknown fields {sorted(unknown)} in {record.get('name')}")
    return PlaceFlavour(
        la_code=record["la_code"],
        name=record["name"],
        slots={slot: tuple(values) for slot, values in record["slots"].items()},
        wards=tuple(record["wards"]),
        local_lines={topic: tuple(lines) for topic, lines in record["local_lines"].items()},
        topic_weights=dict(record["topic_weights"]),
        ethnicity_weights=dict(record["ethnicity_weights"]),
        not_english_first=record["not_english_first"],
        turns_of_phrase=tuple(record.get("turns_of_phrase", ())),
        markers=tuple(record.get("markers", ())),
    )


PLACE_FLAVOUR: dict[str, PlaceFlavour] = {
    place.la_code: place for place in map(_place, json.loads(DATA.read_text(encoding="utf-8"))["places"])
}
