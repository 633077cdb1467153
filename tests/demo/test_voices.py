import random
import re
from collections import Counter

import pytest

from chorus import equality
from chorus.demo import PLACE_FLAVOUR, TOPICS, Voice, generate_voices, phrases

SOUTHEND = "E06000033"
PLYMOUTH = "E06000026"
HACKNEY = "E09000012"


@pytest.fixture(scope="module")
def southend_voices() -> list[Voice]:
    return generate_voices(random.Random(2026), SOUTHEND, 3000, ward_names=["Kursaal", "Milton", "Victoria"])


@pytest.fixture(scope="module")
def voices_by_place() -> dict[str, list[Voice]]:
    return {code: generate_voices(random.Random(11), code, 800) for code in PLACE_FLAVOUR}


def eight_word_sequences(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'", ""))
    return {tuple(words[i : i + 8]) for i in range(len(words) - 7)}


def share(voices: list[Voice], predicate) -> float:
    return sum(1 for voice in voices if predicate(voice)) / len(voices)


def test_same_seed_gives_identical_voices():
    first = generate_voices(random.Random(5), HACKNEY, 300, ward_names=["Homerton"])
    second = generate_voices(random.Random(5), HACKNEY, 300, ward_names=["Homerton"])
    assert first == second


def test_different_seeds_give_different_voices():
    first = generate_voices(random.Random(5), HACKNEY, 50)
    second = generate_voices(random.Random(6), HACKNEY, 50)
    assert [voice.text for voice in first] != [voice.text for voice in second]


def test_places_seeded_alike_still_get_different_voices():
    southend = {voice.text for voice in generate_voices(random.Random(8), SOUTHEND, 500)}
    plymouth = {voice.text for voice in generate_voices(random.Random(8), PLYMOUTH, 500)}
    assert len(southend & plymouth) / len(southend) < 0.05


def test_at_least_95_percent_of_3000_texts_are_distinct(southend_voices):
    texts = [voice.text for voice in southend_voices]
    assert len(set(texts)) / len(texts) >= 0.95


def test_no_eight_word_sequence_appears_in_more_than_5_percent_of_texts(southend_voices):
    document_frequency = Counter(
        sequence for voice in southend_voices for sequence in eight_word_sequences(voice.text)
    )
    sequence, count = document_frequency.most_common(1)[0]
    assert count / len(southend_voices) <= 0.05, " ".join(sequence)


def test_texts_vary_from_a_few_words_to_a_short_paragraph(southend_voices):
    lengths = [len(voice.text.split()) for voice in southend_voices]
    assert min(lengths) <= 4
    assert max(lengths) >= 60
    assert 0.02 <= sum(1 for length in lengths if length <= 6) / len(lengths) <= 0.2


def test_every_voice_has_one_to_three_distinct_known_topics(voices_by_place):
    for voices in voices_by_place.values():
        for voice in voices:
            assert 1 <= len(voice.topics) <= 3
            assert len(set(voice.topics)) == len(voice.topics)
            assert set(voice.topics) <= set(TOPICS)


def test_every_topic_appears_in_every_place(voices_by_place):
    for code, voices in voices_by_place.items():
        seen = {topic for voice in voices for topic in voice.topics}
        assert seen == set(TOPICS), code


def test_many_voices_link_a_cause_to_an_effect(southend_voices):
    causal = share(
        southend_voices, lambda voice: re.search(r"\b(because|cos|since|so|which means)\b", voice.text)
    )
    multi_topic = share(southend_voices, lambda voice: len(voice.topics) > 1)
    assert causal >= 0.3
    assert multi_topic >= 0.2


def test_all_four_sentiments_occur_with_complaints_the_most_common(southend_voices):
    counts = Counter(voice.sentiment for voice in southend_voices)
    assert set(counts) == {"positive", "neutral", "negative", "mixed"}
    assert counts.most_common(1)[0][0] == "negative"
    assert min(counts.values()) / len(southend_voices) >= 0.08


def test_equality_answers_are_codes_of_the_equality_module(voices_by_place):
    valid = {
        "age_band": {code for code, _ in equality.AGE_BANDS},
        "sex": {code for code, _ in equality.SEXES},
        "gender_identity_same": {code for code, _ in equality.GENDER_IDENTITY_SAME},
        "ethnicity": {code for code, _ in equality.ETHNICITIES},
        "disability": {code for code, _ in equality.YES_NO},
        "carer": {code for code, _ in equality.YES_NO},
    }
    for voices in voices_by_place.values():
        for voice in voices:
            for field, codes in valid.items():
                answer = getattr(voice, field)
                assert answer is None or answer in codes, (field, answer)


def test_some_answers_are_prefer_not_to_say_and_some_questions_were_not_asked(southend_voices):
    not_asked = share(southend_voices, lambda voice: voice.ethnicity is None and voice.age_band is None)
    preferred_not = share(southend_voices, lambda voice: voice.ethnicity == equality.PREFER_NOT_TO_SAY)
    assert 0.04 <= not_asked <= 0.15
    assert 0.02 <= preferred_not <= 0.08


def test_hackney_voices_are_more_ethnically_diverse_than_plymouth_ones(voices_by_place):
    def white_british_among_answers(voices: list[Voice]) -> float:
        answered = [voice for voice in voices if voice.ethnicity not in (None, equality.PREFER_NOT_TO_SAY)]
        return share(answered, lambda voice: voice.ethnicity == "white-british")

    assert white_british_among_answers(voices_by_place[HACKNEY]) < 0.45
    assert white_british_among_answers(voices_by_place[PLYMOUTH]) > 0.75


def test_consent_shares_are_near_their_targets(southend_voices):
    assert share(southend_voices, lambda voice: voice.consent_quote) == pytest.approx(0.70, abs=0.04)
    assert share(southend_voices, lambda voice: voice.consent_open_data) == pytest.approx(0.60, abs=0.04)
    assert share(southend_voices, lambda voice: voice.consent_recontact) == pytest.approx(0.40, abs=0.04)


def test_about_3_percent_of_texts_carry_flagged_fictional_personal_data(southend_voices):
    flagged = [voice for voice in southend_voices if voice.contains_personal_data]
    assert 0.02 <= len(flagged) / len(southend_voices) <= 0.04
    streets = "Road|Close|Avenue|Court|Grove|Way|House|Street|Walk|Crescent|Terrace|Gardens"
    contact = re.compile(rf"07700 900\d{{3}}|@example\.com|\d+ [A-Z][a-z]+ ({streets})")
    unflagged = [voice for voice in southend_voices if not voice.contains_personal_data]
    assert not [voice.text for voice in unflagged if contact.search(voice.text)]
    assert sum(1 for voice in flagged if contact.search(voice.text)) >= len(flagged) / 2


def test_phones_are_from_the_ofcom_drama_range_and_emails_at_example_com(southend_voices):
    texts = " ".join(voice.text for voice in southend_voices if voice.contains_personal_data)
    for number in re.findall(r"\b07\d{3} ?\d{6}\b", texts):
        assert number.replace(" ", "").startswith("07700900")
    for domain in re.findall(r"@([\w.]+\w)", texts):
        assert domain == "example.com"


def place_share(voices: list[Voice], markers: tuple[str, ...]) -> float:
    pattern = re.compile("|".join(re.escape(marker) for marker in markers), re.IGNORECASE)
    return share(voices, lambda voice: pattern.search(voice.text))


def test_southend_voices_mention_southend_places_more_than_plymouth_ones(voices_by_place):
    southend = voices_by_place[SOUTHEND]
    plymouth = voices_by_place[PLYMOUTH]
    southend_markers = PLACE_FLAVOUR[SOUTHEND].markers
    plymouth_markers = PLACE_FLAVOUR[PLYMOUTH].markers
    assert place_share(southend, southend_markers) >= 0.1
    assert place_share(southend, southend_markers) > 3 * place_share(southend, plymouth_markers)
    assert place_share(plymouth, plymouth_markers) > 3 * place_share(plymouth, southend_markers)


def test_ward_names_given_are_woven_in_instead_of_the_defaults():
    voices = generate_voices(random.Random(3), PLYMOUTH, 600, ward_names=["Stonehouse"])
    assert share(voices, lambda voice: "Stonehouse" in voice.text) >= 0.03
    assert not [voice.text for voice in voices if "Efford and Lipson" in voice.text]


def test_men_are_not_given_lines_about_their_own_smear_tests(voices_by_place):
    men = [voice for voices in voices_by_place.values() for voice in voices if voice.sex == "male"]
    assert men
    assert not [
        voice.text for voice in men if re.search(r"\bmy (last )?smear\b|for a smear", voice.text, re.I)
    ]


def test_an_unknown_local_authority_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="E06000999"):
        generate_voices(random.Random(1), "E06000999", 10)


def test_zero_voices_is_an_empty_list():
    assert generate_voices(random.Random(1), SOUTHEND, 0) == []


def test_every_slot_in_the_phrases_is_filled_by_every_place():
    lines = [line for bank in phrases.BANKS.values() for section in bank.values() for line in section]
    lines += [line for intros in phrases.INTROS.values() for line in intros]
    lines += [*phrases.OPENERS, *phrases.POSITIVE_OPENERS, *phrases.CLOSERS, *phrases.POSITIVE_CLOSERS]
    lines += [*phrases.WARD_FRAMES, *phrases.CONTRASTS]
    for code, place in PLACE_FLAVOUR.items():
        place_lines = lines + [line for local in place.local_lines.values() for line in local]
        slots = {slot for line in place_lines for slot in re.findall(r"\{(\w+)\}", line)}
        assert slots - {"ward"} <= set(place.slots), code
