"""Reading a table of individual survey answers (CSV or XLSX) and checking every row, without Django.

Columns: respondent, statement, when (before/after), answer (yes/no, agree/disagree...). One row is one
person's answer to one statement at one time; the same respondent code before and after pairs the two.

Respondent codes are pseudonyms given by whoever ran the survey. Anything that looks like an email address
or a phone (or NHS) number is refused, and never repeated back in a message.

Row numbers are the ones a person sees in the spreadsheet: the header is row 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .measurement_table import RowProblem

COLUMNS = ("respondent", "statement", "when", "answer")
MAX_CODE_LENGTH = 64  # SurveyResponse.respondent_key

# Other names people give the same columns.
HEADER_ALIASES = {
    "respondent_code": "respondent",
    "respondent_id": "respondent",
    "code": "respondent",
    "question": "statement",
    "item": "statement",
    "wave": "when",
    "response": "answer",
    "agrees": "answer",
}

BEFORE = "pre"
AFTER = "post"
WHEN = {
    "before": BEFORE,
    "pre": BEFORE,
    "baseline": BEFORE,
    "after": AFTER,
    "post": AFTER,
    "follow-up": AFTER,
    "follow up": AFTER,
    "followup": AFTER,
}
YES = {"yes", "y", "agree", "agreed", "strongly agree", "tend to agree", "somewhat agree", "true", "1"}
NO = {
    "no",
    "n",
    "disagree",
    "disagreed",
    "strongly disagree",
    "tend to disagree",
    "somewhat disagree",
    "false",
    "0",
}
NEITHER = {"neither agree nor disagree", "neither", "don't know", "dont know", "not sure", "unsure", "n/a"}

EMAIL_LIKE = re.compile(r"\S@\S")
PHONE_SEPARATORS = re.compile(r"[\s\-().]")
LONG_NUMBER = re.compile(r"\d{10,}")


@dataclass(frozen=True)
class AnswerRow:
    row: int
    respondent: str  # "" when the answers cannot be linked
    statement: str  # canonical statement, as the survey holds it
    wave: str  # BEFORE or AFTER
    agrees: bool


@dataclass
class CheckedAnswers:
    good: list[AnswerRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def rows_with_problems(self) -> set[int]:
        return {problem.row for problem in self.problems if problem.row > 0}

    @property
    def linked_respondents(self) -> int:
        """People (by code) with at least one answer both before and after."""
        waves: dict[str, set[str]] = {}
        for row in self.good:
            if row.respondent:
                waves.setdefault(row.respondent, set()).add(row.wave)
        return sum(1 for seen in waves.values() if seen == {BEFORE, AFTER})


def _text(value: object) -> str:
    return " ".join(str(value if value is not None else "").split())


def _key(statement: str) -> str:
    return _text(statement).casefold()


def respondent_code_problem(code: str) -> str | None:
    """Why `code` cannot be a respondent code, or None. The message never repeats the code."""
    if EMAIL_LIKE.search(code):
        return "looks like an email address; use a code that does not identify the person"
    if LONG_NUMBER.search(PHONE_SEPARATORS.sub("", code)):
        return "looks like a phone or NHS number; use a code that does not identify the person"
    if len(code) > MAX_CODE_LENGTH:
        return f"is longer than {MAX_CODE_LENGTH} characters"
    return None


def parse_answer(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = _text(value).casefold().replace("’", "'")
    if text in YES:
        return True
    if text in NO:
        return False
    if not text:
        raise ValueError("enter yes or no (or agree or disagree)")
    if text in NEITHER:
        raise ValueError("is neither yes nor no; leave this answer out of the file")
    raise ValueError("enter yes or no (or agree or disagree)")


def parse_when(value: object) -> str:
    wave = WHEN.get(_text(value).casefold())
    if wave is None:
        raise ValueError("enter before or after")
    return wave


def _canonical_headers(values: dict[str, object]) -> dict[str, object]:
    return {HEADER_ALIASES.get(header, header): value for header, value in values.items()}


def check_answers(rows: Iterable[tuple[int, dict[str, object]]], statements: Iterable[str]) -> CheckedAnswers:
    """Check each row against the survey's statements; every problem comes back as (row, column, what)."""
    rows = [(number, _canonical_headers(values)) for number, values in rows]
    checked = CheckedAnswers()
    known = {_key(statement): statement for statement in statements}
    if not rows:
        checked.problems.append(RowProblem(0, "-", "the file has no data rows"))
        return checked
    missing = [column for column in COLUMNS if column not in rows[0][1]]
    if missing:
        checked.problems.append(
            RowProblem(1, ", ".join(missing), f"missing; the columns must be {', '.join(COLUMNS)}")
        )
        return checked
    seen: dict[tuple[str, str, str], int] = {}
    for number, values in rows:
        problems: list[RowProblem] = []
        respondent = _text(values.get("respondent"))
        if respondent and (why := respondent_code_problem(respondent)):
            problems.append(RowProblem(number, "respondent", why))
        name = _text(values.get("statement"))
        statement = known.get(name.casefold())
        if not name:
            problems.append(RowProblem(number, "statement", "enter the statement, as the survey words it"))
        elif statement is None:
            problems.append(
                RowProblem(number, "statement", f"'{name}' is not a statement of this survey; add it first")
            )
        wave = agrees = None
        try:
            wave = parse_when(values.get("when"))
        except ValueError as error:
            problems.append(RowProblem(number, "when", str(error)))
        try:
            agrees = parse_answer(values.get("answer"))
        except ValueError as error:
            problems.append(RowProblem(number, "answer", str(error)))
        if respondent and statement is not None and wave is not None and not problems:
            key = (respondent, statement, wave)
            if key in seen:
                when = "before" if wave == BEFORE else "after"
                problems.append(
                    RowProblem(
                        number,
                        "respondent",
                        f"this person's answer {when} to this statement is already in row {seen[key]}",
                    )
                )
            else:
                seen[key] = number
        if problems:
            checked.problems.extend(problems)
            continue
        checked.good.append(AnswerRow(number, respondent, statement, wave, agrees))
    return checked
