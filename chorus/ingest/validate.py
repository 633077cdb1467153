"""Check and normalise one row at a time: a CleanRecord to import, or a Quarantine saying what to fix.

Values are normalised to the codes in chorus.equality (sex, age bands, ethnicity, yes/no). Messages name
the row and column as a person sees them: "row 14, column 'Age': '2O' is not a number". Value previews are
truncated, so a quarantine entry never repeats a whole comment.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from chorus.equality import (
    AGE_BANDS,
    ETHNIC_GROUPS,
    ETHNICITIES,
    GENDER_IDENTITY_SAME,
    PREFER_NOT_TO_SAY,
    SEXES,
    YES_NO,
)
from chorus.ingest.dates import DateOrders, InvalidValue, parse_date, parse_date_auto, preview, quoted
from chorus.ingest.fieldtools import normalise_instance_id
from chorus.ingest.location import (
    AreaLookup,
    Resolution,
    is_lsoa_code,
    is_ward_code,
    parse_postcode,
    resolve,
)
from chorus.ingest.mapping import Mapping
from chorus.ingest.readers import CELL_LIMIT, Table

EARLIEST_DATE = date(1950, 1, 1)

ACTIVITY_TYPES: list[tuple[str, str]] = [
    ("conversation", "Conversation"),
    ("survey", "Survey"),
    ("focus-group", "Focus group"),
    ("interview", "Interview"),
    ("listening-event", "Listening event"),
    ("event", "Community event"),
    ("patient-feedback", "Patient feedback"),
    ("other", "Other"),
]


class MappingError(ValueError):
    """The mapping cannot be used for this file (e.g. no text column); str() is for a person."""


@dataclass(slots=True)
class Problem:
    column: str
    value_preview: str
    message: str

    def describe(self, row_number: int) -> str:
        return f"row {row_number}, column {self.column!r}: {self.message}"


@dataclass(slots=True)
class Quarantine:
    """A row not imported, with every problem found in it. raw is the row as read, for fixing and retrying."""

    row_number: int
    problems: list[Problem]
    raw: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def messages(self) -> list[str]:
        return [problem.describe(self.row_number) for problem in self.problems]


@dataclass(slots=True)
class CleanRecord:
    """A row ready to import: typed, normalised values; unmapped columns kept in answers."""

    row_number: int
    text: str
    external_id: str | None = None
    date: date | None = None
    activity_type: str | None = None
    ward: str | None = None
    postcode: str | None = None
    postcode_district: str | None = None
    lsoa: str | None = None
    age: int | None = None
    age_band: str | None = None
    sex: str | None = None
    gender_identity_same: str | None = None
    ethnicity: str | None = None
    disability: str | None = None
    carer: str | None = None
    consent_analysis: str | None = None
    consent_quote: str | None = None
    consent_open_data: str | None = None
    consent_recontact: str | None = None
    participant_ref: str | None = None
    answers: dict[str, str] = field(default_factory=dict)
    place: Resolution | None = None


# ---------------------------------------------------------------------------------------------- helpers


def _key(value: str) -> str:
    """Ignore case, punctuation and spacing: "Prefer not to say." -> "prefer not to say"."""
    value = value.lower().replace("&", " and ").replace("’", "'")
    return " ".join(re.sub(r"[^0-9a-z+]+", " ", value).split())


def _allowed(choices: list[tuple[str, str]]) -> str:
    return ", ".join(label for _, label in choices)


def _choice_table(choices: list[tuple[str, str]], extra: dict[str, str]) -> dict[str, str]:
    table = {_key(code): code for code, _ in choices} | {_key(label): code for code, label in choices}
    return table | {_key(raw): code for raw, code in extra.items()}


_PNTS_WORDS = {
    "prefer not to say": PREFER_NOT_TO_SAY,
    "prefer not to answer": PREFER_NOT_TO_SAY,
    "prefer not say": PREFER_NOT_TO_SAY,
    "rather not say": PREFER_NOT_TO_SAY,
    "pnts": PREFER_NOT_TO_SAY,
    "not stated": PREFER_NOT_TO_SAY,
    "declined to say": PREFER_NOT_TO_SAY,
    "i prefer not to say": PREFER_NOT_TO_SAY,
}

_YES_NO_TABLE = _choice_table(
    YES_NO,
    {
        "y": "yes", "true": "yes", "1": "yes", "agree": "yes", "agreed": "yes", "i agree": "yes",
        "consent": "yes", "consented": "yes", "i consent": "yes", "given": "yes", "consent given": "yes",
        "ok": "yes", "✓": "yes", "✔": "yes", "tick": "yes",
        "n": "no", "false": "no", "0": "no", "disagree": "no", "i do not agree": "no", "not given": "no",
        "declined": "no", "refused": "no", "do not consent": "no", "i do not consent": "no",
        "no consent": "no",
        "none": "no",
    }
    | _PNTS_WORDS,
)  # fmt: skip


def _yes_no_code(value: str, allowed: list[tuple[str, str]]) -> str:
    key = _key(value)
    code = _YES_NO_TABLE.get(key)
    if code is None:
        first = key.split(" ", 1)[0] if key else ""
        # Census wording: "Yes, 9 hours a week or less", "Yes, limited a lot", "No, but..."
        code = first if first in ("yes", "no") else None
    if code is None:
        raise InvalidValue(f"{quoted(value)} is not one of the allowed values: {_allowed(allowed)}")
    return code


_SEX_TABLE = _choice_table(
    SEXES,
    {
        "f": "female", "woman": "female", "women": "female", "girl": "female", "w": "female", "fem": "female",
        "m": "male", "man": "male", "men": "male", "boy": "male",
    }
    | _PNTS_WORDS,
)  # fmt: skip


def _sex_code(value: str) -> str:
    key = _key(value)
    code = _SEX_TABLE.get(key)
    if code is None:
        first = key.split(" ", 1)[0] if key else ""
        code = {"female": "female", "woman": "female", "male": "male", "man": "male"}.get(first)
    if code is None:
        raise InvalidValue(f"{quoted(value)} is not one of the allowed values: {_allowed(SEXES)}")
    return code


# ---------------------------------------------------------------------------------------------- ethnicity

_ETHNICITY_STOPWORDS = {"any", "background", "ethnic", "group", "groups", "origin", "or", "and", "the", "of"}

# NHS Data Dictionary ETHNIC CATEGORY (2001 census) codes, still used in NHS data.
_NHS_ETHNIC_CODES = {
    "A": "white-british", "B": "white-irish", "C": "white-other", "D": "mixed-white-black-caribbean",
    "E": "mixed-white-black-african", "F": "mixed-white-asian", "G": "mixed-other", "H": "asian-indian",
    "J": "asian-pakistani", "K": "asian-bangladeshi", "L": "asian-other", "M": "black-caribbean",
    "N": "black-african", "P": "black-other", "R": "asian-chinese", "S": "other-any", "Z": PREFER_NOT_TO_SAY,
}  # fmt: skip

_ETHNICITY_VARIANTS = {
    "white british": "white-british", "british": "white-british", "english": "white-british",
    "welsh": "white-british", "scottish": "white-british", "northern irish": "white-british",
    "white english": "white-british", "white uk": "white-british", "white scottish": "white-british",
    "white welsh": "white-british",
    "irish": "white-irish", "gypsy": "white-gypsy-traveller", "traveller": "white-gypsy-traveller",
    "irish traveller": "white-gypsy-traveller", "gypsy traveller": "white-gypsy-traveller",
    "white other": "white-other", "other white": "white-other",
    "white black caribbean": "mixed-white-black-caribbean",
    "white black african": "mixed-white-black-african",
    "mixed other": "mixed-other", "other mixed": "mixed-other", "mixed multiple other": "mixed-other",
    "british indian": "asian-indian", "british pakistani": "asian-pakistani",
    "british bangladeshi": "asian-bangladeshi", "chinese": "asian-chinese",
    "british chinese": "asian-chinese",
    "black british african": "black-african", "black british caribbean": "black-caribbean",
    "african": "black-african", "caribbean": "black-caribbean", "black other": "black-other",
    "other black": "black-other", "arab": "other-arab", "other": "other-any",
    "other ethnic group": "other-any",
    "prefer not to say": PREFER_NOT_TO_SAY, "not stated": PREFER_NOT_TO_SAY,
    "prefer not to answer": PREFER_NOT_TO_SAY,
}  # fmt: skip


def _ethnicity_key(value: str) -> frozenset[str]:
    return frozenset(_key(value.replace("-", " ")).split()) - _ETHNICITY_STOPWORDS


def _build_ethnicity_table() -> dict[frozenset[str], str]:
    table: dict[frozenset[str], str] = {}
    for group, options in ETHNIC_GROUPS:
        short = _key(group).split()[0]  # "asian", "black", "mixed", "white", "other"
        for code, label in options:
            for variant in (code, label, f"{short} {label}", f"{label} {short}", f"{group} {label}"):
                table.setdefault(_ethnicity_key(variant), code)
    for raw, code in _ETHNICITY_VARIANTS.items():
        table[_ethnicity_key(raw)] = code
    return table


_ETHNICITY_TABLE = _build_ethnicity_table()


def _ethnicity_code(value: str) -> str:
    stripped = value.strip()
    if len(stripped) == 1 and stripped.upper() in _NHS_ETHNIC_CODES:
        return _NHS_ETHNIC_CODES[stripped.upper()]
    code = _ETHNICITY_TABLE.get(_ethnicity_key(stripped))
    if code is None:
        # "Asian or Asian British: Indian" / "White - Irish": the part after the group usually decides.
        for separator in (":", " - ", " – ", "/"):
            if separator in stripped:
                group, _, label = stripped.rpartition(separator)
                short = _key(group).split()[:1]
                code = _ETHNICITY_TABLE.get(_ethnicity_key(" ".join(short) + " " + label))
                code = code or _ETHNICITY_TABLE.get(_ethnicity_key(label))
                if code:
                    break
    if code is None:
        raise InvalidValue(f"{quoted(value)} is not one of the allowed values: {_allowed(ETHNICITIES)}")
    return code


# ---------------------------------------------------------------------------------------------- age

_BAND_RANGES: list[tuple[str, int, int]] = []
for _code, _label in AGE_BANDS:
    if _code == PREFER_NOT_TO_SAY:
        continue
    if _code == "under-16":
        _BAND_RANGES.append((_code, 0, 15))
    elif _code.endswith("-plus"):
        _BAND_RANGES.append((_code, int(_code.split("-")[0]), 150))
    else:
        _low, _high = _code.split("-")
        _BAND_RANGES.append((_code, int(_low), int(_high)))
_BAND_LABELS = {code: label for code, label in AGE_BANDS}
MAX_AGE = 120

_RANGE = re.compile(r"(\d{1,3})\s*(?:-|–|—|_|to)\s*(\d{1,3})(?:\s*(?:years|yrs|y))?")
_OPEN_TOP = re.compile(r"(\d{1,3})\s*(?:\+|_?plus|and over|or over|and above|or above|or older|and older)")
_OPEN_BOTTOM = re.compile(r"(?:under|below|less than|younger than|<)[\s_]*(\d{1,3})")


def band_for_age(age: int) -> str:
    for code, low, high in _BAND_RANGES:
        if low <= age <= high:
            return code
    raise InvalidValue(f"{age} is not a plausible age")


def _band_for_range(value: str, low: int, high: int) -> str:
    for code, band_low, band_high in _BAND_RANGES:
        if band_low <= low and high <= band_high:
            return code
    spanned = [
        _BAND_LABELS[code]
        for code, band_low, band_high in _BAND_RANGES
        if band_low <= high and low <= band_high
    ]
    raise InvalidValue(
        f"{quoted(value)} spans more than one of Chorus's age bands ({', '.join(spanned) or 'none'}); "
        "give the age, or a band within one of them"
    )


@lru_cache(maxsize=1024)
def age_band_code(value: str) -> str:
    """'35 to 44', '35-44', '35–44 years', '75+', 'Under 16', '18-24' (fits 16-24) -> a code in AGE_BANDS."""
    key = value.strip().lower()
    if key in _BAND_LABELS:
        return key
    normal = _key(value)
    for code, label in AGE_BANDS:
        if normal == _key(label):
            return code
    if normal in _PNTS_WORDS:
        return PREFER_NOT_TO_SAY
    if match := _RANGE.fullmatch(key):
        low, high = int(match[1]), int(match[2])
        if low > high:
            raise InvalidValue(f"{quoted(value)} is not an age band")
        return _band_for_range(value, low, high)
    if match := _OPEN_TOP.fullmatch(key):
        return _band_for_range(value, int(match[1]), 150)
    if match := _OPEN_BOTTOM.fullmatch(key):
        return _band_for_range(value, 0, int(match[1]) - 1)
    if re.fullmatch(r"\d{1,3}(?:\.0+)?", key):
        return band_for_age(int(float(key)))
    raise InvalidValue(f"{quoted(value)} is not one of the allowed values: {_allowed(AGE_BANDS)}")


def _age(value: str) -> tuple[int | None, str]:
    """An age in years -> (age, band). A band or 'prefer not to say' in the age column -> (None, band)."""
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        if any(char.isdigit() for char in text) and not re.search(
            r"\d\s*(?:-|–|to|\+|plus|over)", text.lower()
        ):
            if re.fullmatch(r"\d{1,3}\s*(?:years?|yrs?|y)(?:\s*old)?", text.lower()):
                number = float(re.match(r"\d+", text)[0])
            else:
                raise InvalidValue(f"{quoted(value)} is not a number") from None
        else:
            try:
                return None, age_band_code(text)
            except InvalidValue:
                raise InvalidValue(f"{quoted(value)} is not a number or an age band") from None
    if not number.is_integer() and number >= 1:
        number = int(number)  # 37.5 years old is 37
    if number < 0 or number > MAX_AGE or not float(number).is_integer():
        raise InvalidValue(f"{quoted(value)} is not a plausible age")
    age = int(number)
    return age, band_for_age(age)


_cached_age = lru_cache(maxsize=1024)(_age)


def _checked_date(value: str, order: str, orders: DateOrders, latest: date) -> date:
    parsed = parse_date_auto(value, orders) if order == "auto" else parse_date(value, order)
    if parsed > latest:
        raise InvalidValue(f"{quoted(value)} is in the future")
    if parsed < EARLIEST_DATE:
        raise InvalidValue(f"{quoted(value)} is before {EARLIEST_DATE.year}; check the date")
    return parsed


# ---------------------------------------------------------------------------------------------- other fields

_ACTIVITY_TABLE = _choice_table(
    ACTIVITY_TYPES,
    {
        "chat": "conversation", "one to one": "conversation", "1 to 1": "conversation", "1:1": "conversation",
        "conversations": "conversation", "community conversation": "conversation",
        "questionnaire": "survey", "online survey": "survey", "paper survey": "survey",
        "focus group": "focus-group", "focus groups": "focus-group", "group discussion": "focus-group",
        "interviews": "interview", "listening event": "listening-event", "community event": "event",
        "drop in": "event", "drop-in": "event", "workshop": "event", "fft": "patient-feedback",
        "friends and family test": "patient-feedback", "complaint": "patient-feedback",
        "compliment": "patient-feedback",
    },
)  # fmt: skip


def _categorical(table: dict[str, str], allowed: list[tuple[str, str]]) -> Callable[[str], str]:
    def normalise(value: str) -> str:
        code = table.get(_key(value))
        if code is None:
            raise InvalidValue(f"{quoted(value)} is not one of the allowed values: {_allowed(allowed)}")
        return code

    return normalise


def _postcode(value: str) -> str:
    parsed = parse_postcode(value)
    if parsed is None:
        raise InvalidValue(f"{quoted(value)} is not a UK postcode")
    return parsed.full or parsed.district


def _district(value: str) -> str:
    parsed = parse_postcode(value)
    if parsed is None:
        raise InvalidValue(f"{quoted(value)} is not a postcode district (like SS1 or PL4)")
    return parsed.district


def _lsoa(value: str) -> str:
    if not is_lsoa_code(value):
        raise InvalidValue(f"{quoted(value)} is not an LSOA code (E01 followed by six digits)")
    return value.strip().upper()


def _ward(value: str) -> str:
    text = " ".join(value.split())
    return text.upper() if is_ward_code(text) else text


def _plain(value: str) -> str:
    return " ".join(value.split())


_CATEGORICAL_NORMALISERS: dict[str, Callable[[str], str]] = {
    "sex": lru_cache(maxsize=256)(_sex_code),
    "gender_identity_same": lru_cache(maxsize=256)(lambda value: _yes_no_code(value, GENDER_IDENTITY_SAME)),
    "ethnicity": lru_cache(maxsize=1024)(_ethnicity_code),
    "disability": lru_cache(maxsize=256)(lambda value: _yes_no_code(value, YES_NO)),
    "carer": lru_cache(maxsize=256)(lambda value: _yes_no_code(value, YES_NO)),
    "consent_analysis": lru_cache(maxsize=256)(lambda value: _yes_no_code(value, YES_NO)),
    "consent_quote": lru_cache(maxsize=256)(lambda value: _yes_no_code(value, YES_NO)),
    "consent_open_data": lru_cache(maxsize=256)(lambda value: _yes_no_code(value, YES_NO)),
    "consent_recontact": lru_cache(maxsize=256)(lambda value: _yes_no_code(value, YES_NO)),
    "activity_type": lru_cache(maxsize=256)(_categorical(_ACTIVITY_TABLE, ACTIVITY_TYPES)),
    "age_band": age_band_code,
}
_OTHER_NORMALISERS: dict[str, Callable[[str], str]] = {
    "external_id": normalise_instance_id,
    "participant_ref": _plain,
    "ward": lru_cache(maxsize=1024)(_ward),
    "postcode": lru_cache(maxsize=4096)(_postcode),
    "postcode_district": lru_cache(maxsize=1024)(_district),
    "lsoa": _lsoa,
}


# ---------------------------------------------------------------------------------------------- rows


@dataclass
class _Plan:
    """A mapping prepared once per file: which column feeds which field, and how to normalise it."""

    # (target, header or "(target)", constant value or None to read the header, normaliser)
    fields: list[tuple[str, str, str | None, Callable[[str], object]]]
    text_header: str
    mapped_headers: frozenset[str]
    value_maps: dict[str, dict[str, str]]


def _plan(mapping: Mapping, date_orders: DateOrders | None = None) -> _Plan:
    latest = date.today() + timedelta(days=1)
    order = mapping.date_order
    orders = date_orders or DateOrders()

    @lru_cache(maxsize=4096)  # dates repeat across rows
    def checked_date(value: str) -> date:
        return _checked_date(value, order, orders, latest)

    normalisers = {"date": checked_date, "age": _cached_age} | _CATEGORICAL_NORMALISERS | _OTHER_NORMALISERS
    sources: list[tuple[str, str, str | None]] = [
        (target, header, None) for target, header in mapping.columns.items() if target != "text"
    ]
    sources += [
        (target, f"({target})", value)
        for target, value in mapping.constants.items()
        if target not in mapping.columns
    ]
    return _Plan(
        fields=[(target, header, constant, normalisers[target]) for target, header, constant in sources],
        text_header=mapping.columns.get("text", "(text)"),
        mapped_headers=frozenset(mapping.columns.values()),
        value_maps={
            target: {" ".join(raw.lower().split()): code for raw, code in values.items()}
            for target, values in mapping.value_maps.items()
        },
    )


def validate_row(
    raw: dict[str, str],
    mapping: Mapping,
    row_number: int,
    *,
    lookup: AreaLookup | None = None,
    date_orders: DateOrders | None = None,
) -> CleanRecord | Quarantine:
    """Validate one row read from a file (values by heading). See validate_rows for a whole table.

    date_orders: what the rest of the file shows about day/month order (see date_orders_of); without it an
    ambiguous numeric date is read day first.
    """
    return _validate(raw, _plan(mapping, date_orders), row_number, lookup, ())


def date_orders_of(table: Table, mapping: Mapping) -> DateOrders:
    """Read the date column once to learn how the file orders day and month (see chorus.ingest.dates)."""
    header = mapping.columns.get("date")
    orders = DateOrders()
    if header is None:
        return orders
    counts: Counter[str] = Counter()  # dates repeat, so each distinct value is parsed once
    for row in table.rows():
        value = row.values.get(header, "")
        if value[:1].isdigit() and value[4:5] != "-":  # ISO dates show their order already
            counts[value] += 1
    for value, count in counts.items():
        orders.add(value, count)
    return orders


def validate_rows(
    table: Table,
    mapping: Mapping,
    *,
    lookup: AreaLookup | None = None,
    start: int = 0,
    stop: int | None = None,
) -> Iterator[CleanRecord | Quarantine]:
    """Validate every row of a table (or the data rows start+1..stop), streaming. Raises MappingError first
    if the mapping cannot work."""
    problems = [problem for problem in mapping.problems() if "no column called" not in problem]
    missing = [header for header in mapping.columns.values() if header not in table.headers]
    problems += [f"The file has no column called {header!r}." for header in missing]
    if problems:
        raise MappingError(" ".join(problems))
    date_orders = date_orders_of(table, mapping) if mapping.date_order == "auto" else None
    plan = _plan(mapping, date_orders)
    for row in itertools.islice(table.rows(), start, stop):
        yield _validate(row.values, plan, row.number, lookup, row.problems)


def _validate(
    raw: dict[str, str],
    plan: _Plan,
    row_number: int,
    lookup: AreaLookup | None,
    read_problems: list[str] | tuple,
) -> CleanRecord | Quarantine:
    problems: list[Problem] = []
    if read_problems:
        problems = [Problem("(whole row)", "", message) for message in read_problems]
        if not any(raw.values()):  # the row could not be parsed at all
            return Quarantine(row_number, problems, raw)
    if raw and max(map(len, raw.values())) > CELL_LIMIT:
        for header, value in raw.items():
            if len(value) > CELL_LIMIT:
                message = f"this cell is {len(value):,} characters long; the limit is {CELL_LIMIT:,}"
                problems.append(Problem(header, preview(value), message))
        return Quarantine(row_number, problems, raw)

    values: dict[str, object] = {}
    value_maps = plan.value_maps
    for target, header, constant, normalise in plan.fields:
        value = (raw.get(header, "") if constant is None else constant).strip()
        if not value:
            if target == "consent_analysis":
                problems.append(
                    Problem(header, "", "consent to analysis is blank, so the row cannot be imported")
                )
            continue
        if value_maps and (custom := value_maps.get(target)):
            code = custom.get(" ".join(value.lower().split()))
            if code is not None:
                values[target] = code
                continue
        try:
            values[target] = normalise(value)
        except InvalidValue as invalid:
            problems.append(Problem(header, preview(value), str(invalid)))

    text = raw.get(plan.text_header, "").strip()
    if not text:
        problems.append(Problem(plan.text_header, "", "no text: the row has nothing a resident said"))
    elif "\r" in text:
        text = text.replace("\r\n", "\n")
    consent = values.get("consent_analysis")
    if consent is not None and consent != "yes":
        header = next(header for target, header, *_ in plan.fields if target == "consent_analysis")
        message = "resident did not consent to analysis, so the row is not imported"
        problems.append(Problem(header, str(consent), message))

    if "age" in values:
        age, band_from_age = values["age"]
        values["age"] = age
        stated = values.get("age_band")
        if stated and stated != band_from_age and PREFER_NOT_TO_SAY not in (stated, band_from_age):
            header = next(header for target, header, *_ in plan.fields if target == "age")
            message = f"the age is not in the age band given ({_BAND_LABELS[stated]})"
            problems.append(Problem(header, str(age), message))
        values.setdefault("age_band", band_from_age)

    postcode = values.get("postcode")
    if postcode:
        if " " not in postcode:  # a district typed into the postcode column
            values["postcode"] = None
            values.setdefault("postcode_district", postcode)
        else:
            values.setdefault("postcode_district", postcode.split(" ", 1)[0])

    if problems:
        return Quarantine(row_number, problems, raw)

    record = CleanRecord(row_number=row_number, text=text, **values)
    mapped = plan.mapped_headers
    record.answers = {header: value for header, value in raw.items() if value and header not in mapped}
    if lookup is not None and (record.ward or record.postcode or record.postcode_district or record.lsoa):
        record.place = resolve(record, lookup)
    return record
