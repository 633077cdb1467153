"""Names said after "my name is", "this is", "it's", or before "here", as Whisper writes them; places, days
and ordinary words after those phrases stay; email addresses spelled out go."""

import pytest

from chorus.transcribe.spoken_names import for_analysis, name_spans


def redacted(text: str) -> str:
    analysed = for_analysis(text)
    assert len(analysed) == len(text)
    for kind, start, end in sorted(name_spans(analysed), key=lambda span: -span[1]):
        text = text[:start] + f"[{kind}]" + text[end:]
    return text


@pytest.mark.parametrize(
    ("heard", "expected"),
    [
        ("Hello, it's GwayMenser, ring me back", "Hello, it's [NAME], ring me back"),
        ("Please ring later. The name is Dorota Zelenskern.", "Please ring later. The name is [NAME]."),
        ("I'm Agnieszka Kowalczyk calling about my mum.", "I'm [NAME] calling about my mum."),
        ("FEMI UNWALE here. My number is", "[NAME] here. My number is"),
        ("my name is agnieszka and i live here", "my name is [NAME] and i live here"),
        ("My husband is Tadeusz Nowicki and he", "My husband is [NAME] and he"),
        ("my key worker is blessing nwachukwu and", "my key worker is [NAME] and"),
        ("and my name is White Yang", "and my name is [NAME]"),
        ("Bogdan Ionescu speaking.", "[NAME] speaking."),
        ("It's Joy, you can call me", "It's [NAME], you can call me"),
        ("My email is amina.yusuf at gmail.com thanks", "My email is [EMAIL] thanks"),
        ("email me at john dot smith at hotmail dot co dot uk", "email me at [EMAIL]"),
    ],
)
def test_names_after_naming_phrases_are_found(heard, expected):
    assert redacted(heard) == expected


@pytest.mark.parametrize(
    "said",
    [
        "It's Tuesday and I'm Polish.",
        "This is Plymouth, not London.",
        "It was Christmas when I got ill.",
        "It's NHS money and it's called Healthwatch.",
        "I am Muslim and this is Southend Hospital.",
        "It's Mind that helped. I'm sorry, it's a long story.",
        "I'm from Stonehouse. It's really hard. It's PIP. This is Derriford.",
        "The GP said it's NOT URGENT. The TED staff helped. I am on a PEG feed.",
        "I am hyper sensitive to bad language. It was flageed as an emergency.",
        "My son is autistic, my mum is poorly and my partner is still waiting. It's called Healthwatch.",
    ],
)
def test_places_days_and_words_after_naming_phrases_stay(said):
    assert redacted(said) == said
