"""The public version of the report: who can read it, and that no count of 1-7 people gets out in it."""

import io
import re
import subprocess
from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chorus.apps.evaluation.actions import (
    indicators,
    interventions,
    measurements,
    populations,
    reach,
    surveys,
)
from chorus.apps.programmes.models import Grant

pytestmark = pytest.mark.django_db

BEFORE, AFTER = date(2024, 3, 31), date(2025, 3, 31)


@pytest.fixture
def pilot(world):
    """A small pilot built through the actions, with small numbers in every kind of count."""
    intervention = interventions.create_intervention(world.programme, name="Small pilot", by=world.analyst)
    kursaal = populations.create_partner(
        intervention,
        organisation=world.partner_a,
        population_kind="client-group",
        population_description="A few",
        by=None,
    )
    milton = populations.create_partner(
        intervention,
        organisation=world.partner_b,
        population_kind="ward",
        population_description="Milton",
        by=None,
    )
    rest = populations.create_comparator(
        intervention, name="Rest of Southend", population_kind="ward", by=None
    )
    indicator = indicators.create_indicator(
        intervention, name="Bowel screening uptake", kind="uptake", definition="Kits", by=None
    )
    counts = {
        kursaal: ((3, 6), (5, 6)),  # 1-7 on both dates
        milton: ((200, 400), (263, 412)),
        rest: ((4502, 9004), (4611, 9013)),
    }
    for population, ((x1, n1), (x2, n2)) in counts.items():
        measurements.record_measurement(
            indicator, population, when=BEFORE, eligible=n1, with_outcome=x1, by=None
        )
        measurements.record_measurement(
            indicator, population, when=AFTER, eligible=n2, with_outcome=x2, by=None
        )
    for partner, reached in ((kursaal, 4), (milton, 131)):
        reach.record_reach(partner, period_start=BEFORE, period_end=AFTER, residents_reached=reached, by=None)
        Grant.objects.create(
            programme=world.programme,
            organisation=partner.organisation,
            amount_pence=1_000_000,
            purpose="Pilot",
            start_date=BEFORE,
            end_date=AFTER,
        )
    survey = surveys.create_survey(intervention, title="Before and after", by=None)
    surveys.create_survey_item(
        survey,
        statement="I know how to do the test",
        domain="knowledge",
        before=(3, 6),
        after=(6, 6),
        by=None,
    )
    surveys.create_survey_item(
        survey,
        statement="I will book screening",
        domain="behaviour",
        before=(21, 42),
        after=(33, 42),
        by=None,
    )
    return intervention


def url(intervention, name):
    return reverse(f"evaluation:{name}", args=[intervention.programme.slug, intervention.slug])


def pdf_text(pdf: bytes, tmp_path) -> str:
    (tmp_path / "report.pdf").write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", "report.pdf", "-"], cwd=tmp_path, check=True, capture_output=True, text=True
    ).stdout


# Numbers that are not counts of people: the produced-on date, page numbers, "about N in 10", and the words
# of the disclosure note itself ("rounded to the nearest 5", "counts of 1 to 7").
NOT_COUNTS = [
    re.compile(r"produced by Chorus on .*", re.IGNORECASE),
    re.compile(r"Page \d+ of \d+"),
    re.compile(r"\d+ in 10"),
    re.compile(r"nearest\s+5"),
    re.compile(r"1\s+to\s+7"),
]
SMALL_NUMBER = re.compile(r"(?<![\w.,\u2212+\-/£])[1-7](?![\w.,%/])")


def small_numbers(text: str) -> list[str]:
    for pattern in NOT_COUNTS:
        text = pattern.sub(" ", text)
    return [
        text[max(0, m.start() - 30) : m.end() + 30].replace("\n", " ") for m in SMALL_NUMBER.finditer(text)
    ]


