"""Every CSV Stride writes escapes cells a spreadsheet would run as a formula (cells that
start with =, +, -, @, a tab or a carriage return): one writer, clinic.csvsafe."""

import csv
import io

import pytest
from django.urls import reverse

from clinic.csvsafe import safe_cell, safe_writer
from clinic.tests.factories import StaffFactory


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=cmd|'/C calc'!A0", "'=cmd|'/C calc'!A0"),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcell", "'\tcell"),
        ("\rcell", "'\rcell"),
        ("plain", "plain"),
        ("", ""),
        (7, 7),
        (-2, -2),  # numbers are numbers, not text a spreadsheet evaluates
        (None, None),
    ],
)
def test_cells_that_would_run_as_formulas_are_escaped(value, written):
    assert safe_cell(value) == written


def test_the_writer_escapes_every_cell():
    out = io.StringIO()
    safe_writer(out).writerow(["=1+1", "ok"])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'=1+1", "ok"]


def test_the_audit_export_does_not_write_a_formula_from_an_actor_email(
    clinic, admin_user, client_for
):
    # Defect seen: the audit export wrote actor emails raw.
    hostile = StaffFactory(clinic=clinic, email="=cmd|'/C calc'!A0@evil.example")
    client_for(hostile).get(reverse("dashboard:caseload"))  # writes an audit event

    response = client_for(admin_user).get(reverse("clinic:audit-export"))
    text = b"".join(response.streaming_content).decode()

    rows = list(csv.reader(io.StringIO(text)))
    actors = {row[1] for row in rows[1:]}
    assert "'=cmd|'/C calc'!A0@evil.example" in actors
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_the_walk_log_export_does_not_write_a_formula_from_a_note(patient, client_for):
    from patients.tests.factories import WalkLogFactory

    WalkLogFactory(patient=patient, note='=HYPERLINK("http://evil.example","open")')

    response = client_for(patient.user).get(reverse("patients:export-csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert not any(cell.startswith("=") for row in rows for cell in row)
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
