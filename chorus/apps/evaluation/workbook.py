"""The evaluation's tables as an Excel workbook (openpyxl), from the same figures as the page and report.

Figures are typed cells, never text: a proportion is stored as a fraction with a percentage number format
(0.59 shows as 59.0%), a change in percentage points as the number of points (6.02 shows as +6.02), money
in pounds with a pound format, dates as dates. Withheld figures in the public version are the text "*".
Names typed by people go through chorus.ingest.safety.neutralise_formula, so no cell can run a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from chorus.ingest.safety import neutralise_formula

from .figures import InterventionFigures

PERCENT = "0.0%"
SIGNED_PERCENT = "+0.0%;-0.0%;0.0%"
POINTS = "+0.00;-0.00;0.00"
COUNT = "#,##0"
POUNDS = "£#,##0.00"
DATE = "d mmm yyyy"
Z = "0.00"
P = "0.0000"

# A cell: a value and its number format (None for text and whole numbers shown as they are).
Cell = tuple[object, str | None]


def _text(value: object) -> Cell:
    return (neutralise_formula("" if value is None else str(value)), None)


def _number(value: object, number_format: str) -> Cell:
    """A number with its format; "*" (withheld) and missing values stay as text."""
    if value is None:
        return ("", None)
    if isinstance(value, str):
        return (value, None)
    return (value, number_format)


def _points(fraction: float | None) -> Cell:
    return _number(None if fraction is None else round(100 * fraction, 10), POINTS)


def _pounds(pence: int | None) -> Cell:
    return _number(None if pence is None else pence / 100, POUNDS)


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: Iterable[list[Cell]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([value for value, _ in row])
        for cell, (_, number_format) in zip(sheet[sheet.max_row], row, strict=True):
            if number_format:
                cell.number_format = number_format
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(header) + 2))
    sheet.freeze_panes = "B2"


def _uptake_rows(figures: InterventionFigures) -> Iterable[list[Cell]]:
    for item in figures.indicators:
        for row in item.evaluation.rows:
            change = row.change
            withheld = "*" if row.suppressed else None
            change_withheld = "*" if row.change_suppressed else None
            yield [
                _text(item.indicator.name),
                _text(row.population),
                _text("Yes" if row.is_comparator else "No"),
                _number(row.when, DATE),
                _number(row.eligible, COUNT),
                _number(row.with_outcome, COUNT),
                _number(withheld or row.uptake, PERCENT),
                _number(withheld or row.lower, PERCENT),
                _number(withheld or row.upper, PERCENT),
                _number(
                    None if row.published_percentage is None else row.published_percentage / 100, PERCENT
                ),
                _number(row.baseline, DATE),
                _points(change.difference) if change else _number(change_withheld, POINTS),
                _points(change.difference_lower) if change else _number(change_withheld, POINTS),
                _points(change.difference_upper) if change else _number(change_withheld, POINTS),
                _number(change.relative_change if change else change_withheld, SIGNED_PERCENT),
                _number(change.relative_change_lower if change else change_withheld, SIGNED_PERCENT),
                _number(change.relative_change_upper if change else change_withheld, SIGNED_PERCENT),
                _number(change.z if change else change_withheld, Z),
                _number(change.p_value if change else change_withheld, P),
                _text(("Yes" if row.significant else "No") if change else (change_withheld or "")),
            ]


def _did_rows(figures: InterventionFigures) -> Iterable[list[Cell]]:
    for item in figures.indicators:
        for did in item.evaluation.differences_in_differences:
            result = did.result
            yield [
                _text(item.indicator.name),
                _text(did.population),
                _text(did.comparator),
                _number(did.before, DATE),
                _number(did.after, DATE),
                _points(result.intervention_change),
                _points(result.comparator_change),
                _points(result.estimate),
                _points(result.lower),
                _points(result.upper),
                _number(result.p_value, P),
                _text("Yes" if did.significant else "No"),
            ]


def _reach_rows(figures: InterventionFigures) -> Iterable[list[Cell]]:
    for row in figures.reach:
        withheld = getattr(row, "suppressed", False)
        yield [
            _text(row.partner),
            _number(row.residents_reached, COUNT),
            _pounds(row.grant_pence) if row.grant_pence else _text("None recorded"),
            _number("*", None)
            if withheld
            else (_pounds(row.cost_per_person_pence) if row.grant_pence else _text("")),
        ]


def _share_cells(share) -> list[Cell]:
    if share is None:
        return [("", None)] * 5
    withheld = "*" if share.suppressed else None
    return [
        _number(share.agreeing, COUNT),
        _number(share.respondents, COUNT),
        _number(withheld or share.proportion, PERCENT),
        _number(withheld or share.lower, PERCENT),
        _number(withheld or share.upper, PERCENT),
    ]


def _survey_rows(figures: InterventionFigures) -> Iterable[list[Cell]]:
    for survey in figures.surveys:
        for result in survey.items:
            change = result.change
            withheld = "*" if result.change_suppressed else None
            yield [
                _text(survey.survey.title),
                _text(result.statement),
                _text(result.domain),
                *_share_cells(result.before),
                *_share_cells(result.after),
                _points(change.difference) if change else _number(withheld, POINTS),
                _points(change.lower) if change else _number(withheld, POINTS),
                _points(change.upper) if change else _number(withheld, POINTS),
                _number(change.p_value if change else withheld, P),
                _number(change.linked_respondents if change else withheld, COUNT),
                _text(change.method if change else ""),
            ]


def evaluation_workbook(figures: InterventionFigures, *, produced_on: date) -> bytes:
    """The workbook as .xlsx bytes."""
    workbook = Workbook()
    about = workbook.active
    about.title = "About"
    intervention = figures.intervention
    lines = [
        f"Evaluation: {intervention.name}",
        f"Programme: {intervention.programme.name}",
        f"Produced by Chorus on {produced_on:%-d %B %Y}",
        "Public version: counts of people rounded to the nearest 5, counts of 1 to 7 shown as *, figures "
        "resting on them not shown, and every share, interval, change and cost worked out from the published "
        "counts."
        if figures.public
        else "For the programme team: not for publication (counts are not under disclosure control).",
        "Uptake and shares are percentages; changes are in percentage points; intervals are 95%.",
    ]
    for line in lines:
        about.append([neutralise_formula(line)])
    about.column_dimensions["A"].width = 100

    _sheet(
        workbook,
        "Uptake",
        [
            "Indicator",
            "Population",
            "Comparator",
            "Date",
            "Eligible",
            "With outcome",
            "Uptake",
            "Uptake 95% CI lower",
            "Uptake 95% CI upper",
            "Published percentage",
            "Baseline date",
            "Change (percentage points)",
            "Change 95% CI lower",
            "Change 95% CI upper",
            "Relative change",
            "Relative change 95% CI lower",
            "Relative change 95% CI upper",
            "z",
            "p",
            "Significant (p < 0.05)",
        ],
        _uptake_rows(figures),
    )
    _sheet(
        workbook,
        "Difference in differences",
        [
            "Indicator",
            "Population",
            "Comparator",
            "From",
            "To",
            "Change in population (percentage points)",
            "Change in comparator (percentage points)",
            "Difference in differences (percentage points)",
            "95% CI lower",
            "95% CI upper",
            "p",
            "Significant (p < 0.05)",
        ],
        _did_rows(figures),
    )
    _sheet(
        workbook,
        "Reach and cost",
        ["Partner", "Residents reached", "Grants", "Cost per person reached"],
        _reach_rows(figures),
    )
    _sheet(
        workbook,
        "Surveys",
        [
            "Survey",
            "Statement",
            "Domain",
            "Agreeing before",
            "Asked before",
            "Share agreeing before",
            "Before 95% CI lower",
            "Before 95% CI upper",
            "Agreeing after",
            "Asked after",
            "Share agreeing after",
            "After 95% CI lower",
            "After 95% CI upper",
            "Change (percentage points)",
            "Change 95% CI lower",
            "Change 95% CI upper",
            "p",
            "People who answered both times",
            "Method",
        ],
        _survey_rows(figures),
    )
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