def test_no_count_of_1_to_7_appears_in_the_public_pdf(client, world, pilot, tmp_path):
    client.force_login(world.analyst)
    internal = pdf_text(client.get(url(pilot, "report-pdf")).content, tmp_path)
    assert small_numbers(internal), "the check must be able to fail: the team's report shows the small counts"
    assert "3 of 6" in internal

    public = pdf_text(client.get(url(pilot, "public-report-pdf")).content, tmp_path)
    assert "Public evaluation report" in public
    assert small_numbers(public) == []
    assert "* of *" in public  # the survey statement answered by 6 people
    assert "20 of 40" in public and "35 of 40" in public  # 21 of 42 and 33 of 42, rounded to 5
    assert "130" in public and "131" not in public  # Milton's reach, rounded
    # Changes come from the published counts (200/400 to 265/410: +14.6), not the exact 263/412 (+13.8).
    assert "Milton Voices" in public and "+14.6" in public and "+13.8" not in public


class CountCells(HTMLParser):
    """The text of every table cell under a header that holds a count of people."""

    COUNT_HEADERS = {"Eligible", "With outcome", "Residents reached"}

    def __init__(self):
        super().__init__()
        self.tables: list[tuple[list[str], list[list[str]]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append(([], []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.tables:
            text = " ".join("".join(self._cell).split())
            headers, rows = self.tables[-1]
            if tag == "th" and not rows[:-1] and len(rows) == 1:
                headers.append(text)
            rows[-1].append(text)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def counts(self) -> list[str]:
        found = []
        for headers, rows in self.tables:
            columns = [i for i, header in enumerate(headers) if header in self.COUNT_HEADERS]
            for row in rows[1:]:
                found += [row[i] for i in columns if i < len(row)]
                for cell in row:  # survey cells read "agreeing of respondents: share"
                    match = re.match(r"([\d,*]+) of ([\d,*]+):", cell)
                    found += list(match.groups()) if match else []
        return found


def released(value: str) -> bool:
    if value in ("*", "0"):
        return True
    number = int(value.replace(",", ""))
    return number >= 10 and number % 5 == 0


def test_every_count_in_the_public_page_is_suppressed_or_rounded_to_5(client, world, pilot):
    client.force_login(world.analyst)
    internal = CountCells()
    internal.feed(client.get(url(pilot, "report")).content.decode())
    assert not all(released(count) for count in internal.counts())  # the team sees 3, 6, 131, 42...

    public = CountCells()
    public.feed(client.get(url(pilot, "public-report")).content.decode())
    counts = public.counts()
    assert len(counts) >= 20 and "*" in counts
    assert [count for count in counts if not released(count)] == []


def test_every_count_in_the_public_workbook_is_suppressed_or_rounded_to_5(client, world, pilot):
    client.force_login(world.analyst)
    workbook = load_workbook(io.BytesIO(client.get(url(pilot, "public-report-xlsx")).content))
    count_headers = {"Eligible", "With outcome", "Residents reached", "Agreeing before", "Asked before"}
    count_headers |= {"Agreeing after", "Asked after", "People who answered both times"}
    seen = []
    for sheet in workbook.worksheets[1:]:
        headers = [cell.value for cell in sheet[1]]
        for row in sheet.iter_rows(min_row=2, values_only=True):
            seen += [
                value
                for header, value in zip(headers, row, strict=False)
                if header in count_headers and value != ""
            ]
    assert "*" in seen and len(seen) >= 20
    assert [v for v in seen if not (v in ("*", 0) or (isinstance(v, int) and v % 5 == 0 and v >= 10))] == []


def test_the_public_version_is_for_anyone_only_once_published(client, world, pilot):
    for name in ("public-report", "public-report-pdf", "public-report-xlsx"):
        assert client.get(url(pilot, name)).status_code == 404, name  # not published yet
    client.force_login(world.partner_a_member)  # in the programme: may preview it
    assert client.get(url(pilot, "public-report")).status_code == 200
    client.force_login(world.other_analyst)
    assert client.get(url(pilot, "public-report")).status_code == 404
    client.logout()

    interventions.change_intervention(
        pilot, name=pilot.name, summary="", start_date=None, end_date=None, report_is_public=True, by=None
    )
    response = client.get(url(pilot, "public-report"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Milton Voices" in content and "Kursaal Community Hub" in content  # every partner, under control
    assert client.get(url(pilot, "public-report-pdf"))["Content-Type"] == "application/pdf"
    assert client.get(url(pilot, "report")).status_code == 302  # the team's version still needs signing in
