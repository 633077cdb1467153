"""Importing individual (paired) survey answers: the paired comparison, row problems, privacy, permissions."""

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from chorus.apps.audit.models import AuditEvent
from chorus.apps.evaluation import demo, figures
from chorus.apps.evaluation.actions.surveys import import_survey_answers
from chorus.apps.evaluation.models import SurveyResponse, SurveyTally
from chorus.apps.evaluation.survey_answers import check_answers, respondent_code_problem
from chorus.stats import compare_paired_proportions
from chorus.stats.paired import PAIRED_METHOD

from support.browser import axe_violations, sign_in
from support.world import PASSWORD

KNOWS = "I know how to do a bowel screening kit at home"
WORTH = "Screening is worth doing even when I feel well"
LIKELY = "I am more likely to book screening when I am invited"


def survey_of(intervention):
    return intervention.surveys.get()


def paired_file(yes_yes: int, yes_no: int, no_yes: int, no_no: int, statement: str = KNOWS) -> str:
    """One before and one after answer per person, for a 2x2 table of (before, after) answers."""
    lines = ["respondent,statement,when,answer"]
    cells = [("yes", "yes")] * yes_yes + [("yes", "no")] * yes_no + [("no", "yes")] * no_yes
    cells += [("no", "no")] * no_no
    for number, (before, after) in enumerate(cells, start=1):
        lines.append(f"R{number:03d},{statement},before,{before}")
        lines.append(f"R{number:03d},{statement},after,{after}")
    return "\n".join(lines) + "\n"


def item_result(intervention, statement: str):
    built = figures.build(intervention, None, published_stories_only=True)
    [survey] = built.surveys
    return next(result for result in survey.items if result.statement == statement)


def manage_url(intervention, name: str, *args) -> str:
    return reverse(f"evaluation:{name}", args=[intervention.programme.slug, intervention.slug, *args])


@pytest.mark.django_db
def test_a_good_file_gives_the_paired_comparison_and_replaces_the_demo_answers(world, screening):
    survey = survey_of(screening)
    demo_answers = SurveyResponse.objects.filter(item__survey=survey).count()
    assert demo_answers > 0
    by_the_demo = list(AuditEvent.objects.values_list("pk", flat=True))

    result = import_survey_answers(
        survey, paired_file(10, 2, 20, 8).encode(), "answers.csv", by=world.analyst
    )

    assert (result.imported, result.problems, result.replaced) == (80, [], demo_answers)
    assert (result.statements, result.linked_respondents) == (1, 40)
    assert SurveyResponse.objects.filter(item__survey=survey).count() == 80
    knows = item_result(screening, KNOWS)
    expected = compare_paired_proportions(10, 2, 20, 8)
    assert (knows.before.agreeing, knows.before.respondents) == (12, 40)
    assert (knows.after.agreeing, knows.after.respondents) == (30, 40)
    assert knows.change.method == PAIRED_METHOD and knows.change.linked_respondents == 40
    assert knows.change.difference == pytest.approx(expected.difference) == pytest.approx(0.45)
    assert (knows.change.lower, knows.change.upper) == pytest.approx((expected.lower, expected.upper))
    assert knows.change.p_value == pytest.approx(expected.p_value)
    # The statement the file left out lost its demo answers: a re-import replaces the whole survey's answers.
    assert item_result(screening, WORTH).before is None
    event = AuditEvent.objects.exclude(pk__in=by_the_demo).get(action="evaluation.survey_answers_imported")
    assert event.actor == world.analyst and event.object_id == str(survey.pk)
    assert event.details == {
        "imported": 80,
        "replaced": demo_answers,
        "statements": 1,
        "linked_respondents": 40,
    }
    assert "R001" not in str(event.details)


