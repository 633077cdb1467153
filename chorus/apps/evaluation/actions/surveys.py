"""Before-and-after surveys: their statements, with totals when only totals are known, or individual
answers imported from a table (used instead of totals)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction

from chorus.apps.audit.log import record as audit
from chorus.apps.core.errors import ActionError

from ..measurement_table import RowProblem, TableError, read_rows
from ..models import Intervention, Survey, SurveyItem, SurveyResponse, SurveyTally, Wave
from ..survey_answers import check_answers
from ._editing import apply, delete_audited, required, save

log = logging.getLogger("chorus.evaluation")

Tally = tuple[int, int]  # (agreeing, respondents)


@transaction.atomic
def create_survey(intervention: Intervention, *, title: str, who_was_asked: str = "", by) -> Survey:
    title = required(title, "Enter the survey's title.", "title")
    survey = Survey(intervention=intervention, title=title, who_was_asked=(who_was_asked or "").strip())
    save(survey)
    audit("evaluation.survey_added", actor=by, obj=survey, programme=intervention.programme)
    return survey


@transaction.atomic
def change_survey(survey: Survey, *, title: str, who_was_asked: str = "", by) -> Survey:
    title = required(title, "Enter the survey's title.", "title")
    changed = apply(survey, title=title, who_was_asked=(who_was_asked or "").strip())
    save(survey)
    audit(
        "evaluation.survey_changed",
        actor=by,
        obj=survey,
        programme=survey.intervention.programme,
        changed=changed,
    )
    return survey


@transaction.atomic
def delete_survey(survey: Survey, *, by) -> None:
    if SurveyItem.objects.filter(survey=survey).filter(responses__isnull=False).exists():
        raise ActionError(f"{survey} holds individual answers; it cannot be removed here.")
    intervention = survey.intervention
    delete_audited(
        survey,
        "evaluation.survey_removed",
        by=by,
        programme=intervention.programme,
        intervention_id=intervention.pk,
    )


def _check_tally(tally: Tally | None, wave: str) -> None:
    if tally is None:
        return
    agreeing, respondents = tally
    if respondents < 1:
        raise ActionError("Enter how many people answered: at least 1.", f"{wave}_respondents")
    if agreeing < 0 or agreeing > respondents:
        raise ActionError(
            f"{agreeing} agreeing is more than the {respondents} people who answered.", f"{wave}_agreeing"
        )


def _set_tallies(item: SurveyItem, before: Tally | None, after: Tally | None) -> None:
    for wave, tally in ((Wave.PRE, before), (Wave.POST, after)):
        if tally is None:
            SurveyTally.objects.filter(item=item, wave=wave).delete()
        else:
            SurveyTally.objects.update_or_create(
                item=item, wave=wave, defaults={"agreeing": tally[0], "respondents": tally[1]}
            )


def _check_item(item: SurveyItem, statement: str, before: Tally | None, after: Tally | None) -> str:
    statement = required(statement, "Enter the statement people agreed or disagreed with.", "statement")
    _check_tally(before, "before")
    _check_tally(after, "after")
    if (before or after) and item.pk and item.responses.exists():
        raise ActionError(
            "This statement has individual answers, which are used instead of totals; "
            "leave the totals blank.",
            "before_respondents",
        )
    return statement


@transaction.atomic
def create_survey_item(
    survey: Survey,
    *,
    statement: str,
    domain: str,
    before: Tally | None = None,
    after: Tally | None = None,
    by,
) -> SurveyItem:
    """A statement with, when only totals are known, how many agreed before and after."""
    item = SurveyItem(survey=survey, domain=domain)
    item.statement = _check_item(item, statement, before, after)
    item.position = (survey.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    save(item)
    _set_tallies(item, before, after)
    audit(
        "evaluation.survey_item_added",
        actor=by,
        obj=item,
        programme=survey.intervention.programme,
        survey_id=survey.pk,
    )
    return item


@transaction.atomic
def change_survey_item(
    item: SurveyItem,
    *,
    statement: str,
    domain: str,
    before: Tally | None = None,
    after: Tally | None = None,
    by,
) -> SurveyItem:
    statement = _check_item(item, statement, before, after)
    changed = apply(item, statement=statement, domain=domain)
    save(item)
    if not item.responses.exists():
        old = {t.wave: (t.agreeing, t.respondents) for t in item.tallies.all()}
        if old.get(Wave.PRE) != before or old.get(Wave.POST) != after:
            changed.append("tallies")
        _set_tallies(item, before, after)
    audit(
        "evaluation.survey_item_changed",
        actor=by,
        obj=item,
        programme=item.survey.intervention.programme,
        changed=changed,
    )
    return item


@transaction.atomic
def delete_survey_item(item: SurveyItem, *, by) -> None:
    if item.responses.exists():
        raise ActionError("This statement holds individual answers; it cannot be removed here.")
    delete_audited(
        item,
        "evaluation.survey_item_removed",
        by=by,
        programme=item.survey.intervention.programme,
        survey_id=item.survey_id,
    )


@dataclass
class SurveyAnswersResult:
    imported: int = 0
    replaced: int = 0
    statements: int = 0
    linked_respondents: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    rows_with_problems: int = 0
    good_rows: int = 0


@transaction.atomic
def import_survey_answers(survey: Survey, content: bytes, filename: str, *, by) -> SurveyAnswersResult:
    """Import individual answers for a survey, all or nothing.

    A file with any problem imports nothing. A good file replaces every individual answer the survey held,
    and the totals of each statement it has answers for (individual answers are used instead of totals).
    """
    items = {item.statement: item for item in survey.items.all()}
    try:
        rows = read_rows(content, filename)
    except TableError as error:
        return SurveyAnswersResult(problems=[RowProblem(0, "-", str(error))])
    checked = check_answers(rows, items)
    result = SurveyAnswersResult(
        problems=sorted(checked.problems, key=lambda problem: problem.row),
        rows_with_problems=len(checked.rows_with_problems),
        good_rows=len(checked.good),
    )
    if checked.problems or not checked.good:
        return result
    answered = {items[row.statement] for row in checked.good}
    existing = SurveyResponse.objects.filter(item__survey=survey)
    result.replaced = existing.count()
    existing.delete()
    SurveyTally.objects.filter(item__in=answered).delete()
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            item=items[row.statement], wave=row.wave, respondent_key=row.respondent, agrees=row.agrees
        )
        for row in checked.good
    )
    result.imported = len(checked.good)
    result.statements = len(answered)
    result.linked_respondents = checked.linked_respondents
    audit(
        "evaluation.survey_answers_imported",
        actor=by,
        obj=survey,
        programme=survey.intervention.programme,
        imported=result.imported,
        replaced=result.replaced,
        statements=result.statements,
        linked_respondents=result.linked_respondents,
    )
    log.info(
        "survey answers imported",
        extra={
            "event": "evaluation.survey_answers_imported",
            "survey_id": survey.pk,
            "imported": result.imported,
            "replaced": result.replaced,
        },
    )
    return result
