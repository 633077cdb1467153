"""Redaction of a transcript: spoken numbers and names go, timestamps stay, segments keep their order."""

from chorus.transcribe.transcript import redact_segments
from chorus.transcribe.whisper import Segment


def test_phone_number_broken_across_segments_is_redacted_in_both():
    segments = [
        Segment(0.0, 5.4, "My number is 077009100"),
        Segment(5.4, 7.0, "1013. The surgery never answers."),
    ]

    redacted = redact_segments(segments)

    assert [segment.text for segment in redacted] == ["My number is [PHONE]", "The surgery never answers."]
    assert [(segment.start, segment.end) for segment in redacted] == [(0.0, 5.4), (5.4, 7.0)]


def test_phone_number_spoken_as_words_is_redacted():
    redacted = redact_segments(
        [Segment(0.0, 4.0, "Ring me on oh seven seven double oh nine one two three four.")]
    )

    assert redacted[0].text == "Ring me on [PHONE]."


def test_names_are_redacted_and_places_kept():
    redacted = redact_segments(
        [Segment(0.0, 3.0, "My name is Sarah Thompson and I live near Southend Hospital.")]
    )

    assert "Sarah" not in redacted[0].text and "Thompson" not in redacted[0].text
    assert "[NAME]" in redacted[0].text
    assert "Southend" in redacted[0].text


def test_segment_left_with_only_punctuation_is_dropped():
    redacted = redact_segments([Segment(0.0, 2.0, "Call 07700 900"), Segment(2.0, 3.0, "123.")])

    assert [segment.text for segment in redacted] == ["Call [PHONE]"]


def test_ordinary_numbers_stay():
    redacted = redact_segments([Segment(0.0, 3.0, "I waited 3 weeks and 45 minutes for 2 appointments.")])

    assert redacted[0].text == "I waited 3 weeks and 45 minutes for 2 appointments."


def test_the_end_of_a_number_run_into_a_word_is_redacted_with_it():
    redacted = redact_segments(
        [Segment(0.0, 7.0, "You can ring me on 07700 900 1 and 23-end it time. My 5-year-old has asthma.")]
    )

    assert redacted[0].text == "You can ring me on [PHONE] it time. My 5-year-old has asthma."


def test_a_first_name_opening_the_sentence_goes_with_the_surname_after_it():
    redacted = redact_segments([Segment(0.0, 3.0, "will Harrison here. Text me later.")])

    assert redacted[0].text == "[NAME] here. Text me later."


def test_a_name_written_in_capitals_is_redacted():
    redacted = redact_segments([Segment(0.0, 3.0, "FEMI UNWALE here. The NHS said no.")])

    assert redacted[0].text == "[NAME] here. The NHS said no."