@pytest.mark.django_db
def test_an_xlsx_file_with_agree_disagree_and_excel_booleans_imports(world, screening):
    survey = survey_of(screening)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Respondent", "Statement", "When", "Answer"])
    sheet.append(["A1", LIKELY.upper(), "Before", "Strongly disagree"])
    sheet.append(["A1", LIKELY, "After", "Agree"])
    sheet.append(["A2", LIKELY, "pre", False])
    sheet.append(["A2", LIKELY, "post", True])
    sheet.append(["", LIKELY, "after", 1])  # an answer that cannot be linked to anyone
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert SurveyTally.objects.filter(item__statement=LIKELY).exists()

    result = import_survey_answers(survey, buffer.getvalue(), "answers.xlsx", by=world.analyst)

    assert (result.imported, result.problems, result.linked_respondents) == (5, [], 2)
    # Individual answers are used instead of totals, so the statement's totals go.
    assert not SurveyTally.objects.filter(item__statement=LIKELY).exists()
    stored = SurveyResponse.objects.filter(item__statement=LIKELY)
    assert sorted(stored.values_list("respondent_key", "wave", "agrees")) == [
        ("", "post", True),
        ("A1", "post", True),
        ("A1", "pre", False),
        ("A2", "post", True),
        ("A2", "pre", False),
    ]


BAD = (
    "respondent,statement,when,answer\n"
    f"R001,{KNOWS},before,no\n"  # row 2: good
    f"jo.bloggs@example.org,{KNOWS},after,yes\n"  # row 3: an email address as the code
    f"07700 900123,{KNOWS},before,yes\n"  # row 4: a phone number as the code
    "R002,I like cake,after,yes\n"  # row 5: not a statement of the survey
    f"R003,{KNOWS},during,maybe\n"  # row 6: neither before/after nor yes/no
    f"R004,{KNOWS},after,neither agree nor disagree\n"  # row 7: not yes or no
    f"R001,{KNOWS},before,yes\n"  # row 8: R001's answer before is already in row 2
)


@pytest.mark.django_db
def test_a_file_with_bad_rows_imports_nothing_and_names_each_row_without_repeating_personal_data(
    world, screening
):
    survey = survey_of(screening)
    held = sorted(SurveyResponse.objects.filter(item__survey=survey).values_list("pk", flat=True))
    by_the_demo = list(AuditEvent.objects.values_list("pk", flat=True))

    result = import_survey_answers(survey, BAD.encode(), "answers.csv", by=world.analyst)

    assert result.imported == 0
    assert sorted(SurveyResponse.objects.filter(item__survey=survey).values_list("pk", flat=True)) == held
    assert [(p.row, p.column) for p in result.problems] == [
        (3, "respondent"),
        (4, "respondent"),
        (5, "statement"),
        (6, "when"),
        (6, "answer"),
        (7, "answer"),
        (8, "respondent"),
    ]
    messages = [str(p) for p in result.problems]
    assert "email address" in messages[0] and "phone" in messages[1]
    assert "already in row 2" in messages[-1]
    assert not any("bloggs" in m or "900123" in m for m in messages)
    assert (result.good_rows, result.rows_with_problems) == (1, 6)
    assert not AuditEvent.objects.exclude(pk__in=by_the_demo).exists()


@pytest.mark.django_db
def test_a_file_without_the_columns_or_rows_imports_nothing(world, screening):
    survey = survey_of(screening)
    missing = import_survey_answers(survey, b"respondent,question,answer\nR1,x,yes\n", "a.csv", by=None)
    assert missing.imported == 0
    assert [(p.row, p.column) for p in missing.problems] == [(1, "when")]
    empty = import_survey_answers(survey, b"", "a.csv", by=None)
    assert empty.imported == 0 and "empty" in empty.problems[0].what
    not_a_workbook = import_survey_answers(survey, b"PK not really", "a.xlsx", by=None)
    assert not_a_workbook.imported == 0 and "Excel" in not_a_workbook.problems[0].what


@pytest.mark.parametrize(
    ("code", "refused"),
    [
        ("R017", False),
        ("2024-B-0031", False),
        ("jo@example.org", True),
        ("+44 7700 900123", True),
        ("(01702) 215000", True),
        ("943 476 5919", True),  # an NHS number
        ("x" * 65, True),
    ],
)
def test_respondent_codes_must_be_pseudonyms(code, refused):
    assert (respondent_code_problem(code) is not None) == refused


