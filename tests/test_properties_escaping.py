"""Bad input, as tests: hostile text on its way out of Stride, in every outgoing format.

Text emails carry it verbatim (plain text is not HTML) on one-line subjects, their HTML part
escapes it; CSV cells never start a spreadsheet formula and read back as written; a PDF prints
it as text (real WeasyPrint, read back with pypdf), never as markup.
"""

import csv
import io
import string
from pathlib import Path

from django.urls import reverse
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from clinic.csvsafe import FORMULA_STARTS, safe_cell, safe_writer
from documents import services as document_services
from documents.models import Document
from documents.tests.factories import pdf_text
from notifications.channels.email import build_templated_email
from patients.tests.factories import WalkLogFactory
from programs.tests.factories import assign_plan
from tests.properties import (
    HTML_PAYLOADS,
    PROPERTY_SETTINGS,
    SQL_FRAGMENTS,
    hostile_text,
    isolated,
    unescaped_payloads,
)

EMAILS = sorted(
    path.name.removesuffix("_subject.txt")
    for path in (Path(__file__).resolve().parents[1] / "templates" / "emails").glob("*_subject.txt")
)
# What a database text column holds: PostgreSQL refuses NUL in text.
stored_text = hostile_text.map(lambda v: v.replace("\x00", ""))


class _Anything:
    """Every attribute of every object in an email's context is the hostile text."""

    def __init__(self, value):
        self._value = value

    def __getattr__(self, name):
        return self._value

    def __str__(self):
        return self._value


class _EveryName(dict):
    def __init__(self, value):
        super().__init__()
        self._value = value

    def __contains__(self, key):
        return True

    def __getitem__(self, key):
        return _Anything(self._value)


# --- Email ---------------------------------------------------------------------------------


@settings(PROPERTY_SETTINGS, max_examples=100)  # no database: many examples are cheap
@given(template=st.sampled_from(EMAILS), value=hostile_text)
def test_an_email_carries_hostile_text_verbatim_in_text_and_escaped_in_html(template, value):
    message = build_templated_email(
        template=template, to=["x@example.org"], context=_EveryName(value)
    )

    assert "\n" not in message.subject and "\r" not in message.subject
    if value.strip():
        assert value in message.body  # plain text: not &lt; nor &amp;
    html = message.alternatives[0][0]
    assert not any(payload in html for payload in HTML_PAYLOADS), value
    message.message().as_bytes()  # the whole message still builds (headers included)


def test_every_email_template_is_covered():
    assert len(EMAILS) >= 5


# --- CSV -----------------------------------------------------------------------------------

cells = st.one_of(hostile_text, st.integers(), st.floats(allow_nan=False), st.none())


@settings(PROPERTY_SETTINGS, max_examples=100)
@given(rows=st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=5))
def test_a_csv_cell_never_starts_a_formula_and_reads_back_as_written(rows):
    out = io.StringIO()
    safe_writer(out).writerows(rows)

    back = list(csv.reader(io.StringIO(out.getvalue(), newline="")))

    assert len(back) == len(rows)
    for row, read in zip(rows, back, strict=True):
        assert len(read) == len(row)
        for cell, text in zip(row, read, strict=True):
            expected = "" if cell is None else str(safe_cell(cell))
            assert text == expected
            if isinstance(cell, str):
                assert not text.startswith(FORMULA_STARTS), cell


def test_a_patients_csv_export_keeps_hostile_notes_as_text(patient, client_for, db):
    client = client_for(patient.user)

    @PROPERTY_SETTINGS
    @given(note=stored_text.map(lambda v: v[:2000]))
    def example(note):
        with isolated():
            WalkLogFactory(patient=patient, note=note)
            response = client.get(reverse("patients:export-csv"))
            assert response.status_code == 200
            rows = list(csv.DictReader(io.StringIO(response.content.decode(), newline="")))
            assert [row["note"] for row in rows] == [safe_cell(note)]
            assert not rows[0]["note"].startswith(FORMULA_STARTS)

    example()


# --- HTML pages that show stored text ---------------------------------------------------------


def test_a_hostile_patient_name_and_note_are_escaped_on_every_page_that_shows_them(
    patient, therapist, client_for
):
    staff = client_for(therapist)

    @PROPERTY_SETTINGS
    @given(name=st.sampled_from(HTML_PAYLOADS), note=st.sampled_from(HTML_PAYLOADS))
    def example(name, note):
        with isolated():
            patient.full_name = name
            patient.save(update_fields=["full_name"])
            log = WalkLogFactory(patient=patient, note=note)
            for url in (
                reverse("dashboard:caseload"),
                reverse("patients:detail", args=[patient.pk]),
                reverse("patients:walklogs", args=[patient.pk]),
                reverse("patients:walklog-detail", args=[log.pk]),
            ):
                response = staff.get(url)
                assert response.status_code == 200, url
                assert unescaped_payloads(response) == [], url
                assert name not in response.content.decode(), url

    example()


# --- PDF -----------------------------------------------------------------------------------

# Printable text, so that what pypdf reads back can be compared with what went in.
printable = st.text(alphabet=string.ascii_letters + string.digits + " &<>\"'/=;", max_size=12)
pdf_text_values = st.tuples(st.sampled_from(HTML_PAYLOADS + SQL_FRAGMENTS), printable).map(
    lambda parts: f"{parts[0]} {parts[1]}".strip()
)


def test_a_handout_prints_hostile_names_as_text(patient, db):
    clinic = patient.clinic

    # A render takes seconds: a handful of examples, and a failure is reported as found.
    @settings(PROPERTY_SETTINGS, max_examples=4, phases=[Phase.generate])
    @given(name=pdf_text_values, clinic_name=pdf_text_values, contact=pdf_text_values)
    def example(name, clinic_name, contact):
        with isolated():
            patient.full_name = name
            patient.save(update_fields=["full_name"])
            clinic.name = clinic_name
            clinic.urgent_contact_text = contact
            clinic.save(update_fields=["name", "urgent_contact_text"])
            plan = assign_plan(patient)
            document = Document.objects.filter(plan=plan, kind="handout").latest("created_at")

            assert document_services.document_render_now(document.pk) == "ready"
            document.refresh_from_db()
            text = pdf_text(document.file.read())

            # pypdf may read a space into a run of glyphs ("</ b>"): compare without spaces.
            squeezed = "".join(text.split())
            for value in (name, clinic_name, contact):
                assert "".join(value.split()) in squeezed, (value, text[:400])

    example()
