"""The demo's phrase banks, places and personas are read from data files (chorus/demo/data): these pin what
they held when they moved out of the Python modules, so an edit that loses lines shows."""

import json

from chorus.demo import PLACE_FLAVOUR, TOPICS, phrases, places, voices


def test_phrase_banks_hold_every_topic_and_section_with_their_lines():
    assert list(phrases.BANKS) == list(TOPICS)
    assert all(tuple(bank) == phrases.SECTIONS for bank in phrases.BANKS.values())
    assert sum(len(lines) for bank in phrases.BANKS.values() for lines in bank.values()) == 1104
    assert phrases.BANKS["housing"]["problems"][0] == (
        "The bathroom ceiling has a brown stain that gets bigger every time it rains upstairs."
    )
    assert sum(len(lines) for lines in phrases.INTROS.values()) == 65 and len(phrases.INTROS) == 8
    counts = (len(phrases.OPENERS), len(phrases.CLOSERS), len(phrases.FEMALE_NAMES), len(phrases.STREETS))
    assert counts == (30, 25, 24, 12)


def test_places_hold_the_five_seed_authorities_with_their_local_lines():
    assert {code: place.name for code, place in PLACE_FLAVOUR.items()} == {
        "E06000033": "Southend-on-Sea",
        "E06000026": "Plymouth",
        "E09000012": "Hackney",
        "E09000033": "Westminster",
        "E09000020": "Kensington and Chelsea",
    }
    southend = PLACE_FLAVOUR["E06000033"]
    assert len(southend.wards) == 8 and sum(len(lines) for lines in southend.local_lines.values()) == 31
    assert isinstance(southend.slots["bus"], tuple) and "the 7" in southend.slots["bus"]


def test_personas_and_topics_come_from_the_voices_file():
    assert [persona.id for persona in voices._PERSONAS] == [
        "older-alone",
        "parent",
        "carer",
        "young",
        "long-term-condition",
        "shift-worker",
        "general",
    ]
    assert len(TOPICS) == 18 and set(voices._BASE_TOPIC_WEIGHTS) == set(TOPICS)


def test_data_files_are_utf8_json_with_notes_for_readers():
    for path in (phrases.DATA, places.DATA, voices.DATA):
        data = json.loads(path.read_bytes().decode("utf-8"))
        assert data["notes"], path.name
