"""Phone numbers as Whisper writes them from speech: digits broken into groups, across segments, as words.

Whisper tiny.en writes a spoken phone number in many shapes: "07845 612 339", "0077009100100123",
"0-1-1-7-4-1-9-6-0-7-3-2", "0.07501939282023", "I1-1-100 and 23,456", "oh seven double seven oh", and often
breaks it into pieces ("07931226. 574", "12 6 6 4", "07, I know for 516, 273"). A run of number words is
taken for a phone number when it holds six or more digits; four or more if it opens with 0 or +, or is said in
three or more groups; and, near what says a phone number follows ("ring me on", "my mobile is") or near
another phone number, any run of three (or two) or more digits, so that no piece is left to put together.
Ordinary numbers ("3 weeks", "45 minutes", "in 2019", "I rang 111") stay.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from chorus.privacy.redaction import NHS_NUMBER, PHONE

_SPOKEN_DIGITS = {
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
    "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
    "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30",
    "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
}  # fmt: skip
# Words Whisper leaves inside a spoken number: "double oh", "one one and two three", "plus 44", "six hundred
# and sixty", "0 to 0" (for "oh two oh").
_NUMBER_FILLERS = {"and", "double", "triple", "treble", "plus", "hundred", "thousand", "to", "too"}
# A token made of digits and the letters Whisper mistakes for them ("I1-1-100", "0.7", "(020)"), not money.
_DIGIT_TOKEN = re.compile(r"^[(+]?[\dIOlo][\dIOlo\-.,()/]*$")
_LOOKS_LIKE = str.maketrans("IOlo", "1010")
_TOKEN = re.compile(r"\S+")
# The end of a number run into the next word ("900 1 and 23-end it time" for "900123 any time").
_DIGITS_INTO_WORD = re.compile(r"^(\d+)-[A-Za-z]+$")
# What says a phone number follows: "ring me on", "my mobile is", "text me at", "the number's", "landline".
_PHONE_CUE = re.compile(
    r"(?i)\b(?:ring|rang|call|phone|phoned|text|texted|whatsapp|reach|contact|dial|mobile|landline|land\s+line|"
    r"telephone|tel|number(?:'s|s)?(?!\s+of\b)|extension)\b"
)
_NHS = re.compile(r"(?i)\bNHS\b")
# Numbers that are services, not people: NHS 111, 999, police 101, 119, 112.
_SERVICE_NUMBERS = {"111", "999", "101", "119", "112", "911"}
# A time ("10.30 am", "6:15") near a phone cue is not a piece of the number.
_TIME = re.compile(r"^\d{1,2}[.:]\d{2}$")
_TIME_AFTER = re.compile(r"(?i)\s*(?:am|pm|a\.m\.|p\.m\.|o'clock)\b")

_YEAR_OR_TIME = re.compile(r"^(?:19\d\d|20\d\d|0\d[0-5]\d)$")

MIN_DIGITS = 6
MIN_DIGITS_WITH_SHAPE = 4  # opens with 0 or +, or said in three or more groups
MIN_DIGITS_NEAR_CUE = 3  # or 2 opening with 0
MIN_DIGITS_NEAR_NUMBER = 2
MIN_GROUPS = 3
# How many words after a cue, and either side of a phone number, count as near.
WORDS_AFTER_CUE = 10
WORDS_AROUND_NUMBER = 6


@dataclass
class _Run:
    first: int  # index of its first and last token
    last: int
    start: int  # character offsets in the text
    end: int
    digits: str
    groups: int
    opens_with_plus: bool
    years_or_times_only: bool  # "2019 and 2020", "0745 to 0830"


def _number_word(word: str) -> bool:
    return word in _SPOKEN_DIGITS or word in _NUMBER_FILLERS or word.isdigit()


def digits_in(token: str) -> str:
    """The digits a token says: "07700" → "07700", "seven" → "7", "I1-1" → "111", "double-oh" → "0"; "" for a
    word."""
    word = token.strip(".,;:!?")
    lower = word.lower()
    if lower in _SPOKEN_DIGITS:
        return _SPOKEN_DIGITS[lower]
    if _DIGIT_TOKEN.match(word) and any(character.isdigit() for character in word):
        return "".join(character for character in word.translate(_LOOKS_LIKE) if character.isdigit())
    parts = lower.split("-")
    if len(parts) > 1 and all(_number_word(part) for part in parts):
        return "".join(_SPOKEN_DIGITS.get(part, part if part.isdigit() else "") for part in parts)
    run_into_word = _DIGITS_INTO_WORD.match(word)
    return run_into_word.group(1) if run_into_word else ""


def _runs(text: str) -> tuple[list[_Run], list[re.Match]]:
    """Runs of number words, however Whisper split them; a full stop after words ends a run."""
    tokens = list(_TOKEN.finditer(text))
    runs: list[_Run] = []
    members: list[int] = []

    def close() -> None:
        while members and not digits_in(tokens[members[-1]].group()):
            members.pop()  # a run ends on a digit, not on "and"
        if members:
            said = [digits_in(tokens[index].group()) for index in members]
            last = tokens[members[-1]]
            runs.append(
                _Run(
                    first=members[0],
                    last=members[-1],
                    start=tokens[members[0]].start(),
                    end=last.start() + len(last.group().rstrip(".,;:!?")),
                    digits="".join(said),
                    groups=sum(1 for digits in said if digits),
                    opens_with_plus=tokens[members[0]].group().startswith("+"),
                    years_or_times_only=all(_YEAR_OR_TIME.match(digits) for digits in said if digits),
                )
            )
        members.clear()

    for index, token in enumerate(tokens):
        word = token.group().strip(".,;:!?").lower()
        if digits_in(token.group()):
            members.append(index)
        elif members and word in _NUMBER_FILLERS:
            members.append(index)
        else:
            close()
        if token.group()[-1:] in ".!?" and not _DIGIT_TOKEN.match(token.group()[:-1]):
            close()  # "07700." may go on in the next segment; "asthma." ends the run
    close()
    return runs, tokens


def _is_a_time(text: str, run: _Run, tokens: list[re.Match]) -> bool:
    return run.first == run.last and bool(
        _TIME.match(tokens[run.first].group().strip(".,;:!?")) and _TIME_AFTER.match(text, run.end)
    )


def number_spans(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of the phone numbers, and of the pieces of them, in a transcript."""
    runs, tokens = _runs(text)
    if not runs:
        return []
    token_starts = [token.start() for token in tokens]
    cue_tokens = [bisect_right(token_starts, match.start()) - 1 for match in _PHONE_CUE.finditer(text)]
    near_cue = {
        index for cue in cue_tokens for index in range(cue + 1, min(len(tokens), cue + 1 + WORDS_AFTER_CUE))
    }
    phone = [
        not run.years_or_times_only
        and (
            len(run.digits) >= MIN_DIGITS
            or (
                len(run.digits) >= MIN_DIGITS_WITH_SHAPE
                and (run.digits.startswith("0") or run.opens_with_plus or run.groups >= MIN_GROUPS)
            )
        )
        for run in runs
    ]
    near_number = {
        index
        for run, found in zip(runs, phone, strict=True)
        if found
        for index in range(run.first - WORDS_AROUND_NUMBER, run.last + WORDS_AROUND_NUMBER + 1)
    }
    for number, run in enumerate(runs):
        if phone[number] or run.digits in _SERVICE_NUMBERS or _is_a_time(text, run, tokens):
            continue
        enough_near_cue = len(run.digits) >= MIN_DIGITS_NEAR_CUE or (
            len(run.digits) >= MIN_DIGITS_NEAR_NUMBER and run.digits.startswith("0")
        )
        phone[number] = (run.first in near_number and len(run.digits) >= MIN_DIGITS_NEAR_NUMBER) or (
            run.first in near_cue and enough_near_cue
        )
    spans = []
    for run, found in zip(runs, phone, strict=True):
        if not found:
            continue
        near_a_cue = any(index in near_cue for index in range(run.first, run.last + 1))
        nhs_shaped = len(run.digits) == 10 and not run.digits.startswith("0")
        said_nhs = _NHS.search(text, max(0, run.start - 40), run.start)
        spans.append(
            (NHS_NUMBER if nhs_shaped and (said_nhs or not near_a_cue) else PHONE, run.start, run.end)
        )
    return spans
