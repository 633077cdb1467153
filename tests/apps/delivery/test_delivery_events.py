"""Events: sign-in sheets from CSV or XLSX, row errors reported, attendance counted (no names in figures)."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from chorus.apps.audit.models import AuditEvent
from chorus.apps.delivery import actions
from chorus.apps.delivery.signin_sheet import SheetError, read

CSV = b"Name,Organisation,Signed in\nAisha Khan,Kursaal Hub,yes\nBob Day,,no\n,Someone,yes\nCal Ng,,maybe\n"


def test_read_csv_reports_bad_rows_by_number():
    sheet = read(CSV, "sheet.csv")
    assert [(r.row, r.name, r.organisation, r.signed_in) for r in sheet.rows] == [
        (2, "Aisha Khan", "Kursaal Hub", True),
        (3, "Bob Day", "", False),
    ]
    assert [(p.row, p.message) for p in sheet.problems] == [
        (4, "Enter a name."),
        (5, "signed_in must be yes or no, not 'maybe'."),
    ]


def test_read_xlsx():
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "signed_in"])
    sheet.append(["Dee Fox", "Yes"])
    sheet.append(["Eli Gray", None])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = read(buffer.getvalue(), "sheet.xlsx").rows
    assert [(r.name, r.signed_in) for r in rows] == [("Dee Fox", True), ("Eli Gray", False)]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [(b"", "a.csv", "empty"), (b"who,when\nA,B\n", "a.csv", "signed_in"), (b"not excel", "a.xlsx", "Excel")],
)
def test_unreadable_sheets(content, name, message):
    with pytest.raises(SheetError, match=message):
        read(content, name)


@pytest.fixture
def event(world):
    return actions.create_event(
        programme=world.programme,
        kind="listening-event",
        title="Listening event",
        when=date(2026, 10, 10),
        place="Kursaal community centre",
        capacity=60,
        by=world.analyst,
    )


def test_import_keeps_good_rows_and_audits_counts_not_names(world, event):
    result = actions.import_sign_in_sheet(event, CSV, "sheet.csv", by=world.analyst)
    assert (result.imported, len(result.problems)) == (2, 2)
    assert event.attendance.filter(signed_in=True).count() == 1
    details = AuditEvent.objects.get(action="delivery.sign_in_sheet_imported").details
    assert details == {"rows": 2, "problems": 2}


def test_pages_show_counts_under_disclosure_and_names_only_to_leads(world, event, client):
    lines = "name,signed_in\n" + "".join(f"Person {i},yes\n" for i in range(12))
    actions.import_sign_in_sheet(event, lines.encode(), "sheet.csv", by=world.analyst)
    client.force_login(world.decision_maker)
    listing = client.get(f"/delivery/{world.programme.slug}/events/").content.decode()
    assert "Attended </span>10<" in listing  # 12 rounded to the nearest 5
    detail = client.get(event.get_absolute_url()).content.decode()
    assert "Person 3" not in detail and "Person" not in listing
    client.force_login(world.analyst)
    assert "Person 3" in client.get(event.get_absolute_url()).content.decode()


def test_uploading_a_sheet_reports_row_errors(world, event, client):
    client.force_login(world.analyst)
    response = client.post(event.get_absolute_url(), {"file": SimpleUploadedFile("sheet.csv", CSV)})
    body = response.content.decode()
    assert "2 rows imported; 2 could not be" in body and "Row 5: signed_in must be yes or no" in body
    bad = client.post(event.get_absolute_url(), {"file": SimpleUploadedFile("sheet.pdf", b"%PDF")})
    assert bad.status_code == 400 and "CSV or Excel" in bad.content.decode()
    client.force_login(world.decision_maker)
    assert (
        client.post(event.get_absolute_url(), {"file": SimpleUploadedFile("s.csv", CSV)}).status_code == 404
    )
