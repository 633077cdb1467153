"""Phone numbers in the shapes Whisper writes them, and the pieces it breaks them into; other numbers stay."""

import pytest

from chorus.transcribe.spoken_numbers import digits_in, number_spans


def redacted(text: str) -> str:
    for kind, start, end in sorted(number_spans(text), key=lambda span: -span[1]):
        text = text[:start] + f"[{kind}]" + text[end:]
    return text


@pytest.mark.parametrize(
    ("token", "digits"),
    [("07700", "07700"), ("seven", "7"), ("I1-1-100", "111100"), ("double-oh", "0"), ("0.583.", "0583"),
     ("(020)", "020"), ("23-end", "23"), ("weeks", ""), ("£1,500", "")],
)  # fmt: skip
def test_digits_in_a_token(token, digits):
    assert digits_in(token) == digits


@pytest.mark.parametrize(
    ("heard", "expected"),
    [
        # whole numbers, however Whisper wrote them
        ("Ring me on 0-1-1-7-4-1-9-6-0-7-3-2 after 5.", "Ring me on [PHONE] after 5."),
        ("Can someone phone her on 0.07501939282023?", "Can someone phone her on [PHONE]?"),
        ("My mobile is plus 4-4. 7-7-1-2-3-4-5-6-7-8.", "My mobile is plus [PHONE]."),
        (
            "and my mobile in no seven eight four o five five two nine one seven",
            "and my mobile in no [PHONE]",
        ),
        # pieces: a short run opening with 0, groups, the rest of a number near it, a cue before
        ("Hello, it's Kwame, ring me back on 07877", "Hello, it's Kwame, ring me back on [PHONE]"),
        ("It's so San Renate 12 6 6 4", "It's so San Renate [PHONE]"),
        ("Text me on 07, I know for 516, 273.", "Text me on [PHONE], I know for [PHONE]."),
        ("You can text me at 077 to 3558104.", "You can text me at [PHONE]."),
        ("the number one zero seven three zero five six hundred and sixty two", "the number [PHONE]"),
        ("My number is 07931226. 574, if the line drops.", "My number is [PHONE], if the line drops."),
        ("My land line is 0117. 496 and then 732.", "My land line is [PHONE] and then [PHONE]."),
        # ten digits said after a phone cue are a phone number, not an NHS number
        ("Call me on O11, 7, 496, 0.583.", "Call me on [PHONE]."),
        ("My NHS number is 943 476 5919.", "My NHS number is [NHS_NUMBER]."),
    ],
)
def test_phone_numbers_and_their_pieces_are_found(heard, expected):
    assert redacted(heard) == expected


@pytest.mark.parametrize(
    "said",
    [
        "I waited 3 weeks and 45 minutes for 2 appointments.",
        "In 2019 and 2020 the clinic closed twice.",
        "I rang 111 and they told me to call 999.",
        "Ring me back at 10.30 am tomorrow.",
        "There are 1,500 people on the waiting list and we paid £1,200.",
        "The bus at 7.15 is always late, the number 12.",
        "She is 85 and he is 90. It took 6 to 8 weeks.",
        "I was on hold for 45 minutes when I rang them.",
        "I drive to work 0745 to 0830 and the surgery is full by 0830.",
        "The number of people waiting went up to 250 last year.",
    ],
)
def test_ordinary_numbers_stay(said):
    assert redacted(said) == said