def test_checking_matches_statements_ignoring_case_and_spacing():
    rows = [(2, {"code": "R1", "question": "  i KNOW  how ", "wave": "Follow-up", "response": "Y"})]
    checked = check_answers(rows, ["I know how"])
    assert checked.problems == []
    [row] = checked.good
    assert (row.respondent, row.statement, row.wave, row.agrees) == ("R1", "I know how", "post", True)


@pytest.mark.django_db
def test_only_the_programmes_leads_and_analysts_can_import_answers(client, world, screening):
    survey = survey_of(screening)
    page = manage_url(screening, "import-survey-answers", survey.pk)
    expected = {
        world.admin: 200,
        world.analyst: 200,
        world.other_analyst: 404,
        world.partner_a_member: 403,
        world.decision_maker: 403,
        world.connector: 403,
    }
    held = SurveyResponse.objects.filter(item__survey=survey).count()
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(page).status_code == status, user.username
        if status != 200:
            upload = SimpleUploadedFile("a.csv", paired_file(1, 0, 1, 0).encode(), content_type="text/csv")
            assert client.post(page, {"file": upload}).status_code == status, user.username
    assert SurveyResponse.objects.filter(item__survey=survey).count() == held
    client.logout()
    response = client.get(page)
    assert response.status_code == 302 and "/accounts/" in response["Location"]


@pytest.mark.django_db
def test_the_import_page_is_linked_from_set_up_and_reports_problems_then_imports(client, world, screening):
    survey = survey_of(screening)
    page = manage_url(screening, "import-survey-answers", survey.pk)
    client.force_login(world.analyst)
    assert page in client.get(manage_url(screening, "manage")).content.decode()
    assert "This replaces the answers already held" in client.get(page).content.decode()

    bad = SimpleUploadedFile("answers.csv", BAD.encode(), content_type="text/csv")
    response = client.post(page, {"file": bad})
    content = response.content.decode()
    assert response.status_code == 400 and "Nothing has been imported" in content
    assert "looks like an email address" in content and "bloggs" not in content
    assert "already in row 2" in content

    wrong_kind = SimpleUploadedFile("answers.pdf", b"%PDF", content_type="application/pdf")
    response = client.post(page, {"file": wrong_kind})
    assert response.status_code == 400 and "must be a CSV or Excel" in response.content.decode()

    good = SimpleUploadedFile("answers.csv", paired_file(10, 2, 20, 8).encode(), content_type="text/csv")
    response = client.post(page, {"file": good}, follow=True)
    content = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("#surveys")
    assert "80 answers to 1 statement imported" in content and "40 people answered both" in content
    report = client.get(manage_url(screening, "report")).content.decode()
    assert "12 of 40" in report and "30 of 40" in report


@pytest.fixture
def screening_on_live_server(world):
    demo.load(random.Random(7), lambda line: None)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_analyst_imports_answers_on_a_phone_after_correcting_the_file(
    live_server, screening_on_live_server, phone, tmp_path
):
    sign_in(phone, live_server.url, "analyst", PASSWORD)
    phone.goto(live_server.url + "/evaluation/southend-connectors/cancer-screening-uptake/manage/")
    phone.get_by_role("link", name="Import individual answers").click()
    phone.get_by_role("heading", name="Import individual answers", level=1).wait_for()
    assert axe_violations(phone) == []

    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(BAD)
    good.write_text(paired_file(10, 2, 20, 8))
    phone.get_by_label("Table of answers").set_input_files(str(bad))
    phone.get_by_role("button", name="Check and import").click()
    phone.get_by_role("heading", name="Problems in the file").wait_for()
    phone.screenshot(path="test-results/evaluation-survey-answers-phone.png", full_page=True)
    problems = phone.get_by_role("region", name="Each problem, with its row in the spreadsheet").inner_text()
    assert "looks like a phone or NHS number" in problems and "already in row 2" in problems
    assert axe_violations(phone) == []

    phone.get_by_label("Table of answers").set_input_files(str(good))
    phone.get_by_role("button", name="Check and import").click()
    phone.get_by_role("heading", name="Set up: Cancer screening uptake", level=1).wait_for()
    assert "80 answers to 1 statement imported" in phone.content()
